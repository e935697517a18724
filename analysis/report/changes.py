"""'What changed since the previous run': the table the runner writes and the snapshot it compares with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.report.tidy import WHAT_CHANGED_FILE


def previous_snapshot(manifest: dict[str, Any] | None) -> str | None:
    """The file name under ``results/history/`` of the previous run's numbers (manifest ``history.previous``)."""
    return ((manifest or {}).get("history") or {}).get("previous")


def what_changed(tables_dir: str | Path, manifest: dict[str, Any] | None) -> tuple[pd.DataFrame, str] | None:
    """``results/tables/what_changed.csv`` and the snapshot it compares with; None on a first run.

    The runner writes both before the report runs; with no previous snapshot (or no table)
    there is nothing to compare with."""
    against = previous_snapshot(manifest)
    path = Path(tables_dir) / WHAT_CHANGED_FILE
    if against is None or not path.exists():
        return None
    return pd.read_csv(path), against
