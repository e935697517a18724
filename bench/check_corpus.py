"""Check a corpus of whole documents for the extraction benchmark (``bench/extraction_news*``):
the files and their formats, encodings and lengths, the gold file's schema, dates and places, the counts.

What differs between corpora (which files are GB18030, how many of each format, the length and event
ranges, the splits, the marks a page must carry, the places an earlier corpus used) is stated in each
folder's ``corpus.yaml``. Run: ``.venv/bin/python bench/check_corpus.py bench/extraction_news4`` (one or
more folders; default: every corpus). Prints one line per document and the counts; exits 1 when any
check fails. It reads only the folder and the gazetteer (never the extractor).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from analysis.data.contract import EVENT_KINDS, LEADER_RANKS  # noqa: E402
from analysis.data.gazetteer import build_gazetteer  # noqa: E402

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HAN = re.compile(r"[\u4e00-\u9fff]")
ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})_")
FIELDS = {"kind", "origin", "destination", "date", "leader_rank"}
ARTICLE_ID = re.compile(r"^(zoom|Zoom)$")
ARTICLE_CLASS = re.compile(r"TRS_Editor|TRS_UEDITOR|^article$")
DATE_META = re.compile(r'name="PubDate"|property="article:published_time"')


class ArticleText(HTMLParser):
    """Collects the text inside the article block (div#zoom, div#Zoom, .TRS_Editor or .article)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # div nesting inside the article block; 0 = outside
        self.parts: list[str] = []
        self.found = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != "div":
            return
        if self.depth:
            self.depth += 1
            return
        a = dict(attrs)
        if ARTICLE_ID.search(a.get("id") or "") or ARTICLE_CLASS.search(a.get("class") or ""):
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def read(path: Path) -> tuple[str, str]:
    """The whole text of one document (docx: paragraphs and table cells) and its encoding."""
    if path.suffix == ".docx":
        from docx import Document

        doc = Document(str(path))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells), "docx"
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def body_of(path: Path, text: str, spec: dict, errors: list[str]) -> str:
    """The article text of a document (HTML: the article block without tags)."""
    if path.suffix != ".html":
        return text
    for needle in spec["html_marks"]:
        if needle not in text:
            errors.append(f"{path.name}: html lacks {needle}")
    if not (DATE_META.search(text) or any(line in text for line in spec.get("html_date_lines", []))):
        errors.append(f"{path.name}: html has no publication date (meta tag or {spec.get('html_date_lines')})")
    parser = ArticleText()
    parser.feed(text)
    if not parser.found:
        errors.append(f"{path.name}: no article block")
    return "".join(parser.parts)


def date_forms(day: str) -> list[str]:
    """The ways a publication day may be written in a document."""
    y, m, d = day.split("-")
    return [day, f"{y}年{int(m)}月{int(d)}日", f"{y}年{m}月{d}日"]


def check_published(path: Path, text: str, published: str | None, in_text: bool, errors: list[str]) -> None:
    """A publication date is a day; with ``in_text``, it is the file name's prefix or written in the document."""
    if published is None:
        return
    if not DAY.match(published):
        errors.append(f"{path.name}: published {published}")
        return
    if not in_text:
        return
    prefix = ISO_PREFIX.match(path.name)
    if prefix and prefix.group(1) != published:
        errors.append(f"{path.name}: file-name date {prefix.group(1)} != published {published}")
    if not prefix and not any(form in text for form in date_forms(published)):
        errors.append(f"{path.name}: publication date {published} not found in the document")


def check_event(doc: str, published: str | None, ev: dict, ids: dict, gaz, spec: dict, errors: list[str]) -> None:
    """Schema, vocabulary, date and place checks of one gold event."""
    if set(ev) != FIELDS:
        errors.append(f"{doc}: fields {sorted(ev)}")
        return
    if ev["kind"] not in EVENT_KINDS or ev["kind"] == "other" or ev["leader_rank"] not in LEADER_RANKS:
        errors.append(f"{doc}: vocabulary {ev}")
    first, last = spec["years"]
    if not DATE.match(ev["date"]) or not str(first) <= ev["date"][:4] <= str(last):
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
        if any(name.startswith(a) for a in spec.get("avoided_places", [])):
            errors.append(f"{doc}: place of an earlier corpus's pair: {name}")
    if ids.get(ev["origin"]) and ids.get(ev["origin"]) == ids.get(ev["destination"]):
        errors.append(f"{doc}: origin and destination are one place {ev}")


def check(folder: Path, gaz) -> list[str]:
    """Every check of one corpus folder; prints its counts and returns the problems."""
    spec = yaml.safe_load((folder / "corpus.yaml").read_text(encoding="utf-8"))
    errors: list[str] = []
    lines = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    files = sorted(p.name for p in (folder / "docs").iterdir())
    if sorted(r["doc"] for r in records) != files:
        errors.append("gold.jsonl and docs/ do not list the same documents")
    formats = Counter(Path(f).suffix for f in files)
    if dict(formats) != spec["formats"]:
        errors.append(f"formats {dict(formats)} != {spec['formats']}")
    ids: dict = {}
    kinds, ranks, by_format, per_split = Counter(), Counter(), Counter(), Counter()
    low, high = spec["characters"]
    for rec in records:
        path = folder / "docs" / rec["doc"]
        text, encoding = read(path)
        if (rec["doc"] in spec.get("gb18030", [])) != (encoding == "gb18030"):
            errors.append(f"{rec['doc']}: stored as {encoding}")
        n_han = len(HAN.findall(body_of(path, text, spec, errors)))
        if not low <= n_han <= high:
            errors.append(f"{rec['doc']}: {n_han} Chinese characters")
        if rec["split"] not in spec["splits"]:
            errors.append(f"{rec['doc']}: split {rec['split']} (this corpus: {spec['splits']})")
        check_published(path, text, rec["published"], spec["published_in_text"], errors)
        seen = Counter(json.dumps(ev, sort_keys=True, ensure_ascii=False) for ev in rec["events"])
        errors += [f"{rec['doc']}: duplicate event {k}" for k, n in seen.items() if n > 1]
        for ev in rec["events"]:
            check_event(rec["doc"], rec["published"], ev, ids, gaz, spec, errors)
            kinds[rec["split"], ev.get("kind")] += 1
            ranks[ev.get("leader_rank")] += 1
        per_split[rec["split"]] += len(rec["events"])
        by_format[path.suffix] += len(rec["events"])
        print(f"{rec['split']:7} {n_han:5d} han {len(rec['events']):3d} events {encoding:7} {rec['doc']}")
    total = sum(per_split.values())
    print(folder.name, "documents", len(records), "formats", dict(formats), "events", dict(per_split))
    print({r: ranks[r] for r in LEADER_RANKS}, "events by format", dict(by_format))
    for split in spec["splits"]:
        print(split, {k: kinds[split, k] for k in EVENT_KINDS})
        missing = [k for k in EVENT_KINDS if k != "other" and not kinds[split, k]]
        if missing:
            errors.append(f"{split}: no {missing}")
    if set(spec.get("ranks_required", [])) - set(ranks):
        errors.append(f"no leader rank {sorted(set(spec['ranks_required']) - set(ranks))}")
    if not spec["events"][0] <= total <= spec["events"][1]:
        errors.append(f"{total} events, expected {spec['events'][0]}-{spec['events'][1]}")
    print(len(ids), "place names,", sum(v is not None for v in ids.values()), "resolve")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path, help="corpus folders (default: every bench/extraction_news*)")
    folders = ap.parse_args(argv).folders or sorted(p.parent for p in BENCH.glob("extraction_news*/corpus.yaml"))
    gaz, failed = build_gazetteer(), False
    for folder in folders:
        errors = check(folder.resolve(), gaz)
        print("\n".join([f"{folder.name} ERRORS:", *errors]) if errors else f"{folder.name}: no errors")
        failed |= bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
