import numpy as np
import pytest

from analysis.models.binary import activity_logit_pooled
from analysis.models.binary import activity_logit_pooled as activity_logit
from analysis.models.power import DEFAULT_EFFECTS
from analysis.models.result import ACTIVITY_TERMS, TABLE_COLUMNS, design_matrix
from tests.unit.models.conftest import assert_every_row_carries_the_warnings

NUMBER_KEYS = {"coef", "se", "ci_low", "ci_high", "p"}


def test_activity_logit_table_and_numbers(panel):
    r = activity_logit(panel)
    assert r.ok and r.warnings == []
    assert list(r.table.columns[: len(TABLE_COLUMNS)]) == TABLE_COLUMNS
    assert list(r.table["term"]) == ["Intercept"] + ACTIVITY_TERMS
    assert r.fit == "logit, dyadic-robust SEs (relationship-clustered beside them)"
    assert r.numbers["se_type"] == "dyadic" and r.model == "activity_logit_pooled"
    t = r.table.set_index("term")
    # partial effects beside every odds ratio (none for the intercept); binary drivers raise P(active)
    assert t.loc[ACTIVITY_TERMS, ["ape", "ape_se", "ape_ci_low", "ape_ci_high"]].notna().all().all()
    assert np.isnan(t.loc["Intercept", "ape"]) and t.loc["leader_visit_lag", "ape"] > 0
    assert set(r.numbers["ape"]) == set(ACTIVITY_TERMS)
    t = r.table.set_index("term")
    assert np.allclose(t["ratio"], np.exp(t["estimate"]))
    assert (t["ci_low"] < t["estimate"]).all() and (t["estimate"] < t["ci_high"]).all()
    # two-way clustered robustness columns exist and differ from the one-way SEs
    assert t["se_twoway"].notna().all() and not np.allclose(t["se_twoway"], t["se"])
    lv = r.numbers["terms"]["leader_visit_lag"]
    assert set(lv) == NUMBER_KEYS
    assert lv["coef"] == pytest.approx(t.loc["leader_visit_lag", "estimate"])
    usable = panel.dropna(subset=ACTIVITY_TERMS)
    assert r.numbers["n_obs"] == len(usable) and r.numbers["n_relationships"] == 400
    assert abs(lv["coef"] - DEFAULT_EFFECTS["leader_visit_lag"]) < 4 * lv["se"]


def test_ci_level_changes_interval_width(panel):
    w95 = activity_logit(panel, ci_level=0.95).table.eval("ci_high - ci_low")
    w80 = activity_logit(panel, ci_level=0.80).table.eval("ci_high - ci_low")
    assert (w80 < w95).all()


def test_year_effects_add_year_terms(panel):
    r = activity_logit(panel, year_effects=True)
    years = sorted(panel["year"].unique())
    # first year has no lags, the second is the reference
    assert [t for t in r.table["term"] if t.startswith("year[")] == [f"year[{y}]" for y in years[2:]]
    assert r.numbers["year_effects"] is True


def test_tiny_panel_falls_back_to_firth_with_warnings(tiny):
    r = activity_logit(tiny)
    assert r.ok
    assert "Firth" in r.fit
    text = " ".join(r.warnings)
    assert "Too few events per parameter" in text and "Only 12 relationships" in text
    assert r.numbers["penalised"] is True
    assert_every_row_carries_the_warnings(r)
    assert np.isfinite(r.table["estimate"]).all()


def test_l2_penalty_is_used_when_asked(tiny):
    r = activity_logit(tiny, penalty="l2")
    assert "L2" in r.fit and "L2" in " ".join(r.warnings)


def test_separation_is_flagged_on_the_term(panel):
    df = panel.copy()
    df.loc[df["leader_visit_lag"] == 1, "active"] = 1  # every year after a top visit is active
    r = activity_logit(df)
    assert r.numbers["separation"] in ("quasi", "complete")
    assert "Firth" in r.fit
    row = r.table.set_index("term").loc["leader_visit_lag"]
    assert "separated" in row["note"] and np.isfinite(row["estimate"])
    assert "separation" in " ".join(r.warnings).lower()


def test_constant_term_is_dropped_with_a_note(panel):
    df = panel.assign(international=0)
    r = activity_logit(df)
    row = r.table.set_index("term").loc["international"]
    assert np.isnan(row["estimate"]) and "not estimated" in row["note"]
    assert "international" not in r.numbers["terms"]
    assert "'international' cannot be estimated" in " ".join(r.warnings)


def test_activity_logit_says_why_it_cannot_be_fitted(panel):
    r = activity_logit(panel.drop(columns=["exchange_lag"]))
    assert not r.ok and "exchange_lag" in r.warnings[0]
    r = activity_logit(panel.assign(active=1))
    assert not r.ok and "single value" in r.warnings[0]


def test_firth_fallback_shows_profile_intervals_and_lr_pvalues_not_wald(tiny):
    # Old behaviour: Wald intervals estimate ± 1.96 SE and Wald p-values for the Firth fit.
    from analysis.models.firth import penalised_logit, profile_inference

    r = activity_logit_pooled(tiny)
    assert "Firth" in r.fit and "profile-likelihood CIs" in r.fit
    t = r.table.dropna(subset=["estimate"]).set_index("term")
    df = tiny.dropna(subset=ACTIVITY_TERMS).reset_index(drop=True)
    X = design_matrix(df, ACTIVITY_TERMS)[list(t.index)].to_numpy()
    y = df["active"].to_numpy(float)
    ci, p = profile_inference(y, X, penalised_logit(y, X, "firth"), 0.95)
    assert np.allclose(t[["ci_low", "ci_high"]].to_numpy(), ci, atol=1e-6)
    assert np.allclose(t["p"], p, atol=1e-8)
    assert np.allclose(t["ratio_ci_low"], np.exp(ci[:, 0]), rtol=1e-6)
    assert not np.allclose(t["ci_high"] - t["estimate"], 1.959964 * t["se"], rtol=1e-3)


def test_fewer_than_20_relationships_with_an_active_year_make_the_pooled_fit_descriptive():
    from analysis.models.power import simulate_activity_panel

    r = activity_logit_pooled(simulate_activity_panel(19, 25, seed=6))
    assert not r.numbers["penalised"] and r.numbers["descriptive"] is True
    t = r.table.dropna(subset=["estimate"])
    assert t[["se", "ci_low", "p", "se_cluster", "se_twoway", "ape_se"]].isna().all().all()
    assert r.table["note"].str.contains("Descriptive only").all()
