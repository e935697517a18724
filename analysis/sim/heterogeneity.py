"""Persistent differences in baseline activity: a normal effect per relationship and per city
(rates ``relationship_sd``, ``city_sd``), drawn from their own streams of the seed."""

from __future__ import annotations

import numpy as np
import pandas as pd


def activity_offsets(relationships: pd.DataFrame, cities: pd.DataFrame, seed: int,
                     rates: dict[str, float]) -> np.ndarray:
    """Each relationship's offset to the log-odds of activity, every year including its first.

    ``relationship_sd * a_i + city_sd * (b_city_a + b_city_b)`` with a, b independent
    standard normals; all zero when both SDs are zero (the default), so the seed's other
    draws are unchanged. The effects use streams ``[seed, 2]`` and ``[seed, 3]`` of their
    own, so adding heterogeneity does not move the events' random numbers. Because the
    offset also raises the first year's probability (``p_initial_active`` on the log-odds
    scale), a relationship's first year carries information about its effect: the initial
    conditions problem that the default model's ``active_first`` term handles.
    """
    n = len(relationships)
    rel_sd, city_sd = float(rates.get("relationship_sd", 0.0)), float(rates.get("city_sd", 0.0))
    if rel_sd == 0 and city_sd == 0:
        return np.zeros(n)
    a = np.random.default_rng([seed, 2]).standard_normal(n)
    ids = cities["city_id"].astype(str).to_numpy()
    b = pd.Series(np.random.default_rng([seed, 3]).standard_normal(len(ids)), index=ids)
    ca = b.reindex(relationships["city_a"].astype(str)).fillna(0.0).to_numpy()
    cb = b.reindex(relationships["city_b"].astype(str)).fillna(0.0).to_numpy()
    return rel_sd * a + city_sd * (ca + cb)
