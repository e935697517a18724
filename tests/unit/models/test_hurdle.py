import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from analysis.models.hurdle import event_hurdle, fit_zero_truncated_nb
from analysis.models.result import ACTIVITY_TERMS, design_matrix

TRUE_COUNT = np.array([0.3, 0.3, 0.2, 0.2, -0.1, 0.0, 0.3])  # intercept and ACTIVITY_TERMS
TRUE_ALPHA = 1.5


def _hurdle_panel(panel, seed=0):
    """The simulator's active years keep their drivers; how many events an active year has is drawn
    from an NB2 (alpha 1.5) with the planted rates, redrawn until positive (a zero-truncated NB2)."""
    rng = np.random.default_rng(seed)
    df = panel.dropna(subset=ACTIVITY_TERMS).reset_index(drop=True)
    mu = np.exp(design_matrix(df, ACTIVITY_TERMS).to_numpy() @ TRUE_COUNT)
    y = np.zeros(len(df), dtype=int)
    todo = df["events"].to_numpy() > 0
    while todo.any():
        draw = rng.negative_binomial(1 / TRUE_ALPHA, 1 / (1 + TRUE_ALPHA * mu[todo]))
        idx = np.flatnonzero(todo)
        y[idx[draw > 0]] = draw[draw > 0]
        todo[idx[draw > 0]] = False
    return df.assign(events=y)


def _brute_loglik(params, y, X):
    """log NB2(y) - log(1 - NB2(0)), term by term from scipy's negative binomial pmf."""
    b, alpha = params[:-1], params[-1]
    mu = np.exp(X @ b)
    n, p = 1 / alpha, 1 / (1 + alpha * mu)
    return float(np.sum(stats.nbinom.logpmf(y, n, p) - np.log1p(-stats.nbinom.pmf(0, n, p))))


def test_zero_truncated_nb_likelihood_matches_brute_force(panel):
    df = _hurdle_panel(panel)
    pos = df[df["events"] > 0]
    X = design_matrix(pos, ACTIVITY_TERMS)
    y = pos["events"].to_numpy()
    res, fit = fit_zero_truncated_nb(y, X, pd.factorize(pos["relationship_id"])[0])
    assert "NB2" in fit
    assert res.llf == pytest.approx(_brute_loglik(res.params.to_numpy(), y, X.to_numpy()), abs=1e-8)
    # The brute-force likelihood maximised on its own lands on the same estimates.
    start = res.params.to_numpy() + 0.05
    direct = optimize.minimize(lambda t: -_brute_loglik(np.r_[t[:-1], np.exp(t[-1])], y, X.to_numpy()),
                               np.r_[start[:-1], np.log(start[-1])], method="BFGS", options={"gtol": 1e-8})
    assert np.allclose(np.r_[direct.x[:-1], np.exp(direct.x[-1])], res.params.to_numpy(), atol=1e-3)


def test_event_hurdle_recovers_the_count_part_and_the_any_event_logit(panel):
    r = event_hurdle(_hurdle_panel(panel, seed=1))
    t = r.table.set_index("term")
    assert r.ok and "zero-truncated NB2" in r.fit and not r.numbers["descriptive"]
    names = ["Intercept"] + ACTIVITY_TERMS
    est = t.loc[["count:" + n for n in names], "estimate"].to_numpy()
    se = t.loc[["count:" + n for n in names], "se"].to_numpy()
    assert np.all(np.abs(est - TRUE_COUNT) < 3.5 * se)
    assert abs(r.numbers["alpha"] - TRUE_ALPHA) < 3.5 * t.loc["count:alpha", "se"]
    # The any-event part is the logit of an active year: the simulator's planted log-odds.
    assert t.loc["any:leader_visit_lag", "ci_low"] < 1.0 < t.loc["any:leader_visit_lag", "ci_high"]
    assert t.loc["any:leader_visit_lag", "label"] == "any event: top-leader visit last year"
    assert np.isnan(t.loc["count:alpha", "ratio"]) and set(t["part"]) == {"any event", "how many"}


def test_event_hurdle_with_few_relationships_is_descriptive(panel):
    rids = panel["relationship_id"].unique()
    df = panel.copy()
    df.loc[~df["relationship_id"].isin(rids[:10]), "events"] = 0
    r = event_hurdle(df)
    assert r.numbers["descriptive"] and r.table["p"].isna().all() and r.table["ci_low"].isna().all()
    assert r.table["note"].str.contains("Descriptive only").all()


def test_event_hurdle_without_events_says_so(panel):
    r = event_hurdle(panel.assign(events=0))
    assert not r.ok and "no usable rows with events" in r.warnings[0]
