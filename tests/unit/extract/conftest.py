"""Shared fixtures: the place automaton is built once per test session (it costs seconds)."""

from __future__ import annotations

import pytest

from analysis.extract.cli import overlay_frame
from analysis.extract.places import PlaceIndex, place_index
from analysis.paths import ProjectPaths


@pytest.fixture(scope="session")
def overlay():
    path = ProjectPaths.from_params().raw / "cities.csv"
    return overlay_frame(path) if path.exists() else None


@pytest.fixture(scope="session")
def index(overlay) -> PlaceIndex:
    return place_index(overlay)
