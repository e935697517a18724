"""Check the news-style extraction corpus: files, encodings, lengths, gold schema, places, counts.

Run from the project root: `.venv/bin/python bench/extraction_news/check.py`.
Prints one line per document and the counts per split, kind and leader rank;
exits 1 when any check fails. It reads only this folder and the gazetteer.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parents[1]))

from analysis.data.contract import EVENT_KINDS, LEADER_RANKS
from analysis.data.gazetteer import build_gazetteer

GB18030_FILES = {
    "延边宁波对口合作联席会议.txt",
    "甘南日报_和平区代表团.txt",
    "铜仁党政代表团赴苏州.txt",
}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HAN = re.compile(r"[\u4e00-\u9fff]")
ARTICLE = re.compile(
    r'<div class="article">(.*?)</div>\s*(?:<div class="(?:side|sidebar|right|related|pagebox)|</div>\s*(?:</div>|<aside))',
    re.DOTALL,
)
FIELDS = {"kind", "origin", "destination", "date", "leader_rank"}


def read(path: Path) -> tuple[str, str]:
    """The text of one document and the encoding it was stored in."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def body_of(path: Path, text: str, errors: list[str]) -> str:
    """The article text of a document (HTML: the article block without tags)."""
    if path.suffix != ".html":
        return text
    for needle in ('class="article"', "ICP", "版权所有"):
        if needle not in text:
            errors.append(f"{path.name}: html lacks {needle}")
    if not re.search(r'name="PubDate"|property="article:published_time"', text):
        errors.append(f"{path.name}: html lacks a publication-date meta tag")
    match = ARTICLE.search(text)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1) if match else text))


def check_event(
    doc: str, published: str | None, ev: dict, ids: dict, gaz, errors: list[str]
) -> None:
    """Schema, vocabulary, date and place checks of one gold event."""
    if set(ev) != FIELDS:
        errors.append(f"{doc}: fields {sorted(ev)}")
        return
    if ev["kind"] not in EVENT_KINDS or ev["leader_rank"] not in LEADER_RANKS:
        errors.append(f"{doc}: vocabulary {ev}")
    if not DATE.match(ev["date"]) or not "2015" <= ev["date"][:4] <= "2025":
        errors.append(f"{doc}: date {ev}")
    if published and ev["date"] > published:
        errors.append(f"{doc}: event after publication {ev}")
    for side in ("origin", "destination"):
        name = ev[side]
        if name not in ids:
            res = gaz.resolve(name)
            ids[name] = res.city_id if res.ok else None
        if ids[name] is None:
            errors.append(f"{doc}: place does not resolve: {name}")
    if ids.get(ev["origin"]) and ids.get(ev["origin"]) == ids.get(ev["destination"]):
        errors.append(f"{doc}: origin and destination are one place {ev}")


def main() -> int:
    """Run every check, print the counts, return the exit status."""
    errors: list[str] = []
    lines = (ROOT / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    files = sorted(p.name for p in (ROOT / "docs").iterdir())
    if sorted(r["doc"] for r in records) != files:
        errors.append("gold.jsonl and docs/ do not list the same documents")
    gaz, ids = build_gazetteer(), {}
    kinds, ranks, docs, events = Counter(), Counter(), Counter(), Counter()
    for rec in records:
        path = ROOT / "docs" / rec["doc"]
        text, encoding = read(path)
        if (rec["doc"] in GB18030_FILES) != (encoding == "gb18030"):
            errors.append(f"{rec['doc']}: stored as {encoding}")
        n_han = len(HAN.findall(body_of(path, text, errors)))
        if not 250 <= n_han <= 1500:
            errors.append(f"{rec['doc']}: {n_han} Chinese characters")
        if rec["split"] not in ("dev", "holdout"):
            errors.append(f"{rec['doc']}: split {rec['split']}")
        if rec["published"] is not None and not DAY.match(rec["published"]):
            errors.append(f"{rec['doc']}: published {rec['published']}")
        docs[rec["split"]] += 1
        for ev in rec["events"]:
            check_event(rec["doc"], rec["published"], ev, ids, gaz, errors)
            kinds[rec["split"], ev.get("kind")] += 1
            ranks[rec["split"], ev.get("leader_rank")] += 1
            events[rec["split"]] += 1
        print(
            f"{rec['split']:7} {n_han:5d} han {len(rec['events']):3d} events {encoding:7} {rec['doc']}"
        )
    print(
        "documents", dict(docs), "events", dict(events), "total", sum(events.values())
    )
    for split in ("dev", "holdout"):
        print(
            split,
            {k: kinds[split, k] for k in EVENT_KINDS},
            {r: ranks[split, r] for r in LEADER_RANKS},
        )
        missing = [k for k in EVENT_KINDS if k != "other" and not kinds[split, k]]
        if missing:
            errors.append(f"{split}: no {missing}")
    print(len(ids), "place names,", sum(v is not None for v in ids.values()), "resolve")
    print("\n".join(["ERRORS:", *errors]) if errors else "no errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
