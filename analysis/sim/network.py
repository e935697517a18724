"""Simulated cities and relationships (distinct city pairs, some abroad), and each
relationship's distance and international terms of the activity model."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.geo import great_circle_km, log_distance_km
from analysis.sim.settings import DEFAULT_RATES, LAST_YEAR

FOREIGN_CENTRES = {  # rough country centres for foreign partner cities
    "JP": (36.0, 138.0), "KR": (36.5, 127.8), "US": (39.0, -98.0), "DE": (51.0, 10.0), "FR": (46.5, 2.5),
    "GB": (53.0, -1.5), "RU": (55.7, 37.6), "AU": (-33.0, 147.0), "IT": (42.8, 12.5), "BR": (-15.8, -47.9),
}
DOMESTIC_KINDS = ["east_west_pairing", "counterpart_cooperation", "strategic_cooperation", "friendly_exchange"]
FOREIGN_KINDS = ["sister_city", "friendly_exchange"]


def simulate_network(n_relationships: int, n_years: int, seed: int, last_year: int = LAST_YEAR,
                     rates: dict[str, float] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cities (overlay rows with ids ``CN-SIM000001``, ``JP-SIM000017``...) and relationships on distinct city pairs."""
    if n_relationships < 1 or n_years < 2:
        raise ValueError("need at least 1 relationship and 2 years")
    rates = {**DEFAULT_RATES, **(rates or {})}
    rng = np.random.default_rng(seed)
    first_year = last_year - n_years + 1

    n_intl = int(rng.binomial(n_relationships, rates["p_international"]))
    n_dom = n_relationships - n_intl
    n_cn = max(12, int(2 * math.sqrt(n_relationships)) + n_relationships // 20)
    n_fx = max(4, n_cn // 3)
    countries = np.array(list(FOREIGN_CENTRES))
    fx_country = countries[rng.integers(0, len(countries), n_fx)]
    centre = np.array([FOREIGN_CENTRES[c] for c in fx_country])
    lat = np.concatenate([rng.uniform(22.0, 45.0, n_cn), centre[:, 0] + rng.uniform(-3, 3, n_fx)])
    lon = np.concatenate([rng.uniform(100.0, 125.0, n_cn), centre[:, 1] + rng.uniform(-3, 3, n_fx)])
    n_cities = n_cn + n_fx
    country = np.concatenate([np.full(n_cn, "CN"), fx_country])
    # ids follow the contract's "<ISO2>-..." rule (the validator checks the prefix)
    ids = np.array([f"{c}-SIM{i:06d}" for i, c in enumerate(country, start=1)])
    cities = pd.DataFrame({
        "city_id": ids,
        "name_zh": [f"模拟{'市' if i < n_cn else '外市'}{i + 1:06d}" for i in range(n_cities)],
        "name_en": [f"Simcity {i + 1:06d}" for i in range(n_cities)],
        "country": country,
        "province": np.where(np.arange(n_cities) < n_cn, "模拟省", ""),
        "level": np.where(np.arange(n_cities) < n_cn, "prefecture", "foreign"),
        "lat": np.round(lat, 4),  # rounded as written, so distances equal the panel's
        "lon": np.round(lon, 4),
        "population": rng.integers(200_000, 12_000_000, n_cities),
    })

    dom = distinct_pairs(rng, n_dom, n_cn, n_cn, same_set=True)
    intl = distinct_pairs(rng, n_intl, n_cn, n_fx, same_set=False)
    a = np.concatenate([dom[0], intl[0]])
    b = np.concatenate([dom[1], n_cn + intl[1]])
    is_intl = np.concatenate([np.zeros(n_dom, bool), np.ones(n_intl, bool)])
    order = rng.permutation(n_relationships)
    a, b, is_intl = a[order], b[order], is_intl[order]

    kind = np.where(is_intl, np.array(FOREIGN_KINDS)[rng.integers(0, 2, n_relationships)],
                    np.array(DOMESTIC_KINDS)[rng.integers(0, 4, n_relationships)])
    # 40% established in the first year, the rest spread so every one has >= 2 years
    late = rng.integers(first_year, last_year, n_relationships)
    established = np.where(rng.random(n_relationships) < 0.4, first_year, late)
    ends = rng.random(n_relationships) < rates["p_ended"]
    ended_year = established + 1 + (rng.random(n_relationships) * (last_year - established)).astype(int)
    ended = pd.array(np.where(ends & (ended_year < last_year), ended_year, 0), dtype="Int64")
    ended[ended == 0] = pd.NA
    relationships = pd.DataFrame({
        "relationship_id": [f"SIM-R{i:07d}" for i in range(1, n_relationships + 1)],
        "city_a": ids[a],
        "city_b": ids[b],
        "kind": kind,
        "established": pd.array(established, dtype="Int64"),
        "ended": ended,
        "status": "",
        "status_as_of": pd.array([pd.NA] * n_relationships, dtype="Int64"),
        "source": "simulated",
        "note": "",
    })
    relationships["_has_status"] = rng.random(n_relationships) < rates["p_status"]
    return cities, relationships


def distinct_pairs(rng, n: int, n_left: int, n_right: int, same_set: bool) -> tuple[np.ndarray, np.ndarray]:
    """n distinct pairs (i, j), i < j within one set or any i, j across two sets."""
    capacity = n_left * (n_left - 1) // 2 if same_set else n_left * n_right
    if n > capacity:
        raise ValueError(f"cannot draw {n} distinct pairs from {capacity}")
    chosen = np.empty(0, dtype=np.int64)
    while len(chosen) < n:
        i = rng.integers(0, n_left, 2 * n + 16)
        j = rng.integers(0, n_right, 2 * n + 16)
        if same_set:
            keep = i != j
            i, j = np.minimum(i, j)[keep], np.maximum(i, j)[keep]
        code = np.concatenate([chosen, i.astype(np.int64) * n_right + j])
        _, first = np.unique(code, return_index=True)
        chosen = code[np.sort(first)][:n]
    return chosen // n_right, chosen % n_right


def relationship_terms(rel: pd.DataFrame, cities: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each relationship's ``log_distance`` and ``international`` (1.0 when the cities' countries differ)."""
    places = cities.set_index("city_id")
    a = places.loc[rel["city_a"]]
    b = places.loc[rel["city_b"]]
    km = great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
    intl = (a["country"].to_numpy() != b["country"].to_numpy()).astype("float64")
    return log_distance_km(km), intl
