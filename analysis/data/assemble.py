"""From checked text frames to the typed ``RawData``: dates parsed with their precision, numbers,
blank cells as missing, city ids in place of names, and the cities the data use."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.data.checks import split_list
from analysis.data.contract import LOADED_EVENT_COLUMNS, LOADED_RELATIONSHIP_COLUMNS
from analysis.data.dates import parse_dates
from analysis.data.gazetteer import Gazetteer, city_table
from analysis.data.rawdata import RawData

Frame = pd.DataFrame | None
Ids = dict[str, pd.Series]


def _blank_to_na(s: pd.Series) -> pd.Series:
    return s.where(s != "", None).astype(object)


def assemble(
    gaz: Gazetteer,
    ov: Frame, rel: Frame, rel_ids: Ids, ev: Frame, ev_ids: Ids, cy: Frame, cy_ids: Ids,
    sources: dict[str, dict[str, Any]], files: list[str],
) -> RawData:
    """The typed frames of a folder that passed every check (text cells -> dates, numbers, ids).

    ``ov``, ``rel``, ``ev``, ``cy``: the overlay, relationships, events and city_years as
    text with ``file`` and ``line`` (None when absent); ``*_ids``: their city columns resolved.
    """
    if rel is None or rel.empty:
        relationships = pd.DataFrame(columns=LOADED_RELATIONSHIP_COLUMNS)
    else:
        est = parse_dates(rel.get("established", pd.Series("", index=rel.index)))
        end = parse_dates(rel.get("ended", pd.Series("", index=rel.index)))
        status = rel.get("status", pd.Series("", index=rel.index))
        as_of = parse_dates(rel.get("status_as_of", pd.Series("", index=rel.index)))
        relationships = pd.DataFrame({
            "relationship_id": rel["relationship_id"],
            "city_a": rel_ids["city_a"].astype(object),
            "city_b": rel_ids["city_b"].astype(object),
            "kind": rel["kind"],
            "established": est["year"],
            "established_date": est["date"].astype(object),
            "established_precision": est["precision"].astype(object),
            "ended": end["year"],
            "ended_date": end["date"].astype(object),
            "status": status.where(status != "", "unknown"),
            "status_as_of": as_of["year"],
            "source": rel["source"],
            "note": _blank_to_na(rel.get("note", pd.Series("", index=rel.index))),
        })

    if ev is None or ev.empty:
        events = pd.DataFrame(columns=LOADED_EVENT_COLUMNS)
    else:
        blank = pd.Series("", index=ev.index)
        dates = parse_dates(ev["date"])
        ends = parse_dates(ev.get("date_end", blank))
        topics = ev.get("topics", blank)
        topics = topics.map({v: ";".join(split_list(v)) for v in topics.unique()})
        count = ev.get("count", blank)
        events = pd.DataFrame({
            "event_id": ev["event_id"],
            "date": dates["date"].astype(object),
            "date_precision": dates["precision"].astype(object),
            "year": dates["year"].astype(int),
            "month": dates["month"],
            "date_end": ends["date"].astype(object),
            "origin": ev_ids["origin"].astype(object),
            "destination": ev_ids["destination"].astype(object),
            "kind": ev["kind"],
            "leader_rank": _blank_to_na(ev.get("leader_rank", blank)),
            "topics": topics,
            "delegates": pd.to_numeric(ev.get("delegates", blank).where(lambda s: s != ""), errors="coerce").astype("Int64"),
            "amount_cny": pd.to_numeric(ev.get("amount_cny", blank).where(lambda s: s != ""), errors="coerce").astype(float),
            "count": pd.to_numeric(count.where(count != "", "1")).astype(int),
            "relationship_id": _blank_to_na(ev.get("relationship_id", blank)),
            "source": ev["source"],
            "note": _blank_to_na(ev.get("note", blank)),
            "file": ev["file"],
            "line": ev["line"].astype(int),
        })

    if cy is None or cy.empty:
        city_years = pd.DataFrame(columns=["city_id", "year"])
    else:
        city_years = cy.drop(columns=["file", "line"]).copy()
        city_years["city_id"] = cy_ids["city_id"].astype(object)
        city_years["year"] = parse_dates(cy["year"])["year"].astype(int)
        for col in city_years.columns.difference(["city_id", "year", "source", "note"]):
            numbers = pd.to_numeric(city_years[col].where(city_years[col] != ""), errors="coerce")
            if numbers.notna().sum() == (city_years[col] != "").sum():  # a numeric column
                city_years[col] = numbers
            else:
                city_years[col] = _blank_to_na(city_years[col])

    used = [*relationships["city_a"], *relationships["city_b"], *events["origin"], *events["destination"],
            *city_years["city_id"], *([] if ov is None or "city_id" not in ov else ov["city_id"])]
    cities = city_table(gaz, used).sort_values("city_id", kind="stable").reset_index(drop=True)
    return RawData(cities=cities, relationships=relationships.reset_index(drop=True), events=events.reset_index(drop=True),
                   city_years=city_years.reset_index(drop=True), sources=sources, files=files)
