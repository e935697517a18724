"""Shared panels and helpers for the model tests."""

import pandas as pd
import pytest

from analysis.models.power import simulate_activity_panel


@pytest.fixture(scope="session")
def panel():
    """400 relationships x 8 years: enough for every model to fit by maximum likelihood."""
    return simulate_activity_panel(400, 8, seed=11)


@pytest.fixture(scope="session")
def tiny():
    """12 relationships x 5 years: too small, so the small-sample fallbacks are used."""
    return simulate_activity_panel(12, 5, seed=3)


def assert_every_row_carries_the_warnings(result):
    for w in result.warnings:
        assert result.table["note"].str.contains(w, regex=False).all(), w


def spell_panel(events_by_rel):
    """A panel from yearly event counts per relationship (years from 2010, age from 0)."""
    rows = []
    for rid, events in events_by_rel.items():
        for i, e in enumerate(events):
            rows.append(dict(relationship_id=rid, year=2010 + i, events=e, age=i))
    return pd.DataFrame(rows)
