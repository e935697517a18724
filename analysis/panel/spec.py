"""The panel's shape: its columns and dtypes, the options, the year plan and the prepared inputs.

Shared by every engine (duckdb and Spark through :mod:`analysis.panel.sql`, pandas in
:mod:`analysis.panel.baseline`), so they return the same frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.data.contract import RELATIONSHIP_KINDS
from analysis.geo import great_circle_km, log_distance_km
from analysis.panel import sql as panel_sql

ENGINES = ("duckdb", "spark", "pandas")
UNITS = ("pair", "relationship")  # the panel's unit: a city pair (default) or each relationship
# The kind a pair is known by when it has several relationships (docs/PANEL_UNIT.md): mandated
# pairings, which come with targets, yearly assessment and transfers, before voluntary ties.
KIND_PRIORITY = ("east_west_pairing", "counterpart_cooperation", "strategic_cooperation", "sister_city",
                 "friendly_exchange", "other")
KIND_COLUMNS = [f"kind_{k}" for k in RELATIONSHIP_KINDS]  # 1 when a relationship of that kind is in force
# how a unit's first year was set, by precedence (a tie between a pair's relationships goes to the first)
ENTRY_RULES = panel_sql.ENTRY_RULE_NAMES

PANEL_COLUMNS = [
    "relationship_id", "city_a", "city_b", "kind", "year",
    "events", "active", "leader_visit", "cooperation", "exchange_count",
    "leader_visit_lag", "cooperation_lag", "exchange_lag", "active_lag",
    "log_distance", "age", "international", "established",
    "years_since_event", "dormant", "first_year", "observed",
    "pair_id", "relationship_ids", "entry_rule", *KIND_COLUMNS,
]
STRING_COLUMNS = ["relationship_id", "city_a", "city_b", "kind", "pair_id", "relationship_ids", "entry_rule"]
FLOAT_COLUMNS = ["leader_visit_lag", "cooperation_lag", "exchange_lag", "active_lag", "log_distance", "international"]
INT_COLUMNS = [c for c in PANEL_COLUMNS if c not in STRING_COLUMNS + FLOAT_COLUMNS + ["established"]]
# missing (NA) in a year no source watched; nullable ``Int64`` when the data declare windows,
# plain ``int64`` when they do not (then every year is observed)
UNOBSERVED_NA_COLUMNS = ["events", "active", "leader_visit", "cooperation", "exchange_count",
                         "years_since_event", "dormant"]
OBSERVED_COLUMNS = ["relationship_id", "year"]

EVENT_COLUMNS = panel_sql.EVENT_COLUMNS
RELATIONSHIP_COLUMNS = ["relationship_id", "city_a", "city_b", "kind", "established", "ended"]
CITY_COLUMNS = ["city_id", "prefecture_id", "lat", "lon", "country"]


@dataclass(frozen=True)
class PanelInputs:
    """The frames the panel reads (a ``RawData`` has the same attributes); ``observed_years``
    (``relationship_id, year``): the relationship-years some source watched, None = every year."""

    cities: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    observed_years: pd.DataFrame | None = None


@dataclass(frozen=True)
class PanelOptions:
    start_year: int | None = None
    end_year: int | None = None
    min_events: int = 1
    dormancy_years: int = 3
    unit: str = "pair"

    def check(self) -> None:
        problems = [] if self.unit in UNITS else [f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}"]
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


def prepare_cities(cities: pd.DataFrame) -> pd.DataFrame:
    """``city_id, prefecture_id`` as plain strings (None where unknown)."""
    require(cities, ["city_id", "prefecture_id"], "cities")
    cty = cities[["city_id", "prefecture_id"]].drop_duplicates("city_id")
    return pd.DataFrame({
        "city_id": cty["city_id"].astype("str").to_numpy(),
        "prefecture_id": cty["prefecture_id"].astype("str").where(cty["prefecture_id"].notna()).to_numpy(),
    })


def prepare_relationships(relationships: pd.DataFrame, cities: pd.DataFrame, end_year: int) -> pd.DataFrame:
    """One row per relationship with what the panel needs: the unordered pair (for
    matching), the last panel year, and the structure variables that do not change."""
    require(relationships, RELATIONSHIP_COLUMNS, "relationships")
    require(cities, CITY_COLUMNS, "cities")
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


def kind_rank(kinds: pd.Series) -> np.ndarray:
    """Position of each kind in :data:`KIND_PRIORITY` (a kind outside it ranks last)."""
    return kinds.map({k: i for i, k in enumerate(KIND_PRIORITY)}).fillna(len(KIND_PRIORITY)).to_numpy(dtype="int64")


def prepare_units(rel: pd.DataFrame, unit: str = "pair") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The panel's units: ``rel`` (from :func:`prepare_relationships`) with ``unit_no`` added, and one
    row per unit with what its rows carry.

    ``unit="relationship"``: every relationship is a unit. ``unit="pair"``: the relationships of one
    unordered pair of places form one unit, known by its principal relationship (the first by
    :data:`KIND_PRIORITY`, then the earliest established, then id): its ``relationship_id``, ``kind``
    and the order of ``city_a``/``city_b``; ``established`` is the earliest of the pair's.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    rel = rel.assign(pair_id=rel["pair_lo"] + "|" + rel["pair_hi"])
    key = rel["pair_id"] if unit == "pair" else rel["relationship_id"]
    ranked = rel.assign(_key=key.to_numpy(), _rank=kind_rank(rel["kind"]),
                        _est=rel["established"].astype("float64").fillna(np.inf))
    ranked = ranked.sort_values(["_key", "_rank", "_est", "relationship_id"], kind="stable")
    units = ranked.drop_duplicates("_key").set_index("_key")
    shared = ranked[ranked["_key"].duplicated(keep=False)].sort_values(["_key", "relationship_id"], kind="stable")
    members = shared.groupby("_key", sort=False)  # a Python join per shared pair only: cheap at scale
    units["relationship_ids"] = members["relationship_id"].agg(";".join).reindex(units.index).fillna(units["relationship_id"])
    units["established"] = members["established"].min().astype("Int64").reindex(units.index).fillna(units["established"])
    units = units.sort_values("relationship_id", kind="stable").reset_index()
    units["unit_no"] = np.arange(len(units), dtype="int32")  # position in unit-id order: window/sort key
    out = rel.assign(unit_no=key.map(units.set_index("_key")["unit_no"]).astype("int32").to_numpy())
    columns = ["unit_no", "relationship_id", "pair_id", "relationship_ids", "city_a", "city_b", "kind", "established",
               "log_distance", "international"]
    return out, units[columns]


def prepare_observed(observed: pd.DataFrame | None) -> pd.DataFrame:
    """``relationship_id, year`` distinct, as plain string and int32 (empty when None)."""
    if observed is None:
        observed = pd.DataFrame({"relationship_id": [], "year": []})
    require(observed, OBSERVED_COLUMNS, "observed_years")
    out = pd.DataFrame({
        "relationship_id": observed["relationship_id"].astype("str").to_numpy(dtype=object),
        "year": pd.to_numeric(observed["year"]).astype("int32").to_numpy(),
    })
    return out.drop_duplicates().sort_values(OBSERVED_COLUMNS, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Plan:
    rel: pd.DataFrame  # one row per relationship, with its unit_no
    units: pd.DataFrame  # one row per unit (prepare_units)
    years: pd.DataFrame
    end_year: int
    first_row_year: int
    first_data_year: int | None
    sql: str
    windows: bool = False  # some source declared what it watched: unwatched years are unobserved


def make_plan(relationships, cities, options: PanelOptions, data_lo: int | None, data_hi: int | None,
              windows: bool = False, observed: pd.DataFrame | None = None) -> Plan:
    """Resolve the year bounds (end_year defaults to the last year in the events) and the units."""
    end_year = options.end_year if options.end_year is not None else data_hi
    if end_year is None:
        raise ValueError("the events are empty: give end_year explicitly")
    end_year = int(end_year)
    rel, units = prepare_units(prepare_relationships(relationships, cities, end_year), options.unit)
    first_data_year = None if data_lo is None else min(int(data_lo), end_year)
    candidates = [y for y in (first_data_year, options.start_year, end_year) if y is not None]
    if rel["established"].notna().any():
        candidates.append(int(rel["established"].min()))
    if observed is not None and len(observed):  # a unit may enter in the first year a source watched it
        candidates.append(int(observed["year"].min()))
    years_lo = min(candidates)
    first_row_year = options.start_year if options.start_year is not None else years_lo
    sql = panel_sql.panel_sql(
        end_year=end_year, first_row_year=int(first_row_year), min_events=int(options.min_events),
        dormancy_years=int(options.dormancy_years), start_year=options.start_year, first_data_year=first_data_year,
        all_observed=not windows,
    )
    years = pd.DataFrame({"year": np.arange(years_lo, end_year + 1, dtype="int32")})
    return Plan(rel, units, years, end_year, int(first_row_year), first_data_year, sql, windows)


PANEL_DTYPES = {**{c: "str" for c in STRING_COLUMNS}, **{c: "int64" for c in INT_COLUMNS},
                **{c: "float64" for c in FLOAT_COLUMNS}, "established": "Int64"}


def finalise(df: pd.DataFrame, windows: bool = False) -> pd.DataFrame:
    """Fixed columns, dtypes and row order, whatever the engine (``windows``: the columns that are
    missing in unobserved years are nullable ``Int64``)."""
    out = df[PANEL_COLUMNS].reset_index(drop=True)
    for c in INT_COLUMNS + FLOAT_COLUMNS + ["established"]:
        if out[c].dtype == object:  # Spark rows come back as Python objects
            out[c] = pd.to_numeric(out[c])
    dtypes = PANEL_DTYPES | ({c: "Int64" for c in UNOBSERVED_NA_COLUMNS} if windows else {})
    out = out.astype(dtypes)
    if not is_sorted(out):
        out = out.sort_values(["relationship_id", "year"], kind="stable").reset_index(drop=True)
    return out


def is_sorted(panel: pd.DataFrame) -> bool:
    rid, year = panel["relationship_id"], panel["year"].to_numpy()
    if len(panel) < 2:
        return True
    nxt, cur = rid.iloc[1:].reset_index(drop=True), rid.iloc[:-1].reset_index(drop=True)
    return bool(((nxt > cur) | ((nxt == cur) & (year[1:] > year[:-1]))).all())


def require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)} (has {', '.join(map(str, frame.columns))})")
    return frame
