"""The panel's aggregation, written once in SQL that both duckdb and Spark SQL accept.

The SQL reads four views that each engine registers under the same names:

- ``ev_src``: events with ``year, origin, destination, kind, leader_rank, count,
  relationship_id`` (other columns are ignored);
- ``rel``: relationships prepared by :func:`analysis.panel.spec.prepare_relationships`
  (``relationship_id, city_a, city_b, kind, established, last_year, pair_lo, pair_hi,
  log_distance, international``);
- ``cty``: ``city_id, prefecture_id``;
- ``yrs``: one row per calendar year the panel can span (``year``);
- ``obs``: the relationship-years some source watched (``relationship_id, year``; empty
  when no source declares windows, and then ``__ALL_OBSERVED__`` is 1).

Portability rules kept here: no engine-specific functions (``LN(1 + x)`` instead of
``log1p``; no ``generate_series``: years come from the ``yrs`` table), no quoted
identifiers, explicit casts to ``INT``/``BIGINT``/``DOUBLE``/``STRING``, parameters as
integer literals. Only the view registration differs between :func:`run_duckdb` and
:func:`analysis.panel.spark.run_spark`.
"""

from __future__ import annotations

import glob as _glob
import os
from pathlib import Path
from typing import Sequence

import pandas as pd

from analysis.data.contract import COOPERATION_KINDS

EVENT_COLUMNS = ["year", "origin", "destination", "kind", "leader_rank", "count", "relationship_id"]

# Shared by the panel and by assign_relationships: a city stands for itself and, when it is
# a county or district, also for its prefecture (so it matches the prefecture's relationships).
ENDS_CTE = """
ends AS (
  SELECT c.city_id AS city, c.city_id AS end_key FROM cty c
  UNION
  SELECT c.city_id AS city, c.prefecture_id AS end_key FROM cty c WHERE c.prefecture_id IS NOT NULL
)"""

# Per-group measures, weighted by count (a blank count is 1). Written into both event
# aggregations below; kept as one text so the definitions cannot drift apart.
_COOPERATION = ", ".join(f"'{kind}'" for kind in COOPERATION_KINDS)
MEASURES = f"""
    SUM(COALESCE(CAST(e.count AS BIGINT), 1)) AS events,
    MAX(CASE WHEN e.kind = 'visit' AND e.leader_rank = 'top' THEN 1 ELSE 0 END) AS leader_visit,
    MAX(CASE WHEN e.kind IN ({_COOPERATION}) THEN 1 ELSE 0 END) AS cooperation,
    SUM(CASE WHEN (e.kind = 'visit' AND e.leader_rank = 'top') OR e.kind IN ({_COOPERATION})
        THEN 0 ELSE COALESCE(CAST(e.count AS BIGINT), 1) END) AS exchange_count
"""

PANEL_SQL_TEMPLATE = """
WITH
named_groups AS (
  -- events that name their relationship, per relationship and year
  SELECT e.relationship_id AS relationship_id, CAST(e.year AS INT) AS year, __MEASURES__
  FROM ev_src e
  WHERE e.relationship_id <> '' AND e.year <= __END_YEAR__
  GROUP BY e.relationship_id, CAST(e.year AS INT)
),
unnamed_groups AS (
  -- events without an id, per ordered city pair and year: matched below, once per pair
  SELECT e.origin AS origin, e.destination AS destination, CAST(e.year AS INT) AS year, __MEASURES__
  FROM ev_src e
  WHERE (e.relationship_id IS NULL OR e.relationship_id = '') AND e.year <= __END_YEAR__
  GROUP BY e.origin, e.destination, CAST(e.year AS INT)
),
__ENDS__,
pair_relationships AS (
  -- each distinct ordered pair -> the relationships of its unordered pair (DISTINCT: a pair
  -- counts once per relationship even if its ends match in more than one way)
  SELECT DISTINCT p.origin AS origin, p.destination AS destination, r.relationship_id AS relationship_id
  FROM (SELECT DISTINCT origin, destination FROM unnamed_groups) p
  JOIN ends eo ON eo.city = p.origin
  JOIN ends ed ON ed.city = p.destination
  JOIN rel r ON r.pair_lo = LEAST(eo.end_key, ed.end_key) AND r.pair_hi = GREATEST(eo.end_key, ed.end_key)
),
matched AS (
  SELECT relationship_id, year, events, leader_visit, cooperation, exchange_count FROM named_groups
  UNION ALL
  SELECT pr.relationship_id, g.year, g.events, g.leader_visit, g.cooperation, g.exchange_count
  FROM unnamed_groups g
  JOIN pair_relationships pr ON pr.origin = g.origin AND pr.destination = g.destination
),
rel_years AS (
  SELECT relationship_id, year,
    SUM(events) AS events, MAX(leader_visit) AS leader_visit,
    MAX(cooperation) AS cooperation, SUM(exchange_count) AS exchange_count
  FROM matched
  GROUP BY relationship_id, year
),
first_event AS (
  SELECT relationship_id, MIN(year) AS first_event_year FROM rel_years GROUP BY relationship_id
),
watched AS (
  SELECT DISTINCT CAST(o.relationship_id AS STRING) AS relationship_id, CAST(o.year AS INT) AS year FROM obs o
),
first_watch AS (
  SELECT relationship_id, MIN(year) AS first_watch_year FROM watched GROUP BY relationship_id
),
bounds AS (
  SELECT r.rel_no, r.relationship_id,
    CAST(COALESCE(r.established, __UNKNOWN_START__) AS INT) AS spine_start,
    CAST(r.last_year AS INT) AS spine_end
  FROM rel r
  LEFT JOIN first_event f ON f.relationship_id = r.relationship_id
  LEFT JOIN first_watch w ON w.relationship_id = r.relationship_id
),
spine AS (
  -- every year from start to end; observed when watched or when an event is recorded in it
  SELECT b.rel_no, b.spine_start, y.year AS year,
    CASE WHEN __ALL_OBSERVED__ = 1 OR a.relationship_id IS NOT NULL OR w.relationship_id IS NOT NULL
      THEN 1 ELSE 0 END AS observed,
    a.events AS n_events, a.leader_visit AS n_leader_visit, a.cooperation AS n_cooperation,
    a.exchange_count AS n_exchange_count
  FROM bounds b
  JOIN yrs y ON y.year >= b.spine_start AND y.year <= b.spine_end
  LEFT JOIN rel_years a ON a.relationship_id = b.relationship_id AND a.year = y.year
  LEFT JOIN watched w ON w.relationship_id = b.relationship_id AND w.year = y.year
),
filled AS (
  -- observed years without events are zero years; unobserved years stay NULL. Kept narrow
  -- (integer keys, no strings) because the window below sorts every column it carries
  SELECT s.rel_no, s.spine_start, s.year, s.observed,
    CASE WHEN s.observed = 1 THEN COALESCE(s.n_events, 0) END AS events,
    CASE WHEN s.observed = 1 THEN COALESCE(s.n_leader_visit, 0) END AS leader_visit,
    CASE WHEN s.observed = 1 THEN COALESCE(s.n_cooperation, 0) END AS cooperation,
    CASE WHEN s.observed = 1 THEN COALESCE(s.n_exchange_count, 0) END AS exchange_count,
    CASE WHEN s.observed = 1 THEN (CASE WHEN COALESCE(s.n_events, 0) >= __MIN_EVENTS__ THEN 1 ELSE 0 END) END AS active
  FROM spine s
),
lagged AS (
  -- the spine has every year, so the previous row is year t-1; NULL in the first year and
  -- after an unobserved year
  SELECT f.rel_no, f.spine_start, f.year, f.observed, f.events, f.leader_visit, f.cooperation,
    f.exchange_count, f.active,
    MAX(CASE WHEN f.observed = 0 THEN f.year END) OVER (
      PARTITION BY f.rel_no ORDER BY f.year
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_unobserved_year,
    LAG(f.leader_visit) OVER (PARTITION BY f.rel_no ORDER BY f.year) AS leader_visit_lag,
    LAG(f.cooperation) OVER (PARTITION BY f.rel_no ORDER BY f.year) AS cooperation_lag,
    LAG(f.exchange_count) OVER (PARTITION BY f.rel_no ORDER BY f.year) AS exchange_count_lag,
    LAG(f.active) OVER (PARTITION BY f.rel_no ORDER BY f.year) AS active_lag,
    MAX(CASE WHEN f.active = 1 THEN f.year END) OVER (
      PARTITION BY f.rel_no ORDER BY f.year
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_active_year
  FROM filled f
)
SELECT
  r.relationship_id, r.city_a, r.city_b, r.kind,
  CAST(l.year AS BIGINT) AS year,
  CAST(l.events AS BIGINT) AS events,
  CAST(l.active AS BIGINT) AS active,
  CAST(l.leader_visit AS BIGINT) AS leader_visit,
  CAST(l.cooperation AS BIGINT) AS cooperation,
  CAST(l.exchange_count AS BIGINT) AS exchange_count,
  -- drivers are missing in an unobserved year too (its outcome is)
  CAST(CASE WHEN l.observed = 1 THEN l.leader_visit_lag END AS DOUBLE) AS leader_visit_lag,
  CAST(CASE WHEN l.observed = 1 THEN l.cooperation_lag END AS DOUBLE) AS cooperation_lag,
  CAST(CASE WHEN l.observed = 1 THEN LN(1 + l.exchange_count_lag) END AS DOUBLE) AS exchange_lag,
  CAST(CASE WHEN l.observed = 1 THEN l.active_lag END AS DOUBLE) AS active_lag,
  CAST(r.log_distance AS DOUBLE) AS log_distance,
  CAST(l.year - COALESCE(r.established, l.spine_start) AS BIGINT) AS age,
  CAST(r.international AS DOUBLE) AS international,
  r.established AS established,
  -- since the last observed active year (or the start): unknown when a year between was not observed
  CAST(CASE WHEN l.observed = 0 THEN NULL
    WHEN l.last_unobserved_year > COALESCE(l.last_active_year, l.spine_start) THEN NULL
    ELSE l.year - COALESCE(l.last_active_year, l.spine_start) END AS BIGINT) AS years_since_event,
  -- dormant: the last __DORMANCY_YEARS__ years all observed and silent; 0 when one of them was
  -- active (or the start); unknown when none was active but one was not observed
  CAST(CASE WHEN l.observed = 0 THEN NULL
    WHEN l.year - COALESCE(l.last_active_year, l.spine_start) < __DORMANCY_YEARS__ THEN 0
    WHEN l.last_unobserved_year > l.year - __DORMANCY_YEARS__ THEN NULL
    ELSE 1 END AS BIGINT) AS dormant,
  CASE WHEN l.year = l.spine_start THEN 1 ELSE 0 END AS first_year,
  CAST(l.observed AS BIGINT) AS observed
FROM lagged l
JOIN rel r ON r.rel_no = l.rel_no
WHERE l.year >= __FIRST_ROW_YEAR__
ORDER BY l.rel_no, l.year
"""

YEAR_RANGE_SQL = "SELECT MIN(CAST(e.year AS INT)) AS lo, MAX(CAST(e.year AS INT)) AS hi FROM ev_src e"

ASSIGN_SQL_TEMPLATE = """
WITH
__ENDS__,
pair_matched AS (
  SELECT DISTINCT e.row_no AS row_no, r.relationship_id AS matched_id
  FROM ev_src e
  JOIN ends eo ON eo.city = e.origin
  JOIN ends ed ON ed.city = e.destination
  JOIN rel r ON r.pair_lo = LEAST(eo.end_key, ed.end_key) AND r.pair_hi = GREATEST(eo.end_key, ed.end_key)
  WHERE NULLIF(e.relationship_id, '') IS NULL
)
SELECT e.row_no AS row_no, COALESCE(NULLIF(e.relationship_id, ''), p.matched_id) AS relationship_id
FROM ev_src e
LEFT JOIN pair_matched p ON p.row_no = e.row_no
ORDER BY row_no, relationship_id
"""


def panel_sql(
    *,
    end_year: int,
    first_row_year: int,
    min_events: int,
    dormancy_years: int,
    start_year: int | None,
    first_data_year: int | None,
    all_observed: bool = True,
) -> str:
    """The panel query with its parameters as integer literals (validated ints only)."""
    for name, value in dict(end_year=end_year, first_row_year=first_row_year, min_events=min_events,
                            dormancy_years=dormancy_years).items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {value!r}")
    # A relationship without an established year starts at start_year when given, otherwise
    # at the first year a source watched it, or its first event year (or the first year of the data).
    if start_year is not None:
        unknown_start = str(int(start_year))
    else:
        fallback = int(first_data_year) if first_data_year is not None else int(end_year)
        unknown_start = f"COALESCE(w.first_watch_year, f.first_event_year, {fallback})"
    return (
        PANEL_SQL_TEMPLATE.replace("__ENDS__", ENDS_CTE.strip())
        .replace("__MEASURES__", MEASURES.strip())
        .replace("__END_YEAR__", str(end_year))
        .replace("__MIN_EVENTS__", str(min_events))
        .replace("__DORMANCY_YEARS__", str(dormancy_years))
        .replace("__UNKNOWN_START__", unknown_start)
        .replace("__FIRST_ROW_YEAR__", str(first_row_year))
        .replace("__ALL_OBSERVED__", "1" if all_observed else "0")
    )


def assign_sql() -> str:
    return ASSIGN_SQL_TEMPLATE.replace("__ENDS__", ENDS_CTE.strip())


# --------------------------------------------------------------------------- sources

def expand_files(paths: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    """Sorted list of files from a path, a glob or a list of either; error if none exist."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[str] = []
    for item in items:
        text = str(item)
        if "://" in text:  # remote storage (s3a://, hdfs://): left to the engine to list
            files.append(text)
            continue
        matches = sorted(_glob.glob(text)) if any(ch in text for ch in "*?[") else [text]
        files.extend(m for m in matches if Path(m).is_file())
    if not files:
        raise FileNotFoundError(f"no event files found at {paths!r}")
    return files


def file_format(files: Sequence[str]) -> str:
    suffixes = {Path(f).suffix.lower() for f in files}
    if suffixes <= {".parquet", ".pq"}:
        return "parquet"
    if suffixes <= {".csv"}:
        return "csv"
    raise ValueError(f"event files must be all Parquet or all CSV, got suffixes {sorted(suffixes)}")


# --------------------------------------------------------------------------- duckdb

def duckdb_connection(threads: int | None = None, memory_limit: str | None = None):
    """An in-memory duckdb connection sized for this machine (spills to a temp dir)."""
    import duckdb
    import tempfile

    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    # insertion order is irrelevant (the query sorts); dropping it lets big scans stream
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/duckdb_spill'")
    return con


def _duckdb_file_view(con, files: list[str]) -> None:
    fmt = file_format(files)
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if fmt == "parquet":
        source = f"read_parquet({listing}, union_by_name = true)"
    else:
        source = f"read_csv({listing}, header = true, all_varchar = true, union_by_name = true)"
    columns = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    if "year" in columns:
        year = "year"
    elif "date" in columns:
        year = "CAST(SUBSTR(CAST(date AS STRING), 1, 4) AS INT)"
    else:
        raise ValueError(f"event files {files[:3]}...: need a 'year' or a 'date' column")
    missing = [c for c in EVENT_COLUMNS if c not in columns and c != "year"]
    if missing:
        raise ValueError(f"event files {files[:3]}...: missing column(s) {', '.join(missing)}")
    count = "CAST(NULLIF(CAST(count AS STRING), '') AS BIGINT)" if fmt == "csv" else "count"
    # plain column references where possible, so the SQL's filters reach the Parquet reader
    con.execute(
        f"""CREATE OR REPLACE VIEW ev_src AS SELECT {year} AS year, origin, destination, kind,
        leader_rank, {count} AS count, relationship_id FROM {source}"""
    )


def register_events_duckdb(con, events: pd.DataFrame | list[str]) -> None:
    """Events as the view ``ev_src``: a DataFrame, or Parquet/CSV files read in place."""
    if isinstance(events, pd.DataFrame):
        con.register("ev_src", events)
    else:
        _duckdb_file_view(con, events)


def register_tables_duckdb(con, rel: pd.DataFrame, cty: pd.DataFrame, years: pd.DataFrame, obs: pd.DataFrame) -> None:
    con.register("rel", rel)
    con.register("cty", cty)
    con.register("yrs", years)
    con.register("obs", obs)


def run_duckdb(con, sql: str) -> pd.DataFrame:
    # via Arrow: about twice as fast as .df() for the panel's string columns
    return con.sql(sql).to_arrow_table().to_pandas()


def year_range_duckdb(con) -> tuple[int | None, int | None]:
    lo, hi = con.execute(YEAR_RANGE_SQL).fetchall()[0]
    return (None if lo is None else int(lo), None if hi is None else int(hi))
