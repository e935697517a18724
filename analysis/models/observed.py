"""Which panel rows the models use: the observed relationship-years only (DESIGN.md "Observation
windows"), and the count of those left out, written into every model's note and numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.models.result import ModelResult

# missing in unobserved years (nullable Int64 in a panel with windows); plain numbers once those rows are gone
COUNT_COLUMNS = ["events", "active", "leader_visit", "cooperation", "exchange_count"]
MAYBE_MISSING = ["years_since_event", "dormant"]  # can stay unknown in observed years (a watched gap)


@dataclass(frozen=True)
class Observation:
    """How many relationship-years the models leave out, and why."""

    n_rows: int  # relationship-years in the panel
    n_unobserved: int  # no source watched them and no event is recorded in them
    n_lag_unobserved: int  # observed, but the year before was not: no lagged drivers

    def note(self) -> str:
        if not self.n_unobserved:
            return ""
        text = (f"{self.n_unobserved} of {self.n_rows} relationship-years were not observed (no source watched them) "
                "and are left out as missing, not counted as inactive")
        if self.n_lag_unobserved:
            text += f"; {self.n_lag_unobserved} observed years follow an unobserved year and have no lagged drivers"
        return text + "."

    def numbers(self) -> dict[str, int]:
        return {"n_unobserved": self.n_unobserved, "n_lag_unobserved": self.n_lag_unobserved}


def observed_rows(panel: pd.DataFrame) -> tuple[pd.DataFrame, Observation]:
    """The observed rows (all rows of a panel without ``observed``), with plain dtypes, and the counts."""
    if "observed" not in panel or panel.empty:
        return panel, Observation(len(panel), 0, 0)
    seen = panel["observed"].astype(bool).to_numpy()
    ordered = panel[["relationship_id", "year"]].assign(seen=seen).sort_values(["relationship_id", "year"])
    prev_year = ordered.groupby("relationship_id")["year"].shift()
    prev_seen = ordered.groupby("relationship_id")["seen"].shift()
    after_gap = ordered["seen"] & (prev_year == ordered["year"] - 1) & (prev_seen == False)  # noqa: E712
    out = panel[seen].copy()
    for c in COUNT_COLUMNS:
        if c in out and str(out[c].dtype) == "Int64" and not out[c].isna().any():
            out[c] = out[c].astype("int64")
    for c in MAYBE_MISSING:
        if c in out and str(out[c].dtype) == "Int64":
            out[c] = out[c].astype("float64") if out[c].isna().any() else out[c].astype("int64")
    return out, Observation(len(panel), int((~seen).sum()), int(after_gap.sum()))


def with_observation(result: ModelResult, observation: Observation) -> ModelResult:
    """The result with the unobserved counts in its numbers and (when any) in every row's note."""
    result.numbers = {**result.numbers, **observation.numbers()}
    note = observation.note()
    if note and not result.table.empty and "note" in result.table:
        old = result.table["note"].fillna("").astype(str)
        result.table = result.table.assign(note=[f"{o} | {note}" if o else note for o in old])
    return result


def fit_observed(fit: Any, panel: pd.DataFrame, *args: Any, **kwargs: Any) -> ModelResult:
    """``fit(observed rows, ...)`` with the counts of what was left out attached."""
    rows, observation = observed_rows(panel)
    return with_observation(fit(rows, *args, **kwargs), observation)
