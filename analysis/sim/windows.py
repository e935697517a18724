"""Simulated observation windows (``simulate --windows``): each relationship is watched for a window
of years, only the events inside it are recorded, and the windows become ``covers`` in SOURCES.yaml."""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW_STREAM = 10  # the windows' own random stream: the events drawn are the same with or without windows


def draw_windows(relationships: pd.DataFrame, first_year: int, last_year: int, seed: int,
                 min_years: int = 2) -> pd.DataFrame:
    """``relationship_id, first, last``: one window per relationship inside its own years.

    Its length is uniform between ``min_years`` and the relationship's span (first panel
    year or establishment, to the last year or the year it ended), its start uniform
    where it fits: sources watch different relationships over different stretches of time.
    """
    rng = np.random.default_rng([seed, WINDOW_STREAM])
    start = np.maximum(pd.to_numeric(relationships["established"]).fillna(first_year).to_numpy(dtype="int64"), first_year)
    end = pd.to_numeric(relationships["ended"]).astype("float64").fillna(last_year).to_numpy().astype("int64")
    end = np.minimum(np.maximum(end, start), last_year)
    span = end - start + 1
    u = rng.random((2, len(relationships)))
    length = np.minimum(span, min_years + np.floor(u[0] * np.maximum(span - min_years + 1, 1)).astype("int64"))
    lo = start + np.floor(u[1] * (span - length + 1)).astype("int64")
    return pd.DataFrame({"relationship_id": relationships["relationship_id"].to_numpy(), "first": lo,
                         "last": lo + length - 1})


def events_inside(events: pd.DataFrame, relationships: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    """The events recorded by sources watching only these windows (an event without an id belongs to
    the relationship of its two cities; the simulator's pairs are distinct)."""
    pair_rel = {frozenset(p): r for r, *p in relationships[["relationship_id", "city_a", "city_b"]].itertuples(index=False)}
    named = events["relationship_id"].fillna("").astype(str)
    rid = [n or pair_rel.get(frozenset((o, d)), "") for n, o, d in zip(named, events["origin"], events["destination"])]
    w = windows.set_index("relationship_id")
    lo = pd.Series(rid).map(w["first"]).to_numpy(dtype="float64")
    hi = pd.Series(rid).map(w["last"]).to_numpy(dtype="float64")
    year = events["year"].to_numpy(dtype="float64")
    return events[(year >= lo) & (year <= hi)].reset_index(drop=True)


def covers_yaml(windows: pd.DataFrame) -> str:
    """The ``covers`` blocks of the simulated source: one per distinct window, naming its relationships."""
    lines = ["  covers:"]
    for (lo, hi), group in windows.groupby(["first", "last"], sort=True):
        years = f"{lo}" if lo == hi else f"{lo}-{hi}"
        ids = ", ".join(sorted(group["relationship_id"].astype(str)))
        lines += [f"    - years: {years}", f"      relationships: [{ids}]"]
    return "\n".join(lines) + "\n"


def watched_through_windows(sim, seed: int, min_years: int = 2):
    """A ``SimulatedData`` whose events are only those inside each relationship's window, with the
    windows kept (``write_dataset`` writes them as ``covers``) and recorded in the truth."""
    from dataclasses import replace

    first, last = int(sim.truth["first_year"]), int(sim.truth["last_year"])
    windows = draw_windows(sim.relationships, first, last, seed, min_years)
    events = events_inside(sim.events, sim.relationships, windows)
    truth = {**sim.truth, "windows": {"min_years": min_years, "events_recorded": len(events), "events_drawn": len(sim.events),
                                      "note": "events outside each relationship's window were drawn but not recorded"}}
    return replace(sim, events=events, truth=truth, windows=windows)
