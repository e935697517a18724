"""Caveats written from the data and the fitted models."""

from __future__ import annotations

import pandas as pd

from analysis.report.caveats import caveats


def test_caveats_say_what_the_data_are_and_can_support(raw):
    numbers = {"activity_logit": {"penalised": True, "events_per_parameter": 1.3, "n_relationships": 54,
                                  "fit": "logit, Firth"},
               "time_to_dormancy": {"events_per_parameter": 2.2, "n_relationships": 11, "fit": "Cox, robust SEs"}}
    power = pd.DataFrame({"relationships": [50, 200], "years": [10, 10], "effect": [0.5, 0.5], "power": [0.28, 0.84]})
    text = "\n".join(caveats(raw, numbers, power=power))
    n_docs = len(raw.sources)
    assert f"transcribed from {n_docs} documents" in text and "small case dataset" in text.lower()
    assert "quiet year may be an unreported year" in text.lower()
    for key in raw.sources:  # each source's own window
        assert key in text
    assert "Aggregates" in text and "Firth" in text and "`activity_logit`" in text
    assert "`activity_logit` 1.3, `time_to_dormancy` 2.2" in text  # too few events per parameter
    assert "`time_to_dormancy` rests on 11 relationships" in text  # few clusters
    assert "cannot support" in text and "28%" in text and "200 relationships" in text


def test_caveats_without_models_end_with_what_the_data_can_support(raw):
    out = caveats(raw)
    assert out[-1].startswith("**What these data can and cannot support.**") and "By simulation" not in out[-1]
    assert not any(c.startswith(("**Firth", "**Too few", "**Few clusters", "**Not fitted")) for c in out)


def test_failed_and_dropped_models_are_named(raw):
    out = "\n".join(caveats(raw, {"event_counts": {"fitted": False}, "reported_status": {"dropped": ["b", "a"]}}))
    assert "**Not fitted:** `event_counts`" in out and "`reported_status`: a, b" in out


def test_power_grid_without_a_design_reaching_80_percent(raw):
    power = pd.DataFrame({"relationships": [50], "years": [5], "effect": [0.5], "power": [0.2]})
    assert "no design in the grid reaches 80% power" in caveats(raw, power=power)[-1]
