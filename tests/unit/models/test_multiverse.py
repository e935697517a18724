"""The robustness multiverse: every combination of choices, Holm within each, and the cache."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.models import multiverse as mv
from analysis.models.power import simulate_activity_panel


@pytest.fixture(scope="module")
def small():
    return simulate_activity_panel(100, 6, seed=21)


def test_min_events_changes_only_the_outcome(small):
    two = mv.with_min_events(small, 2)
    assert (two["active"] == (small["events"] >= 2)).all()
    assert two.drop(columns="active").equals(small.drop(columns="active"))


def test_sweep_holds_every_choice_with_holm_inside_each_combination(small, tmp_path):
    table = mv.multiverse(small, cache_dir=tmp_path, which=("all",))
    assert set(table["min_events"]) == {1, 2} and set(table["year_effects"]) == {False, True}
    assert set(table["specification"]) == {"dynamic", "pooled"} and set(table["sample"]) == {"all"}
    assert {"dyadic", "cluster"} <= set(table["se_type"])
    for _, g in table.groupby(mv.CHOICES):
        assert len(g) <= 3 and set(g["driver"]) <= set(mv.DRIVERS)
        assert np.allclose(g["p_holm"], multipletests(g["p"], method="holm")[1])
        assert (g["p_holm"] >= g["p"] - 1e-15).all()
    assert np.allclose(table["ci_high"] - table["estimate"], 1.959964 * table["se"], rtol=1e-5)

    def refuse(*args, **kwargs):
        raise AssertionError("refitted although cached")

    # with every fit cached, nothing is refitted and the table is the same to the last bit
    orig = dict(mv.SPECIFICATIONS)
    try:
        mv.SPECIFICATIONS.update({k: refuse for k in orig})
        assert mv.multiverse(small, cache_dir=tmp_path, which=("all",)).equals(table)
    finally:
        mv.SPECIFICATIONS.update(orig)


def test_samples_split_domestic_international_and_kinds(small):
    got = mv.samples(small)
    assert len(got["domestic"]) + len(got["international"]) == len(small)
    assert all(v["relationship_id"].nunique() >= mv.MIN_SAMPLE_RELATIONSHIPS for v in got.values())
