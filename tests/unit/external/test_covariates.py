"""Airports mapped to the cities within the radius, routes counted per pair, census ids."""

import pandas as pd

from analysis.data.gazetteer import build_gazetteer
from analysis.external import covariates


def test_airports_serve_cities_within_the_radius_and_routes_count_per_pair():
    cities = pd.DataFrame({"lat": [0.0, 0.0, 10.0], "lon": [0.0, 0.4, 0.0]}, index=["A", "B", "C"])
    airports = pd.DataFrame({"airport_id": [1, 2], "lat": [0.0, 10.0], "lon": [0.2, 0.0]})
    served = covariates.airport_cities(airports, cities, radius_km=30)  # 0.2° of longitude at the equator: 22 km
    assert sorted(map(tuple, served.to_numpy().tolist())) == [(1, "A"), (1, "B"), (2, "C")]
    routes = covariates.airport_routes(pd.DataFrame({"source_id": [1, 2, 1, 1], "destination_id": [2, 1, 2, 1]}))
    assert routes == {(1, 2): 3}  # two airlines one way, one back; the 1 -> 1 row is no route
    rels = pd.DataFrame({"relationship_id": ["r1", "r2", "r3"], "city_a": ["A", "A", "C"], "city_b": ["C", "B", ""]})
    got = covariates.pair_flights(rels, served, routes).set_index("relationship_id")
    assert got.loc["r1"].tolist() == [3, 1]
    assert got.loc["r2"].tolist() == [0, 0]  # one airport serves both: no flight between them
    assert "r3" not in got.index


def test_census_units_take_gazetteer_ids_and_counties_their_prefectures_population():
    census = pd.DataFrame({"city": ["宁波市"], "city_code": ["330200"], "population_2010": [7605689]})
    g = build_gazetteer()
    census = covariates.census_population(census, g)
    pop = covariates.chinese_city_population(g.cities, census)
    assert census["city_id"].tolist() == ["CN-330200"]
    assert pop["CN-330200"] == pop["CN-330212"] == 7605689  # 鄞州区 lies in 宁波市
