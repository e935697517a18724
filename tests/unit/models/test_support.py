from analysis.models.dynamic import activity_logit
from analysis.models.registry import fit_all
from analysis.models.support import support_summary


def test_support_summary_says_what_the_data_cannot_support(tiny, panel):
    small = fit_all(tiny, None)
    text = support_summary(tiny, small)
    assert "**Cannot support:**" in text and "reported_status" in text
    assert f"{len(tiny)} relationship-years" in text
    big = {"activity_logit": activity_logit(panel)}
    assert "**Can support:**" in support_summary(panel, big) and "Cannot" not in support_summary(panel, big)


def test_support_summary_names_a_model_that_was_not_fitted(panel):
    results = {"activity_logit": activity_logit(panel.drop(columns=["exchange_lag"]))}
    text = support_summary(panel, results)
    assert "- **activity_logit**: not fitted — activity_logit could not be fitted" in text
    assert "**Cannot support:**" in text


def test_support_summary_lists_a_descriptive_model_among_the_small_sample_problems(panel):
    from analysis.models.within import within_relationship

    text = support_summary(panel, {"within_relationship": within_relationship(panel)})
    assert "descriptive only (no standard errors, intervals or p-values)" in text
    assert "Models with small-sample problems: within_relationship." in text
