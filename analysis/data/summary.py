"""The text summary of valid raw data and ``python -m analysis validate``: every problem
(exit status 2) or the summary (0)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from analysis.data.acts import one_row_per_act
from analysis.data.rawdata import RawData
from analysis.data.validate import validate_raw


def summary(raw: RawData) -> str:
    """Relationships by kind and status, events by year and kind, cities by country."""
    acts = one_row_per_act(raw.events)  # a multilateral act counts once
    lines = [
        f"{len(raw.relationships)} relationships, {len(raw.events)} event rows "
        f"({int(acts['count'].sum()) if len(acts) else 0} events counted), "
        f"{len(raw.cities)} cities, {len(raw.sources)} sources, {len(raw.files)} files",
        "",
    ]

    def table(title: str, frame: pd.DataFrame, rows: str, cols: str, values: str | None = None) -> None:
        lines.append(title)
        if frame.empty:
            lines.append("  (none)")
        else:
            ct = pd.crosstab(frame[rows], frame[cols], values=frame[values] if values else None,
                             aggfunc="sum" if values else None, margins=True, margins_name="total")
            ct = ct.fillna(0).astype(int)
            lines.extend("  " + line for line in ct.to_string().splitlines())
        lines.append("")

    table("Relationships by kind and status:", raw.relationships, "kind", "status")
    table("Events by year and kind (weighted by count; a multilateral act once):", acts, "year", "kind", "count")
    lines.append("Cities by country:")
    if raw.cities.empty:
        lines.append("  (none)")
    else:
        counts = raw.cities["country"].value_counts().sort_index()
        lines.extend(f"  {country}: {n}" for country, n in counts.items())
    return "\n".join(lines).rstrip() + "\n"


def main(data_dir: str | Path = "data/raw") -> int:
    """Print every problem (exit status 2) or the summary (0)."""
    result = validate_raw(data_dir)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"{len(result.problems)} problem(s) in {data_dir}; nothing was changed", file=sys.stderr)
        return 2
    print(f"{data_dir}: valid")
    for warning in result.warnings:
        print(f"warning: {warning}")
    if result.warnings:
        print(f"{len(result.warnings)} warning(s): accepted, but worth a look\n")
    print(summary(result.data), end="")
    return 0
