"""Multilateral acts: one act recorded as one event row per pair of parties (ids ``…-01a``, ``…-01b``)
counts once in descriptive counts; the panel keeps each part for its own pair (data/raw/README.md)."""

from __future__ import annotations

import pandas as pd

from analysis.data.contract import MULTILATERAL_PART


def act_ids(event_ids: pd.Series) -> pd.Series:
    """The act each event row belongs to: its id without a trailing part letter (``2023-x-01a`` ->
    ``2023-x-01``); a bilateral row is its own act."""
    return event_ids.astype(str).str.replace(MULTILATERAL_PART, "", regex=True)


def one_row_per_act(events: pd.DataFrame) -> pd.DataFrame:
    """The events with each multilateral act kept once (its first part), for counts of events."""
    if events.empty or "event_id" not in events:
        return events
    return events[~act_ids(events["event_id"]).duplicated()]
