"""Relationship and city heterogeneity and the null-drivers option of the simulator."""

import json

import numpy as np
import pandas as pd

from analysis.sim.cli import main
from analysis.sim.dataset import simulate_dataset
from analysis.sim.heterogeneity import activity_offsets
from analysis.sim.network import simulate_network
from analysis.sim.settings import DEFAULT_RATES


def test_offsets_are_zero_by_default_and_have_the_planted_spread():
    cities, rel = simulate_network(4000, 5, 3, 2024, DEFAULT_RATES)
    assert not activity_offsets(rel, cities, 3, DEFAULT_RATES).any()
    off = activity_offsets(rel, cities, 3, {"relationship_sd": 1.0, "city_sd": 0.0})
    assert abs(off.std() - 1.0) < 0.05
    # city effects alone: relationships sharing both cities get the same offset, spread sd*sqrt(2)
    off = activity_offsets(rel, cities, 3, {"relationship_sd": 0.0, "city_sd": 0.5})
    key = rel["city_a"] + rel["city_b"]
    assert pd.Series(off).groupby(key.to_numpy()).nunique().max() == 1
    assert 0.5 < off.std() < 0.9


def test_heterogeneity_leaves_other_draws_alone_and_makes_activity_persistent():
    base = simulate_dataset(300, 8, seed=5)
    same = simulate_dataset(300, 8, seed=5, rates={"relationship_sd": 0.0, "city_sd": 0.0})
    assert base.events.equals(same.events)
    het = simulate_dataset(300, 8, seed=5, rates={"relationship_sd": 2.0, "city_sd": 1.0})
    assert base.relationships[["relationship_id", "city_a", "city_b"]].equals(
        het.relationships[["relationship_id", "city_a", "city_b"]])
    # more persistent: active years concentrate in fewer relationships
    def spread(sim):
        named = sim.events[sim.events["relationship_id"] != ""]
        counts = named.groupby(["relationship_id", "year"]).size().groupby(level=0).size()
        return counts.std() / counts.mean()
    assert spread(het) > spread(base)
    assert het.truth["rates"]["relationship_sd"] == 2.0


def test_cli_heterogeneity_and_null_drivers_reach_truth_json(tmp_path):
    assert main(["--relationships", "40", "--years", "4", "--seed", "2", "--heterogeneity", "1",
                 "--null-drivers", "--out", str(tmp_path)]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["rates"]["relationship_sd"] == 1.0 and truth["rates"]["city_sd"] == 0.5
    assert all(truth["coefficients"][d] == 0.0 for d in ("leader_visit_lag", "exchange_lag", "cooperation_lag"))
    assert truth["coefficients"]["log_distance"] != 0
    assert not np.isnan(truth["coefficients"]["intercept"])
