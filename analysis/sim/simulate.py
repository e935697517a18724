"""Simulated raw data with known effects, in the raw-data contract of DESIGN.md.

Generative model (one step per calendar year, vectorised over relationships):

- A relationship exists from its ``established`` year to the last year (or the year it
  ended). In its first year its state is drawn: active with ``p_initial_active``.
- In every later year it is active with probability
  ``logistic(intercept + leader_visit_lag*LV[t-1] + exchange_lag*log1p(EX[t-1])
  + cooperation_lag*CO[t-1] + log_distance*log_km + age*(t - established)
  + international*intl)`` -- exactly the default activity logit, so a correct panel and
  model recover ``truth["coefficients"]``.
- In an active year the drivers are themselves random: a top-led visit with
  ``p_leader_visit``, an agreement/project with ``p_cooperation``, Poisson(``mean_exchange``)
  other events (at least one event in all, so the year is active); an inactive year has
  no events. Events are written as rows with kinds and ranks that the panel maps back
  to those drivers; some rows carry ``count`` > 1, half name their relationship, the rest
  are matched by the pair of cities in either order.

Same seed, same files: cities and relationships come from the main generator, events
from one child generator per fixed-size block of relationships (so a streamed Parquet
file and an in-memory dataset are identical).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.data.contract import CITY_COLUMNS, EVENT_COLUMNS, RELATIONSHIP_COLUMNS, TOPICS
from analysis.geo import great_circle_km, log_distance_km
from analysis.io import atomic_path, write_csv, write_json, write_text

DEFAULT_EFFECTS: dict[str, float] = {
    "intercept": 1.5,
    "leader_visit_lag": 1.0,
    "exchange_lag": 0.6,
    "cooperation_lag": 0.8,
    "log_distance": -0.25,
    "age": -0.05,
    "international": -0.4,
}
DEFAULT_RATES: dict[str, float] = {
    "p_initial_active": 0.8,   # first year (signing year)
    "p_leader_visit": 0.35,    # P(top-led visit | active)
    "p_cooperation": 0.4,      # P(agreement or project | active)
    "mean_exchange": 1.5,      # Poisson mean of other events | active
    "p_named": 0.5,            # event row names its relationship_id
    "p_collapsed": 0.25,       # exchanges written as one row with count > 1
    "p_international": 0.3,    # partner abroad
    "p_ended": 0.05,           # relationship ends before the last year
    "p_status": 0.6,           # a reported status exists
}
LAST_YEAR = 2024
BLOCK_SIZE = 5_000  # relationships per event-generation block (fixed: part of the seed's meaning)


FOREIGN_CENTRES = {  # rough country centres for foreign partner cities
    "JP": (36.0, 138.0), "KR": (36.5, 127.8), "US": (39.0, -98.0), "DE": (51.0, 10.0), "FR": (46.5, 2.5),
    "GB": (53.0, -1.5), "RU": (55.7, 37.6), "AU": (-33.0, 147.0), "IT": (42.8, 12.5), "BR": (-15.8, -47.9),
}
DOMESTIC_KINDS = ["east_west_pairing", "counterpart_cooperation", "strategic_cooperation", "friendly_exchange"]
FOREIGN_KINDS = ["sister_city", "friendly_exchange"]
EXCHANGE_KINDS = ["visit", "cadre_exchange", "training", "promotion", "meeting", "other"]

SOURCES_YAML = """simulated:
  title: Simulated data with planted effects (analysis.sim.simulate)
  publisher: analysis.sim.simulate
  date: '{date}'
  licence: CC0-1.0
  note: 'generated with seed {seed}; true coefficients in truth.json'
"""


@dataclass
class SimulatedData:
    cities: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- network

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

    dom = _distinct_pairs(rng, n_dom, n_cn, n_cn, same_set=True)
    intl = _distinct_pairs(rng, n_intl, n_cn, n_fx, same_set=False)
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


def _distinct_pairs(rng, n: int, n_left: int, n_right: int, same_set: bool) -> tuple[np.ndarray, np.ndarray]:
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


# --------------------------------------------------------------------------- dynamics

def driver_years(rel: pd.DataFrame, log_km: np.ndarray, intl: np.ndarray, first_year: int, last_year: int,
                 effects: dict[str, float], rates: dict[str, float], rng) -> pd.DataFrame:
    """Active relationship-years with their drivers (one vectorised step per year)."""
    n = len(rel)
    est = rel["established"].to_numpy(dtype="int64")
    end = rel["ended"].astype("float64").fillna(last_year).to_numpy().astype("int64")
    lv_prev = np.zeros(n, bool)
    co_prev = np.zeros(n, bool)
    ex_prev = np.zeros(n, np.int64)
    out = []
    for year in range(first_year, last_year + 1):
        alive = (est <= year) & (year <= end)
        eta = (effects["intercept"] + effects["leader_visit_lag"] * lv_prev + effects["exchange_lag"] * np.log1p(ex_prev)
               + effects["cooperation_lag"] * co_prev + effects["log_distance"] * log_km
               + effects["age"] * (year - est) + effects["international"] * intl)
        p = np.where(est == year, rates["p_initial_active"], 1.0 / (1.0 + np.exp(-eta)))
        u = rng.random((4, n))
        active = alive & (u[0] < p)
        lv = active & (u[1] < rates["p_leader_visit"])
        co = active & (u[2] < rates["p_cooperation"])
        ex = np.where(active, rng.poisson(rates["mean_exchange"], n), 0)
        ex = np.where(active & ~lv & ~co & (ex == 0), 1, ex)  # an active year has at least one event
        idx = np.flatnonzero(active)
        out.append(pd.DataFrame({"rel": idx, "year": year, "lv": lv[idx], "co": co[idx], "ex": ex[idx]}))
        lv_prev, co_prev, ex_prev = lv, co, ex
    return pd.concat(out, ignore_index=True)


def _render_events(years: pd.DataFrame, rel: pd.DataFrame, rates: dict[str, float], rng) -> pd.DataFrame:
    """Event rows whose kinds/ranks/counts reproduce each year's drivers."""
    lv = years[years["lv"]]
    co = years[years["co"]]
    ex = years[years["ex"] > 0]
    collapsed = rng.random(len(ex)) < rates["p_collapsed"]
    ex_one = ex[collapsed]
    ex_many = ex[~collapsed]
    ex_many_rows = ex_many.loc[ex_many.index.repeat(ex_many["ex"])]
    parts = [
        pd.DataFrame({"rel": lv["rel"], "year": lv["year"], "kind": "visit", "leader_rank": "top", "count": 1}),
        pd.DataFrame({"rel": co["rel"], "year": co["year"],
                      "kind": np.array(["agreement", "project"])[rng.integers(0, 2, len(co))],
                      "leader_rank": np.array(["top", "senior", "official", "none"])[rng.integers(0, 4, len(co))],
                      "count": 1}),
        pd.DataFrame({"rel": ex_one["rel"], "year": ex_one["year"], "kind": "", "leader_rank": "",
                      "count": ex_one["ex"]}),
        pd.DataFrame({"rel": ex_many_rows["rel"], "year": ex_many_rows["year"], "kind": "", "leader_rank": "",
                      "count": 1}),
    ]
    ev = pd.concat(parts, ignore_index=True)
    m = len(ev)
    is_ex = (ev["kind"] == "").to_numpy()
    ex_kind = np.array(EXCHANGE_KINDS)[rng.integers(0, len(EXCHANGE_KINDS), m)]
    ex_rank = np.array(["senior", "official", "none"])[rng.integers(0, 3, m)]  # never top: not a leader visit
    ev["kind"] = np.where(is_ex, ex_kind, ev["kind"])
    ev["leader_rank"] = np.where(is_ex, ex_rank, ev["leader_rank"])

    month = rng.integers(1, 13, m)
    day = rng.integers(1, 29, m)
    precision = rng.random(m)
    year_s = ev["year"].astype(str)
    date = np.where(precision < 0.8, year_s + "-" + pd.Series(month).map("{:02d}".format) + "-"
                    + pd.Series(day).map("{:02d}".format),
                    np.where(precision < 0.95, year_s + "-" + pd.Series(month).map("{:02d}".format), year_s))
    a = rel["city_a"].to_numpy()[ev["rel"]]
    b = rel["city_b"].to_numpy()[ev["rel"]]
    swap = rng.random(m) < 0.5
    named = rng.random(m) < rates["p_named"]
    is_visit = (ev["kind"] == "visit").to_numpy()
    is_project = ev["kind"].isin(["project", "agreement"]).to_numpy()
    out = pd.DataFrame({
        "year": ev["year"].to_numpy(),
        "date": date,
        "date_end": "",
        "origin": np.where(swap, b, a),
        "destination": np.where(swap, a, b),
        "kind": ev["kind"].to_numpy(),
        "leader_rank": ev["leader_rank"].to_numpy(),
        "topics": np.array(TOPICS)[rng.integers(0, len(TOPICS), m)],
        "delegates": pd.array(np.where(is_visit, rng.integers(3, 40, m), 0), dtype="Int64"),
        "amount_cny": np.where(is_project, np.round(np.exp(rng.normal(16, 1.5, m)), -3), np.nan),
        "count": ev["count"].to_numpy(dtype="int64"),
        "relationship_id": np.where(named, rel["relationship_id"].to_numpy()[ev["rel"]], ""),
        "source": "simulated",
        "note": "",
        "_sort": date,
    })
    out.loc[~is_visit, "delegates"] = pd.NA
    return out


def relationship_terms(rel: pd.DataFrame, cities: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    places = cities.set_index("city_id")
    a = places.loc[rel["city_a"]]
    b = places.loc[rel["city_b"]]
    km = great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
    intl = (a["country"].to_numpy() != b["country"].to_numpy()).astype("float64")
    return log_distance_km(km), intl


def iter_event_blocks(cities: pd.DataFrame, relationships: pd.DataFrame, n_years: int, seed: int,
                      effects: dict[str, float], rates: dict[str, float],
                      last_year: int = LAST_YEAR) -> Iterator[pd.DataFrame]:
    """Events block by block of relationships (memory stays one block's worth)."""
    first_year = last_year - n_years + 1
    n_blocks = max(1, math.ceil(len(relationships) / BLOCK_SIZE))
    children = np.random.SeedSequence([seed, 1]).spawn(n_blocks)
    for k in range(n_blocks):
        rng = np.random.default_rng(children[k])
        rel = relationships.iloc[k * BLOCK_SIZE:(k + 1) * BLOCK_SIZE].reset_index(drop=True)
        log_km, intl = relationship_terms(rel, cities)
        years = driver_years(rel, log_km, intl, first_year, last_year, effects, rates, rng)
        ev = _render_events(years, rel, rates, rng)
        yield ev.sort_values(["year", "_sort", "origin", "destination", "kind"], kind="stable").reset_index(drop=True)


def _finish_statuses(relationships: pd.DataFrame, events: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Reported status (for some relationships): ended, else active if any event in the last two years."""
    rel = relationships.copy()
    recent = set(events.loc[events["year"] >= last_year - 1, "relationship_id"]) - {""}
    pairs_recent = events.loc[(events["year"] >= last_year - 1) & (events["relationship_id"] == "")]
    pair_keys = set(zip(pairs_recent["origin"], pairs_recent["destination"]))
    pair_keys |= {(d, o) for o, d in pair_keys}
    is_recent = rel["relationship_id"].isin(recent) | pd.Series(
        [(a, b) in pair_keys for a, b in zip(rel["city_a"], rel["city_b"])], index=rel.index)
    status = np.where(rel["ended"].notna(), "ended", np.where(is_recent, "active", "dormant"))
    has = rel.pop("_has_status").to_numpy()
    rel["status"] = np.where(has, status, "")
    rel["status_as_of"] = pd.array(np.where(has, last_year, 0), dtype="Int64")
    rel.loc[~has, "status_as_of"] = pd.NA
    return rel[RELATIONSHIP_COLUMNS]


def _truth(n_relationships, n_years, seed, effects, rates, last_year) -> dict[str, Any]:
    return {
        "model": "active ~ leader_visit_lag + exchange_lag + cooperation_lag + log_distance + age + international",
        "coefficients": dict(effects),
        "rates": dict(rates),
        "n_relationships": n_relationships,
        "n_years": n_years,
        "first_year": last_year - n_years + 1,
        "last_year": last_year,
        "seed": seed,
        "note": "first year of each relationship is drawn (initial state); log_distance = log(max(km, 1))",
    }


def simulate_dataset(n_relationships: int, n_years: int, seed: int, effects: dict[str, float] | None = None,
                     rates: dict[str, float] | None = None, last_year: int = LAST_YEAR) -> SimulatedData:
    """A whole simulated dataset in memory (events carry an extra ``year`` column)."""
    effects = _merge(DEFAULT_EFFECTS, effects, "effects")
    rates = _merge(DEFAULT_RATES, rates, "rates")
    cities, relationships = simulate_network(n_relationships, n_years, seed, last_year, rates)
    blocks = list(iter_event_blocks(cities, relationships, n_years, seed, effects, rates, last_year))
    events = pd.concat(blocks, ignore_index=True).drop(columns="_sort")
    events = events.sort_values(["year"], kind="stable").reset_index(drop=True)
    events.insert(0, "event_id", [f"SIM-E{i:09d}" for i in range(1, len(events) + 1)])
    relationships = _finish_statuses(relationships, events, last_year)
    truth = _truth(n_relationships, n_years, seed, effects, rates, last_year)
    return SimulatedData(cities[CITY_COLUMNS], relationships, events, truth)


def _merge(base: dict[str, float], given: dict[str, float] | None, name: str) -> dict[str, float]:
    unknown = sorted(set(given or {}) - set(base))
    if unknown:
        raise ValueError(f"unknown {name}: {', '.join(unknown)} (known: {', '.join(base)})")
    return {**base, **(given or {})}


# --------------------------------------------------------------------------- writing

def write_dataset(sim: SimulatedData, out_dir: str | Path, fmt: str = "csv") -> Path:
    """Write cities.csv, relationships.csv, events (events/YYYY.csv, or one events.parquet),
    SOURCES.yaml and truth.json under ``out_dir``."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    _write_tables(sim.cities, sim.relationships, sim.truth, out)
    if fmt == "csv":
        for year, frame in sim.events.groupby("year", sort=True):
            write_csv(out / "events" / f"{year}.csv", frame[EVENT_COLUMNS])
    else:
        _write_parquet_blocks([sim.events], out / "events.parquet")
    return out


def write_simulated(n_relationships: int, n_years: int, seed: int, out_dir: str | Path,
                    effects: dict[str, float] | None = None, last_year: int = LAST_YEAR) -> Path:
    """Stream a large simulated dataset to ``out_dir/events.parquet`` block by block
    (never the whole event log in memory); same seed, same rows as :func:`simulate_dataset`
    (event ids are per block here)."""
    effects = _merge(DEFAULT_EFFECTS, effects, "effects")
    rates = dict(DEFAULT_RATES)
    cities, relationships = simulate_network(n_relationships, n_years, seed, last_year, rates)
    out = Path(out_dir)
    blocks = iter_event_blocks(cities, relationships, n_years, seed, effects, rates, last_year)
    _write_parquet_blocks((b.drop(columns="_sort") for b in blocks), out / "events.parquet", add_ids=True)
    rel = relationships.drop(columns="_has_status").assign(status="", status_as_of=pd.NA)[RELATIONSHIP_COLUMNS]
    _write_tables(cities[CITY_COLUMNS], rel, _truth(n_relationships, n_years, seed, effects, rates, last_year), out)
    return out


def _write_tables(cities: pd.DataFrame, relationships: pd.DataFrame, truth: dict, out: Path) -> None:
    write_csv(out / "cities.csv", cities[CITY_COLUMNS])
    write_csv(out / "relationships.csv", relationships[RELATIONSHIP_COLUMNS])
    write_text(out / "SOURCES.yaml", SOURCES_YAML.format(date=truth["last_year"], seed=truth["seed"]))
    write_json(out / "truth.json", truth)


def _write_parquet_blocks(blocks, target: Path, add_ids: bool = False) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    next_id = 1
    with atomic_path(target, suffix=".parquet") as tmp:
        try:
            for block in blocks:
                if add_ids:
                    block = block.copy()
                    block.insert(0, "event_id", [f"SIM-E{i:09d}" for i in range(next_id, next_id + len(block))])
                    next_id += len(block)
                table = pa.Table.from_pandas(block[["year", *EVENT_COLUMNS]], preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()


# --------------------------------------------------------------------------- benchmark logs

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


# --------------------------------------------------------------------------- CLI

def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis simulate --relationships N --years Y --seed S --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m analysis simulate",
                                     description="Write a simulated raw-data folder with planted effects.")
    parser.add_argument("--relationships", type=int, required=True, help="number of relationships")
    parser.add_argument("--years", type=int, required=True, help="number of years (ending in --last-year)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed (same seed, same files)")
    parser.add_argument("--out", required=True, help="output folder (raw-data layout)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv",
                        help="csv: events/YYYY.csv (the contract); parquet: one streamed events.parquet")
    parser.add_argument("--last-year", type=int, default=LAST_YEAR)
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.format == "parquet":
            write_simulated(args.relationships, args.years, args.seed, args.out, last_year=args.last_year)
        else:
            sim = simulate_dataset(args.relationships, args.years, args.seed, last_year=args.last_year)
            write_dataset(sim, args.out, fmt="csv")
    except ValueError as exc:
        print(f"simulate: {exc}")
        return 2
    print(f"simulated {args.relationships} relationships over {args.years} years -> {args.out}")
    return 0
