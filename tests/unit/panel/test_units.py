"""The panel's unit (issue 12, point 5) and how a unit enters it (point 4), on hand-made frames
worked out by hand, and the duckdb and pandas engines against each other on pairs with several
relationships."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.panel.build import PanelInputs, build_panel
from analysis.panel.spec import KIND_COLUMNS, prepare_relationships, prepare_units
from analysis.sim.simulate import simulate_dataset
from tests.unit.panel.test_build import cities, events, random_windows, row

ENGINES = ["duckdb", "pandas"]


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


def rel_frame(rows):
    # (relationship_id, city_a, city_b, kind, established, ended)
    rel = pd.DataFrame(rows, columns=["relationship_id", "city_a", "city_b", "kind", "established", "ended"])
    return rel.astype({"established": "Int64", "ended": "Int64"})


def jinhua_like():
    """One pair (CN-1, CN-2) with three relationships, like Bazhong–Jinhua; a fourth pair abroad."""
    rel = rel_frame([
        ("S", "CN-1", "CN-2", "sister_city", 2021, None),
        ("E", "CN-2", "CN-1", "east_west_pairing", 2021, None),
        ("C", "CN-1", "CN-2", "counterpart_cooperation", 2022, None),
        ("X", "CN-1", "JP-9", "sister_city", None, None),
    ])
    ev = events([
        (2021, "CN-1", "CN-2", "visit", "top", 1, None),         # no id: the pair's, once
        (2022, "CN-2", "CN-11", "meeting", "none", 2, None),     # a county of CN-1: the pair's, once
        (2022, "CN-1", "CN-2", "visit", "senior", 1, "E"),       # names E: the pair's, once
        (2023, "JP-9", "CN-1", "meeting", "none", 1, None),
    ])
    return PanelInputs(cities(), rel, ev)


def test_a_shared_event_counts_once_for_its_pair(engine):
    p = build_panel(jinhua_like(), engine=engine)
    pair = p[p["pair_id"] == "CN-1|CN-2"].set_index("year")
    assert pair.index.tolist() == [2021, 2022, 2023]
    assert pair["events"].tolist() == [1, 3, 0] and pair["leader_visit"].tolist() == [1, 0, 0]
    assert int(p["events"].sum()) == 1 + 2 + 1 + 1  # every event once
    # the old unit counts the 2021 visit for S and E, and the 2022 meeting for S, E and C
    old = build_panel(jinhua_like(), engine=engine, unit="relationship")
    assert int(old["events"].sum()) == 2 * 1 + 3 * 2 + 1 + 1
    assert row(old, "S", 2021)["events"] == row(old, "E", 2021)["events"] == 1


def test_a_pair_carries_its_kinds_in_force_and_its_principal_relationship(engine):
    p = build_panel(jinhua_like(), engine=engine)
    pair = p[p["pair_id"] == "CN-1|CN-2"].set_index("year")
    # east-west pairing ranks first (KIND_PRIORITY): the unit is known by E, its kind and its city order
    assert set(pair["relationship_id"]) == {"E"} and set(pair["kind"]) == {"east_west_pairing"}
    assert (pair["city_a"] == "CN-2").all() and (pair["relationship_ids"] == "C;E;S").all()
    assert pair["kind_sister_city"].tolist() == [1, 1, 1] and pair["kind_east_west_pairing"].tolist() == [1, 1, 1]
    assert pair["kind_counterpart_cooperation"].tolist() == [0, 1, 1]  # signed in 2022
    assert pair[["kind_friendly_exchange", "kind_strategic_cooperation", "kind_other"]].eq(0).all().all()
    assert (pair["established"] == 2021).all() and pair["age"].tolist() == [0, 1, 2]
    abroad = p[p["relationship_id"] == "X"]
    assert (abroad["pair_id"] == "CN-1|JP-9").all() and (abroad["relationship_ids"] == "X").all()
    assert (abroad[KIND_COLUMNS].sum(axis=1) == 1).all() and (abroad["kind_sister_city"] == 1).all()


def test_the_relationship_unit_keeps_each_relationship_with_its_own_kind(engine):
    p = build_panel(jinhua_like(), engine=engine, unit="relationship")
    assert sorted(p["relationship_id"].unique()) == ["C", "E", "S", "X"]
    assert (p["relationship_ids"] == p["relationship_id"]).all()
    assert (p[KIND_COLUMNS].sum(axis=1) == 1).all()
    assert (p.loc[p["relationship_id"] == "C", "kind_counterpart_cooperation"] == 1).all()
    assert set(p.loc[p["relationship_id"] == "C", "pair_id"]) == {"CN-1|CN-2"}


def test_an_unknown_start_enters_when_first_watched_else_at_start_year_else_at_the_data_start(engine):
    # X (no established year) has its first event in 2023. Old rule: it entered in 2023, active by construction
    base = jinhua_like()
    p = build_panel(base, engine=engine)
    x = p[p["relationship_id"] == "X"]
    assert x["year"].tolist() == [2021, 2022, 2023] and set(x["entry_rule"]) == {"data_start"}
    assert x["active"].tolist() == [0, 0, 1] and x["first_year"].tolist() == [1, 0, 0]
    q = build_panel(base, engine=engine, start_year=2022)
    assert q.loc[q["relationship_id"] == "X", "year"].tolist() == [2022, 2023]
    assert set(q.loc[q["relationship_id"] == "X", "entry_rule"]) == {"start_year"}
    # with windows: the first year a source watched it, even before the events begin
    watched = PanelInputs(base.cities, base.relationships, base.events,
                          pd.DataFrame({"relationship_id": ["X", "X", "S"], "year": [2019, 2020, 2022]}))
    w = build_panel(watched, engine=engine).set_index(["relationship_id", "year"])
    assert w.loc["X"].index.tolist() == [2019, 2020, 2021, 2022, 2023]
    assert set(w.loc["X", "entry_rule"]) == {"first_observed"}
    assert w.loc["X", "observed"].tolist() == [1, 1, 0, 0, 1]
    assert set(w.loc["E", "entry_rule"]) == {"established"}  # a watched pair with a known start keeps it


def test_a_pair_enters_with_its_first_relationship_and_skips_years_none_is_in_force(engine):
    # A (2015, ended 2016) and B (2019) tie CN-1 and CN-3; L's pair has one relationship of unknown
    # start (the data start, 2015) and one of 2018: the pair enters in 2015 by the data-start rule
    rel = rel_frame([
        ("A", "CN-1", "CN-3", "sister_city", 2015, 2016),
        ("B", "CN-3", "CN-1", "strategic_cooperation", 2019, None),
        ("L1", "CN-2", "CN-3", "sister_city", 2018, None),
        ("L2", "CN-2", "CN-3", "east_west_pairing", None, None),
    ])
    ev = events([(2015, "CN-1", "CN-3", "visit", "top", 1, None), (2018, "CN-1", "CN-3", "meeting", "none", 1, None),
                 (2020, "CN-2", "CN-3", "meeting", "none", 1, None)])
    p = build_panel(PanelInputs(cities(), rel, ev), engine=engine)
    ab = p[p["pair_id"] == "CN-1|CN-3"].set_index("year")
    assert ab.index.tolist() == [2015, 2016, 2019, 2020]  # 2017-2018: no relationship in force, no row
    assert ab["first_year"].tolist() == [1, 0, 0, 0] and ab.loc[2019, "age"] == 4
    assert ab.loc[2019, "active_lag"] == 1  # the 2018 meeting still feeds the lag of 2019
    assert ab.loc[2015, "kind_sister_city"] == 1 and ab.loc[2019, ["kind_sister_city", "kind_strategic_cooperation"]].tolist() == [0, 1]
    assert set(ab["relationship_id"]) == {"B"} and set(ab["entry_rule"]) == {"established"}
    lishui = p[p["pair_id"] == "CN-2|CN-3"].set_index("year")
    assert lishui.index.min() == 2015 and set(lishui["entry_rule"]) == {"data_start"}
    assert (lishui["established"] == 2018).all() and lishui.loc[2017, "kind_sister_city"] == 0
    assert lishui.loc[2018, "kind_sister_city"] == 1 and (lishui["kind_east_west_pairing"] == 1).all()


def test_prepare_units_groups_pairs_whatever_their_order():
    rel = prepare_relationships(jinhua_like().relationships, cities(), end_year=2023)
    with_units, units = prepare_units(rel, "pair")
    assert len(units) == 2 and with_units.groupby("unit_no")["relationship_id"].apply(sorted).tolist() == [["C", "E", "S"], ["X"]]
    _, single = prepare_units(rel, "relationship")
    assert single["relationship_id"].tolist() == ["C", "E", "S", "X"]
    with pytest.raises(ValueError, match="unit must be one of pair, relationship"):
        prepare_units(rel, "city")
    with pytest.raises(ValueError, match="unit must be one of"):
        build_panel(jinhua_like(), unit="dyad")


def shared_pairs(seed: int):
    """Simulated relationships plus a second relationship, of another kind, on every third pair
    (some with unknown or later starts, some ended), so pairs hold several relationships."""
    sim = simulate_dataset(100, 5, seed=seed)
    cty = sim.cities.assign(prefecture_id=np.where(sim.cities["level"] == "prefecture", sim.cities["city_id"], None))
    rng = np.random.default_rng(seed)
    extra = sim.relationships.iloc[::3].copy()
    extra["relationship_id"] = extra["relationship_id"] + "-b"
    extra[["city_a", "city_b"]] = extra[["city_b", "city_a"]].to_numpy()
    extra["kind"] = np.where(extra["kind"] == "east_west_pairing", "sister_city", "east_west_pairing")
    lo = int(sim.events["year"].min())
    extra["established"] = pd.array(np.where(rng.random(len(extra)) < 0.4, None, lo + rng.integers(-2, 6, len(extra))),
                                    dtype="Int64")
    extra["ended"] = pd.array(np.where(rng.random(len(extra)) < 0.2, lo + 2, None), dtype="Int64")
    rel = pd.concat([sim.relationships, extra], ignore_index=True)
    assert (sim.events["relationship_id"] == "").any() and (sim.events["relationship_id"] != "").any()
    return cty, rel, sim.events


def test_duckdb_and_pandas_agree_on_pairs_with_several_relationships():
    cty, rel, ev = shared_pairs(8)
    lo, hi = int(ev["year"].min()), int(ev["year"].max())
    obs = random_windows(rel, 2, lo - 2, hi)
    for windows in (None, obs):
        raw = PanelInputs(cty, rel, ev, windows)
        for kwargs in ({}, {"unit": "relationship"}, {"start_year": lo + 1, "min_events": 2, "dormancy_years": 2}):
            a = build_panel(raw, engine="duckdb", **kwargs)
            b = build_panel(raw, engine="pandas", **kwargs)
            pd.testing.assert_frame_equal(a, b)
    pairs = build_panel(PanelInputs(cty, rel, ev))
    assert pairs["relationship_ids"].str.contains(";").any() and not pairs.duplicated(["pair_id", "year"]).any()
    assert set(pairs["entry_rule"]) == {"established", "data_start"}
