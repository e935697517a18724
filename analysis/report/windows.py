"""The report's "what the sources watched" part: the windows each source declared, and the reported
status of each relationship beside the activity observed in the years before the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.describe.windows import agreement_counts, watched_by_source

STATUS_TABLE = "status_agreement"  # results/tables/status_agreement.csv, written by notebook 20


def sources_watched(raw: Any) -> tuple[str, pd.DataFrame | None]:
    """A sentence and the table (source, title, relationships, years, relationship-years); no table
    when no source declares ``covers`` (then the analysis assumes no record = no exchange)."""
    sources = getattr(raw, "sources", None) or {}
    table = watched_by_source(getattr(raw, "observed_years", pd.DataFrame(columns=["relationship_id", "year", "source"])),
                              raw.relationships, sources)
    if table.empty:
        return ("No source in `SOURCES.yaml` says which relationships and years it watched (`covers`), so every "
                "relationship-year counts as observed: the analysis assumes that **no record means no exchange**.", None)
    without = [k for k, v in sources.items() if not (isinstance(v, dict) and v.get("covers") is not None)]
    text = (f"{len(table)} of {len(sources)} sources say which relationships and years they watched. A year is "
            "observed when some source watched it or an event is recorded in it; the other years are missing, "
            "not inactive, and every model leaves them out.")
    if without:
        text += f" Sources without `covers` ({', '.join(without)}) count only for the years of their events."
    return text, table


def status_check(tables_dir: str | Path) -> tuple[str, pd.DataFrame | None]:
    """Reported status against observed activity: a sentence with the agreement counts and the cross-table."""
    path = Path(tables_dir) / f"{STATUS_TABLE}.csv"
    if not path.exists():
        return "", None
    table = pd.read_csv(path)
    if table.empty:
        return "No relationship has a reported status with the year it describes, so there is nothing to compare.", None
    watched = table[table["observed_activity"] != "not watched"]
    agree = int(watched["agrees"].astype(str).str.lower().eq("true").sum())
    text = (f"{len(table)} relationships have a status reported by their source for a given year. For "
            f"{len(watched)} of them some source watched the years before the report; the observed activity "
            f"(an event in a watched year = active) agrees with the reported status for {agree} of these "
            f"{len(watched)}. {len(table) - len(watched)} were not watched in those years and cannot be compared.")
    return text, agreement_counts(table)
