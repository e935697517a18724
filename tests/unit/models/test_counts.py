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
