"""The per-year review's tables as the report publishes them: readable bilingual headers, labels for kinds
and ranks, places by name with their ids on hover, blanks for missing values, dates on one line."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.data.contract import (EVENT_KIND_LABELS, KIND_LABELS, LEADER_RANK_LABELS, LIST_SEPARATOR,
                                    STATUS_LABELS, TOPIC_LABELS)
from analysis.report.formatting import publication_table

RELATIONSHIP = "关系 Relationship"
HEADERS = {
    "relationship": RELATIONSHIP, "kind_label": "类型 Kind", "established": "建立 Established",
    "events": "事件 Events", "leader_visit": "主要领导考察 Top-leader visit", "cooperation": "签约或项目 Cooperation",
    "exchange_count": "其他交流 Other exchanges", "status_label": "状态 Status",
    "when": "日期 Date", "origin_name": "出发地 From", "destination_name": "目的地 To", "event_kind": "事件类型 Event",
    "rank": "领导级别 Leader rank", "topic_labels": "议题 Topics", "count": "次数 Count",
    "name": "城市 City",
}


def _label(values: pd.Series, labels: dict[str, str]) -> pd.Series:
    return values.map(lambda v: labels.get(v, v) if isinstance(v, str) and v else None)


def _yes(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "是 yes" if pd.notna(v) and int(v) == 1 else "")


def _pair_titles(frame: pd.DataFrame) -> list[str]:
    """'R1: CN-511900 – CN-310109' for a relationship's hover title."""
    return [f"{r}: {a} – {b}" for r, a, b in zip(frame["relationship_id"], frame["city_a"], frame["city_b"])]


def _topics(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return "、".join(TOPIC_LABELS.get(t, t) for t in LIST_SEPARATOR.split(value.strip()) if t)


def _when(date: Any, end: Any) -> str | None:
    if not isinstance(date, str) or not date:
        return None
    return f"{date} – {end}" if isinstance(end, str) and end and end != date else date


def active_table(active: pd.DataFrame) -> Any:
    """Relationships active in the year (``year_review.active_in_year``)."""
    t = active.assign(kind_label=_label(active["kind"], KIND_LABELS),
                      leader_visit=_yes(active["leader_visit"]) if "leader_visit" in active else None,
                      cooperation=_yes(active["cooperation"]) if "cooperation" in active else None)
    cols = ["relationship", "kind_label", "established", "events", "leader_visit", "cooperation", "exchange_count"]
    return publication_table(t, {c: HEADERS[c] for c in cols if c in t},
                             titles={"relationship": _pair_titles(t), "kind_label": t["kind"]},
                             numeric=("established", "events", "exchange_count"), table_id="active")


def events_table(events: pd.DataFrame, relationship_names: pd.Series) -> Any:
    """The year's events (``year_review.events_in_year``); ``relationship_names``: id -> '巴中市–虹口区'."""
    t = events.assign(
        when=[_when(d, e) for d, e in zip(events["date"], events.get("date_end", pd.Series(None, index=events.index)))],
        event_kind=_label(events["kind"], EVENT_KIND_LABELS), rank=_label(events["leader_rank"], LEADER_RANK_LABELS),
        topic_labels=events["topics"].map(_topics) if "topics" in events else None,
        relationship=events["relationship_id"].map(lambda r: relationship_names.get(r, r) if isinstance(r, str) and r else None),
    )
    cols = ["when", "origin_name", "destination_name", "event_kind", "rank", "topic_labels", "count", "relationship"]
    titles = {"origin_name": t["origin"], "destination_name": t["destination"], "event_kind": t["kind"],
              "rank": t["leader_rank"], "relationship": t["relationship_id"], "when": t.get("event_id")}
    return publication_table(t, {c: HEADERS[c] for c in cols}, titles=titles, nowrap=("when",),
                             numeric=("count",), table_id="events")


def new_table(new: pd.DataFrame) -> Any:
    """Relationships established in the year (``year_review.new_relationships``)."""
    t = new.assign(kind_label=_label(new["kind"], KIND_LABELS), status_label=_label(new["status"], STATUS_LABELS))
    return publication_table(t, {c: HEADERS[c] for c in ("relationship", "kind_label", "status_label")},
                             titles={"relationship": _pair_titles(t), "kind_label": t["kind"], "status_label": t["status"]},
                             table_id="new")


def partners_table(partners: pd.DataFrame) -> Any:
    """Cities by events in the year (``year_review.most_active_partners``)."""
    return publication_table(partners, {"name": HEADERS["name"], "events": HEADERS["events"]},
                             titles={"name": partners["city_id"]}, numeric=("events",), table_id="partners")
