import numpy as np
import pandas as pd
import pytest

from analysis.models.counts import event_counts


def test_event_counts_gives_irrs_and_overdispersion(panel):
    r = event_counts(panel)
    assert r.ok and "negative binomial" in r.fit
    t = r.table.set_index("term")
    assert np.isnan(t.loc["alpha", "ratio"]) and t.loc["alpha", "estimate"] > 0
    assert t.loc["leader_visit_lag", "ratio"] == pytest.approx(np.exp(t.loc["leader_visit_lag", "estimate"]))
    assert t.loc["leader_visit_lag", "ratio"] > 1


def test_event_counts_drops_a_term_with_infinite_estimate(panel):
    df = panel.copy()
    df.loc[df["cooperation_lag"] == 1, "events"] = 0
    r = event_counts(df)
    row = r.table.set_index("term").loc["cooperation_lag"]
    assert np.isnan(row["estimate"]) and "infinite" in row["note"]


def test_event_counts_never_crash_and_say_why(panel):
    r = event_counts(panel.assign(events="many"))
    assert not r.ok and "could not be fitted" in r.warnings[0]
    assert r.numbers["fitted"] is False and r.numbers["terms"] == {}


def test_fewer_than_20_relationships_with_events_make_the_counts_descriptive(panel):
    # Old behaviour: cluster-robust p-values and intervals from however few clusters.
    rids = panel["relationship_id"].unique()
    for n_with_events, descriptive in ((12, True), (60, False)):
        df = panel.copy()
        df.loc[~df["relationship_id"].isin(rids[:n_with_events]), "events"] = 0
        r = event_counts(df)
        t = r.table.dropna(subset=["estimate"])
        assert r.numbers["n_relationships_with_events"] <= n_with_events
        assert r.numbers["descriptive"] is descriptive
        assert bool(t["p"].isna().all()) is descriptive and bool(t["ci_low"].isna().all()) is descriptive
        assert bool(r.table["note"].str.contains("Descriptive only").all()) is descriptive


def test_large_overdispersion_is_warned(panel):
    rng = np.random.default_rng(1)
    alpha, mu = 20.0, 1.0  # NB2 counts with variance mu + alpha mu^2: mostly zeros, a few large counts
    df = panel.assign(events=rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu), len(panel)))
    r = event_counts(df)
    assert r.numbers["alpha"] > 10
    assert any("overdispersion is very large" in w for w in r.warnings)
    assert not any("overdispersion is very large" in w for w in event_counts(panel).warnings)


def _nb2_loglik_obs(y, X):
    """log NB2(y; mu = exp(Xb), alpha) per observation, written out with log-gamma functions."""
    from scipy.special import gammaln

    def ll(params):
        b, alpha = params[:-1], params[-1]
        mu, r = np.exp(X @ b), 1 / params[-1]
        return (gammaln(y + r) - gammaln(r) - gammaln(y + 1) - r * np.log1p(alpha * mu)
                + y * (np.log(alpha * mu) - np.log1p(alpha * mu)))

    return ll


def test_event_counts_se_is_the_dyadic_sandwich_of_a_double_loop_over_pairs_sharing_a_city():
    # Old behaviour: se clustered by relationship only, no se_type.
    import statsmodels.api as sm

    from analysis.models.power import simulate_activity_panel
    from analysis.models.result import ACTIVITY_TERMS, design_matrix
    from tests.unit.models.conftest import brute_force_dyadic_se, numerical_scores_and_bread

    small = simulate_activity_panel(60, 6, seed=5)
    r = event_counts(small)
    assert r.numbers["se_type"] == "dyadic" and "dyadic-robust" in r.fit and not r.numbers["descriptive"]
    t = r.table.set_index("term")
    df = small.dropna(subset=ACTIVITY_TERMS).reset_index(drop=True)
    X = design_matrix(df, ACTIVITY_TERMS).to_numpy()
    y = df["events"].to_numpy(float)
    names = ["Intercept", *ACTIVITY_TERMS, "alpha"]
    s, bread_inv = numerical_scores_and_bread(_nb2_loglik_obs(y, X), t.loc[names, "estimate"].to_numpy())
    assert np.allclose(s.sum(0), 0, atol=1e-2)  # the reported estimates maximise the written-out likelihood
    want = brute_force_dyadic_se(s, bread_inv, df["city_a"], df["city_b"])
    assert np.allclose(t.loc[names, "se"], want, rtol=1e-4)
    # se_cluster: statsmodels' relationship-clustered NB2, independently refitted
    nb = sm.NegativeBinomial(y, design_matrix(df, ACTIVITY_TERMS), loglike_method="nb2").fit(
        disp=0, maxiter=500, cov_type="cluster", cov_kwds={"groups": pd.factorize(df["relationship_id"])[0]})
    assert np.allclose(t.loc[names, "se_cluster"], nb.bse.to_numpy(), rtol=1e-4)
    assert not np.allclose(t.loc[names, "se"], t.loc[names, "se_cluster"], rtol=1e-3)
    assert set(r.numbers["terms_cluster"]) == set(names)


def test_event_counts_without_cities_clusters_by_relationship(panel):
    r = event_counts(panel.drop(columns=["city_a", "city_b"]))
    t = r.table.dropna(subset=["estimate"])
    assert r.numbers["se_type"] == "cluster" and np.allclose(t["se"], t["se_cluster"])
    assert any("lacks city_a/city_b" in w for w in r.warnings)
