"""The same panel SQL on a local Spark session gives the duckdb panel (issue 6, item 4).

Skipped when pyspark (the optional extra ``.[spark]``) or Java is missing. A Spark panel takes 5-10 s
even on small data (a query plan of many stages), so each case is one that no other covers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17+) on PATH", allow_module_level=True)

from analysis.panel import spark as panel_spark
from analysis.sim import simulate  # noqa: E402
from analysis.panel.build import PanelInputs, build_panel, build_panel_from_files  # noqa: E402
from bench.generators import bench_network, write_event_log  # noqa: E402

pytestmark = [pytest.mark.costly(90), pytest.mark.spark]


@pytest.fixture(scope="module")
def spark():
    session = panel_spark.spark_session("local[2]")
    yield session
    session.stop()


def test_spark_equals_duckdb_at_1e5_events(spark, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark_bench")
    cities, rels = bench_network(2_000, 10, seed=7)
    path = write_event_log(folder / "events.parquet", 100_000, cities, rels, n_years=10, seed=7)
    expected = build_panel_from_files(path, rels, cities, engine="duckdb")
    got = build_panel_from_files(path, rels, cities, engine="spark", spark=spark)
    assert len(expected) > 10_000
    pd.testing.assert_frame_equal(got, expected)


def test_spark_equals_duckdb_with_observation_windows_and_options(spark):
    # frames in memory (the 1e5 test reads files), with and without the panel's options
    from tests.unit.panel.test_build import random_windows

    sim = simulate.simulate_dataset(300, 8, seed=4)
    cities = sim.cities.assign(prefecture_id=sim.cities["city_id"].where(sim.cities["level"] == "prefecture"))
    lo, hi = int(sim.events["year"].min()), int(sim.events["year"].max())
    raw = PanelInputs(cities, sim.relationships, sim.events, random_windows(sim.relationships, 3, lo - 2, hi))
    for kwargs in ({}, {"start_year": lo + 2, "min_events": 2, "dormancy_years": 2}):
        got = build_panel(raw, engine="spark", spark=spark, **kwargs)
        expected = build_panel(raw, engine="duckdb", **kwargs)
        assert (expected["observed"] == 0).any()
        pd.testing.assert_frame_equal(got, expected)


def test_spark_equals_duckdb_on_pairs_with_several_relationships(spark):
    from tests.unit.panel.test_units import shared_pairs

    cities, rels, events = shared_pairs(5)
    raw = PanelInputs(cities, rels, events)
    for kwargs in ({}, {"unit": "relationship"}):  # the options are checked above
        expected = build_panel(raw, engine="duckdb", **kwargs)
        assert kwargs or expected["relationship_ids"].str.contains(";").any()
        pd.testing.assert_frame_equal(build_panel(raw, engine="spark", spark=spark, **kwargs), expected)
