"""The scale benchmark: its generators write event logs the panel reads, and the script runs end to end
at 10^4 events and writes what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.panel.build import build_panel_from_files
from analysis.paths import PROJECT_ROOT
from bench.generators import bench_network, write_event_log

pytestmark = pytest.mark.costly(20)  # seconds: started first (conftest.py)

SCRIPT = PROJECT_ROOT / "bench" / "run_bench.py"


def test_bench_event_log_has_the_columns_the_panel_reads(tmp_path: Path):
    cities, rels = bench_network(200, 5, seed=1)
    path = write_event_log(tmp_path / "ev.parquet", 5000, cities, rels, n_years=5, seed=1, chunk_rows=1500)
    ev = pd.read_parquet(path)
    assert len(ev) == 5000
    assert {"year", "origin", "destination", "kind", "leader_rank", "count", "relationship_id"} <= set(ev.columns)
    assert 0.4 < ev["relationship_id"].isna().mean() < 0.6  # half matched by id, half by pair
    assert ev["origin"].astype(str).str.contains("-C1").any()  # some events come from a county
    panel = build_panel_from_files(path, rels, cities)
    assert panel["events"].sum() == ev["count"].sum()  # every event reaches exactly one relationship


def test_bench_network_puts_counties_under_their_prefecture():
    cities, rels = bench_network(100, 5, seed=2, counties_per_city=3)
    counties = cities[cities["city_id"].str.contains("-C")]
    prefectures = cities[cities["prefecture_id"] == cities["city_id"]]
    assert len(counties) == 3 * len(prefectures)
    assert (counties["city_id"].str.split("-C").str[0] == counties["prefecture_id"]).all()
    assert cities.loc[cities["country"] != "CN", "prefecture_id"].isna().all()
    assert (rels["established"] == 2020).mean() > 0.85  # most relationships from the first year


def test_bench_runs_at_ten_thousand_events(tmp_path: Path):
    out = tmp_path / "bench"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "10000", "--out", str(out), "--data-dir", str(tmp_path / "data"),
         "--relationships", "500", "--years", "10"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = pd.read_csv(out / "results.csv")
    assert set(results["engine"]) == {"duckdb", "pandas"}
    assert (results["size"] == 10000).all()
    assert results["panels_equal"].all()                 # both engines built the same panel
    assert (results["seconds"] > 0).all() and (results["peak_mb"] > 0).all()
    assert results["rows"].nunique() == 1 and results["rows"].iloc[0] > 500
    assert results["relationships"].iloc[0] == 500
    duck = results[results["engine"] == "duckdb"].iloc[0]
    assert duck["logit_seconds"] > 0 and duck["logit_rows"] > 0
    assert duck["ratio_pandas_to_duckdb"] > 0
    png = (out / "panel_scaling.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the event logs stay where they were asked to go, not in the output folder
    assert list((tmp_path / "data").glob("events_10000_*.parquet")) and not list(out.glob("*.parquet"))
