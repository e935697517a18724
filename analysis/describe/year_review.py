"""One year in review (notebook ``25_year_review``): the year's tables, its events by month and kind and
their figure, and a two-sentence summary written from the numbers. Pure functions of the raw frames and panel."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.data.contract import EVENT_KIND_LABELS, EVENT_KINDS, KIND_LABELS
from analysis.describe import figures
from analysis.describe.tables import city_names, relationship_labels

MONTHS = list(range(1, 13))


def _weights(events: pd.DataFrame) -> pd.Series:
    """Events a row stands for: its ``count`` (a blank count is 1)."""
    return pd.to_numeric(events["count"], errors="coerce").fillna(1).astype(int)


def active_in_year(panel: pd.DataFrame, relationships: pd.DataFrame, cities: pd.DataFrame, year: int) -> pd.DataFrame:
    """Relationships active in ``year`` with their two places (ids), kind and events that year, most events first."""
    p = panel[(panel["year"] == year) & (panel["active"] == 1)]
    cols = [c for c in ("relationship_id", "events", "leader_visit", "cooperation", "exchange_count") if c in p]
    rel = relationships[["relationship_id", "city_a", "city_b", "kind", "established"]]
    out = p[cols].merge(rel, on="relationship_id", how="left")
    out.insert(1, "relationship", out["relationship_id"].map(relationship_labels(relationships, cities)))
    return out.sort_values(["events", "relationship"], ascending=[False, True]).reset_index(drop=True)


def events_in_year(events: pd.DataFrame, cities: pd.DataFrame, year: int) -> pd.DataFrame:
    """The year's events in date order, with the places' ids and names."""
    names = city_names(cities)
    e = events[events["year"] == year].copy()
    e["origin_name"] = e["origin"].map(names).fillna(e["origin"])
    e["destination_name"] = e["destination"].map(names).fillna(e["destination"])
    cols = ["event_id", "date", "date_end", "origin", "origin_name", "destination", "destination_name", "kind",
            "leader_rank", "topics", "count", "relationship_id"]
    return e.sort_values(["date", "event_id"])[[c for c in cols if c in e]].reset_index(drop=True)


def new_relationships(relationships: pd.DataFrame, cities: pd.DataFrame, year: int) -> pd.DataFrame:
    """Relationships established in ``year``, with their two places (ids)."""
    r = relationships[relationships["established"] == year]
    out = r[["relationship_id", "city_a", "city_b", "kind", "status"]].copy()
    out.insert(1, "relationship", out["relationship_id"].map(relationship_labels(relationships, cities)))
    return out.reset_index(drop=True)


def most_active_partners(events: pd.DataFrame, cities: pd.DataFrame, year: int, top: int = 10) -> pd.DataFrame:
    """Cities by events (sent + received, weighted by ``count``) in ``year``."""
    e = events[events["year"] == year]
    w = _weights(e)
    both = pd.concat([pd.DataFrame({"city_id": e["origin"], "events": w}),
                      pd.DataFrame({"city_id": e["destination"], "events": w})]).dropna(subset=["city_id"])
    per = both.groupby("city_id")["events"].sum().astype(int).reset_index()
    per.insert(1, "name", per["city_id"].map(city_names(cities)).fillna(per["city_id"]))
    return per.sort_values(["events", "city_id"], ascending=[False, True]).head(top).reset_index(drop=True)


def events_by_month_kind(events: pd.DataFrame, year: int) -> tuple[pd.DataFrame, int]:
    """Events (weighted by ``count``) per calendar month (rows 1–12) and event kind (columns, contract order)
    in ``year``; and how many events of the year are dated to the year only (no month), which it leaves out."""
    e = events[events["year"] == year]
    w = _weights(e)
    month = pd.to_numeric(e.get("month", pd.Series(np.nan, index=e.index)), errors="coerce")
    dated = month.notna()
    table = (pd.DataFrame({"month": month[dated].astype(int), "kind": e.loc[dated, "kind"], "events": w[dated]})
             .pivot_table(index="month", columns="kind", values="events", aggfunc="sum", fill_value=0)
             .reindex(index=MONTHS, fill_value=0))
    kinds = [k for k in EVENT_KINDS if k in table.columns] + sorted(set(table.columns) - set(EVENT_KINDS))
    table = table.reindex(columns=kinds).fillna(0).astype(int)
    table.index.name, table.columns.name = "month", None
    return table, int(w[~dated].sum())


def events_by_month_figure(table: pd.DataFrame, year: int, n_no_month: int = 0) -> plt.Figure:
    """Stacked bars: the year's events per month, coloured by event kind (single column)."""
    figures.style()
    fig, ax = plt.subplots(figsize=(figures.SINGLE_COLUMN_IN, 2.2))
    bottom = np.zeros(len(table))
    colours = plt.get_cmap("tab10")
    for kind in table.columns:
        values = table[kind].to_numpy(dtype=float)
        colour = colours(EVENT_KINDS.index(kind) if kind in EVENT_KINDS else 9)
        ax.bar(table.index, values, bottom=bottom, width=0.8, color=colour, label=EVENT_KIND_LABELS.get(kind, kind))
        bottom += values
    ax.set_xticks(MONTHS, [str(m) for m in MONTHS])
    ax.set_xlabel("月 month")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("事件 events")
    note = f"; {n_no_month} dated to the year only, not drawn" if n_no_month else ""
    ax.set_title(f"{year}年 events by month and kind{note}")
    if len(table.columns):
        ax.legend(frameon=False, ncols=min(4, len(table.columns)), loc="upper left", bbox_to_anchor=(0, -0.18))
    if not bottom.any():
        ax.set_ylim(0, 1)
    return fig


def year_summary(panel: pd.DataFrame, relationships: pd.DataFrame, cities: pd.DataFrame, year: int) -> str:
    """Two sentences from the panel: how many relationships were active and the most active pair; what
    changed from the year before (more or fewer active, how many became active and how many fell quiet)."""
    labels = relationship_labels(relationships, cities)
    kinds = relationships.set_index("relationship_id")["kind"]
    this = panel[(panel["year"] == year) & (panel["active"] == 1)]
    n = this["relationship_id"].nunique()
    if n == 0:
        first = f"In {year} no relationship had a recorded event."
    else:
        per = this.groupby("relationship_id")["events"].sum()
        top = sorted(per[per == per.max()].index)
        names = " and ".join(f"{labels.get(r, r)} ({KIND_LABELS.get(kinds.get(r), kinds.get(r, ''))})" for r in top)
        pair = ("the most active was " if len(top) == 1 else "the most active were ") + names
        each = " each" if len(top) > 1 else ""
        first = (f"In {year}, {n} relationship{'s' if n != 1 else ''} had at least one recorded event "
                 f"({int(per.sum())} event{'s' if per.sum() != 1 else ''} between them); {pair}, with {int(per.max())} event{'s' if per.max() != 1 else ''}{each}.")
    before = panel[panel["year"] == year - 1]
    if before.empty:
        second = f"There is no panel year before {year} to compare with."
    else:
        was = set(before.loc[before["active"] == 1, "relationship_id"])
        now = set(this["relationship_id"])
        diff = len(now) - len(was)
        change = "as many as" if diff == 0 else (f"{abs(diff)} {'more' if diff > 0 else 'fewer'} than")
        # a year no source watched is missing, not quiet (DESIGN.md "Observation windows")
        rows = panel[panel["year"] == year]
        watched = set(rows.loc[rows["observed"] == 1, "relationship_id"]) if "observed" in rows else set(rows["relationship_id"])
        unwatched = len((was - now) - watched)
        second = (f"That is {change} in {year - 1} ({len(was)} active): {len(now - was)} became active and "
                  f"{len((was - now) & watched)} fell quiet"
                  + (f"; {unwatched} no source watched in {year}." if unwatched else "."))
    return f"{first} {second}"
