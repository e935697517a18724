"""The generative model of yearly activity and the event rows that carry its drivers."""

import numpy as np
import pandas as pd

from analysis.panel.build import PanelInputs, build_panel
from analysis.sim import events
from analysis.sim.dataset import simulate_dataset
from analysis.sim.network import simulate_network
from analysis.sim.settings import DEFAULT_EFFECTS, DEFAULT_RATES


def with_prefectures(cities: pd.DataFrame) -> pd.DataFrame:
    return cities.assign(prefecture_id=np.where(cities["level"] == "prefecture", cities["city_id"], None))


def test_a_relationship_is_active_only_while_it_exists_and_never_without_an_event():
    rel = pd.DataFrame({"established": pd.array([2020, 2022, 2020], dtype="Int64"),
                        "ended": pd.array([pd.NA, pd.NA, 2021], dtype="Int64")})
    years = events.driver_years(rel, np.zeros(3), np.zeros(3), 2020, 2024, DEFAULT_EFFECTS,
                                {**DEFAULT_RATES, "p_initial_active": 1.0}, np.random.default_rng(1))
    span = {0: range(2020, 2025), 1: range(2022, 2025), 2: range(2020, 2022)}
    assert all(y in span[r] for r, y in zip(years["rel"], years["year"]))
    assert {(0, 2020), (1, 2022), (2, 2020)} <= set(zip(years["rel"], years["year"]))  # first years all active
    assert (years["lv"] | years["co"] | (years["ex"] > 0)).all()


def test_events_reproduce_each_years_drivers():
    rel = pd.DataFrame({"relationship_id": ["R1", "R2"], "city_a": ["CN-A", "CN-B"], "city_b": ["CN-B", "JP-C"]})
    years = pd.DataFrame({"rel": [0, 0, 1], "year": [2020, 2021, 2021], "lv": [True, False, False],
                          "co": [False, True, False], "ex": [2, 0, 5]})
    ev = events.render_events(years, rel, DEFAULT_RATES, np.random.default_rng(3))
    key = list(zip(rel["relationship_id"].to_numpy()[[0, 0, 1]], years["year"]))
    ev["rid"] = np.where(ev["origin"].isin(["CN-A", "CN-B"]) & ev["destination"].isin(["CN-A", "CN-B"]), "R1", "R2")
    top_visits = ev[(ev["kind"] == "visit") & (ev["leader_rank"] == "top")].groupby(["rid", "year"]).size()
    assert top_visits.to_dict() == {key[0]: 1}
    cooperation = ev[ev["kind"].isin(["agreement", "project"])].groupby(["rid", "year"]).size()
    assert cooperation.to_dict() == {key[1]: 1}
    exchanges = ev[~ev["kind"].isin(["agreement", "project"]) & (ev["leader_rank"] != "top")]
    assert exchanges.groupby(["rid", "year"])["count"].sum().to_dict() == {key[0]: 2, key[2]: 5}
    assert set(ev["relationship_id"]) <= {"", "R1", "R2"}
    assert ev["date"].str[:4].astype(int).tolist() == ev["year"].tolist()
    assert ev["delegates"].notna().tolist() == (ev["kind"] == "visit").tolist()


def test_a_blocks_events_depend_only_on_its_own_relationships(monkeypatch):
    monkeypatch.setattr(events, "BLOCK_SIZE", 40)
    cities, rels = simulate_network(100, 5, seed=6)
    args = (5, 6, DEFAULT_EFFECTS, DEFAULT_RATES)
    two_blocks = list(events.iter_event_blocks(cities, rels.iloc[:80], *args))
    one_block = list(events.iter_event_blocks(cities, rels.iloc[:40], *args))
    three_blocks = list(events.iter_event_blocks(cities, rels, *args))
    assert len(two_blocks) == 2 and len(one_block) == 1 and len(three_blocks) == 3
    pd.testing.assert_frame_equal(two_blocks[0], one_block[0])
    pd.testing.assert_frame_equal(two_blocks[1], three_blocks[1])
    assert set(three_blocks[2]["origin"]) | set(three_blocks[2]["destination"]) <= set(
        rels.iloc[80:][["city_a", "city_b"]].to_numpy().ravel())


def test_drivers_vary_and_their_lags_are_informative():
    sim = simulate_dataset(300, 6, seed=4)
    panel = build_panel(PanelInputs(with_prefectures(sim.cities), sim.relationships, sim.events))
    active = panel[panel["active"] == 1]
    for col in ["leader_visit", "cooperation"]:
        assert 0.2 < active[col].mean() < 0.6
    assert active["exchange_count"].std() > 0.5
    # with a leader visit last year, more relationships stay active
    lagged = panel.dropna(subset=["leader_visit_lag"])
    rates = lagged.groupby("leader_visit_lag")["active"].mean()
    assert rates[1.0] > rates[0.0] + 0.1
