"""The generative model of yearly activity (one vectorised step per year) and the event
rows that carry it, drawn block by block of relationships."""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np
import pandas as pd

from analysis.data.contract import TOPICS
from analysis.sim.heterogeneity import activity_offsets
from analysis.sim.network import relationship_terms
from analysis.sim.settings import BLOCK_SIZE, LAST_YEAR

EXCHANGE_KINDS = ["visit", "cadre_exchange", "training", "promotion", "meeting", "other"]


def driver_years(rel: pd.DataFrame, log_km: np.ndarray, intl: np.ndarray, first_year: int, last_year: int,
                 effects: dict[str, float], rates: dict[str, float], rng,
                 offset: np.ndarray | None = None) -> pd.DataFrame:
    """Active relationship-years with their drivers (one vectorised step per year).

    A relationship exists from its ``established`` year to the last year (or the year it
    ended). In its first year it is active with ``p_initial_active``; in every later year with
    ``logistic(intercept + leader_visit_lag*LV[t-1] + exchange_lag*log1p(EX[t-1])
    + cooperation_lag*CO[t-1] + log_distance*log_km + age*(t - established)
    + international*intl)``, exactly the default activity logit, so a correct panel and model
    recover the planted effects. In an active year the drivers are random: a top-led visit
    with ``p_leader_visit``, an agreement/project with ``p_cooperation``,
    Poisson(``mean_exchange``) other events, and at least one event in all. ``offset`` (from
    :func:`analysis.sim.heterogeneity.activity_offsets`) adds each relationship's persistent
    effect to the log-odds of every year, the first (log-odds of ``p_initial_active``) included;
    a relationships × years ``offset`` adds a different one each year (``analysis.sim.worlds``).
    """
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
        if offset is None:
            p = np.where(est == year, rates["p_initial_active"], 1.0 / (1.0 + np.exp(-eta)))
        else:  # persistent heterogeneity (analysis.sim.heterogeneity), the first year included
            logit0 = math.log(rates["p_initial_active"] / (1 - rates["p_initial_active"]))
            off = offset if offset.ndim == 1 else offset[:, year - first_year]
            p = 1.0 / (1.0 + np.exp(-(np.where(est == year, logit0, eta) + off)))
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


def render_events(years: pd.DataFrame, rel: pd.DataFrame, rates: dict[str, float], rng) -> pd.DataFrame:
    """Event rows whose kinds/ranks/counts reproduce each year's drivers.

    An inactive year has no rows. Some exchanges are one row with ``count`` > 1
    (``p_collapsed``); a share ``p_named`` of the rows name their relationship, the rest are
    matched by the pair of cities, written in either order. ``_sort`` orders rows within a year.
    """
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


def iter_event_blocks(cities: pd.DataFrame, relationships: pd.DataFrame, n_years: int, seed: int,
                      effects: dict[str, float], rates: dict[str, float],
                      last_year: int = LAST_YEAR) -> Iterator[pd.DataFrame]:
    """Events block by block of relationships (memory stays one block's worth).

    Each block of ``BLOCK_SIZE`` relationships draws from its own child generator of the
    seed, so a streamed Parquet file and an in-memory dataset hold the same rows.
    """
    first_year = last_year - n_years + 1
    n_blocks = max(1, math.ceil(len(relationships) / BLOCK_SIZE))
    children = np.random.SeedSequence([seed, 1]).spawn(n_blocks)
    offsets = activity_offsets(relationships, cities, seed, rates)
    heterogeneous = bool(np.any(offsets != 0))
    for k in range(n_blocks):
        rng = np.random.default_rng(children[k])
        rel = relationships.iloc[k * BLOCK_SIZE:(k + 1) * BLOCK_SIZE].reset_index(drop=True)
        log_km, intl = relationship_terms(rel, cities)
        off = offsets[k * BLOCK_SIZE:(k + 1) * BLOCK_SIZE] if heterogeneous else None
        years = driver_years(rel, log_km, intl, first_year, last_year, effects, rates, rng, off)
        ev = render_events(years, rel, rates, rng)
        yield ev.sort_values(["year", "_sort", "origin", "destination", "kind"], kind="stable").reset_index(drop=True)
