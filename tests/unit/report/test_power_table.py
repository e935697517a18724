"""The power grid as the report shows it."""

from __future__ import annotations

import pandas as pd

from analysis.report import power_table

GRID = pd.DataFrame({"relationships": [50, 100], "years": [5, 10], "effect": [0.5, 0.5], "replications": [100, 100],
                     "power": [0.21, 0.84], "power_ci_low": [0.141657, 0.76], "power_ci_high": [0.2998, 0.9],
                     "mean_estimate": [0.61, 0.52], "mean_se": [0.49, 0.2], "failed_fits": [0, 1]})


def test_power_display_puts_power_and_its_interval_in_one_cell():
    shown = power_table.power_display(GRID)
    assert list(shown.columns) == ["Relationships", "Years", "Effect (log-odds)", "Power [95% CI]", "Mean estimate",
                                   "Mean SE", "Replications", "Failed fits"]
    assert shown.iloc[0]["Power [95% CI]"] == "0.21 [0.14, 0.30]" and shown.iloc[1]["Failed fits"] == 1


def test_power_caption_names_replications_and_level():
    cap = power_table.power_caption(GRID, level=0.9)
    assert "Share of 100 simulated panels" in cap and "at the 10% level" in cap
    assert power_table.is_power_grid(GRID) and not power_table.is_power_grid(GRID.drop(columns="power"))
