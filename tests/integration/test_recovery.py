"""The default logit recovers planted effects, and its intervals have their stated coverage."""

import importlib.util
import json
from pathlib import Path

import pytest

from analysis.models.binary import activity_logit_pooled as activity_logit
from analysis.models.power import model_terms
from analysis.sim import simulate

ROOT = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_default_logit_recovers_every_planted_coefficient_within_3_se():
    # end to end: simulated raw data -> build_panel -> activity logit, 3,000 x 12
    panel, truth = bench.simulated_panel(3000, 12, seed=7)
    result = activity_logit(panel)
    assert result.warnings == []
    got = result.numbers["terms"]
    assert set(got) == set(truth)
    for term, value in truth.items():
        z = (got[term]["coef"] - value) / got[term]["se"]
        assert abs(z) < 3, f"{term}: estimate {got[term]['coef']:.3f}, truth {value}, z = {z:.2f}"


@pytest.fixture(scope="module")
def committed():
    path = ROOT / "bench" / "coverage_results.json"
    assert path.exists(), "run `python bench/coverage.py` and commit bench/coverage_results.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_committed_coverage_result_is_for_the_current_design(committed):
    assert committed["replications"] >= 100
    assert committed["n_relationships"] == 3000 and committed["n_years"] == 12
    assert committed["ci_level"] == 0.95
    assert committed["pipeline"] == bench.PIPELINE
    # stale if the planted effects have changed since the benchmark was run
    assert committed["truth"] == pytest.approx(model_terms(simulate.DEFAULT_EFFECTS))


def test_committed_intervals_cover_the_truth_90_to_98_percent(committed):
    assert 0.90 <= committed["coverage_pooled"] <= 0.98
    for term, c in committed["coverage_by_term"].items():
        assert 0.90 <= c["coverage"] <= 0.98, f"{term}: coverage {c['coverage']}"
        # standard errors are calibrated: their mean is close to the spread of the estimates
        assert 0.8 < c["mean_se"] / c["sd_estimate"] < 1.25, term


@pytest.mark.slow
def test_rerun_reproduces_committed_replications(committed):
    n = 3
    rerun = bench.run_coverage(replications=n, base_seed=committed["base_seed"], jobs=1)
    for old, new in zip(committed["first_replications"][:n], rerun["first_replications"]):
        assert old["seed"] == new["seed"]
        for term, value in old["estimates"].items():
            assert new["estimates"][term] == pytest.approx(value, rel=1e-5, abs=1e-7), term
    assert rerun["coverage_pooled"] >= 0.75  # 21 intervals at 95%: very unlikely to miss 6
