"""Simulated raw data run through the same notebooks (validate, panel, models) recover the planted
effects. Its own file, so the test runner can run it beside the default-data pipeline tests."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analysis.paths import PROJECT_ROOT
from tests.integration.runs import run_cli

pytestmark = pytest.mark.costly(60)  # seconds: started first (conftest.py)


def test_simulated_data_runs_through_the_same_notebooks_and_recovers_effects(tmp_path):
    sim, out = tmp_path / "sim", tmp_path / "out"
    made = subprocess.run([sys.executable, "-m", "analysis", "simulate", "--relationships", "400", "--years", "8",
                           "--seed", "3", "--out", str(sim)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    # one kernel is enough for three notebooks in a row (the parallel runs are checked in test_pipeline.py)
    result = run_cli("--data-dir", str(sim), "--out", str(out), "--only", "00", "10", "30", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    truth = json.loads((sim / "truth.json").read_text())["coefficients"]
    fitted = json.loads((out / "results/numbers.json").read_text())["activity_logit"]["terms"]
    for term, value in truth.items():
        if term == "intercept":
            continue
        est = fitted[term]
        assert abs(est["coef"] - value) < 3 * est["se"], (term, est, value)
