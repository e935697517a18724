"""The relationship-year panel on hand-made frames with answers worked out by hand,
and the duckdb, pandas and file-reading paths against each other."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.panel.build import (
    PANEL_COLUMNS,
    PanelInputs,
    assign_relationships,
    build_panel,
    build_panel_from_files,
)
from analysis.sim.simulate import simulate_dataset

ENGINES = ["duckdb", "pandas"]


def cities():
    # CN-11 is a county of prefecture CN-1; JP-9 is abroad; CN-4 sits on CN-1's coordinates
    return pd.DataFrame({
        "city_id": ["CN-1", "CN-2", "CN-3", "CN-11", "JP-9", "CN-4"],
        "prefecture_id": ["CN-1", "CN-2", "CN-3", "CN-1", None, "CN-4"],
        "lat": [31.2304, 30.5728, 39.9, 31.0, 35.7, 31.2304],
        "lon": [121.4737, 104.0668, 116.4, 121.2, 139.7, 121.4737],
        "country": ["CN", "CN", "CN", "CN", "JP", "CN"],
    })


def relationships():
    return pd.DataFrame({
        "relationship_id": ["R1", "R2", "R3"],
        "city_a": ["CN-1", "CN-3", "CN-1"],
        "city_b": ["CN-2", "JP-9", "JP-9"],
        "kind": ["east_west_pairing", "sister_city", "sister_city"],
        "established": pd.array([2018, None, 2019], dtype="Int64"),
        "ended": pd.array([None, None, 2020], dtype="Int64"),
    })


def events(rows=None):
    # (year, origin, destination, kind, leader_rank, count, relationship_id)
    rows = rows or [
        (2018, "CN-1", "CN-2", "visit", "top", 1, None),         # R1 by pair: leader visit
        (2018, "CN-11", "CN-2", "agreement", "none", 1, None),   # county of CN-1 -> R1: cooperation
        (2020, "CN-2", "CN-1", "meeting", "official", 3, None),  # reversed pair, weighted 3
        (2021, "CN-1", "CN-2", "visit", "senior", 2, "R1"),      # named; a senior visit is an exchange
        (2020, "CN-3", "JP-9", "visit", "official", 1, None),    # R2, which has no established year
        (2022, "JP-9", "CN-3", "meeting", "none", 1, "R2"),
        (2019, "CN-1", "JP-9", "project", "none", 1, None),      # R3 (ends 2020)
        (2022, "CN-1", "JP-9", "meeting", "none", 5, None),      # after R3 ended: ignored
        (2017, "CN-1", "CN-2", "meeting", "none", 1, None),      # before R1 was established: ignored
    ]
    return pd.DataFrame(rows, columns=["year", "origin", "destination", "kind", "leader_rank", "count",
                                       "relationship_id"])


def inputs(ev=None, rel=None, cty=None):
    return PanelInputs(cty if cty is not None else cities(),
                       rel if rel is not None else relationships(),
                       ev if ev is not None else events())


def row(panel, rid, year):
    hit = panel[(panel["relationship_id"] == rid) & (panel["year"] == year)]
    assert len(hit) == 1, f"expected one row for {rid} {year}, got {len(hit)}"
    return hit.iloc[0]


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


def test_columns_order_and_types(engine):
    p = build_panel(inputs(), engine=engine)
    assert list(p.columns) == PANEL_COLUMNS
    assert p[["relationship_id", "year"]].equals(p[["relationship_id", "year"]].sort_values(["relationship_id", "year"]).reset_index(drop=True))
    assert p["year"].dtype == "int64" and p["events"].dtype == "int64"
    assert p["exchange_lag"].dtype == "float64" and str(p["established"].dtype) == "Int64"


def test_rows_span_established_to_last_year_with_zero_years(engine):
    p = build_panel(inputs(), engine=engine)
    # end_year defaults to the last year in the events (2022)
    assert p.loc[p["relationship_id"] == "R1", "year"].tolist() == [2018, 2019, 2020, 2021, 2022]
    assert row(p, "R1", 2019)["events"] == 0 and row(p, "R1", 2019)["active"] == 0
    assert row(p, "R1", 2022)["events"] == 0


def test_counts_weighted_and_drivers_classified(engine):
    p = build_panel(inputs(), engine=engine)
    r = row(p, "R1", 2018)  # top visit + county agreement
    assert (r["events"], r["leader_visit"], r["cooperation"], r["exchange_count"]) == (2, 1, 1, 0)
    r = row(p, "R1", 2020)  # one meeting row with count 3, pair written in reverse
    assert (r["events"], r["exchange_count"], r["active"]) == (3, 3, 1)
    r = row(p, "R1", 2021)  # a senior-led visit is not a leader visit
    assert (r["events"], r["leader_visit"], r["exchange_count"]) == (2, 0, 2)


def test_lags_are_previous_year_and_na_in_first_year(engine):
    p = build_panel(inputs(), engine=engine)
    first = row(p, "R1", 2018)
    assert first["first_year"] == 1
    assert all(math.isnan(first[c]) for c in ["leader_visit_lag", "cooperation_lag", "exchange_lag", "active_lag"])
    r = row(p, "R1", 2019)
    assert (r["leader_visit_lag"], r["cooperation_lag"], r["active_lag"], r["exchange_lag"]) == (1.0, 1.0, 1.0, 0.0)
    assert row(p, "R1", 2021)["exchange_lag"] == pytest.approx(math.log1p(3))
    assert row(p, "R1", 2022)["exchange_lag"] == pytest.approx(math.log1p(2))
    assert row(p, "R1", 2020)["active_lag"] == 0.0
    assert p["first_year"].sum() == 3


def test_ended_relationship_stops_and_late_events_are_ignored(engine):
    p = build_panel(inputs(), engine=engine)
    assert p.loc[p["relationship_id"] == "R3", "year"].tolist() == [2019, 2020]
    assert row(p, "R3", 2019)["cooperation"] == 1


def test_unknown_established_enters_at_the_data_start_never_at_its_first_event(engine):
    # R2 has no established year and no window; its first event is in 2020. The old rule started it
    # there, so its first year was active by construction; it now enters in the data's first year
    p = build_panel(inputs(), engine=engine)
    r2 = p[p["relationship_id"] == "R2"].set_index("year")
    assert r2.index.tolist() == [2017, 2018, 2019, 2020, 2021, 2022]
    assert r2["active"].tolist() == [0, 0, 0, 1, 0, 1] and r2.loc[2020, "active_lag"] == 0
    assert r2["age"].tolist() == [0, 1, 2, 3, 4, 5] and r2["established"].isna().all()
    assert (r2["entry_rule"] == "data_start").all()
    assert set(p.loc[p["relationship_id"] != "R2", "entry_rule"]) == {"established"}
    q = build_panel(inputs(), start_year=2019, engine=engine)
    assert q.loc[q["relationship_id"] == "R2", "year"].tolist() == [2019, 2020, 2021, 2022]
    assert row(q, "R2", 2019)["first_year"] == 1 and row(q, "R2", 2019)["entry_rule"] == "start_year"


def test_start_year_trims_rows_but_keeps_earlier_years_in_lags(engine):
    p = build_panel(inputs(), start_year=2019, engine=engine)
    assert p["year"].min() == 2019
    r = row(p, "R1", 2019)
    assert r["leader_visit_lag"] == 1.0 and r["first_year"] == 0 and r["age"] == 1


def test_explicit_end_year_cuts_rows_and_events(engine):
    p = build_panel(inputs(), end_year=2020, engine=engine)
    assert p["year"].max() == 2020
    assert p.loc[p["relationship_id"] == "R1", "year"].tolist() == [2018, 2019, 2020]


def test_min_events_sets_the_activity_threshold(engine):
    p = build_panel(inputs(), min_events=2, engine=engine)
    assert row(p, "R1", 2018)["active"] == 1      # 2 events
    assert row(p, "R1", 2021)["active"] == 1      # count 2
    assert row(p, "R2", 2020)["active"] == 0      # 1 event
    assert row(p, "R2", 2020)["events"] == 1      # the count itself is unchanged


def test_years_since_event_and_dormancy(engine):
    ev = events([(2010, "CN-1", "CN-2", "visit", "top", 1, "R1"), (2016, "CN-1", "CN-2", "meeting", "none", 1, "R1")])
    rel = relationships().iloc[:1].assign(established=pd.array([2010], dtype="Int64"))
    p = build_panel(inputs(ev, rel), dormancy_years=3, engine=engine)
    assert p["years_since_event"].tolist() == [0, 1, 2, 3, 4, 5, 0]
    assert p["dormant"].tolist() == [0, 0, 0, 1, 1, 1, 0]


def test_relationship_unit_counts_a_shared_event_for_each_relationship_of_the_pair(engine):
    rel = pd.concat([relationships(), pd.DataFrame({
        "relationship_id": ["R4"], "city_a": ["CN-2"], "city_b": ["CN-1"], "kind": ["strategic_cooperation"],
        "established": pd.array([2018], dtype="Int64"), "ended": pd.array([None], dtype="Int64")})], ignore_index=True)
    p = build_panel(inputs(rel=rel), engine=engine, unit="relationship")
    # pair events count for both R1 and R4; the named 2021 event only for R1
    assert row(p, "R4", 2018)["events"] == 2 and row(p, "R1", 2018)["events"] == 2
    assert row(p, "R4", 2021)["events"] == 0 and row(p, "R1", 2021)["events"] == 2


def test_county_matches_only_its_own_prefecture(engine):
    ev = events([(2018, "CN-11", "CN-2", "meeting", "none", 1, None),   # county of CN-1: R1
                 (2018, "CN-11", "CN-3", "meeting", "none", 1, None)])  # no relationship CN-1/CN-3
    p = build_panel(inputs(ev), engine=engine)
    assert row(p, "R1", 2018)["events"] == 1
    assert p["events"].sum() == 1


def test_structure_variables(engine):
    p = build_panel(inputs(), engine=engine)
    assert math.exp(row(p, "R1", 2018)["log_distance"]) == pytest.approx(1660, abs=10)
    assert row(p, "R1", 2018)["international"] == 0.0 and row(p, "R2", 2020)["international"] == 1.0
    assert p.loc[p["relationship_id"] == "R1", "age"].tolist() == [0, 1, 2, 3, 4]


def test_zero_distance_gives_zero_log_distance(engine):
    rel = relationships().iloc[:1].assign(city_b=["CN-4"])
    ev = events([(2018, "CN-1", "CN-4", "visit", "top", 1, None)])
    p = build_panel(inputs(ev, rel), engine=engine)
    assert p["log_distance"].tolist() == [0.0]


def test_bad_inputs_are_refused_with_names():
    with pytest.raises(ValueError, match="engine"):
        build_panel(inputs(), engine="sqlite")
    with pytest.raises(ValueError, match="count"):
        build_panel(inputs(ev=events().drop(columns="count")))
    with pytest.raises(ValueError, match="start_year 2023 is after end_year 2020"):
        build_panel(inputs(), start_year=2023, end_year=2020)
    with pytest.raises(ValueError, match="min_events"):
        build_panel(inputs(), min_events=0)
    with pytest.raises(ValueError, match="end_year"):
        build_panel(inputs(ev=events().iloc[:0]))


def test_assign_relationships_fills_blank_ids_setwise():
    out = assign_relationships(events(), relationships(), cities())
    assert out["relationship_id"].tolist() == ["R1", "R1", "R1", "R1", "R2", "R2", "R3", "R3", "R1"]
    unmatched = events([(2018, "CN-2", "CN-3", "meeting", "none", 1, None)])
    assert assign_relationships(unmatched, relationships(), cities())["relationship_id"].isna().all()


@pytest.fixture(scope="module")
def simulated():
    sim = simulate_dataset(400, 8, seed=5)
    cty = sim.cities.assign(prefecture_id=np.where(sim.cities["level"] == "prefecture", sim.cities["city_id"], None))
    return sim, cty


def test_duckdb_and_pandas_give_the_same_panel_on_simulated_data(simulated):
    sim, cty = simulated
    raw = PanelInputs(cty, sim.relationships, sim.events)
    for kwargs in ({}, {"start_year": 2019, "min_events": 2, "dormancy_years": 2}, {"end_year": 2022}):
        a = build_panel(raw, engine="duckdb", **kwargs)
        b = build_panel(raw, engine="pandas", **kwargs)
        pd.testing.assert_frame_equal(a, b)
    assert len(a) > 1000 and 0.2 < a["active"].mean() < 0.9


def test_panel_from_files_equals_panel_from_frames(simulated, tmp_path):
    sim, cty = simulated
    expected = build_panel(PanelInputs(cty, sim.relationships, sim.events))
    sim.events.to_parquet(tmp_path / "events.parquet", index=False)
    for year, frame in sim.events.groupby("year"):  # contract CSVs: no year column, dates only
        frame.drop(columns="year").to_csv(tmp_path / f"{year}.csv", index=False)
    for source, engine in [(tmp_path / "events.parquet", "duckdb"), (str(tmp_path / "*.csv"), "duckdb"),
                           (str(tmp_path / "*.csv"), "pandas"), (tmp_path / "events.parquet", "pandas")]:
        got = build_panel_from_files(source, sim.relationships, cty, engine=engine)
        pd.testing.assert_frame_equal(got, expected, obj=f"{engine} from {source}")


def test_missing_event_files_are_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="no event files"):
        build_panel_from_files(str(tmp_path / "*.parquet"), relationships(), cities())


# --------------------------------------------------------------------------- observation windows


def windowed_inputs():
    # R1 (2018) watched 2018-2019 and 2021-2024, a top visit in 2018: 2020 was not watched.
    # R2 (no established year) watched 2019-2020, an event in 2021: starts in 2019, its first watched year.
    # R3 (2020): never watched, no events: every year unobserved.
    rel = pd.DataFrame({
        "relationship_id": ["R1", "R2", "R3"], "city_a": ["CN-1", "CN-3", "CN-1"], "city_b": ["CN-2", "JP-9", "JP-9"],
        "kind": ["east_west_pairing", "sister_city", "sister_city"],
        "established": pd.array([2018, None, 2020], dtype="Int64"), "ended": pd.array([None, None, None], dtype="Int64"),
    })
    ev = events([(2018, "CN-1", "CN-2", "visit", "top", 1, None), (2021, "CN-3", "JP-9", "meeting", "none", 2, None)])
    watched = [("R1", y) for y in (2018, 2019, 2021, 2022, 2023, 2024)] + [("R2", 2019), ("R2", 2020)]
    obs = pd.DataFrame(watched, columns=["relationship_id", "year"])
    return PanelInputs(cities(), rel, ev, obs)


def test_unwatched_years_are_missing_not_inactive(engine):
    panel = build_panel(windowed_inputs(), end_year=2024, engine=engine)
    assert panel["active"].dtype == "Int64" and panel["observed"].dtype == "int64"
    r1 = panel[panel["relationship_id"] == "R1"].set_index("year")
    assert r1["observed"].tolist() == [1, 1, 0, 1, 1, 1, 1]
    assert r1["active"].tolist()[:2] == [1, 0] and r1["active"].isna().tolist() == [False, False, True] + [False] * 4
    assert r1.loc[2020, ["events", "leader_visit", "cooperation", "exchange_count", "years_since_event", "dormant"]].isna().all()
    assert r1.loc[2019, "leader_visit_lag"] == 1
    # the lag of 2021 looks at 2020, which nobody watched; 2020's own drivers are missing too
    assert r1.loc[[2020, 2021], ["leader_visit_lag", "active_lag", "exchange_lag", "cooperation_lag"]].isna().all().all()
    assert r1.loc[2022, "leader_visit_lag"] == 0 and r1.loc[2022, "active_lag"] == 0
    # dormancy (3 years): unknown while the 3-year window holds the unwatched 2020, then known
    assert r1["dormant"].astype("float").tolist()[:2] == [0, 0]
    assert r1.loc[[2021, 2022], "dormant"].isna().all()
    assert r1.loc[[2023, 2024], "dormant"].tolist() == [1, 1]
    # years since the last event: unknown once an unwatched year lies between
    assert r1.loc[2019, "years_since_event"] == 1 and r1.loc[2021:, "years_since_event"].isna().all()

    r2 = panel[panel["relationship_id"] == "R2"].set_index("year")
    assert r2.index.min() == 2019 and r2.loc[2019, "first_year"] == 1 and r2.loc[2019, "age"] == 0
    assert r2["observed"].tolist() == [1, 1, 1, 0, 0, 0] and r2.loc[2021, "events"] == 2
    r3 = panel[panel["relationship_id"] == "R3"]
    assert (r3["observed"] == 0).all() and r3["active"].isna().all() and r3["dormant"].isna().all()


def test_without_windows_every_year_is_observed_and_types_stay_plain(engine):
    panel = build_panel(inputs(), engine=engine)
    assert (panel["observed"] == 1).all()
    assert panel["active"].dtype == "int64" and panel["dormant"].dtype == "int64"
    # windows that watch every panel year change nothing but the nullable types and the name of
    # the rule that set R2's first year (the same year: the first one watched)
    everything = panel[["relationship_id", "year"]]
    full = build_panel(PanelInputs(cities(), relationships(), events(), everything), engine=engine)
    assert set(full.loc[full["relationship_id"] == "R2", "entry_rule"]) == {"first_observed"}
    pd.testing.assert_frame_equal(full.drop(columns="entry_rule"), panel.drop(columns="entry_rule"), check_dtype=False)


def random_windows(relationships: pd.DataFrame, seed: int, first: int, last: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for rid in relationships["relationship_id"]:
        lo = int(rng.integers(first, last + 1))
        hi = int(rng.integers(lo, last + 1))
        rows += [(rid, y) for y in range(lo, hi + 1) if rng.random() > 0.15]  # with holes
    return pd.DataFrame(rows, columns=["relationship_id", "year"])


def test_duckdb_and_pandas_agree_with_windows(simulated, tmp_path):
    sim, cty = simulated
    lo, hi = int(sim.events["year"].min()), int(sim.events["year"].max())
    obs = random_windows(sim.relationships, 11, lo - 2, hi)
    raw = PanelInputs(cty, sim.relationships, sim.events, obs)
    for kwargs in ({}, {"start_year": lo + 2, "min_events": 2, "dormancy_years": 2}):
        a = build_panel(raw, engine="duckdb", **kwargs)
        b = build_panel(raw, engine="pandas", **kwargs)
        pd.testing.assert_frame_equal(a, b)
    assert 0.2 < (a["observed"] == 0).mean() < 0.9 and a["dormant"].isna().any() and a["dormant"].notna().any()
    sim.events.to_parquet(tmp_path / "events.parquet", index=False)
    from_files = build_panel_from_files(tmp_path / "events.parquet", sim.relationships, cty, observed_years=obs)
    pd.testing.assert_frame_equal(from_files, build_panel(raw))


def test_raw_data_uses_its_windows_only_when_a_source_declares_covers():
    from types import SimpleNamespace

    from analysis.panel.build import observation_windows

    obs = windowed_inputs().observed_years
    assert observation_windows(SimpleNamespace(observed_years=obs, sources={"s": {"title": "t"}})) is None
    assert observation_windows(SimpleNamespace(observed_years=obs, sources={"s": {"covers": []}})) is obs
    given = windowed_inputs()
    assert observation_windows(given) is given.observed_years and observation_windows(inputs()) is None
