"""Overrides of the simulator's defaults: known names replace, unknown names are refused."""

import pytest

from analysis.sim.settings import DEFAULT_EFFECTS, DEFAULT_RATES, merge_settings


def test_a_known_name_replaces_the_default_and_the_default_stays():
    merged = merge_settings(DEFAULT_EFFECTS, {"age": 0.0}, "effects")
    assert merged["age"] == 0.0
    assert {k: v for k, v in merged.items() if k != "age"} == {k: v for k, v in DEFAULT_EFFECTS.items() if k != "age"}
    assert DEFAULT_EFFECTS["age"] == -0.05


def test_no_overrides_give_the_defaults():
    assert merge_settings(DEFAULT_RATES, None, "rates") == DEFAULT_RATES


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown rates: p_visit \(known: p_initial_active"):
        merge_settings(DEFAULT_RATES, {"p_visit": 0.1}, "rates")
