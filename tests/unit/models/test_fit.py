import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.models import fit as models
from analysis.models.power import DEFAULT_EFFECTS, simulate_activity_panel

NUMBER_KEYS = {"coef", "se", "ci_low", "ci_high", "p"}


@pytest.fixture(scope="module")
def panel():
    return simulate_activity_panel(400, 8, seed=11)


@pytest.fixture(scope="module")
def tiny():
    return simulate_activity_panel(12, 5, seed=3)


def assert_every_row_carries_the_warnings(result):
    for w in result.warnings:
        assert result.table["note"].str.contains(w, regex=False).all(), w


def test_activity_logit_table_and_numbers(panel):
    r = models.activity_logit(panel)
    assert r.ok and r.warnings == []
    assert list(r.table.columns[: len(models.TABLE_COLUMNS)]) == models.TABLE_COLUMNS
    assert list(r.table["term"]) == ["Intercept"] + models.ACTIVITY_TERMS
    assert r.fit == "logit, cluster-robust by relationship"
    t = r.table.set_index("term")
    assert np.allclose(t["ratio"], np.exp(t["estimate"]))
    assert (t["ci_low"] < t["estimate"]).all() and (t["estimate"] < t["ci_high"]).all()
    # two-way clustered robustness columns exist and differ from the one-way SEs
    assert t["se_twoway"].notna().all() and not np.allclose(t["se_twoway"], t["se"])
    lv = r.numbers["terms"]["leader_visit_lag"]
    assert set(lv) == NUMBER_KEYS
    assert lv["coef"] == pytest.approx(t.loc["leader_visit_lag", "estimate"])
    usable = panel.dropna(subset=models.ACTIVITY_TERMS)
    assert r.numbers["n_obs"] == len(usable) and r.numbers["n_relationships"] == 400
    assert abs(lv["coef"] - DEFAULT_EFFECTS["leader_visit_lag"]) < 4 * lv["se"]


def test_ci_level_changes_interval_width(panel):
    w95 = models.activity_logit(panel, ci_level=0.95).table.eval("ci_high - ci_low")
    w80 = models.activity_logit(panel, ci_level=0.80).table.eval("ci_high - ci_low")
    assert (w80 < w95).all()


def test_year_effects_add_year_terms(panel):
    r = models.activity_logit(panel, year_effects=True)
    years = sorted(panel["year"].unique())
    # first year has no lags, the second is the reference
    assert [t for t in r.table["term"] if t.startswith("year[")] == [f"year[{y}]" for y in years[2:]]
    assert r.numbers["year_effects"] is True


def test_tiny_panel_falls_back_to_firth_with_warnings(tiny):
    r = models.activity_logit(tiny)
    assert r.ok
    assert "Firth" in r.fit
    text = " ".join(r.warnings)
    assert "Too few events per parameter" in text and "Only 12 relationships" in text
    assert r.numbers["penalised"] is True
    assert_every_row_carries_the_warnings(r)
    assert np.isfinite(r.table["estimate"]).all()


def test_l2_penalty_is_used_when_asked(tiny):
    r = models.activity_logit(tiny, penalty="l2")
    assert "L2" in r.fit and "L2" in " ".join(r.warnings)


def test_separation_is_flagged_on_the_term(panel):
    df = panel.copy()
    df.loc[df["leader_visit_lag"] == 1, "active"] = 1  # every year after a top visit is active
    r = models.activity_logit(df)
    assert r.numbers["separation"] in ("quasi", "complete")
    assert "Firth" in r.fit
    row = r.table.set_index("term").loc["leader_visit_lag"]
    assert "separated" in row["note"] and np.isfinite(row["estimate"])
    assert "separation" in " ".join(r.warnings).lower()


def test_constant_term_is_dropped_with_a_note(panel):
    df = panel.assign(international=0)
    r = models.activity_logit(df)
    row = r.table.set_index("term").loc["international"]
    assert np.isnan(row["estimate"]) and "not estimated" in row["note"]
    assert "international" not in r.numbers["terms"]
    assert "'international' cannot be estimated" in " ".join(r.warnings)


def test_models_never_crash_and_say_why(panel):
    r = models.activity_logit(panel.drop(columns=["exchange_lag"]))
    assert not r.ok and "exchange_lag" in r.warnings[0]
    r = models.activity_logit(panel.assign(active=1))
    assert not r.ok and "single value" in r.warnings[0]
    r = models.event_counts(panel.assign(events="many"))
    assert not r.ok and "could not be fitted" in r.warnings[0]
    assert r.numbers["fitted"] is False and r.numbers["terms"] == {}


def test_event_counts_gives_irrs_and_overdispersion(panel):
    r = models.event_counts(panel)
    assert r.ok and "negative binomial" in r.fit
    t = r.table.set_index("term")
    assert np.isnan(t.loc["alpha", "ratio"]) and t.loc["alpha", "estimate"] > 0
    assert t.loc["leader_visit_lag", "ratio"] == pytest.approx(np.exp(t.loc["leader_visit_lag", "estimate"]))
    assert t.loc["leader_visit_lag", "ratio"] > 1


def test_event_counts_drops_a_term_with_infinite_estimate(panel):
    df = panel.copy()
    df.loc[df["cooperation_lag"] == 1, "events"] = 0
    r = models.event_counts(df)
    row = r.table.set_index("term").loc["cooperation_lag"]
    assert np.isnan(row["estimate"]) and "infinite" in row["note"]


def spell_panel(events_by_rel):
    rows = []
    for rid, events in events_by_rel.items():
        for i, e in enumerate(events):
            rows.append(dict(relationship_id=rid, year=2010 + i, events=e, age=i))
    return pd.DataFrame(rows)


def test_dormancy_spells_onset_censoring_and_risk_set():
    p = spell_panel({"A": [1, 0, 0, 0, 1], "B": [1, 0, 0], "C": [1, 0, 1, 0, 0, 0], "D": [2, 1, 1]})
    s = models.dormancy_spells(p, dormancy_years=3)
    got = {rid: list(zip(g["year"] - 2010, g["dormancy"])) for rid, g in s.groupby("relationship_id")}
    assert got["A"] == [(0, 0), (1, 1)]  # silence of 3 years starts in year 1
    assert got["B"] == [(0, 0)]  # a 2-year silence at the end: unknown, censored before it
    assert got["C"] == [(0, 0), (1, 0), (3, 1)]  # year 2 follows a silent year: not at risk
    assert got["D"] == [(0, 0), (1, 0), (2, 0)]
    assert (s["exit"] - s["entry"] == 1).all()


def test_time_to_dormancy_hazard_ratios(panel):
    r = models.time_to_dormancy(panel, dormancy_years=3)
    assert r.ok and "PHReg" in r.fit
    t = r.table.set_index("term")
    assert "age" not in t.index  # age is the time scale
    assert np.allclose(t["ratio"], np.exp(t["estimate"]))
    assert t.loc["leader_visit_lag", "ratio"] < 1  # leader visits delay dormancy in the simulation
    assert r.numbers["n_events"] > 0 and r.numbers["dormancy_years"] == 3


def test_time_to_dormancy_without_any_dormancy_says_so(panel):
    r = models.time_to_dormancy(panel.assign(events=1))
    assert not r.ok and "no relationship falls dormant" in r.warnings[0]


def test_within_relationship_names_identifying_relationships(panel):
    df = panel.copy()
    always = df["relationship_id"].isin(df["relationship_id"].unique()[:5])
    df.loc[always, "active"] = 1
    r = models.within_relationship(df, terms=models.DRIVERS + ["log_distance"])
    assert r.ok
    n_switch = int(df.dropna(subset=models.DRIVERS).groupby("relationship_id")["active"].nunique().gt(1).sum())
    assert r.warnings[0].startswith(f"Identified by {n_switch} of 400 relationships")
    assert r.numbers["n_relationships"] == n_switch
    row = r.table.set_index("term").loc["log_distance"]
    assert np.isnan(row["estimate"]) and "does not vary within" in row["note"]
    assert r.table.set_index("term").loc["leader_visit_lag", "estimate"] > 0


def test_transitions_match_counts_and_wilson():
    p = spell_panel({"A": [1, 1, 0, 0, 1], "B": [0, 1, 1, 1, 0]}).assign(active=lambda d: (d["events"] > 0).astype(int))
    r = models.transitions(p, seed=4, n_boot=200)
    t = r.table.set_index("term")
    # A: 1->1, 1->0, 0->0, 0->1 ; B: 0->1, 1->1, 1->1, 1->0
    assert t.loc["active -> active", "count"] == 3 and t.loc["active -> active", "n_obs"] == 5
    assert t.loc["inactive -> active", "estimate"] == pytest.approx(2 / 3)
    lo, hi = proportion_confint(3, 5, alpha=0.05, method="wilson")
    assert t.loc["active -> active", "ci_low"] == pytest.approx(lo)
    assert t.loc["active -> active", "ci_high"] == pytest.approx(hi)
    assert t.loc["active -> active", "estimate"] + t.loc["active -> inactive", "estimate"] == pytest.approx(1)
    again = models.transitions(p, seed=4, n_boot=200).table
    pd.testing.assert_frame_equal(r.table, again)
    assert "Only 2 relationships: the bootstrap" in " ".join(r.warnings)


def test_reported_status_features_and_fit(panel):
    ids = panel["relationship_id"].unique()
    rng = np.random.default_rng(0)
    statuses = rng.choice(["active", "dormant", "suspended", "ended", "unknown"], size=len(ids), p=[.5, .2, .1, .1, .1])
    as_of = int(panel["year"].max()) - 2
    rel = pd.DataFrame({"relationship_id": ids, "status": statuses, "status_as_of": as_of})
    feats = models.status_features(panel, rel)
    assert set(feats["status"]) <= {"active", "dormant", "suspended", "ended"}
    one = feats.dropna(subset=["leader_visit_share"]).iloc[0]
    rows = panel[(panel["relationship_id"] == one["relationship_id"]) & (panel["year"] <= as_of)]
    assert one["leader_visit_share"] == pytest.approx(rows["leader_visit"].mean())
    assert one["exchange_mean"] == pytest.approx(np.log1p(rows["exchange_count"].mean()))
    r = models.reported_status(panel, rel)
    usable = feats.dropna(subset=models.STATUS_TERMS)
    assert r.ok and r.numbers["n_obs"] == len(usable) < len(feats)  # some start after as_of
    assert r.numbers["n_reported_active"] == int((usable["status"] == "active").sum())
    assert "no panel years before it" in r.warnings[0]


def test_reported_status_small_or_missing():
    small = simulate_activity_panel(20, 4, seed=8)
    rel = pd.DataFrame({"relationship_id": small["relationship_id"].unique(),
                        "status": ["active", "dormant"] * 10, "status_as_of": [None] * 20})
    r = models.reported_status(small, rel)
    assert r.ok and "Firth" in r.fit
    assert_every_row_carries_the_warnings(r)
    assert not models.reported_status(small, None).ok
    none = rel.assign(status="unknown")
    assert "no relationship has a reported status" in models.reported_status(small, none).warnings[0]


def test_fit_all_returns_every_model(tiny):
    results = models.fit_all(tiny, None, dormancy_years=2, seed=1)
    assert list(results) == ["activity_logit", "event_counts", "time_to_dormancy", "within_relationship",
                             "transitions", "reported_status"]
    for name, r in results.items():
        assert r.model == name
        assert r.ok or r.warnings  # a model that did not fit says why


def test_support_summary_says_what_the_data_cannot_support(tiny, panel):
    small = models.fit_all(tiny, None)
    text = models.support_summary(tiny, small)
    assert "**Cannot support:**" in text and "reported_status" in text
    assert f"{len(tiny)} relationship-years" in text
    big = {"activity_logit": models.activity_logit(panel)}
    assert "**Can support:**" in models.support_summary(panel, big) and "Cannot" not in models.support_summary(panel, big)


def test_read_reported_status_from_a_raw_folder(tmp_path):
    (tmp_path / "relationships.csv").write_bytes(
        "relationship_id,city_a,city_b,status,status_as_of\nr1,A,B,Active ,2023年\nr2,A,C,dormant,\n".encode("utf-8-sig"))
    rel = models.read_reported_status(tmp_path)
    assert rel["relationship_id"].tolist() == ["r1", "r2"]
    assert rel["status"].tolist() == ["active", "dormant"]
    assert rel["status_as_of"].iloc[0] == 2023 and pd.isna(rel["status_as_of"].iloc[1])
    assert models.read_reported_status(tmp_path / "missing").empty
