"""The panel's aggregation, written once in SQL that both duckdb and Spark SQL accept.

The SQL reads six views that each engine registers under the same names:

- ``ev_src``: events with ``year, origin, destination, kind, leader_rank, count,
  relationship_id`` (other columns are ignored);
- ``rel``: relationships prepared by :func:`analysis.panel.spec.prepare_relationships`
  (``relationship_id, city_a, city_b, kind, established, last_year, pair_lo, pair_hi,
  log_distance, international``) with the ``unit_no`` of :func:`analysis.panel.spec.prepare_units`;
- ``units``: one row per unit (a city pair or a relationship): ``unit_no, relationship_id, pair_id,
  relationship_ids, city_a, city_b, kind, established, log_distance, international``;
- ``cty``: ``city_id, prefecture_id``;
- ``yrs``: one row per calendar year the panel can span (``year``);
- ``obs``: the relationship-years some source watched (``relationship_id, year``; empty
  when no source declares windows, and then ``__ALL_OBSERVED__`` is 1).

Portability rules kept here: no engine-specific functions (``LN(1 + x)`` instead of
``log1p``; no ``generate_series``: years come from the ``yrs`` table), no quoted
identifiers, explicit casts to ``INT``/``BIGINT``/``DOUBLE``/``STRING``, parameters as
integer literals. Only the view registration differs between :func:`analysis.panel.duck.run_duckdb`
and :func:`analysis.panel.spark.run_spark`.
"""

from __future__ import annotations

from analysis.data.contract import COOPERATION_KINDS, RELATIONSHIP_KINDS

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

# Per unit-year: which kinds of the unit's relationships are in force (one column per vocabulary kind)
KIND_FLAGS = ",\n    ".join(f"MAX(CASE WHEN e.kind = '{kind}' THEN 1 ELSE 0 END) AS kind_{kind}"
                               for kind in RELATIONSHIP_KINDS)
KIND_SELECT = ", ".join(f"CAST(k.kind_{kind} AS BIGINT) AS kind_{kind}" for kind in RELATIONSHIP_KINDS)
ENTRY_RULE_NAMES = ("established", "first_observed", "start_year", "data_start")  # rule_no 1..4

PANEL_SQL_TEMPLATE = """
WITH
named_groups AS (
  -- events that name their relationship, per unit and year (one relationship: one unit)
  SELECT r.unit_no AS unit_no, CAST(e.year AS INT) AS year, __MEASURES__
  FROM ev_src e
  JOIN rel r ON r.relationship_id = e.relationship_id
  WHERE e.relationship_id <> '' AND e.year <= __END_YEAR__
  GROUP BY r.unit_no, CAST(e.year AS INT)
),
unnamed_groups AS (
  -- events without an id, per ordered city pair and year: matched below, once per unit
  SELECT e.origin AS origin, e.destination AS destination, CAST(e.year AS INT) AS year, __MEASURES__
  FROM ev_src e
  WHERE (e.relationship_id IS NULL OR e.relationship_id = '') AND e.year <= __END_YEAR__
  GROUP BY e.origin, e.destination, CAST(e.year AS INT)
),
__ENDS__,
pair_units AS (
  -- each distinct ordered pair -> the units of its unordered pair. DISTINCT: an event counts once per
  -- unit, however many of the unit's relationships (a pair unit) or end matches it has
  SELECT DISTINCT p.origin AS origin, p.destination AS destination, r.unit_no AS unit_no
  FROM (SELECT DISTINCT origin, destination FROM unnamed_groups) p
  JOIN ends eo ON eo.city = p.origin
  JOIN ends ed ON ed.city = p.destination
  JOIN rel r ON r.pair_lo = LEAST(eo.end_key, ed.end_key) AND r.pair_hi = GREATEST(eo.end_key, ed.end_key)
),
matched AS (
  SELECT unit_no, year, events, leader_visit, cooperation, exchange_count FROM named_groups
  UNION ALL
  SELECT pu.unit_no, g.year, g.events, g.leader_visit, g.cooperation, g.exchange_count
  FROM unnamed_groups g
  JOIN pair_units pu ON pu.origin = g.origin AND pu.destination = g.destination
),
unit_years AS (
  SELECT unit_no, year,
    SUM(events) AS events, MAX(leader_visit) AS leader_visit,
    MAX(cooperation) AS cooperation, SUM(exchange_count) AS exchange_count
  FROM matched
  GROUP BY unit_no, year
),
watched AS (
  SELECT DISTINCT r.unit_no AS unit_no, r.relationship_id AS relationship_id, CAST(o.year AS INT) AS year
  FROM obs o
  JOIN rel r ON r.relationship_id = CAST(o.relationship_id AS STRING)
),
first_watch AS (
  SELECT relationship_id, MIN(year) AS first_watch_year FROM watched GROUP BY relationship_id
),
unit_watched AS (
  SELECT DISTINCT unit_no, year FROM watched
),
entries AS (
  -- each relationship's first year and the rule that set it (never its own first event, which
  -- would make that year active by construction); relationships with no year in the panel drop out
  SELECT x.unit_no, x.kind, x.entry_year, x.rule_no, x.last_year
  FROM (
    SELECT r.unit_no AS unit_no, r.kind AS kind, CAST(r.last_year AS INT) AS last_year,
      CAST(COALESCE(r.established, w.first_watch_year, __UNKNOWN_START__) AS INT) AS entry_year,
      CASE WHEN r.established IS NOT NULL THEN 1 WHEN w.first_watch_year IS NOT NULL THEN 2
        ELSE __UNKNOWN_RULE__ END AS rule_no
    FROM rel r
    LEFT JOIN first_watch w ON w.relationship_id = r.relationship_id
  ) x
  WHERE x.entry_year <= x.last_year
),
bounds AS (
  SELECT unit_no, MIN(entry_year) AS spine_start, MAX(last_year) AS spine_end FROM entries GROUP BY unit_no
),
entry_rules AS (
  -- the rule of the relationship that entered first (a tie: the rule listed first)
  SELECT e.unit_no, MIN(e.rule_no) AS rule_no
  FROM entries e
  JOIN bounds b ON b.unit_no = e.unit_no AND b.spine_start = e.entry_year
  GROUP BY e.unit_no
),
spine AS (
  -- every year from start to end; observed when watched or when an event is recorded in it
  SELECT b.unit_no, b.spine_start, y.year AS year,
    CASE WHEN __ALL_OBSERVED__ = 1 OR a.unit_no IS NOT NULL OR w.unit_no IS NOT NULL
      THEN 1 ELSE 0 END AS observed,
    a.events AS n_events, a.leader_visit AS n_leader_visit, a.cooperation AS n_cooperation,
    a.exchange_count AS n_exchange_count
  FROM bounds b
  JOIN yrs y ON y.year >= b.spine_start AND y.year <= b.spine_end
  LEFT JOIN unit_years a ON a.unit_no = b.unit_no AND a.year = y.year
  LEFT JOIN unit_watched w ON w.unit_no = b.unit_no AND w.year = y.year
),
in_force AS (
  -- the kinds of the unit's relationships in force each year; a year with none (between one that
  -- ended and one that began) has no row here and no row in the panel, but feeds the lags
  SELECT s.unit_no, s.year,
    __KIND_FLAGS__
  FROM spine s
  JOIN entries e ON e.unit_no = s.unit_no AND s.year >= e.entry_year AND s.year <= e.last_year
  GROUP BY s.unit_no, s.year
),
filled AS (
  -- observed years without events are zero years; unobserved years stay NULL. Kept narrow
  -- (integer keys, no strings) because the window below sorts every column it carries
  SELECT s.unit_no, s.spine_start, s.year, s.observed,
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
  SELECT f.unit_no, f.spine_start, f.year, f.observed, f.events, f.leader_visit, f.cooperation,
    f.exchange_count, f.active,
    MAX(CASE WHEN f.observed = 0 THEN f.year END) OVER (
      PARTITION BY f.unit_no ORDER BY f.year
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_unobserved_year,
    LAG(f.leader_visit) OVER (PARTITION BY f.unit_no ORDER BY f.year) AS leader_visit_lag,
    LAG(f.cooperation) OVER (PARTITION BY f.unit_no ORDER BY f.year) AS cooperation_lag,
    LAG(f.exchange_count) OVER (PARTITION BY f.unit_no ORDER BY f.year) AS exchange_count_lag,
    LAG(f.active) OVER (PARTITION BY f.unit_no ORDER BY f.year) AS active_lag,
    MAX(CASE WHEN f.active = 1 THEN f.year END) OVER (
      PARTITION BY f.unit_no ORDER BY f.year
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_active_year
  FROM filled f
)
SELECT
  u.relationship_id, u.city_a, u.city_b, u.kind,
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
  CAST(u.log_distance AS DOUBLE) AS log_distance,
  -- years since the unit entered the panel (its establishment when known)
  CAST(l.year - l.spine_start AS BIGINT) AS age,
  CAST(u.international AS DOUBLE) AS international,
  u.established AS established,
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
  CAST(l.observed AS BIGINT) AS observed,
  u.pair_id, u.relationship_ids,
  CASE er.rule_no __ENTRY_RULE_CASES__ END AS entry_rule,
  __KIND_SELECT__
FROM lagged l
JOIN units u ON u.unit_no = l.unit_no
JOIN entry_rules er ON er.unit_no = l.unit_no
JOIN in_force k ON k.unit_no = l.unit_no AND k.year = l.year
WHERE l.year >= __FIRST_ROW_YEAR__
ORDER BY l.unit_no, l.year
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
    # A relationship without an established year enters in the first year a source watched it,
    # else at start_year when given, else in the first year of the data (end_year when there is none).
    if start_year is not None:
        unknown_start, unknown_rule = int(start_year), 3
    else:
        unknown_start, unknown_rule = (int(first_data_year) if first_data_year is not None else int(end_year)), 4
    rule_cases = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(ENTRY_RULE_NAMES, start=1))
    return (
        PANEL_SQL_TEMPLATE.replace("__ENDS__", ENDS_CTE.strip())
        .replace("__MEASURES__", MEASURES.strip())
        .replace("__KIND_FLAGS__", KIND_FLAGS)
        .replace("__KIND_SELECT__", KIND_SELECT)
        .replace("__ENTRY_RULE_CASES__", rule_cases)
        .replace("__END_YEAR__", str(end_year))
        .replace("__MIN_EVENTS__", str(min_events))
        .replace("__DORMANCY_YEARS__", str(dormancy_years))
        .replace("__UNKNOWN_START__", str(unknown_start))
        .replace("__UNKNOWN_RULE__", str(unknown_rule))
        .replace("__FIRST_ROW_YEAR__", str(first_row_year))
        .replace("__ALL_OBSERVED__", "1" if all_observed else "0")
    )


def assign_sql() -> str:
    return ASSIGN_SQL_TEMPLATE.replace("__ENDS__", ENDS_CTE.strip())
