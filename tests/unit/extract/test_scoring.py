"""Matching rules of the scorer, checked on hand-built cases (counts by brute force)."""

from __future__ import annotations

import math

from analysis.extract.scoring import Event, dates_agree, match_events, matches, score

PREF = {"CN-511923": "CN-511900"}  # 平昌县 in 巴中市


def test_dates_agree_at_the_gold_precision():
    assert dates_agree("2023-05-15", "2023-05-18")
    assert not dates_agree("2023-05-15", "2023-05-19")
    assert dates_agree("2023-05", "2023-05-30")
    assert not dates_agree("2023-05-15", "2023-05")  # coarser than the gold
    assert dates_agree("2023", "2023-12-31")


def test_places_order_and_prefecture():
    gold = Event("visit", "CN-511900", "CN-310109", "2023-05")
    assert matches(gold, Event("visit", "CN-511923", "CN-310109", "2023-05-02"), PREF)
    assert not matches(gold, Event("visit", "CN-310109", "CN-511900", "2023-05"), PREF)
    agreement = Event("agreement", "CN-511900", "CN-310109", "2023")
    assert matches(agreement, Event("agreement", "CN-310109", "CN-511900", "2023"), PREF)
    assert not matches(agreement, Event("meeting", "CN-310109", "CN-511900", "2023"), PREF)


def test_scores_count_each_gold_once():
    g = [Event("visit", "A", "B", "2023", "top"), Event("visit", "A", "B", "2023", "none"), Event("meeting", "A", "B", "2023")]
    f = [Event("visit", "A", "B", "2023", "top"), Event("agreement", "A", "B", "2023")]
    table = score(match_events(g, f, {})).set_index("kind")
    tp, fp, fn = 1, 1, 2
    assert table.loc["all", "precision"] == tp / (tp + fp)
    assert table.loc["all", "recall"] == tp / (tp + fn)
    assert math.isclose(table.loc["all", "f1"], 2 * tp / (2 * tp + fp + fn))
    assert table.loc["all", "leader_rank_accuracy"] == 1.0
    assert table.loc["agreement", "found"] == 1 and table.loc["agreement", "matched"] == 0


def test_matching_is_maximum_not_greedy():
    # the year-precise gold event could take either found event; the month-precise one only the first
    gold = [Event("agreement", "A", "B", "2023"), Event("agreement", "A", "B", "2023-03")]
    found = [Event("agreement", "A", "B", "2023-03-18"), Event("agreement", "A", "B", "2023-04")]
    pairs = match_events(gold, found, {})
    assert all(g is not None and f is not None for g, f in pairs) and len(pairs) == 2
    assert dict(pairs)[gold[1]] == found[0]
