"""Scoring extracted events against hand-marked ones (the matching rules of issue 14).

An extracted event matches a gold one when the kind is the same, the two places agree
(in order for visits, secondments, training and promotions; in either order otherwise; a
district or county also matches its prefecture) and the date agrees at the gold's
precision (within 3 days when the gold gives a day). Each gold event matches at most one
extracted event (a maximum matching). Leader-rank accuracy is over matched pairs.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data.contract import EVENT_KINDS
from analysis.data.gazetteer import Gazetteer

ORDERED_KINDS = ("visit", "cadre_exchange", "training", "promotion")
DAY_TOLERANCE = 3


@dataclass(frozen=True)
class Event:
    """The fields scoring looks at (gold and extracted alike)."""

    kind: str
    origin: str  # city id
    destination: str
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    leader_rank: str = "none"


def load_gold(path: Path, gazetteer: Gazetteer) -> list[dict]:
    """Gold items with their events' places resolved to ids; every unresolved name is an error."""
    items, problems = [], []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        events = []
        for e in item["events"]:
            ids = []
            for role in ("origin", "destination"):
                r = gazetteer.resolve(e[role])
                if not r.ok:
                    problems.append(f"{path.name}:{line_no}: {role} {e[role]!r}: {gazetteer.describe(r)}")
                ids.append(r.city_id)
            if e["kind"] not in EVENT_KINDS:
                problems.append(f"{path.name}:{line_no}: kind {e['kind']!r} not in {EVENT_KINDS}")
            events.append(Event(e["kind"], ids[0], ids[1], e["date"], e.get("leader_rank", "none")))
        items.append({**item, "gold": events})
    if problems:
        raise ValueError("gold corpus problems:\n" + "\n".join(problems))
    return items


def _day(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def dates_agree(gold: str, found: str) -> bool:
    """At the gold's precision; a coarser extracted date does not match a finer gold one."""
    if len(found) < len(gold):
        return False
    if len(gold) == 10:
        return abs((_day(found) - _day(gold)).days) <= DAY_TOLERANCE
    return found[: len(gold)] == gold


def places_agree(a: str, b: str, prefecture: dict[str, str]) -> bool:
    return a == b or prefecture.get(a) == b or prefecture.get(b) == a


def matches(gold: Event, found: Event, prefecture: dict[str, str]) -> bool:
    if gold.kind != found.kind or not dates_agree(gold.date, found.date):
        return False
    same = places_agree(gold.origin, found.origin, prefecture) and places_agree(gold.destination, found.destination, prefecture)
    if same or gold.kind in ORDERED_KINDS:
        return same
    return places_agree(gold.origin, found.destination, prefecture) and places_agree(gold.destination, found.origin, prefecture)


def match_events(gold: list[Event], found: list[Event], prefecture: dict[str, str]) -> list[tuple[Event | None, Event | None]]:
    """Pairs (gold, found): matched, missed (found None) and spurious (gold None). The
    matching is a maximum one (augmenting paths), so a year-precise gold event does not take
    the only extracted event a month-precise one could match; ties go to text order."""
    options = [[i for i, f in enumerate(found) if matches(g, f, prefecture)] for g in gold]
    owner: dict[int, int] = {}  # found index -> gold index

    def augment(gi: int, seen: set[int]) -> bool:
        for fi in options[gi]:
            if fi not in seen:
                seen.add(fi)
                if fi not in owner or augment(owner[fi], seen):
                    owner[fi] = gi
                    return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    hit = {gi: fi for fi, gi in owner.items()}
    pairs: list[tuple[Event | None, Event | None]] = [(g, found[hit[gi]] if gi in hit else None) for gi, g in enumerate(gold)]
    pairs += [(None, f) for i, f in enumerate(found) if i not in owner]
    return pairs


def prefecture_map(cities: pd.DataFrame) -> dict[str, str]:
    """id -> its prefecture id (counties and districts; a prefecture maps to itself)."""
    pref = cities["prefecture_id"].dropna()
    return {k: v for k, v in pref.items() if k != v}


def score(pairs: list[tuple[Event | None, Event | None]]) -> pd.DataFrame:
    """Precision, recall, F1 overall and per kind, and leader-rank accuracy over matches."""
    rows = []
    for kind in ("all", *EVENT_KINDS):
        sel = [(g, f) for g, f in pairs if kind == "all" or (g or f).kind == kind]
        tp = sum(g is not None and f is not None for g, f in sel)
        fn = sum(f is None for g, f in sel)
        fp = sum(g is None for g, f in sel)
        if kind != "all" and tp + fn + fp == 0:
            continue
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        matched = [(g, f) for g, f in sel if g is not None and f is not None]
        rank_acc = sum(g.leader_rank == f.leader_rank for g, f in matched) / len(matched) if matched else float("nan")
        rows.append({"kind": kind, "gold": tp + fn, "found": tp + fp, "matched": tp, "precision": precision,
                     "recall": recall, "f1": f1, "leader_rank_accuracy": rank_acc})
    return pd.DataFrame(rows)


def found_events(text: str, index, published: dt.date | None) -> list[Event]:
    """What the extractor finds in ``text`` (already read), as scoring sees it."""
    from analysis.extract.events import analyse

    return [Event(c.kind, c.origin, c.destination, c.date, c.leader_rank)
            for c in analyse(text, index, published).candidates]


def sentence_pairs(item: dict, index, prefecture: dict[str, str]) -> list[tuple[Event | None, Event | None]]:
    """One item of the sentence gold (``load_gold``): its text read as the CLI reads a file (layout
    cleaning), analysed, and matched against its gold events."""
    from analysis.extract.reading import read_text

    published = dt.date.fromisoformat(item["published"]) if item["published"] else None
    doc = read_text(item["text"], published=published)
    return match_events(item["gold"], found_events(doc.text, index, doc.published), prefecture)


def document_pairs(folder: Path, gazetteer: Gazetteer, index, prefecture: dict[str, str]) -> list[tuple[Event | None, Event | None]]:
    """Matched, missed and spurious events of a corpus of whole documents: ``folder/gold.jsonl`` (one line
    per file under ``folder/docs``, as in ``bench/extraction_news``), each file read and analysed as
    ``python -m analysis extract`` reads it (its publication date found in the document, not taken from
    the gold)."""
    from analysis.extract.reading import read_document

    pairs: list[tuple[Event | None, Event | None]] = []
    for item in load_gold(Path(folder) / "gold.jsonl", gazetteer):
        doc = read_document(Path(folder) / "docs" / item["doc"])
        pairs += match_events(item["gold"], found_events(doc.text, index, doc.published), prefecture)
    return pairs
