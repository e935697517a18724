"""Simulated cities and relationships: distinct pairs, ids by the contract, the terms of the model."""

import numpy as np
import pandas as pd
import pytest

from analysis.geo import great_circle_km
from analysis.sim.network import distinct_pairs, relationship_terms, simulate_network


def test_pairs_within_one_set_are_distinct_and_ordered():
    i, j = distinct_pairs(np.random.default_rng(0), 40, 10, 10, same_set=True)
    assert len(i) == 40
    assert (i < j).all()
    assert len(set(zip(i, j))) == 40


def test_pairs_across_two_sets_are_distinct_and_in_range():
    i, j = distinct_pairs(np.random.default_rng(0), 15, 5, 3, same_set=False)  # all 15 there are
    assert sorted(zip(i, j)) == [(a, b) for a in range(5) for b in range(3)]


def test_more_pairs_than_exist_are_refused():
    with pytest.raises(ValueError, match="cannot draw 11 distinct pairs from 10"):
        distinct_pairs(np.random.default_rng(0), 11, 5, 5, same_set=True)


def test_network_follows_the_contract_and_the_years():
    cities, rels = simulate_network(400, 6, seed=5, last_year=2024)
    assert cities["city_id"].is_unique and rels["relationship_id"].is_unique
    assert (cities["city_id"].str[:2] == cities["country"]).all()
    assert set(rels["city_a"]) | set(rels["city_b"]) <= set(cities["city_id"])
    pairs = {frozenset(p) for p in zip(rels["city_a"], rels["city_b"])}
    assert len(pairs) == len(rels) and (rels["city_a"] != rels["city_b"]).all()
    assert rels["established"].between(2019, 2023).all()      # every relationship has >= 2 years
    ended = rels.dropna(subset=["ended"])
    assert (ended["ended"] > ended["established"]).all() and (ended["ended"] < 2024).all()
    country = cities.set_index("city_id")["country"]
    abroad = (country[rels["city_b"]].to_numpy() != "CN")
    assert (country[rels["city_a"]] == "CN").all()             # the Chinese city comes first
    assert set(rels.loc[abroad, "kind"]) <= {"sister_city", "friendly_exchange"}
    assert 0.2 < abroad.mean() < 0.4                           # p_international = 0.3


def test_same_seed_same_network():
    a = simulate_network(50, 4, seed=9)
    b = simulate_network(50, 4, seed=9)
    c = simulate_network(50, 4, seed=10)
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[1]["city_a"].equals(c[1]["city_a"])


def test_too_few_years_are_refused():
    with pytest.raises(ValueError, match="at least 1 relationship and 2 years"):
        simulate_network(10, 1, seed=1)


def test_terms_are_log_distance_and_a_different_country():
    cities = pd.DataFrame({"city_id": ["CN-A", "CN-B", "JP-C"], "country": ["CN", "CN", "JP"],
                           "lat": [30.0, 30.0, 35.0], "lon": [110.0, 111.0, 139.0]})
    rels = pd.DataFrame({"city_a": ["CN-A", "CN-A", "CN-B"], "city_b": ["CN-B", "JP-C", "CN-B"]})
    log_km, intl = relationship_terms(rels, cities)
    assert intl.tolist() == [0.0, 1.0, 0.0]
    assert log_km[0] == pytest.approx(np.log(great_circle_km(30.0, 110.0, 30.0, 111.0)))
    assert log_km[2] == 0.0                                    # same place: the 1 km floor, not -inf
