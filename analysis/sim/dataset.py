"""A whole simulated dataset in memory: cities, relationships with their reported status,
events with ids, and the truth (planted effects and rates) they were drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.contract import CITY_COLUMNS, RELATIONSHIP_COLUMNS
from analysis.sim.events import iter_event_blocks
from analysis.sim.network import simulate_network
from analysis.sim.settings import DEFAULT_EFFECTS, DEFAULT_RATES, LAST_YEAR, merge_settings


@dataclass
class SimulatedData:
    cities: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)
    windows: pd.DataFrame | None = None  # relationship_id, first, last: what the sources watched (None: everything)


def simulate_dataset(n_relationships: int, n_years: int, seed: int, effects: dict[str, float] | None = None,
                     rates: dict[str, float] | None = None, last_year: int = LAST_YEAR) -> SimulatedData:
    """A whole simulated dataset in memory (events carry an extra ``year`` column)."""
    effects = merge_settings(DEFAULT_EFFECTS, effects, "effects")
    rates = merge_settings(DEFAULT_RATES, rates, "rates")
    cities, relationships = simulate_network(n_relationships, n_years, seed, last_year, rates)
    blocks = list(iter_event_blocks(cities, relationships, n_years, seed, effects, rates, last_year))
    events = pd.concat(blocks, ignore_index=True).drop(columns="_sort")
    events = events.sort_values(["year"], kind="stable").reset_index(drop=True)
    events.insert(0, "event_id", [f"SIM-E{i:09d}" for i in range(1, len(events) + 1)])
    relationships = finish_statuses(relationships, events, last_year)
    truth = planted_truth(n_relationships, n_years, seed, effects, rates, last_year)
    return SimulatedData(cities[CITY_COLUMNS], relationships, events, truth)


def finish_statuses(relationships: pd.DataFrame, events: pd.DataFrame, last_year: int) -> pd.DataFrame:
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


def planted_truth(n_relationships: int, n_years: int, seed: int, effects: dict[str, float],
                  rates: dict[str, float], last_year: int) -> dict[str, Any]:
    """What ``truth.json`` records: the model, its planted coefficients, the rates and the run's size and seed."""
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
