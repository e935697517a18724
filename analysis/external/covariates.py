"""City and city-pair covariates from the external data: census population of Chinese cities
(2010, 2020) and the scheduled direct flights between two cities.

For each pair of cities: whether a direct flight joins them and how many routes do (OpenFlights,
c. 2014), airports mapped to the cities within ``AIRPORT_RADIUS_KM``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.gazetteer import Gazetteer

AIRPORT_RADIUS_KM = 50.0  # an airport serves the cities within this distance of it
AIRPORT_COLUMNS = ["airport_id", "name", "city", "country", "iata", "icao", "lat", "lon"]
ROUTE_COLUMNS = ["airline", "airline_id", "source", "source_id", "destination", "destination_id", "codeshare",
                 "stops", "equipment"]
EARTH_RADIUS_KM = 6371.0088


def read_census(path: str | Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"city_code": str}, usecols=["city", "city_code", "province", "popu_2010", "popu_2020"])
    return raw.rename(columns={"popu_2010": "population_2010", "popu_2020": "population_2020"})


def census_population(census: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """Census rows with the gazetteer id of each unit (``CN-<city_code>``; municipalities map to their
    province-level id); ``city_id`` blank where the adcode is no longer in the gazetteer."""
    ids = [gazetteer.canonical_id(f"CN-{c}") or "" for c in census["city_code"]]
    return census.assign(city_id=ids)


def chinese_city_population(cities: pd.DataFrame, census: pd.DataFrame) -> pd.Series:
    """Population (census 2010) of Chinese gazetteer units: a prefecture's own figure; a county or
    district takes its prefecture's (the census here is by prefecture)."""
    by_id = census[census["city_id"] != ""].set_index("city_id")["population_2010"]
    cn = cities[cities["country"] == "CN"]
    own = cn.index.to_series().map(by_id)
    return own.fillna(cn["prefecture_id"].map(by_id)).dropna().astype(float)


def read_airports(path: str | Path) -> pd.DataFrame:
    raw = pd.read_csv(path, header=None, na_values=["\\N"], keep_default_na=False, usecols=range(8))
    return raw.set_axis(AIRPORT_COLUMNS, axis=1)


def read_routes(path: str | Path) -> pd.DataFrame:
    raw = pd.read_csv(path, header=None, na_values=["\\N"], keep_default_na=False, dtype=str)
    out = raw.set_axis(ROUTE_COLUMNS, axis=1)
    out["source_id"] = pd.to_numeric(out["source_id"], errors="coerce")
    out["destination_id"] = pd.to_numeric(out["destination_id"], errors="coerce")
    return out.dropna(subset=["source_id", "destination_id"])


def airport_cities(airports: pd.DataFrame, cities: pd.DataFrame, radius_km: float = AIRPORT_RADIUS_KM) -> pd.DataFrame:
    """``airport_id, city_id``: every city (rows of ``cities`` with lat/lon, indexed by id) within
    ``radius_km`` of an airport."""
    from scipy.spatial import cKDTree

    cities = cities.dropna(subset=["lat", "lon"])
    airports = airports.dropna(subset=["lat", "lon"])
    if cities.empty or airports.empty:
        return pd.DataFrame(columns=["airport_id", "city_id"])
    tree = cKDTree(_xyz(cities["lat"], cities["lon"]))
    chord = 2 * np.sin(radius_km / EARTH_RADIUS_KM / 2)
    hits = tree.query_ball_point(_xyz(airports["lat"], airports["lon"]), r=chord)
    ids = cities.index.to_numpy()
    rows = [(a, ids[j]) for a, js in zip(airports["airport_id"], hits) for j in sorted(js)]
    return pd.DataFrame(rows, columns=["airport_id", "city_id"])


def airport_routes(routes: pd.DataFrame) -> dict[tuple[int, int], int]:
    """``(airport, airport) -> routes`` (the smaller id first): scheduled routes, one per airline and
    direction, between two airports."""
    a, b = routes["source_id"].astype(int).to_numpy(), routes["destination_id"].astype(int).to_numpy()
    pairs = pd.DataFrame({"lo": np.minimum(a, b), "hi": np.maximum(a, b)})
    counts = pairs[pairs["lo"] != pairs["hi"]].value_counts()
    return {(int(lo), int(hi)): int(n) for (lo, hi), n in counts.items()}


def pair_flights(rels: pd.DataFrame, served: pd.DataFrame, routes: dict[tuple[int, int], int]) -> pd.DataFrame:
    """``relationship_id, routes, direct_flight`` for relationships with both cities resolved: the
    routes between any airport serving one city and any serving the other (an airport serving both
    does not count: no flight is needed)."""
    airports = served.groupby("city_id")["airport_id"].apply(lambda s: sorted(set(s))).to_dict()
    both = rels[(rels["city_a"] != "") & (rels["city_b"] != "")]
    counts = []
    for a, b in zip(both["city_a"], both["city_b"]):
        n = 0
        for x in airports.get(a, ()):
            for y in airports.get(b, ()):
                if x != y:
                    n += routes.get((x, y) if x < y else (y, x), 0)
        counts.append(n)
    n = np.asarray(counts, dtype=int)
    return pd.DataFrame({"relationship_id": both["relationship_id"].to_numpy(), "routes": n,
                         "direct_flight": (n > 0).astype(int)})


def _xyz(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
