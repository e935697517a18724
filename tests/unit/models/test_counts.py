import numpy as np
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
