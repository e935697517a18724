"""Misspecified worlds for the activity-model benchmarks: the simulator's yearly dynamics with shocks
shared by a city in a year, observation windows and unknown establishment years, as an in-memory panel.

With none of the three, :func:`world_panel` draws exactly the panel that :func:`analysis.sim.simulate`
writes as raw files (same network, same random streams, the yearly step of
:func:`analysis.sim.events.driver_years`; ``analysis.models.power.simulate_activity_panel`` is that
world); each option then changes one thing:

- ``city_year_sd``: every city draws a normal shock each year (stream ``[seed, 20]``) that both of its
  relationships' log-odds of activity share that year, so relationships with a city in common move
  together within a year (what dyadic-robust SEs allow for and a random relationship effect does not).
- ``windows``: each relationship is watched only for a window of years
  (:func:`analysis.sim.windows.draw_windows`); outside it the row stays with ``observed`` = 0 and
  outcome, counts and drivers missing, and a lag after an unwatched year is missing, as in the built panel.
- ``share_unknown_established``: that share of relationships (stream ``[seed, 21]``) has no recorded
  establishment year, so, as the panel's entry rule does without windows, it enters in the first
  year of the data, with ``age`` counted from there: years before it was really established are
  rows without events, and its first panel year is not its signing year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sim.events import driver_years
from analysis.sim.heterogeneity import activity_offsets
from analysis.sim.network import relationship_terms, simulate_network
from analysis.sim.settings import BLOCK_SIZE, DEFAULT_EFFECTS, DEFAULT_RATES, LAST_YEAR
from analysis.sim.windows import draw_windows

CITY_YEAR_STREAM, UNKNOWN_STREAM = 20, 21


def city_year_shocks(rel: pd.DataFrame, cities: pd.DataFrame, n_years: int, seed: int, sd: float) -> np.ndarray:
    """relationships × years: the sum of the two cities' shocks in each year (zero when ``sd`` is 0)."""
    if sd == 0:
        return np.zeros((len(rel), n_years))
    ids = pd.Index(cities["city_id"].astype(str))
    shock = sd * np.random.default_rng([seed, CITY_YEAR_STREAM]).standard_normal((len(ids), n_years))
    return shock[ids.get_indexer(rel["city_a"].astype(str))] + shock[ids.get_indexer(rel["city_b"].astype(str))]


def world_panel(n_relationships: int, n_years: int, seed: int, effects: dict[str, float] | None = None,
                rates: dict[str, float] | None = None, city_year_sd: float = 0.0, windows: bool = False,
                share_unknown_established: float = 0.0, last_year: int = LAST_YEAR) -> pd.DataFrame:
    """The relationship-year panel of one world (columns of ``simulate_activity_panel`` plus ``observed``
    and ``established_known``); see the module docstring for the options."""
    effects = {**DEFAULT_EFFECTS, **(effects or {})}
    rates = {**DEFAULT_RATES, **(rates or {})}
    cities, rel = simulate_network(n_relationships, n_years, seed, last_year, rates)
    rel = rel.drop(columns="_has_status").reset_index(drop=True)
    first_year = last_year - n_years + 1
    persistent = activity_offsets(rel, cities, seed, rates)
    shocks = city_year_shocks(rel, cities, n_years, seed, city_year_sd)
    heterogeneous = bool(np.any(persistent != 0) or city_year_sd != 0)
    log_km, intl = (np.asarray(v, dtype=float) for v in relationship_terms(rel, cities))
    n_blocks = max(1, -(-len(rel) // BLOCK_SIZE))
    children = np.random.SeedSequence([seed, 1]).spawn(n_blocks)  # the simulator's streams, block by block
    grid = {k: np.zeros((len(rel), n_years)) for k in ("lv", "co", "ex", "active")}
    for k in range(n_blocks):
        s = slice(k * BLOCK_SIZE, (k + 1) * BLOCK_SIZE)
        off = (persistent[s, None] + shocks[s]) if heterogeneous else None
        d = driver_years(rel.iloc[s].reset_index(drop=True), log_km[s], intl[s], first_year, last_year, effects,
                         rates, np.random.default_rng(children[k]), off)
        row, col = d["rel"].to_numpy() + k * BLOCK_SIZE, d["year"].to_numpy() - first_year
        for key in ("lv", "co", "ex"):
            grid[key][row, col] = d[key]
        grid["active"][row, col] = 1.0
    known = np.random.default_rng([seed, UNKNOWN_STREAM]).random(len(rel)) >= share_unknown_established
    est = rel["established"].to_numpy(dtype="int64")
    entry = np.where(known, est, first_year)
    end = rel["ended"].astype("float64").fillna(last_year).to_numpy().astype("int64")
    lengths = end - entry + 1
    r = np.repeat(np.arange(len(rel)), lengths)
    year = entry[r] + np.arange(len(r)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    c = year - first_year
    watched = np.ones(len(r), bool)
    if windows:
        w = draw_windows(rel.assign(established=pd.array(entry, dtype="Int64")), first_year, last_year, seed)
        watched = (year >= w["first"].to_numpy()[r]) & (year <= w["last"].to_numpy()[r])
    # a lag is known only when the row before is in the panel and watched
    prev_watched = np.r_[False, watched[:-1]] & (year != entry[r])
    lag = lambda key: np.where(watched & prev_watched, grid[key][r, np.maximum(c - 1, 0)], np.nan)
    now = lambda key: np.where(watched, grid[key][r, c], np.nan)
    lv, co, ex, active = now("lv"), now("co"), now("ex"), now("active")
    as_int = lambda v: pd.Series(v).astype("Int64").to_numpy()  # missing where unwatched
    return pd.DataFrame({
        "relationship_id": rel["relationship_id"].to_numpy()[r],
        "city_a": rel["city_a"].to_numpy()[r],
        "city_b": rel["city_b"].to_numpy()[r],
        "kind": rel["kind"].to_numpy()[r],
        "year": year,
        "events": as_int(lv + co + ex),
        "active": as_int(active),
        "leader_visit": as_int(lv),
        "cooperation": as_int(co),
        "exchange_count": as_int(ex),
        "leader_visit_lag": lag("lv"),
        "cooperation_lag": lag("co"),
        "exchange_lag": np.log1p(lag("ex")),
        "active_lag": lag("active"),
        "log_distance": log_km[r],
        "age": (year - entry[r]).astype("int64"),
        "international": intl[r],
        "observed": watched.astype("int64"),
        "established_known": known[r].astype("int64"),
    })
