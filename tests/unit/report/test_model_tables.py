"""Model sections: registry headings, compact display tables, caption lines, notes below the table."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.models import registry
from analysis.report import model_tables
from tests.unit.report.conftest import tidy


def test_display_table_is_compact_with_ratio_and_interval_in_one_cell():
    t = pd.concat([tidy(term="Intercept", label="intercept (baseline log-odds)", estimate=0.4, ratio=1.49,
                        ratio_ci_low=0.01, ratio_ci_high=297.3, p=0.88),
                   tidy(estimate=0.6955, ratio=2.0048, ratio_ci_low=0.2358, ratio_ci_high=17.041, p=0.5241)])
    shown = model_tables.display_table(t)
    assert list(shown.columns) == ["Term", "Variable", "Estimate", "SE", "Odds ratio [95% CI]", "p"]
    assert shown.index.tolist() == [0, 1]
    row = shown.iloc[1]
    assert row["Term"] == "top-leader visit last year" and row["Variable"] == "leader_visit_lag"
    assert row["Odds ratio [95% CI]"] == "2.00 [0.24, 17.04]" and row["p"] == "0.524" and row["Estimate"] == "0.70"
    assert shown.iloc[0]["Odds ratio [95% CI]"] == "—"  # exp(intercept) is baseline odds, not a ratio
    html = model_tables.styled_model_table(shown).to_html()
    assert "<small><code>leader_visit_lag</code></small>" in html and "n_obs" not in html and "fit" not in html


@pytest.mark.parametrize("model, column", [("event_counts", "Rate ratio [95% CI]"),
                                           ("time_to_dormancy", "Hazard ratio [95% CI]"),
                                           ("transitions", "95% CI"), ("my_logit", "95% CI")])
def test_ratio_column_is_named_by_the_registry(model, column):
    assert column in model_tables.display_table(tidy(model=model)).columns


def test_display_table_shows_two_way_se_only_when_computed():
    t = tidy(se_twoway=0.41, p_twoway=0.02)
    assert model_tables.display_table(t).iloc[0]["SE (two-way)"] == "0.41"
    assert model_tables.display_table(t).iloc[0]["p (two-way)"] == "0.020"
    assert "SE (two-way)" not in model_tables.display_table(tidy(se_twoway=float("nan"))).columns


def test_intercept_label_follows_the_model():
    counts = tidy(model="event_counts", term="Intercept", label="intercept (baseline log-odds)",
                  fit="negative binomial (NB2)")
    assert model_tables.display_table(counts).iloc[0]["Term"] == "intercept (baseline log rate)"
    logit = tidy(term="Intercept", label="intercept (baseline log-odds)")
    assert model_tables.display_table(logit).iloc[0]["Term"] == "intercept (baseline log-odds)"
    cox = tidy(model="time_to_dormancy", term="Intercept", label="intercept (baseline log-odds)")
    assert model_tables.display_table(cox).iloc[0]["Term"] == "intercept"


def test_notes_are_listed_once_below_the_table_with_marks():
    w = "Too few events per parameter"
    t = pd.concat([tidy(note=w), tidy(term="age", label="age", note=f"separated: penalised | {w}"),
                   tidy(term="intl", label="international", estimate=float("nan"), note=f"not estimated: infinite | {w}")])
    shown = model_tables.display_table(t, model_warnings=[w])
    assert shown["Term"].tolist() == ["top-leader visit last year", "age †", "international ‡"]
    assert shown.iloc[2]["Estimate"] == "not estimated"
    notes = model_tables.table_notes(t, [w])
    assert notes == ["† age — separated: penalised.", "‡ international — not estimated: infinite.", f"⚠ {w}"]
    # without numbers.json the model-wide warning is found as the note every row shares
    assert model_tables.table_notes(t)[-1] == f"⚠ {w}"


def test_table_caption_gives_n_fit_and_scale_once():
    cap = model_tables.table_caption(pd.concat([tidy(), tidy(term="age")]))
    assert cap == ("*N = 400 observations, 50 relationships; fit: logit, maximum likelihood; "
                   "estimates are log-odds coefficients; intervals are 95% CIs.*")
    assert "log hazard coefficients" in model_tables.table_caption(tidy(model="time_to_dormancy"))
    assert "coefficients" not in model_tables.table_caption(tidy(model="transitions"))


def test_model_title_is_the_registry_title_and_names_the_file():
    for name, spec in registry.REGISTRY.items():
        assert model_tables.model_title(name) == f"{spec.title} (`{name}`)"
    assert model_tables.model_title("power") == "Power of the activity model (simulation), with its type I error (`power`)"
    assert model_tables.model_title("extra") == "`extra`"


def test_model_section_reading_does_not_repeat_table_notes():
    w = "Too few events per parameter"
    t = pd.concat([tidy(note=w), tidy(term="age", label="age", note=f"separated: penalised | {w}")])
    parts = model_tables.model_section("activity_logit", t, {"activity_logit": {"warnings": [w]}})
    text = "\n".join(p for p in parts if isinstance(p, str))
    assert text.count(w) == 1 and text.count("separated: penalised") == 1
    assert parts[0] == f"### {registry.get('activity_logit').title} (`activity_logit`)"
    assert parts[-1].startswith("**Reading.**")


def test_model_section_of_the_power_grid_and_of_any_other_table():
    grid = pd.DataFrame({"relationships": [50], "years": [5], "effect": [0.5], "replications": [100],
                         "power": [0.21], "power_ci_low": [0.14], "power_ci_high": [0.30]})
    parts = model_tables.model_section("power", grid)
    assert parts[0] == "### Power of the activity model (simulation), with its type I error (`power`)"
    assert parts[1].startswith("*Share of 100 simulated panels per cell in which the pipeline's activity model rejects")
    assert "0.21 [0.14, 0.30]" in parts[2].to_html()
    other = model_tables.model_section("extra", pd.DataFrame({"a": [1]}))
    assert other[0] == "### `extra`" and len(other) == 2
