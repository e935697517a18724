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


def test_both_parts_have_the_dyadic_sandwich_of_a_double_loop_over_pairs_sharing_a_city():
    # Old behaviour: both parts clustered by relationship only.
    from scipy.special import expit, gammaln

    from analysis.models.power import simulate_activity_panel
    from tests.unit.models.conftest import brute_force_dyadic_se, numerical_scores_and_bread

    df = _hurdle_panel(simulate_activity_panel(80, 6, seed=7), seed=2)
    r = event_hurdle(df)
    assert r.numbers["se_type"] == "dyadic" and "NB2" in r.fit and not r.numbers["descriptive"]
    t = r.table.set_index("term")
    names = ["Intercept", *ACTIVITY_TERMS]
    X = design_matrix(df, ACTIVITY_TERMS).to_numpy()
    y = df["events"].to_numpy(float)
    pos = y > 0

    def any_ll(b):
        eta = X @ b
        return (y > 0) * eta - np.logaddexp(0, eta)

    def count_ll(params):
        b, alpha = params[:-1], params[-1]
        mu, rr, yp = np.exp(X[pos] @ b), 1 / alpha, y[pos]
        nb = (gammaln(yp + rr) - gammaln(rr) - gammaln(yp + 1) - rr * np.log1p(alpha * mu)
              + yp * (np.log(alpha * mu) - np.log1p(alpha * mu)))
        return nb - np.log1p(-(1 + alpha * mu) ** (-rr))

    b_any = t.loc[["any:" + n for n in names], "estimate"].to_numpy()
    p = expit(X @ b_any)
    s_any = ((y > 0) - p)[:, None] * X  # closed-form logit scores and information
    want_any = brute_force_dyadic_se(s_any, np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None])), df["city_a"], df["city_b"])
    assert np.allclose(t.loc[["any:" + n for n in names], "se"], want_any, rtol=1e-6)
    count_names = ["count:" + n for n in names] + ["count:alpha"]
    s, bread_inv = numerical_scores_and_bread(count_ll, t.loc[count_names, "estimate"].to_numpy())
    want_count = brute_force_dyadic_se(s, bread_inv, df.loc[pos, "city_a"], df.loc[pos, "city_b"])
    assert np.allclose(t.loc[count_names, "se"], want_count, rtol=1e-4)
    assert t.loc[["any:" + n for n in names] + count_names, "se_cluster"].notna().all()
    assert not np.allclose(t.loc[count_names, "se"], t.loc[count_names, "se_cluster"], rtol=1e-3)
    assert set(r.numbers["terms_cluster"]) >= set(count_names)
