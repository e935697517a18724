"""The unit-year panel of DESIGN.md "Default activity model": one row per city pair (default) or
per relationship, and year.

Built set-wise. The aggregation is the SQL of :mod:`analysis.panel.sql`, run by duckdb (default,
:mod:`analysis.panel.duck`) or Spark (``engine="spark"``); ``engine="pandas"`` is an independent
vectorised implementation kept as a check and a benchmark baseline.

Choices a reader of the panel should know (also in the notebook ``10_build_panel`` and, argued,
in docs/PANEL_UNIT.md):

- The unit (``unit``): a **city pair** by default. The relationships of one unordered pair of
  places (Bazhong–Jinhua: sister city, east–west pairing, counterpart cooperation) are one unit,
  so an event between the two places counts once. ``kind_<kind>`` is 1 in the years a
  relationship of that kind is in force; the unit is known by its principal relationship (the
  first kind in ``spec.KIND_PRIORITY``, then the earliest established, then id): its
  ``relationship_id`` (the id the models group and cluster by), ``kind`` and ``city_a``/``city_b``
  order; ``relationship_ids`` lists all of them (``;``), ``pair_id`` is ``<lo>|<hi>`` of the two
  city ids; ``established`` is the earliest. ``unit="relationship"`` keeps one row per
  relationship, and then an event between a pair with several relationships counts for each.
- Events are weighted by ``count``. An event names its relationship by ``relationship_id`` (and
  so its unit); when that is blank it belongs to every unit whose two cities match its origin
  and destination in either order, a county/district standing also for its prefecture.
- A unit's rows run from the year it entered to ``end_year`` (default: the last year present in
  the events) or the year its last relationship ended, inclusive; a year in which none of a
  pair's relationships is in force (one ended, the next not yet signed) has no row but feeds the
  lags. With ``start_year`` the rows before it are dropped, but the years before it still feed
  the lags and ``years_since_event`` of the rows kept (they are observed data).
- Entry (``entry_rule``): a relationship enters in the year it was established; when that is
  unknown, in the first year a source watched it (``first_observed``), else at ``start_year``,
  else in the first year of the data (``data_start``) -- never at its own first event, which
  would make its first year active by construction. A pair enters with its first relationship
  (a tie: the rule listed first). ``age`` counts from the entry year.
- Observation windows (``covers`` in SOURCES.yaml, ``RawData.observed_years``): a year is
  ``observed`` when a source watched it (for a pair: any of its relationships) or an event is
  recorded in it; with no ``covers`` anywhere every year is. Unobserved years keep their row with missing outcome, counts,
  drivers, ``years_since_event`` and ``dormant``; a lag after an unobserved year is missing;
  ``dormant`` is 1 only when the last ``dormancy_years`` years were all observed and silent,
  missing when an unobserved year leaves it open. The columns that can be missing are
  nullable ``Int64`` when the data declare windows, plain ``int64`` otherwise.
- Lags (``*_lag``) are NA in a unit's first year (``first_year == 1``): nothing
  is observed before it. Models drop those rows.
- ``years_since_event`` counts years since the last active year (0 when active); before
  any event it counts from the start (signing is itself a sign of life).
  ``dormant`` = ``years_since_event >= dormancy_years``.
- ``log_distance`` = log of great-circle km, distances under 1 km floored to 1 km (a
  county and its own prefecture); NaN when a city lacks coordinates.
- ``international`` = 1.0 when the two cities' countries differ, NaN when one is unknown.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np
import pandas as pd

from analysis.data.windows import declared
from analysis.panel import baseline
from analysis.panel import duck
from analysis.panel import spark as panel_spark
from analysis.panel.sql import assign_sql
from analysis.panel.spec import (
    CITY_COLUMNS,
    ENGINES,
    EVENT_COLUMNS,
    PANEL_COLUMNS,
    RELATIONSHIP_COLUMNS,
    PanelInputs,
    PanelOptions,
    finalise,
    make_plan,
    prepare_cities,
    prepare_observed,
    prepare_relationships,
    require,
)

__all__ = ["PANEL_COLUMNS", "PanelInputs", "PanelOptions", "assign_relationships", "build_panel",
           "build_panel_from_files"]


def build_panel(
    raw: Any,
    start_year: int | None = None,
    end_year: int | None = None,
    min_events: int = 1,
    dormancy_years: int = 3,
    engine: str = "duckdb",
    unit: str = "pair",
    **engine_options: Any,
) -> pd.DataFrame:
    """Unit-year panel (``unit``: ``pair``, the default, or ``relationship``) from a ``RawData`` (or any object with ``cities``,
    ``relationships`` and ``events`` frames, e.g. :class:`PanelInputs`).

    ``engine``: ``duckdb`` (default), ``spark`` (needs pyspark and Java) or ``pandas``.
    ``engine_options``: ``threads``, ``memory_limit`` (duckdb), ``spark`` (a session).
    Observation windows: ``raw.observed_years`` when some source declares ``covers`` (a
    ``RawData``) or when given (``PanelInputs``); otherwise every year is observed.
    """
    events = require(raw.events, EVENT_COLUMNS, "events")
    events = events[EVENT_COLUMNS]
    return _build(events, raw.relationships, raw.cities,
                  PanelOptions(start_year, end_year, min_events, dormancy_years, unit), engine, engine_options,
                  observation_windows(raw))


def observation_windows(raw: Any) -> pd.DataFrame | None:
    """The relationship-years the sources watched, or None when none says (every year observed)."""
    observed = getattr(raw, "observed_years", None)
    if observed is None or (hasattr(raw, "sources") and not declared(raw.sources)):
        return None
    return observed


def build_panel_from_files(
    events_files: str | os.PathLike | Sequence[str | os.PathLike],
    relationships: pd.DataFrame,
    cities: pd.DataFrame,
    start_year: int | None = None,
    end_year: int | None = None,
    min_events: int = 1,
    dormancy_years: int = 3,
    engine: str = "duckdb",
    observed_years: pd.DataFrame | None = None,
    unit: str = "pair",
    **engine_options: Any,
) -> pd.DataFrame:
    """The panel from event files (a path, glob or list; all CSV or all Parquet);
    ``observed_years`` as in :class:`PanelInputs` (None: every year observed).

    The events' ``origin``/``destination`` must already be city ids and they need a
    ``year`` or a ``date`` column. duckdb and Spark read the files in place and only the
    panel comes back to pandas; ``engine="pandas"`` reads them whole (the baseline).
    """
    files = duck.expand_files(events_files)
    return _build(files, relationships, cities, PanelOptions(start_year, end_year, min_events, dormancy_years, unit),
                  engine, engine_options, observed_years)


def assign_relationships(events: pd.DataFrame, relationships: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Events with ``relationship_id`` filled where blank, matched set-wise by duckdb.

    An event matching several relationships appears once per relationship (it counts
    for each); an event matching none keeps a missing ``relationship_id``. Row order:
    the input order, then relationship id.
    """
    require(events, ["origin", "destination", "relationship_id"], "events")
    rel = prepare_relationships(relationships, cities, end_year=9999)
    cty = prepare_cities(cities)
    keys = pd.DataFrame({
        "row_no": np.arange(len(events), dtype="int64"),
        "origin": events["origin"].astype("str").to_numpy(),
        "destination": events["destination"].astype("str").to_numpy(),
        "relationship_id": events["relationship_id"].astype("str").where(events["relationship_id"].notna()).to_numpy(),
    })
    con = duck.duckdb_connection()
    try:
        con.register("ev_src", keys)
        con.register("rel", rel)
        con.register("cty", cty)
        matched = con.execute(assign_sql()).df()
    finally:
        con.close()
    out = events.iloc[matched["row_no"].to_numpy()].reset_index(drop=True)
    out["relationship_id"] = matched["relationship_id"].astype("str").where(matched["relationship_id"].notna()).to_numpy()
    return out



def _build(events, relationships, cities, options: PanelOptions, engine: str, engine_options: dict,
           observed_years: pd.DataFrame | None = None) -> pd.DataFrame:
    options.check()
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    require(relationships, RELATIONSHIP_COLUMNS, "relationships")
    require(cities, CITY_COLUMNS, "cities")
    cty = prepare_cities(cities)
    windows = observed_years is not None
    obs = prepare_observed(observed_years)

    if engine == "pandas":
        ev = baseline.read_events(events) if isinstance(events, list) else baseline.normalise_events(events)
        lo, hi = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else (None, None)
        plan = make_plan(relationships, cities, options, lo, hi, windows, obs)
        return finalise(baseline.panel_pandas(ev, plan, cty, options, obs), windows)

    if engine == "duckdb":
        con = duck.duckdb_connection(engine_options.get("threads"), engine_options.get("memory_limit"))
        try:
            duck.register_events_duckdb(con, events)
            plan = make_plan(relationships, cities, options, *duck.year_range_duckdb(con), windows, obs)
            duck.register_tables_duckdb(con, plan.rel, plan.units, cty, plan.years, obs)
            return finalise(duck.run_duckdb(con, plan.sql), windows)
        finally:
            con.close()

    spark = engine_options.get("spark") or panel_spark.spark_session()
    panel_spark.register_events_spark(spark, events)
    plan = make_plan(relationships, cities, options, *panel_spark.year_range_spark(spark), windows, obs)
    panel_spark.register_tables_spark(spark, plan.rel, plan.units, cty, plan.years, obs)
    return finalise(panel_spark.run_spark(spark, plan.sql), windows)
