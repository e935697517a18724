"""Synthetic inputs of the scale benchmark: a network with counties under each prefecture,
and event logs of any size written straight to Parquet (used by run_bench.py and the tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.contract import RELATIONSHIP_COLUMNS
from analysis.io import atomic_path
from analysis.sim.network import simulate_network
from analysis.sim.settings import LAST_YEAR

BENCH_KINDS = np.array(["visit", "agreement", "project", "cadre_exchange", "training", "promotion", "meeting", "other"])
BENCH_RANKS = np.array(["top", "senior", "official", "none"])


def bench_network(n_relationships: int, n_years: int, seed: int, last_year: int = LAST_YEAR,
                  counties_per_city: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cities (``city_id, prefecture_id, lat, lon, country``, with counties under each
    prefecture) and relationships for the scale benchmark: most established in the first year."""
    cities, rel = simulate_network(n_relationships, n_years, seed, last_year)
    rng = np.random.default_rng([seed, 2])
    rel["established"] = pd.array(np.where(rng.random(len(rel)) < 0.9, last_year - n_years + 1,
                                           rel["established"].to_numpy(dtype="int64")), dtype="Int64")
    base = cities.assign(prefecture_id=np.where(cities["country"] == "CN", cities["city_id"], None))
    cn = base[base["country"] == "CN"]
    counties = pd.DataFrame({
        "city_id": [f"{c}-C{k}" for k in range(1, counties_per_city + 1) for c in cn["city_id"]],
        "prefecture_id": np.tile(cn["city_id"].to_numpy(), counties_per_city),
        "lat": np.tile(cn["lat"].to_numpy(), counties_per_city) + 0.1,
        "lon": np.tile(cn["lon"].to_numpy(), counties_per_city) + 0.1,
        "country": "CN",
    })
    cities = pd.concat([base[["city_id", "prefecture_id", "lat", "lon", "country"]], counties], ignore_index=True)
    return cities, rel.drop(columns="_has_status")[RELATIONSHIP_COLUMNS]


def write_event_log(path: str | Path, n_events: int, cities: pd.DataFrame, relationships: pd.DataFrame,
                    n_years: int, seed: int, last_year: int = LAST_YEAR, chunk_rows: int = 4_000_000) -> Path:
    """A synthetic event log of ``n_events`` rows straight to Parquet, drawn with numpy in
    chunks: the columns the panel reads (``year, origin, destination, kind, leader_rank,
    count, relationship_id``), dictionary-encoded, half matched by id and half by city
    pair (a tenth of those from a county of the first city)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rel_ids = pa.array(relationships["relationship_id"].astype(str).to_numpy())
    a = relationships["city_a"].astype(str).to_numpy()
    b = relationships["city_b"].astype(str).to_numpy()
    city_ids = np.array(sorted(set(cities["city_id"].astype(str))))
    code = {c: i for i, c in enumerate(city_ids)}
    a_code = np.array([code[x] for x in a])
    b_code = np.array([code[x] for x in b])
    a_county = np.array([code.get(f"{x}-C1", code[x]) for x in a])  # a county of city_a, if it has one
    city_dict = pa.array(city_ids)
    kinds, ranks = pa.array(BENCH_KINDS), pa.array(BENCH_RANKS)
    first_year = last_year - n_years + 1
    start = relationships["established"].astype("float64").fillna(first_year).clip(lower=first_year).to_numpy().astype(np.int16)
    stop = relationships["ended"].astype("float64").fillna(last_year).clip(upper=last_year).to_numpy().astype(np.int16)
    span = (stop - start + 1).astype(np.float64)
    rng = np.random.default_rng([seed, 3])
    schema = pa.schema([("year", pa.int16()), ("origin", pa.dictionary(pa.int32(), pa.string())),
                        ("destination", pa.dictionary(pa.int32(), pa.string())),
                        ("kind", pa.dictionary(pa.int8(), pa.string())),
                        ("leader_rank", pa.dictionary(pa.int8(), pa.string())),
                        ("count", pa.int32()), ("relationship_id", pa.dictionary(pa.int32(), pa.string()))])
    path = Path(path)
    with atomic_path(path, suffix=".parquet") as tmp:
        with pq.ParquetWriter(tmp, schema, compression="snappy") as writer:
            done = 0
            while done < n_events:
                m = min(chunk_rows, n_events - done)
                r = rng.integers(0, len(relationships), m, dtype=np.int32)
                # uniform over each relationship's own years, so every event reaches the panel
                year = (start[r] + (rng.random(m) * span[r]).astype(np.int16)).astype(np.int16)
                named = rng.random(m) < 0.5
                use_county = rng.random(m) < 0.1
                origin = np.where(use_county, a_county[r], a_code[r]).astype(np.int32)
                dest = b_code[r].astype(np.int32)
                swap = rng.random(m) < 0.5
                origin, dest = np.where(swap, dest, origin), np.where(swap, origin, dest)
                count = np.where(rng.random(m) < 0.1, rng.integers(2, 6, m), 1).astype(np.int32)
                batch = pa.table({
                    "year": year,
                    "origin": pa.DictionaryArray.from_arrays(origin, city_dict),
                    "destination": pa.DictionaryArray.from_arrays(dest, city_dict),
                    "kind": pa.DictionaryArray.from_arrays(rng.integers(0, len(BENCH_KINDS), m, dtype=np.int8), kinds),
                    "leader_rank": pa.DictionaryArray.from_arrays(rng.integers(0, 4, m, dtype=np.int8), ranks),
                    "count": count,
                    "relationship_id": pa.DictionaryArray.from_arrays(pa.array(r, mask=~named), rel_ids),
                }, schema=schema)
                writer.write_table(batch, row_group_size=1_000_000)
                done += m
    return path
