import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.models.transitions import transitions
from tests.unit.models.conftest import spell_panel


def test_transitions_match_counts_and_wilson():
    p = spell_panel({"A": [1, 1, 0, 0, 1], "B": [0, 1, 1, 1, 0]}).assign(active=lambda d: (d["events"] > 0).astype(int))
    r = transitions(p, seed=4, n_boot=200)
    t = r.table.set_index("term")
    # A: 1->1, 1->0, 0->0, 0->1 ; B: 0->1, 1->1, 1->1, 1->0
    assert t.loc["active -> active", "count"] == 3 and t.loc["active -> active", "n_obs"] == 5
    assert t.loc["inactive -> active", "estimate"] == pytest.approx(2 / 3)
    lo, hi = proportion_confint(3, 5, alpha=0.05, method="wilson")
    assert t.loc["active -> active", "ci_low"] == pytest.approx(lo)
    assert t.loc["active -> active", "ci_high"] == pytest.approx(hi)
    assert t.loc["active -> active", "estimate"] + t.loc["active -> inactive", "estimate"] == pytest.approx(1)
    again = transitions(p, seed=4, n_boot=200).table
    pd.testing.assert_frame_equal(r.table, again)
    assert "Only 2 relationships: the bootstrap" in " ".join(r.warnings)


def test_transitions_without_consecutive_years_say_so():
    p = spell_panel({"A": [1], "B": [0]}).assign(active=lambda d: (d["events"] > 0).astype(int))
    r = transitions(p)
    assert not r.ok and "no relationship has two consecutive years" in r.warnings[0]
