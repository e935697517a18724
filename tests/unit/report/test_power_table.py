"""The power grid as the report shows it: type I error beside power, estimator and design in the caption."""

from __future__ import annotations

import pandas as pd

from analysis.report import power_table

GRID = pd.DataFrame({
    "relationships": [50, 50, 100, 100], "years": [5, 5, 10, 10], "effect": [0.0, 0.5, 0.0, 0.5],
    "replications": 100, "power": [0.07, 0.21, 0.05, 0.84], "mc_se": [0.0255, 0.0407, 0.0218, 0.0367],
    "power_ci_low": [0.03, 0.141657, 0.02, 0.76], "power_ci_high": [0.14, 0.2998, 0.11, 0.9],
    "no_p_value": [10, 8, 0, 1], "estimator": ["pooled Firth logit 100", "pooled Firth logit 100",
                                              "dynamic RE logit 100", "dynamic RE logit 99; pooled logit 1"],
    "mean_estimate": [0.01, 0.61, 0.0, 0.52], "activity_rate": 0.2, "relationship_sd": 1.0, "level": 0.05})


def test_power_display_shows_type_one_error_beside_power_per_design():
    shown = power_table.power_display(GRID)
    assert list(shown.columns) == ["Relationships", "Years", "Type I error (effect 0)",
                                   "Power (effect 0.50) [95% CI] (±MC SE)", "Estimator used (panels)",
                                   "No p-value (effect 0 / effect)", "Mean estimate", "Replications"]
    assert len(shown) == 2  # one row per design, not per effect
    first = shown.iloc[0]
    assert first["Type I error (effect 0)"] == "0.07 [0.03, 0.14] (±0.03)"
    assert first["Power (effect 0.50) [95% CI] (±MC SE)"] == "0.21 [0.14, 0.30] (±0.04)"
    assert first["No p-value (effect 0 / effect)"] == "10 / 8"
    assert shown.iloc[1]["Estimator used (panels)"] == "dynamic RE logit 99; pooled logit 1"


def test_power_caption_names_replications_level_rate_and_estimator():
    cap = power_table.power_caption(GRID, level=0.9)
    assert "Share of 100 simulated panels" in cap and "at the 10% level" in cap
    assert "activity rate of 0.2" in cap and "dynamic random-effects logit" in cap and "type I error" in cap
    assert power_table.is_power_grid(GRID) and not power_table.is_power_grid(GRID.drop(columns="power"))


def test_power_caveat_gives_power_with_the_type_one_error_and_the_size_needed():
    text = power_table.power_caveat(GRID, n_relationships=54)
    assert "with 50 relationships followed 5 years" in text and "in 21% of datasets" in text
    assert "rejecting a true null in 7%" in text and "needs about 100 relationships followed 10 years" in text
    assert "activity rate of 0.2" in text
    assert power_table.power_caveat(GRID.iloc[:0], 54) == ""


def test_power_caveat_says_when_the_test_rejects_a_true_null_too_often():
    assert "p-values are too small" not in power_table.power_caveat(GRID, n_relationships=54)  # 0.07 ± 0.026
    over = GRID.assign(power=[0.16, 0.21, 0.05, 0.84])
    text = power_table.power_caveat(over, n_relationships=54)
    assert "rejecting a true null in 16% (more than the nominal 5%" in text and "p-values are too small" in text
