"""The power grid read back from the cache is the grid computed afresh, and a changed argument recomputes."""

from __future__ import annotations

import pandas as pd

from analysis.models import power
from analysis.models.power_cache import cached_power_grid, power_grid_key

ARGS = dict(effects=0.8, relationships=[30], years=[4], replications=10, seed=3, activity_rate=0.3)


def test_a_stored_grid_is_read_back_exactly_and_not_recomputed(tmp_path, monkeypatch):
    first = cached_power_grid(tmp_path, **ARGS)
    assert len(list(tmp_path.glob("*.json"))) == 1
    calls = []
    monkeypatch.setattr(power, "power_grid", lambda **kw: calls.append(kw))
    again = cached_power_grid(tmp_path, **ARGS)
    assert calls == []  # read back, not simulated
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert again.to_csv(index=False) == first.to_csv(index=False)


def test_another_argument_is_another_key_and_is_computed(tmp_path, monkeypatch):
    assert power_grid_key(ARGS) != power_grid_key({**ARGS, "seed": 4})
    cached_power_grid(tmp_path, **ARGS)
    calls = []
    monkeypatch.setattr(power, "power_grid", lambda **kw: calls.append(kw) or pd.DataFrame({"a": [1]}))
    cached_power_grid(tmp_path, **{**ARGS, "replications": 11})
    assert calls and calls[0]["replications"] == 11
    assert len(list(tmp_path.glob("*.json"))) == 2
