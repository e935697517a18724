"""One year in review: the year's tables, events by month and kind, its figure and the two-sentence summary."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.describe import year_review as yr  # noqa: E402
from tests.unit.describe.test_tables import CITIES, PANEL, RELS  # noqa: E402

EVENTS = pd.DataFrame({
    "event_id": ["e1", "e2", "e3", "e4"], "date": ["2018-03", "2018", "2017", "2018-03-05"],
    "year": [2018, 2018, 2017, 2018], "month": pd.array([3, None, None, 3], dtype="Int64"),
    "origin": ["CN-310109", "CN-511900", "CN-511900", "CN-511900"],
    "destination": ["CN-511900", "CN-330700", "CN-310109", "CN-310109"],
    "kind": ["visit", "project", "visit", "agreement"], "leader_rank": ["top", "none", "top", "senior"],
    "topics": ["", "", "", "economy"], "count": [2, None, 1, 1], "relationship_id": [None, None, None, "r1"],
})


def test_year_review_tables():
    active = yr.active_in_year(PANEL, RELS, CITIES, 2018)
    assert list(active["relationship_id"]) == ["r1"]
    assert active.loc[0, "relationship"] == "巴中市–虹口区" and active.loc[0, "city_b"] == "CN-310109"
    events = yr.events_in_year(EVENTS, CITIES, 2018)
    assert list(events["event_id"]) == ["e2", "e1", "e4"]  # date order: a year-only date first
    assert list(events["origin_name"]) == ["巴中市", "虹口区", "巴中市"] and events.loc[1, "origin"] == "CN-310109"
    assert list(yr.new_relationships(RELS, CITIES, 2021)["relationship_id"]) == ["r2"]
    top = yr.most_active_partners(EVENTS, CITIES, 2018)
    assert top.iloc[0]["name"] == "巴中市" and top.iloc[0]["events"] == 4  # 2 + 1 (blank count) + 1


def test_events_by_month_and_kind_weights_by_count_and_counts_undated():
    table, undated = yr.events_by_month_kind(EVENTS, 2018)
    assert list(table.index) == list(range(1, 13)) and list(table.columns) == ["visit", "agreement"]  # contract order
    assert table.loc[3, "visit"] == 2 and table.loc[3, "agreement"] == 1 and int(table.to_numpy().sum()) == 3
    assert undated == 1  # e2: dated to the year only
    empty, none = yr.events_by_month_kind(EVENTS, 2030)
    assert empty.shape == (12, 0) and none == 0


def test_events_by_month_figure_draws_stacked_bars_with_labels():
    table, undated = yr.events_by_month_kind(EVENTS, 2018)
    fig = yr.events_by_month_figure(table, 2018, undated)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["考察访问", "签约"]
    assert "2018" in ax.get_title() and "1 dated to the year only" in ax.get_title()
    heights = sorted(p.get_height() for p in ax.patches if p.get_height() > 0)
    assert heights == [1, 2]
    plt.close(fig)


def test_year_summary_says_active_count_most_active_pair_and_change():
    text = yr.year_summary(PANEL, RELS, CITIES, 2018)
    assert text == ("In 2018, 1 relationship had at least one recorded event (3 events between them); the most active was "
                    "巴中市–虹口区 (友好城市), with 3 events. That is 1 more than in 2017 (0 active): 1 became active "
                    "and 0 fell quiet.")
    assert text.count(". ") == 1 and text.endswith(".")
    t2016 = yr.year_summary(PANEL, RELS, CITIES, 2016)
    assert "1 relationship had" in t2016 and "(1 event between them); the most active was 虹口区–金华市 (其他), with 1 event." in t2016
    assert "1 more than in 2015 (0 active): 1 became active" in t2016
    t2014 = yr.year_summary(PANEL, RELS, CITIES, 2014)  # r1 active in 2013 and 2014, r3 only in 2013
    assert "1 fewer than in 2013 (2 active): 0 became active and 1 fell quiet" in t2014
    assert "no panel year before 2013" in yr.year_summary(PANEL, RELS, CITIES, 2013)
    assert yr.year_summary(PANEL, RELS, CITIES, 2017).startswith("In 2017 no relationship had a recorded event.")


def test_year_summary_names_every_pair_in_a_tie():
    panel = pd.DataFrame({"relationship_id": ["r1", "r3"], "year": 2020, "events": 2, "active": 1})
    text = yr.year_summary(panel, RELS, CITIES, 2020)
    assert "the most active were 巴中市–虹口区 (友好城市) and 巴中市–陇南市 (友好城市), with 2 events each" in text


def test_a_relationship_no_source_watched_did_not_fall_quiet():
    # r3 active in 2013; in 2014 no source watched it: it is not counted as falling quiet
    panel = PANEL.assign(observed=1)
    unwatched = (panel["relationship_id"] == "r3") & (panel["year"] == 2014)
    panel.loc[unwatched, "observed"] = 0
    panel["active"] = panel["active"].astype("Int64").mask(unwatched)
    text = yr.year_summary(panel, RELS, CITIES, 2014)
    assert "0 became active and 0 fell quiet; 1 no source watched in 2014." in text
