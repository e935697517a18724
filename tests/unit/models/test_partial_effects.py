"""Average partial effects and their delta-method SEs against statsmodels' get_margeff."""

import numpy as np
import statsmodels.api as sm

from analysis.models.partial_effects import average_partial_effects
from analysis.models.result import ACTIVITY_TERMS, design_matrix


def test_ape_matches_statsmodels_margeff_with_discrete_changes_for_dummies(panel):
    df = panel.dropna(subset=ACTIVITY_TERMS)
    X = design_matrix(df, ACTIVITY_TERMS)
    res = sm.Logit(df["active"].to_numpy(float), X).fit(disp=0)
    ours = average_partial_effects(X, res.params.to_numpy(), np.asarray(res.cov_params()), 0.95).set_index("term")
    mfx = res.get_margeff(at="overall", method="dydx", dummy=True)
    assert np.allclose(ours["ape"], mfx.margeff, atol=1e-7)
    assert np.allclose(ours["ape_se"], mfx.margeff_se, rtol=1e-4)
    assert np.allclose(ours["ape_ci_high"] - ours["ape_ci_low"], 2 * 1.959964 * ours["ape_se"], rtol=1e-5)



def test_reported_status_reports_partial_effects_beside_its_odds_ratios(panel):
    import pandas as pd

    from analysis.models.status import reported_status
    ids = panel["relationship_id"].unique()
    statuses = np.random.default_rng(0).choice(["active", "dormant"], size=len(ids))
    r = reported_status(panel, pd.DataFrame({"relationship_id": ids, "status": statuses, "status_as_of": None}))
    assert r.ok
    slopes = r.table[r.table["term"] != "Intercept"]
    assert slopes[["ape", "ape_se", "ape_ci_low", "ape_ci_high"]].notna().all().all()
    assert set(r.numbers["ape"]) == set(slopes["term"])
