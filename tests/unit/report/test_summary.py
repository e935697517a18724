"""The data summary, the scope note and each source's window, on the default data."""

from __future__ import annotations

import pandas as pd

from analysis.report import summary
from analysis.report.formatting import styled_table


def test_data_summary_tables_have_no_index_and_named_countries(raw):
    s = summary.data_summary(raw)
    for key in ("relationships_by_kind_status", "events_by_year_kind", "cities_by_country"):
        assert isinstance(s[key].index, pd.RangeIndex), key
        assert "<th" not in styled_table(s[key]).to_html().split("</thead>")[1], key  # no index cells
    by_country = s["cities_by_country"]
    assert by_country["cities"].is_monotonic_decreasing
    assert by_country["cities"].sum() == len(set(raw.relationships["city_a"]) | set(raw.relationships["city_b"])
                                             | set(raw.events["origin"].dropna()) | set(raw.events["destination"].dropna()))
    assert "China" in set(by_country["country"]) and "CN" in set(by_country["ISO code"])
    assert summary.country_name("DE") == "Germany" and summary.country_name("XX") == "XX"
    assert summary.country_name(None) == "unknown"


def test_data_summary_text_counts_relationships_records_and_events(raw):
    s = summary.data_summary(raw)
    # a multilateral act (ids ending 01a, 01b, ...) is one event however many pairs it has rows for
    act = raw.events["event_id"].str.replace(r"(?<=\d)[a-z]$", "", regex=True)
    events = int(pd.to_numeric(raw.events["count"], errors="coerce").fillna(1)[~act.duplicated()].sum())
    assert act.duplicated().any()  # the default data hold one such act
    assert s["text"].startswith(f"{len(raw.relationships)} relationships between ")
    assert f"{len(raw.events)} event records standing for {events} events" in s["text"]
    by_kind = s["relationships_by_kind_status"]
    assert by_kind.iloc[-1]["kind of relationship"] == "total" and by_kind.iloc[-1]["total"] == len(raw.relationships)
    assert s["events_by_year_kind"]["total"].sum() == events


def test_kind_names_carry_the_chinese_label():
    assert summary.kind_name("east_west_pairing").startswith("east–west pairing (")
    assert summary.kind_name("not_a_kind") == "not a kind" and summary.kind_name(None) == "unknown"


def test_scope_note_counts_the_documents(raw):
    note = summary.scope_note(raw)
    assert note.startswith("**Read this first.**")
    assert f"{len(raw.relationships)} relationships and {len(raw.events)} event records" in note
    assert f"from {len(raw.sources)} documents" in note


def test_source_windows_cover_every_record(raw):
    windows = summary.source_windows(raw)
    assert windows["event_records"].sum() == len(raw.events)
    assert set(raw.sources) <= set(windows["source"])
    dated = windows.dropna(subset=["first_year"])
    assert (dated["first_year"] <= dated["last_year"]).all()


def test_source_short_name_prefers_the_english_name():
    assert summary.source_short_name("k", {"publisher": "巴中市人民政府 (Bazhong People's Government)"}) == \
        "Bazhong People's Government (`k`)"
    assert summary.source_short_name("k", {"publisher": "新华社; 人民网"}) == "新华社 (`k`)"
    assert summary.source_short_name("k", None) == "`k`"
