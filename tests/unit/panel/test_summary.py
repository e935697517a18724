"""Summaries of a built panel (notebook 10)."""

import pandas as pd

from analysis.panel.build import PanelInputs, build_panel
from analysis.panel.summary import activity_by_year, entry_rules, panel_summary, panel_unit, shared_pairs
from tests.unit.panel.test_units import jinhua_like


def small_panel() -> pd.DataFrame:
    return pd.DataFrame({
        "relationship_id": ["r1", "r1", "r1", "r2", "r2"],
        "year": [2020, 2021, 2022, 2021, 2022],
        "active": [1, 0, 1, 1, 1],
        "events": [2, 0, 1, 3, 1],
        "dormant": [0, 0, 0, 0, 0],
        "leader_visit_lag": [None, 1.0, 0.0, None, 1.0],
        "established": pd.array([2020, 2020, 2020, pd.NA, pd.NA], dtype="Int64"),
    })


def test_panel_summary_counts_rows_relationships_and_model_rows():
    s = panel_summary(small_panel())["value"]
    assert s["rows (unit-years)"] == "5"
    assert s["units"] == "2"
    assert s["years"] == "2020–2022"
    assert s["share of observed years active"] == "0.8"
    assert s["events counted"] == "7"
    assert s["rows with lags (used by the models)"] == "3"
    assert s["units without an established year"] == "1"


def test_activity_by_year_shares():
    t = activity_by_year(small_panel())
    assert t.loc[2021, "units"] == 2 and t.loc[2021, "active"] == 1
    assert t.loc[2021, "share_active"] == 0.5
    assert t.loc[2022, "events"] == 2


def test_unobserved_years_are_counted_apart():
    panel = small_panel().astype({"active": "Int64", "events": "Int64", "dormant": "Int64"})
    panel["observed"] = [1, 0, 1, 1, 1]
    panel.loc[1, ["active", "events", "dormant"]] = pd.NA
    panel.loc[2, "leader_visit_lag"] = None  # its lag looks at the unobserved 2021
    s = panel_summary(panel)["value"]
    assert s["rows not observed (missing, not inactive)"] == "1" and s["share of observed years active"] == "1.0"
    assert s["rows with lags (used by the models)"] == "1"
    t = activity_by_year(panel)
    assert t.loc[2021, "observed"] == 1 and t.loc[2021, "share_active"] == 1.0


def test_entry_rules_count_units_by_the_rule_that_set_their_first_year():
    raw = jinhua_like()
    watched = PanelInputs(raw.cities, raw.relationships, raw.events,
                          pd.DataFrame({"relationship_id": ["X"], "year": [2022]}))
    for inputs, rule in ((raw, "data_start"), (watched, "first_observed")):
        table = entry_rules(build_panel(inputs)).set_index("entry_rule")
        assert table.index.tolist() == ["established", "first_observed", "start_year", "data_start"]
        assert table["units"].to_dict() == {"established": 1, "first_observed": int(rule == "first_observed"),
                                            "start_year": 0, "data_start": int(rule == "data_start")}
        assert table.loc["established", "first_year_active"] == 1  # the pair's first year (2021) had a visit
        assert table["share"].sum() == 1.0
    assert entry_rules(build_panel(raw, start_year=2022)).set_index("entry_rule").loc["start_year", "units"] == 1


def test_the_unit_and_the_shared_pairs_are_read_off_the_panel():
    pairs, rels = build_panel(jinhua_like()), build_panel(jinhua_like(), unit="relationship")
    assert panel_unit(pairs) == "pair" and panel_unit(rels) == "relationship"
    assert shared_pairs(pairs).to_dict("records") == [{"pair_id": "CN-1|CN-2", "relationship_id": "E",
                                                       "relationship_ids": "C;E;S", "city_a": "CN-2", "city_b": "CN-1"}]
    s = panel_summary(pairs)["value"]
    assert s["unit"] == "city pair" and s["units"] == "2" and s["pairs with more than one relationship"] == "1"
    assert s["units entering at: the first year of the data (no establishment year, no source watched it)"] == "1"
