import numpy as np
import pytest
import statsmodels.api as sm

from analysis.models.firth import penalised_logit


def table_design(a, b, c, d):
    """Rows of a 2x2 table: x=1 with a events / b non-events, x=0 with c / d."""
    x = np.r_[np.ones(a + b), np.zeros(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    return y, np.column_stack([np.ones_like(x), x])


@pytest.mark.parametrize("cells", [(5, 3, 2, 6), (4, 0, 3, 5), (7, 2, 0, 9)])
def test_firth_on_a_2x2_table_adds_one_half_to_each_cell(cells):
    # Known result: for a saturated 2x2 logit, Firth's estimate is the log odds ratio of
    # the table with 0.5 added to every cell, finite even with an empty cell.
    a, b, c, d = cells
    y, X = table_design(a, b, c, d)
    fit = penalised_logit(y, X, "firth")
    expected = np.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5)))
    assert fit.converged
    assert fit.params[1] == pytest.approx(expected, abs=1e-6)
    assert np.all(np.isfinite(fit.bse))


def test_firth_is_close_to_maximum_likelihood_in_large_samples():
    rng = np.random.default_rng(5)
    X = sm.add_constant(rng.normal(size=(4000, 2)))
    y = (rng.random(4000) < 1 / (1 + np.exp(-X @ [0.3, 0.8, -0.5]))).astype(float)
    mle = sm.Logit(y, X).fit(disp=0)
    fit = penalised_logit(y, X, "firth")
    assert np.allclose(fit.params, mle.params, atol=0.01)
    assert np.allclose(fit.bse, mle.bse, rtol=0.02)
    lo, hi = fit.conf_int(0.95).T
    assert np.all(lo < fit.params) and np.all(fit.params < hi)


def test_l2_shrinks_slopes_but_not_the_intercept():
    y, X = table_design(6, 2, 2, 6)
    mle = sm.Logit(y, X).fit(disp=0)
    ridge = penalised_logit(y, X, "l2", alpha=1.0)
    assert ridge.converged
    assert 0 < ridge.params[1] < mle.params[1]
    only_intercept = penalised_logit(y, X[:, :1], "l2", alpha=5.0)
    assert only_intercept.params[0] == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-6)


def test_unknown_penalty_is_refused():
    y, X = table_design(2, 2, 2, 2)
    with pytest.raises(ValueError, match="firth"):
        penalised_logit(y, X, "lasso")


def _brute_profile(y, X, value):
    """Penalised log-likelihood l(b) + 1/2 log|X'WX| written from its definition, maximised over
    the intercept by a scalar search with the slope held at ``value``."""
    from scipy import optimize

    def pl(b0):
        eta = b0 + X[:, 1] * value
        p = 1 / (1 + np.exp(-eta))
        ll = np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
        return ll + 0.5 * np.linalg.slogdet((X * (p * (1 - p))[:, None]).T @ X)[1]

    return -optimize.minimize_scalar(lambda b0: -pl(b0), bounds=(-30, 30), method="bounded",
                                     options={"xatol": 1e-10}).fun


@pytest.mark.parametrize("cells", [(5, 3, 2, 6), (4, 0, 3, 5)])
def test_profile_intervals_and_lr_pvalues_match_a_brute_force_profile(cells):
    from scipy import optimize, stats

    from analysis.models.firth import profile_inference

    y, X = table_design(*cells)
    fit = penalised_logit(y, X, "firth")
    ci, p = profile_inference(y, X, fit, 0.95)
    top = _brute_profile(y, X, fit.params[1])
    assert top == pytest.approx(fit.penalised_loglik, abs=1e-7)
    lr = 2 * (top - _brute_profile(y, X, 0.0))
    assert p[1] == pytest.approx(stats.chi2.sf(lr, 1), abs=1e-6)
    crit = stats.chi2.ppf(0.95, 1)
    dev = lambda c: 2 * (top - _brute_profile(y, X, c)) - crit  # noqa: E731
    lo = optimize.brentq(dev, fit.params[1] - 20, fit.params[1])
    hi = optimize.brentq(dev, fit.params[1], fit.params[1] + 20)
    assert ci[1] == pytest.approx([lo, hi], abs=1e-5)
    # The profile interval is not the Wald one: asymmetric around the estimate near separation.
    assert lo < fit.params[1] < hi
    if 0 in cells:
        wald = fit.conf_int(0.95)[1]
        assert abs((hi - fit.params[1]) - (fit.params[1] - lo)) > 0.1 and not np.allclose(wald, [lo, hi], atol=0.05)


def test_firth_fallback_of_fit_binary_reports_profile_intervals_and_lr_pvalues():
    import pandas as pd

    from analysis.models.binary import fit_binary
    from analysis.models.firth import profile_inference
    from analysis.models.result import tidy_table

    y, X = table_design(4, 0, 3, 5)  # quasi-separated: the Firth fallback is used
    Xd = pd.DataFrame(X, columns=["Intercept", "x"])
    fit = fit_binary(y, Xd, "HC1", None, "HC1", 10, "firth", 0.95)
    assert fit.penalised and "profile-likelihood CIs, likelihood-ratio p-values" in fit.fit
    ci, p = profile_inference(y, X, penalised_logit(y, X, "firth"), 0.95)
    assert np.allclose(fit.ci, ci) and np.allclose(fit.p, p)
    # Wald would be symmetric; the table carries the profile interval instead.
    t = tidy_table("m", fit.terms, fit.params, fit.se, fit.p, 0.95, len(y), len(y), fit.fit, fit.warnings,
                   ci=fit.ci).set_index("term")
    assert t.loc["x", "ci_low"] == pytest.approx(ci[1, 0]) and t.loc["x", "ratio_ci_high"] == pytest.approx(np.exp(ci[1, 1]))
    assert t.loc["x", "ci_high"] - t.loc["x", "estimate"] != pytest.approx(t.loc["x", "estimate"] - t.loc["x", "ci_low"])
    wald = fit_binary(y, Xd, "HC1", None, "HC1", 10, "firth", 0.95, profile=False)
    assert wald.ci is None and "Wald" in wald.fit
