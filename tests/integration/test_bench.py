"""The scale benchmark script runs end to end at 10^4 events and writes what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from analysis.paths import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "bench" / "run_bench.py"


def test_bench_runs_at_ten_thousand_events(tmp_path: Path):
    out = tmp_path / "bench"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "10000", "--out", str(out), "--data-dir", str(tmp_path / "data"),
         "--relationships", "2000", "--years", "10"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = pd.read_csv(out / "results.csv")
    assert set(results["engine"]) == {"duckdb", "pandas"}
    assert (results["size"] == 10000).all()
    assert results["panels_equal"].all()                 # both engines built the same panel
    assert (results["seconds"] > 0).all() and (results["peak_mb"] > 0).all()
    assert results["rows"].nunique() == 1 and results["rows"].iloc[0] > 2000
    assert results["relationships"].iloc[0] == 2000
    duck = results[results["engine"] == "duckdb"].iloc[0]
    assert duck["logit_seconds"] > 0 and duck["logit_rows"] > 0
    assert duck["ratio_pandas_to_duckdb"] > 0
    png = (out / "panel_scaling.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the event logs stay where they were asked to go, not in the output folder
    assert list((tmp_path / "data").glob("events_10000_*.parquet")) and not list(out.glob("*.parquet"))
