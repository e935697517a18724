"""The report's note on the panel's unit and entry rules, on panels built from hand-made frames."""

from __future__ import annotations

import pandas as pd

from analysis.panel.build import PanelInputs, build_panel
from analysis.report.panel_notes import entry_note, entry_rule_table, panel_note, unit_note
from tests.unit.panel.test_units import jinhua_like


def test_unit_note_names_the_pair_unit_and_the_shared_pairs():
    note = unit_note(build_panel(jinhua_like()))
    assert note.startswith("**Unit: the city pair.**") and "2 pairs" in note
    assert "1 pair has more than one relationship (CN-1|CN-2: C, E, S)" in note
    named = unit_note(build_panel(jinhua_like()), pd.Series({"CN-1": "巴中市", "CN-2": "金华市"}))
    assert "(金华市–巴中市: C, E, S)" in named  # E, the principal, runs from CN-2


def test_unit_note_warns_that_the_relationship_unit_counts_shared_events_repeatedly():
    note = unit_note(build_panel(jinhua_like(), unit="relationship"))
    assert note.startswith("**Unit: the relationship.**") and "1 pair of places has more than one" in note
    assert "panel_unit: pair" in note


def test_entry_note_counts_units_by_rule():
    raw = jinhua_like()
    note = entry_note(build_panel(raw))
    assert "Of the 2 pairs, 1 entered in the year of their establishment and 1 in the first year of the data" in note
    watched = PanelInputs(raw.cities, raw.relationships, raw.events, pd.DataFrame({"relationship_id": ["X"], "year": [2022]}))
    note = entry_note(build_panel(watched))
    assert "and 1 in the first year a source watched them" in note
    assert "had an event in that year" not in note  # X's first watched year (2022) was silent
    busy = PanelInputs(raw.cities, raw.relationships, raw.events, pd.DataFrame({"relationship_id": ["X"], "year": [2023]}))
    assert "1 of the 1 that entered when first watched had an event in that year" in entry_note(build_panel(busy))
    assert "Of the 4 relationships" in entry_note(build_panel(raw, unit="relationship"))


def test_entry_rule_table_lists_every_rule_and_the_note_has_both_parts():
    panel = build_panel(jinhua_like())
    table = entry_rule_table(panel)
    assert table["rule"].tolist() == ["established", "first_observed", "start_year", "data_start"]
    assert table["units"].tolist() == [1, 0, 0, 1]
    assert panel_note(panel).count("**") == 4


def test_entry_note_warns_about_unknown_establishment_only_when_some_unit_lacks_it():
    raw = jinhua_like()
    assert "For the 1 pair without an establishment year" in entry_note(build_panel(raw))
    known = raw.relationships.assign(established=raw.relationships["established"].fillna(2021))
    dated = PanelInputs(raw.cities, known, raw.events)
    assert "without an establishment year" not in entry_note(build_panel(dated))
