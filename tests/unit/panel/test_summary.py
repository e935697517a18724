"""Summaries of a built panel (notebook 10)."""

import pandas as pd

from analysis.panel.summary import activity_by_year, panel_summary


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
    assert s["rows (relationship-years)"] == "5"
    assert s["relationships"] == "2"
    assert s["years"] == "2020–2022"
    assert s["share of observed years active"] == "0.8"
    assert s["events counted"] == "7"
    assert s["rows with lags (used by the models)"] == "3"
    assert s["relationships without an established year"] == "1"


def test_activity_by_year_shares():
    t = activity_by_year(small_panel())
    assert t.loc[2021, "relationships"] == 2 and t.loc[2021, "active"] == 1
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
