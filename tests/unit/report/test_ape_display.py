"""The compact model table shows average partial effects (percentage points) and says what the SEs are."""

from analysis.report import model_tables
from tests.unit.report.conftest import tidy


def test_partial_effects_are_shown_in_percentage_points_beside_the_odds_ratio():
    t = tidy(ape=0.0412, ape_se=0.01, ape_ci_low=0.0216, ape_ci_high=0.0608)
    shown = model_tables.display_table(t)
    assert shown.loc[0, "Partial effect, pp [95% CI]"] == "4.12 [2.16, 6.08]"
    assert list(shown.columns).index("Partial effect, pp [95% CI]") > list(shown.columns).index("Odds ratio [95% CI]")
    caption = model_tables.table_caption(t, {"se_type": "dyadic"})
    assert "dyadic-robust" in caption and "percentage points" in caption


def test_no_partial_effect_column_without_values():
    assert not any(c.startswith("Partial effect") for c in model_tables.display_table(tidy()).columns)
