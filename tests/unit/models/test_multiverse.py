"""The robustness multiverse: every combination of choices, Holm within each, and the cache."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.models import multiverse as mv
from analysis.models.power import simulate_activity_panel

pytestmark = pytest.mark.costly(20)  # seconds: started first (conftest.py)


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
    wald = table["se_type"] != "model-based"  # a penalised fit keeps its profile interval
    assert np.allclose(table.loc[wald, "ci_high"] - table.loc[wald, "estimate"], 1.959964 * table.loc[wald, "se"],
                       rtol=1e-5)

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


def test_holm_equals_statsmodels_with_ties_and_ones():
    rng = np.random.default_rng(0)
    for p in (rng.random(7), np.array([0.01, 0.01, 0.04, 0.5, 1.0]), np.array([0.3])):
        assert np.allclose(mv.holm(p), multipletests(p, method="holm")[1], atol=1e-15)


def test_firth_specifications_show_the_profile_interval_and_lr_p_of_their_drivers(tmp_path):
    from analysis.models.binary import activity_logit_pooled

    tiny = simulate_activity_panel(14, 5, seed=3)
    table = mv.multiverse(tiny, cache_dir=None, which=("all",))
    firth = table[(table["se_type"] == "model-based") & (table["specification"] == "pooled")
                  & (table["min_events"] == 1) & ~table["year_effects"]].set_index("driver")
    assert len(firth)
    full = activity_logit_pooled(tiny).table.set_index("term")  # every profile traced
    assert "profile-likelihood" in full["fit"].iloc[0]
    for d in firth.index:
        assert np.allclose(firth.loc[d, ["ci_low", "ci_high", "p"]].to_numpy(float),
                           full.loc[d, ["ci_low", "ci_high", "p"]].to_numpy(float), atol=1e-9)


def test_the_cache_is_keyed_on_the_modules_the_sweep_runs_not_on_unrelated_ones():
    names = {p.name for p in mv.sweep_sources()}
    assert {"multiverse.py", "binary.py", "dynamic.py", "re_logit.py", "firth.py", "dyadic.py", "result.py"} <= names
    assert not names & {"power.py", "counts.py", "survival.py", "registry.py"}


@pytest.mark.parametrize("spec", list(mv.SPECIFICATIONS))
def test_the_sweep_skips_partial_effects_and_keeps_every_coefficient(small, spec):
    full = mv.SPECIFICATIONS[spec](small)
    lean = mv.SPECIFICATIONS[spec](small, partial_effects=False)
    assert full.ok and lean.ok and full.table["ape"].notna().any()
    assert lean.table["ape"].isna().all() and lean.table["ape_se"].isna().all()
    kept = [c for c in full.table.columns if not c.startswith("ape")]
    assert lean.table[kept].equals(full.table[kept])
