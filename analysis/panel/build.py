"""The relationship-year panel of DESIGN.md "Default activity model".

One row per relationship and year, built set-wise. The aggregation is the SQL of
:mod:`analysis.panel.sql`, run by duckdb (default) or Spark (``engine="spark"``);
``engine="pandas"`` is an independent vectorised implementation kept as a check and a
benchmark baseline.

Choices a reader of the panel should know (also in the notebook ``10_build_panel``):

- Events are weighted by ``count``. An event names its relationship by
  ``relationship_id``; when that is blank it belongs to every relationship whose two cities
  match its origin and destination in either order, a county/district standing also for
  its prefecture. An event matching several relationships of the same pair (different
  kinds, e.g. a sister-city tie and an east-west pairing) **counts for each**: we cannot
  tell which tie it served, and dropping it would understate both.
- A relationship's rows run from the year it was established to ``end_year`` (default:
  the last year present in the events) or the year it ended, inclusive. With
  ``start_year`` the rows before it are dropped, but the years before it still feed the
  lags and ``years_since_event`` of the rows kept (they are observed data).
- Relationships without an established year start at ``start_year`` when given, else at
  their first event year (else at the first year of the data); their ``age`` counts
  from that start and ``established`` stays NA.
- Lags (``*_lag``) are NA in a relationship's first year (``first_year == 1``): nothing
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
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from analysis.data.contract import COOPERATION_KINDS
from analysis.panel import sql as panel_sql
from analysis.geo import great_circle_km, log_distance_km

ENGINES = ("duckdb", "spark", "pandas")

PANEL_COLUMNS = [
    "relationship_id", "city_a", "city_b", "kind", "year",
    "events", "active", "leader_visit", "cooperation", "exchange_count",
    "leader_visit_lag", "cooperation_lag", "exchange_lag", "active_lag",
    "log_distance", "age", "international", "established",
    "years_since_event", "dormant", "first_year",
]
STRING_COLUMNS = ["relationship_id", "city_a", "city_b", "kind"]
FLOAT_COLUMNS = ["leader_visit_lag", "cooperation_lag", "exchange_lag", "active_lag", "log_distance", "international"]
INT_COLUMNS = [c for c in PANEL_COLUMNS if c not in STRING_COLUMNS + FLOAT_COLUMNS + ["established"]]

EVENT_COLUMNS = panel_sql.EVENT_COLUMNS
RELATIONSHIP_COLUMNS = ["relationship_id", "city_a", "city_b", "kind", "established", "ended"]
CITY_COLUMNS = ["city_id", "prefecture_id", "lat", "lon", "country"]


@dataclass(frozen=True)
class PanelInputs:
    """The three frames the panel reads (a ``RawData`` has the same attributes)."""

    cities: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame


@dataclass(frozen=True)
class PanelOptions:
    start_year: int | None = None
    end_year: int | None = None
    min_events: int = 1
    dormancy_years: int = 3

    def check(self) -> None:
        problems = []
        for name in ("start_year", "end_year"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, (int, np.integer)) or isinstance(value, bool)):
                problems.append(f"{name} must be an int or None, got {value!r}")
        for name in ("min_events", "dormancy_years"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                problems.append(f"{name} must be an int >= 1, got {value!r}")
        if not problems and self.start_year is not None and self.end_year is not None and self.start_year > self.end_year:
            problems.append(f"start_year {self.start_year} is after end_year {self.end_year}")
        if problems:
            raise ValueError("invalid panel options: " + "; ".join(problems))


# --------------------------------------------------------------------------- public API

def build_panel(
    raw: Any,
    start_year: int | None = None,
    end_year: int | None = None,
    min_events: int = 1,
    dormancy_years: int = 3,
    engine: str = "duckdb",
    **engine_options: Any,
) -> pd.DataFrame:
    """Relationship-year panel from a ``RawData`` (or any object with ``cities``,
    ``relationships`` and ``events`` frames, e.g. :class:`PanelInputs`).

    ``engine``: ``duckdb`` (default), ``spark`` (needs pyspark and Java) or ``pandas``.
    ``engine_options``: ``threads``, ``memory_limit`` (duckdb), ``spark`` (a session).
    """
    events = _require(raw.events, EVENT_COLUMNS, "events")
    events = events[EVENT_COLUMNS]
    return _build(events, raw.relationships, raw.cities,
                  PanelOptions(start_year, end_year, min_events, dormancy_years), engine, engine_options)


def build_panel_from_files(
    events_files: str | os.PathLike | Sequence[str | os.PathLike],
    relationships: pd.DataFrame,
    cities: pd.DataFrame,
    start_year: int | None = None,
    end_year: int | None = None,
    min_events: int = 1,
    dormancy_years: int = 3,
    engine: str = "duckdb",
    **engine_options: Any,
) -> pd.DataFrame:
    """The panel from event files (a path, glob or list; all CSV or all Parquet).

    The events' ``origin``/``destination`` must already be city ids and they need a
    ``year`` or a ``date`` column. duckdb and Spark read the files in place and only the
    panel comes back to pandas; ``engine="pandas"`` reads them whole (the baseline).
    """
    files = panel_sql.expand_files(events_files)
    return _build(files, relationships, cities,
                  PanelOptions(start_year, end_year, min_events, dormancy_years), engine, engine_options)


def assign_relationships(events: pd.DataFrame, relationships: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Events with ``relationship_id`` filled where blank, matched set-wise by duckdb.

    An event matching several relationships appears once per relationship (it counts
    for each); an event matching none keeps a missing ``relationship_id``. Row order:
    the input order, then relationship id.
    """
    _require(events, ["origin", "destination", "relationship_id"], "events")
    rel = prepare_relationships(relationships, cities, end_year=9999)
    cty = prepare_cities(cities)
    keys = pd.DataFrame({
        "row_no": np.arange(len(events), dtype="int64"),
        "origin": events["origin"].astype("str").to_numpy(),
        "destination": events["destination"].astype("str").to_numpy(),
        "relationship_id": events["relationship_id"].astype("str").where(events["relationship_id"].notna()).to_numpy(),
    })
    con = panel_sql.duckdb_connection()
    try:
        con.register("ev_src", keys)
        con.register("rel", rel)
        con.register("cty", cty)
        matched = con.execute(panel_sql.assign_sql()).df()
    finally:
        con.close()
    out = events.iloc[matched["row_no"].to_numpy()].reset_index(drop=True)
    out["relationship_id"] = matched["relationship_id"].astype("str").where(matched["relationship_id"].notna()).to_numpy()
    return out


def prepare_cities(cities: pd.DataFrame) -> pd.DataFrame:
    """``city_id, prefecture_id`` as plain strings (None where unknown)."""
    _require(cities, ["city_id", "prefecture_id"], "cities")
    cty = cities[["city_id", "prefecture_id"]].drop_duplicates("city_id")
    return pd.DataFrame({
        "city_id": cty["city_id"].astype("str").to_numpy(),
        "prefecture_id": cty["prefecture_id"].astype("str").where(cty["prefecture_id"].notna()).to_numpy(),
    })


def prepare_relationships(relationships: pd.DataFrame, cities: pd.DataFrame, end_year: int) -> pd.DataFrame:
    """One row per relationship with what the panel needs: the unordered pair (for
    matching), the last panel year, and the structure variables that do not change."""
    _require(relationships, RELATIONSHIP_COLUMNS, "relationships")
    _require(cities, CITY_COLUMNS, "cities")
    dup = relationships["relationship_id"][relationships["relationship_id"].duplicated()]
    if len(dup):
        raise ValueError(f"relationships: duplicate relationship_id {', '.join(map(str, dup.unique()[:10]))}")
    r = relationships.sort_values("relationship_id", kind="stable").reset_index(drop=True)
    places = cities.drop_duplicates("city_id").set_index("city_id")
    a = places.reindex(r["city_a"].astype("str"))
    b = places.reindex(r["city_b"].astype("str"))
    km = great_circle_km(pd.to_numeric(a["lat"]), pd.to_numeric(a["lon"]),
                         pd.to_numeric(b["lat"]), pd.to_numeric(b["lon"]))
    ca, cb = a["country"].to_numpy(dtype=object), b["country"].to_numpy(dtype=object)
    known = a["country"].notna().to_numpy() & b["country"].notna().to_numpy()
    international = np.where(known, (ca != cb).astype("float64"), np.nan)
    established = pd.to_numeric(r["established"]).astype("Int64")
    ended = pd.to_numeric(r["ended"]).astype("Int64")
    last_year = ended.fillna(end_year).clip(upper=end_year).astype("int64")
    city_a = r["city_a"].astype("str").to_numpy()
    city_b = r["city_b"].astype("str").to_numpy()
    return pd.DataFrame({
        "rel_no": np.arange(len(r), dtype="int32"),  # position in id order: cheap window/sort key
        "relationship_id": r["relationship_id"].astype("str").to_numpy(),
        "city_a": city_a,
        "city_b": city_b,
        "kind": r["kind"].astype("str").to_numpy(),
        "established": established.to_numpy(),
        "last_year": last_year.to_numpy(),
        "pair_lo": np.where(city_a <= city_b, city_a, city_b),
        "pair_hi": np.where(city_a <= city_b, city_b, city_a),
        "log_distance": log_distance_km(km),
        "international": international,
    })


# --------------------------------------------------------------------------- engines

def _build(events, relationships, cities, options: PanelOptions, engine: str, engine_options: dict) -> pd.DataFrame:
    options.check()
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    _require(relationships, RELATIONSHIP_COLUMNS, "relationships")
    _require(cities, CITY_COLUMNS, "cities")
    cty = prepare_cities(cities)

    if engine == "pandas":
        ev = _read_events_pandas(events) if isinstance(events, list) else _normalise_events_pandas(events)
        lo, hi = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else (None, None)
        plan = _plan(relationships, cities, options, lo, hi)
        return _finalise(_panel_pandas(ev, plan.rel, cty, options, plan))

    if engine == "duckdb":
        con = panel_sql.duckdb_connection(engine_options.get("threads"), engine_options.get("memory_limit"))
        try:
            panel_sql.register_events_duckdb(con, events)
            plan = _plan(relationships, cities, options, *panel_sql.year_range_duckdb(con))
            panel_sql.register_tables_duckdb(con, plan.rel, cty, plan.years)
            return _finalise(panel_sql.run_duckdb(con, plan.sql))
        finally:
            con.close()

    spark = engine_options.get("spark") or panel_sql.spark_session()
    panel_sql.register_events_spark(spark, events)
    plan = _plan(relationships, cities, options, *panel_sql.year_range_spark(spark))
    panel_sql.register_tables_spark(spark, plan.rel, cty, plan.years)
    return _finalise(panel_sql.run_spark(spark, plan.sql))


@dataclass(frozen=True)
class _Plan:
    rel: pd.DataFrame
    years: pd.DataFrame
    end_year: int
    first_row_year: int
    first_data_year: int | None
    sql: str


def _plan(relationships, cities, options: PanelOptions, data_lo: int | None, data_hi: int | None) -> _Plan:
    """Resolve the year bounds (end_year defaults to the last year in the events)."""
    end_year = options.end_year if options.end_year is not None else data_hi
    if end_year is None:
        raise ValueError("the events are empty: give end_year explicitly")
    end_year = int(end_year)
    rel = prepare_relationships(relationships, cities, end_year)
    first_data_year = None if data_lo is None else min(int(data_lo), end_year)
    candidates = [y for y in (first_data_year, options.start_year, end_year) if y is not None]
    if rel["established"].notna().any():
        candidates.append(int(rel["established"].min()))
    years_lo = min(candidates)
    first_row_year = options.start_year if options.start_year is not None else years_lo
    sql = panel_sql.panel_sql(
        end_year=end_year, first_row_year=int(first_row_year), min_events=int(options.min_events),
        dormancy_years=int(options.dormancy_years), start_year=options.start_year, first_data_year=first_data_year,
    )
    years = pd.DataFrame({"year": np.arange(years_lo, end_year + 1, dtype="int32")})
    return _Plan(rel, years, end_year, int(first_row_year), first_data_year, sql)


def _read_events_pandas(files: list[str]) -> pd.DataFrame:
    fmt = panel_sql.file_format(files)
    frames = []
    for f in files:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            names = pq.read_schema(f).names
            cols = [c for c in EVENT_COLUMNS if c in names] + (["date"] if "year" not in names else [])
            frames.append(pd.read_parquet(f, columns=cols))
        else:
            frames.append(pd.read_csv(f, dtype="str", keep_default_na=False, na_values=[""]))
    ev = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if "year" not in ev.columns:
        ev["year"] = ev["date"].astype("str").str[:4].astype("int64")
    return _normalise_events_pandas(ev)


def _normalise_events_pandas(ev: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in EVENT_COLUMNS if c not in ev.columns]
    if missing:
        raise ValueError(f"events: missing column(s) {', '.join(missing)}")
    out = ev[EVENT_COLUMNS].copy()
    out["year"] = pd.to_numeric(out["year"]).astype("int64")
    out["count"] = pd.to_numeric(out["count"]).fillna(1).astype("int64")
    return out


def _panel_pandas(ev: pd.DataFrame, rel: pd.DataFrame, cty: pd.DataFrame, options: PanelOptions, plan: _Plan) -> pd.DataFrame:
    """The same panel as the SQL, in plain vectorised pandas (no loop over relationships)."""
    ev = ev[ev["year"] <= plan.end_year]
    rid = ev["relationship_id"]
    rid = rid.where(rid.notna() & (rid != ""))
    n = ev["count"]
    is_lv = ((ev["kind"] == "visit") & (ev["leader_rank"] == "top")).to_numpy()
    is_co = ev["kind"].isin(COOPERATION_KINDS).to_numpy()
    work = pd.DataFrame({
        "year": ev["year"].to_numpy(),
        "events": n.to_numpy(),
        "leader_visit": is_lv.astype("int64"),
        "cooperation": is_co.astype("int64"),
        "exchange_count": np.where(is_lv | is_co, 0, n.to_numpy()),
    })
    agg = dict(events="sum", leader_visit="max", cooperation="max", exchange_count="sum")
    has_id = rid.notna().to_numpy()

    named = work[has_id].assign(relationship_id=rid[has_id].to_numpy())
    named = named.groupby(["relationship_id", "year"], observed=True, sort=False).agg(agg).reset_index()
    named["relationship_id"] = named["relationship_id"].astype("str")

    unnamed = work[~has_id].assign(origin=ev["origin"][~has_id].to_numpy(), destination=ev["destination"][~has_id].to_numpy())
    unnamed = unnamed.groupby(["origin", "destination", "year"], observed=True, sort=False).agg(agg).reset_index()
    unnamed["origin"] = unnamed["origin"].astype("str")
    unnamed["destination"] = unnamed["destination"].astype("str")
    ends = pd.concat([
        pd.DataFrame({"city": cty["city_id"], "end_key": cty["city_id"]}),
        pd.DataFrame({"city": cty["city_id"], "end_key": cty["prefecture_id"]}).dropna(),
    ]).drop_duplicates()
    m = unnamed.merge(ends.rename(columns={"city": "origin", "end_key": "key_o"}), on="origin")
    m = m.merge(ends.rename(columns={"city": "destination", "end_key": "key_d"}), on="destination")
    first = m["key_o"] <= m["key_d"]
    m["pair_lo"] = m["key_o"].where(first, m["key_d"])
    m["pair_hi"] = m["key_d"].where(first, m["key_o"])
    m = m.merge(rel[["relationship_id", "pair_lo", "pair_hi"]], on=["pair_lo", "pair_hi"])
    m = m.drop_duplicates(["relationship_id", "origin", "destination", "year"])

    cols = ["relationship_id", "year", *agg]
    rel_years = pd.concat([named[cols], m[cols]], ignore_index=True)
    rel_years = rel_years.groupby(["relationship_id", "year"], sort=False).agg(agg).reset_index()

    # spine: every year from start to end of each relationship
    first_event = rel_years.groupby("relationship_id")["year"].min()
    if options.start_year is not None:
        unknown_start = pd.Series(options.start_year, index=rel.index, dtype="float64")
    else:
        fallback = plan.first_data_year if plan.first_data_year is not None else plan.end_year
        unknown_start = rel["relationship_id"].map(first_event).fillna(fallback).astype("float64")
    spine_start = rel["established"].astype("float64").fillna(unknown_start).astype("int64").to_numpy()
    spine_end = rel["last_year"].to_numpy()
    lengths = np.clip(spine_end - spine_start + 1, 0, None)
    which = np.repeat(np.arange(len(rel)), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    panel = rel.iloc[which].reset_index(drop=True)
    panel["spine_start"] = spine_start[which]
    panel["year"] = panel["spine_start"] + offset
    panel = panel.merge(rel_years, on=["relationship_id", "year"], how="left")
    for c in agg:
        panel[c] = panel[c].fillna(0).astype("int64")
    panel["active"] = (panel["events"] >= options.min_events).astype("int64")

    # lags: the spine is sorted and complete, so the previous row is t-1 except in the first year
    is_first = offset == 0
    for src, dst in (("leader_visit", "leader_visit_lag"), ("cooperation", "cooperation_lag"),
                     ("exchange_count", "exchange_count_lag"), ("active", "active_lag")):
        lagged = panel[src].shift(1).to_numpy(dtype="float64", copy=True)
        lagged[is_first] = np.nan
        panel[dst] = lagged
    panel["exchange_lag"] = np.log1p(panel["exchange_count_lag"])
    active_year = pd.Series(np.where(panel["active"] == 1, panel["year"], -1))
    last_active = active_year.groupby(which).cummax().to_numpy()
    reference = np.where(last_active >= 0, last_active, panel["spine_start"])
    panel["years_since_event"] = panel["year"] - reference
    panel["dormant"] = (panel["years_since_event"] >= options.dormancy_years).astype("int64")
    panel["first_year"] = is_first.astype("int64")
    panel["age"] = panel["year"] - panel["established"].astype("float64").fillna(panel["spine_start"]).astype("int64")
    return panel[panel["year"] >= plan.first_row_year]


PANEL_DTYPES = {**{c: "str" for c in STRING_COLUMNS}, **{c: "int64" for c in INT_COLUMNS},
                **{c: "float64" for c in FLOAT_COLUMNS}, "established": "Int64"}


def _finalise(df: pd.DataFrame) -> pd.DataFrame:
    """Fixed columns, dtypes and row order, whatever the engine."""
    out = df[PANEL_COLUMNS].reset_index(drop=True)
    for c in INT_COLUMNS + FLOAT_COLUMNS + ["established"]:
        if out[c].dtype == object:  # Spark rows come back as Python objects
            out[c] = pd.to_numeric(out[c])
    out = out.astype(PANEL_DTYPES)
    if not _is_sorted(out):
        out = out.sort_values(["relationship_id", "year"], kind="stable").reset_index(drop=True)
    return out


def _is_sorted(panel: pd.DataFrame) -> bool:
    rid, year = panel["relationship_id"], panel["year"].to_numpy()
    if len(panel) < 2:
        return True
    nxt, cur = rid.iloc[1:].reset_index(drop=True), rid.iloc[:-1].reset_index(drop=True)
    return bool(((nxt > cur) | ((nxt == cur) & (year[1:] > year[:-1]))).all())


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)} (has {', '.join(map(str, frame.columns))})")
    return frame


# --------------------------------------------------------------------------- summaries

def panel_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """One-column table: rows, relationships, years, share active and what the model can use."""
    model_rows = panel.dropna(subset=["leader_visit_lag"]) if len(panel) else panel
    items = {
        "rows (relationship-years)": len(panel),
        "relationships": panel["relationship_id"].nunique(),
        "years": f"{panel['year'].min()}–{panel['year'].max()}" if len(panel) else "none",
        "share of years active": round(float(panel["active"].mean()), 3) if len(panel) else None,
        "events counted": int(panel["events"].sum()),
        "rows with lags (used by the models)": len(model_rows),
        "rows dormant": int(panel["dormant"].sum()),
        "relationships without an established year": int(panel.loc[panel["established"].isna(), "relationship_id"].nunique()),
    }
    return pd.DataFrame({"value": [str(v) for v in items.values()]}, index=pd.Index(list(items), name="panel"))


def activity_by_year(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: relationships observed, active, share active, events."""
    out = panel.groupby("year").agg(relationships=("relationship_id", "size"), active=("active", "sum"),
                                    events=("events", "sum"))
    out["share_active"] = (out["active"] / out["relationships"]).round(3)
    return out
