"""What the sources watched (source, relationships, years) and the reported status of each relationship
beside its observed activity in the years before the report, with agreement counts."""

from __future__ import annotations

from typing import Any

import pandas as pd

REPORTED_ACTIVE = ("active",)
REPORTED_INACTIVE = ("dormant", "suspended", "ended")


def year_spans(years) -> str:
    """``[2015, 2016, 2017, 2020]`` -> ``'2015–2017, 2020'``."""
    ys = sorted({int(y) for y in years})
    spans, start = [], None
    for i, y in enumerate(ys):
        if start is None:
            start = y
        if i + 1 == len(ys) or ys[i + 1] != y + 1:
            spans.append(str(start) if start == y else f"{start}–{y}")
            start = None
    return ", ".join(spans)


def watched_by_source(observed_years: pd.DataFrame, relationships: pd.DataFrame,
                      sources: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per source with ``covers``: ``source, title, relationships, years, relationship_years``
    (the relationships it watched, the years as spans, and how many relationship-years in all)."""
    rows = []
    for key, entry in sources.items():
        if not isinstance(entry, dict) or entry.get("covers") is None:
            continue
        mine = observed_years[observed_years["source"] == key]
        rows.append({"source": key, "title": entry.get("title") or "", "relationships": int(mine["relationship_id"].nunique()),
                     "years": year_spans(mine["year"]) if len(mine) else "", "relationship_years": len(mine)})
    return pd.DataFrame(rows, columns=["source", "title", "relationships", "years", "relationship_years"])


def status_against_activity(panel: pd.DataFrame, relationships: pd.DataFrame, years: int = 3) -> pd.DataFrame:
    """Per relationship with a reported status and the year it describes: what the panel observed in
    the ``years`` years up to that year.

    ``observed_years`` / ``active_years`` count watched years (and those with events);
    ``observed_activity`` is ``active`` (an event in a watched year), ``silent`` (watched, no
    event) or ``not watched``; ``agrees`` is True when the reported status (active vs
    dormant/suspended/ended) matches, NA when the years were not watched.
    """
    rel = relationships[["relationship_id", "status", "status_as_of"]].copy()
    rel["status"] = rel["status"].astype("string").str.strip().str.lower()
    rel = rel[rel["status"].isin(REPORTED_ACTIVE + REPORTED_INACTIVE) & rel["status_as_of"].notna()]
    cols = ["relationship_id", "status", "status_as_of", "observed_years", "active_years", "observed_activity", "agrees"]
    if rel.empty:
        return pd.DataFrame(columns=cols)
    p = panel.merge(rel[["relationship_id", "status_as_of"]], on="relationship_id")
    p = p[(p["year"] <= p["status_as_of"]) & (p["year"] > p["status_as_of"] - years)]
    seen = p["observed"] == 1 if "observed" in p else pd.Series(True, index=p.index)
    p = p[seen]
    g = p.groupby("relationship_id")
    out = rel.assign(
        observed_years=rel["relationship_id"].map(g.size()).fillna(0).astype(int),
        active_years=rel["relationship_id"].map(g["active"].apply(lambda s: int((s == 1).sum()))).fillna(0).astype(int),
    )
    out["observed_activity"] = [("not watched" if n == 0 else "active" if a > 0 else "silent")
                                for n, a in zip(out["observed_years"], out["active_years"])]
    reported_active = out["status"].isin(REPORTED_ACTIVE)
    agrees = pd.array([None] * len(out), dtype="boolean")
    watched = (out["observed_activity"] != "not watched").to_numpy()
    agrees[watched] = (reported_active == (out["observed_activity"] == "active")).to_numpy()[watched]
    out["agrees"] = agrees
    out["status_as_of"] = out["status_as_of"].astype(int)
    return out[cols].sort_values("relationship_id").reset_index(drop=True)


def agreement_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Reported status (rows) by observed activity (columns), counts of relationships, with totals."""
    order = ["active", "silent", "not watched"]
    ct = pd.crosstab(table["status"].astype(str), table["observed_activity"]).reindex(columns=order, fill_value=0)
    ct = ct.reindex([s for s in REPORTED_ACTIVE + REPORTED_INACTIVE if s in ct.index])
    ct["total"] = ct.sum(axis=1)
    ct.index.name = "reported status"
    return ct.reset_index()
