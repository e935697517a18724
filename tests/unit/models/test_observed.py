"""Models use observed relationship-years only and say how many were left out (issue 10)."""

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.models.observed import observed_rows
from analysis.models.registry import REGISTRY, fit_all
from analysis.models.survival import dormancy_spells
from analysis.models.transitions import transitions
from tests.unit.models.conftest import spell_panel


def hide_years(panel: pd.DataFrame, seed: int = 2) -> pd.DataFrame:
    """A panel whose relationships were each watched for a random window, built like the panel builder:
    outcome and counts missing in unobserved years, lags missing when the previous year was not observed."""
    rng = np.random.default_rng(seed)
    out = panel.sort_values(["relationship_id", "year"]).reset_index(drop=True)
    first = out.groupby("relationship_id")["year"].transform("min")
    span = out.groupby("relationship_id")["year"].transform("max") - first
    start = out["relationship_id"].map({r: int(rng.integers(0, 3)) for r in out["relationship_id"].unique()})
    seen = (out["year"] - first >= start) | (out["events"] > 0) if "events" in out else out["year"] - first >= start
    seen &= span >= 0
    out["observed"] = seen.astype("int64")
    prev_seen = out.groupby("relationship_id")["observed"].shift().fillna(1).astype(bool)
    for c in ("active", "events", "leader_visit", "cooperation", "exchange_count"):
        if c in out:
            out[c] = out[c].astype("Int64").where(seen)
    for c in ("leader_visit_lag", "exchange_lag", "cooperation_lag", "active_lag"):
        if c in out:
            out[c] = out[c].where(seen & prev_seen)
    return out


def test_observed_rows_counts_what_is_left_out():
    panel = pd.DataFrame({"relationship_id": ["a"] * 5 + ["b"] * 2, "year": [1, 2, 3, 4, 5, 1, 2],
                          "observed": [1, 0, 0, 1, 1, 0, 1],
                          "active": pd.array([1, None, None, 0, 1, None, 1], dtype="Int64"),
                          "dormant": pd.array([0, None, None, None, 0, None, 0], dtype="Int64")})
    rows, obs = observed_rows(panel)
    assert (obs.n_rows, obs.n_unobserved, obs.n_lag_unobserved) == (7, 3, 2)
    assert rows["active"].dtype == "int64" and rows["dormant"].dtype == "float64" and len(rows) == 4
    assert "3 of 7 relationship-years were not observed" in obs.note()
    rows, obs = observed_rows(panel.drop(columns="observed"))
    assert obs.n_unobserved == 0 and obs.note() == "" and len(rows) == 7


def test_every_model_reports_the_unobserved_and_fits_on_observed_rows(panel):
    hidden = hide_years(panel)
    n_unobserved = int((hidden["observed"] == 0).sum())
    assert n_unobserved > 100
    results = fit_all(hidden, None, dormancy_years=2, seed=1)
    for name in REGISTRY:
        r = results[name]
        assert r.numbers["n_unobserved"] == n_unobserved, name
        if r.ok:
            assert r.table["note"].str.contains(f"{n_unobserved} of {len(hidden)} relationship-years were not observed").all(), name
    # the pooled logit is the plain logit on observed rows with observed lags (an independent route)
    terms = ["leader_visit_lag", "exchange_lag", "cooperation_lag", "log_distance", "age", "international"]
    used = hidden[hidden["observed"] == 1].dropna(subset=terms + ["active"])
    X = sm.add_constant(used[terms].astype(float))
    ref = sm.Logit(used["active"].astype(float), X).fit(disp=0)
    pooled = results["activity_logit_pooled"]
    assert pooled.numbers["n_obs"] == len(used)
    got = {t: v["coef"] for t, v in pooled.numbers["terms"].items()}
    for t in terms:
        assert abs(got[t] - ref.params[t]) < 1e-4, t
    # without an observed column nothing is left out and the count is 0
    assert fit_all(panel, None, dormancy_years=2, seed=1)["event_counts"].numbers["n_unobserved"] == 0


def test_a_silence_cut_short_by_an_unwatched_year_is_unknown_not_dormant():
    # a: active in 2010, silent 2011-2012, 2013 unwatched, silent 2014-2017
    p = spell_panel({"a": [1, 0, 0, 0, 0, 0, 0, 0], "b": [1, 1, 0, 0, 0, 1, 1, 1]})
    p["observed"] = 1
    p.loc[(p["relationship_id"] == "a") & (p["year"] == 2013), "observed"] = 0
    p.loc[(p["relationship_id"] == "b") & (p["year"] == 2016), "observed"] = 0
    p.loc[p["observed"] == 0, "events"] = np.nan
    everything = dormancy_spells(p.assign(observed=1, events=p["events"].fillna(0)), dormancy_years=3)
    watched = dormancy_spells(p, dormancy_years=3)
    a_all, a_seen = everything[everything["relationship_id"] == "a"], watched[watched["relationship_id"] == "a"]
    # treating 2013 as silent dates an onset to 2011; watched years only, the run 2011-2012 is cut short: censored
    assert a_all[["year", "dormancy"]].values.tolist() == [[2010, 0], [2011, 1]]
    assert a_seen[["year", "dormancy"]].values.tolist() == [[2010, 0]]
    # b: silent 2012-2014 is an onset with every year watched; the gap in 2016 comes after it
    b_seen = watched[watched["relationship_id"] == "b"]
    assert b_seen[["year", "dormancy"]].values.tolist() == [[2010, 0], [2011, 0], [2012, 1]]


def test_transitions_pair_only_consecutive_observed_years():
    p = pd.DataFrame({"relationship_id": ["a"] * 4, "year": [2010, 2011, 2013, 2014], "active": [1, 0, 1, 1]})
    t = transitions(p, n_boot=20).table.set_index("term")
    # 2011 -> 2013 skips the unobserved 2012: two transitions, not three
    assert int(t["count"].sum()) == 2 and t.loc["active -> inactive", "count"] == 1 and t.loc["active -> active", "count"] == 1
