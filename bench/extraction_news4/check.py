"""Check the fourth news-style extraction corpus: files, formats, encodings, lengths, gold schema, places, counts.

Run from anywhere, e.g. from the project root: `.venv/bin/python bench/extraction_news4/check.py`.
Paths are taken relative to this script's folder; the project root is the nearest folder
above it that holds `analysis/`. Prints one line per document and the counts per kind,
leader rank and format; exits 1 when any check fails. It reads only this folder and the
gazetteer.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def project_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds the `analysis/` package."""
    for folder in (start, *start.parents):
        if (folder / "analysis").is_dir():
            return folder
    # Staging copy outside the repository: fall back to the usual checkout.
    fallback = Path("/work/main")
    if (fallback / "analysis").is_dir():
        return fallback
    raise SystemExit("cannot find the project root (a folder holding analysis/)")


sys.path.insert(0, str(project_root(ROOT)))

from analysis.data.contract import EVENT_KINDS, LEADER_RANKS  # noqa: E402
from analysis.data.gazetteer import build_gazetteer  # noqa: E402

GB18030_FILES = {
    "日喀则日报_山东省第九批援藏干部人才抵达日喀则.txt",
    "太原市2020年政府工作报告摘录.txt",
}
FORMATS = {".txt": 10, ".html": 4, ".docx": 2, ".md": 2}
RANKS_REQUIRED = {"top", "senior", "official", "none"}
HAN_MIN, HAN_MAX = 300, 1200
EVENTS_MIN, EVENTS_MAX = 100, 130
# Places of the pairs the three earlier corpora used; none of them may be an event's side here.
AVOIDED = (
    "巴中 虹口 金华 湖州 广安 鄞州 黔东南 喀什 延边 宁波 陇南 青岛 毕节 广州 武汉 哈尔滨 深圳 "
    "天津 烟台 阿坝 绍兴 吐鲁番 中卫 漳州 佳木斯 中山 北海 厦门 临夏 城口 张店 环县 安康 常州 "
    "海北 福州 固原 西安 昌都 重庆 昭通 东莞 兴安盟 昌平 锦州 南通 镇江 青海 江苏 浙江 哈密 "
    "济南 和田 大庆 惠州 怒江 恩施 湘西 撒马尔罕 淄博市张店区 北京市昌平区"
).split()
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HAN = re.compile(r"[\u4e00-\u9fff]")
ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})_")
FIELDS = {"kind", "origin", "destination", "date", "leader_rank"}
ARTICLE_ID = re.compile(r"^(zoom|Zoom)$")
ARTICLE_CLASS = re.compile(r"TRS_Editor|^article$")


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


def body_of(path: Path, text: str, errors: list[str]) -> str:
    """The article text of a document (HTML: the article block without tags)."""
    if path.suffix != ".html":
        return text
    for needle in ("ICP", "版权所有", "相关新闻"):
        if needle not in text:
            errors.append(f"{path.name}: html lacks {needle}")
    has_meta = re.search(r'name="PubDate"|property="article:published_time"', text)
    if not (has_meta or "发布时间：" in text):
        errors.append(f"{path.name}: html has neither a date meta tag nor a 发布时间 line")
    parser = ArticleText()
    parser.feed(text)
    if not parser.found:
        errors.append(f"{path.name}: no article block")
    return "".join(parser.parts)


def date_forms(day: str) -> list[str]:
    """The ways a publication day may be written in a document."""
    y, m, d = day.split("-")
    return [day, f"{y}年{int(m)}月{int(d)}日", f"{y}年{m}月{d}日"]


def check_published(path: Path, text: str, published: str | None, errors: list[str]) -> None:
    """A non-null publication date is in the file name prefix or written in the document."""
    if published is None:
        return
    if not DAY.match(published):
        errors.append(f"{path.name}: published {published}")
        return
    prefix = ISO_PREFIX.match(path.name)
    if prefix and prefix.group(1) != published:
        errors.append(f"{path.name}: file-name date {prefix.group(1)} != published {published}")
    if not prefix and not any(form in text for form in date_forms(published)):
        errors.append(f"{path.name}: publication date {published} not found in the document")


def check_event(
    doc: str, published: str | None, ev: dict, ids: dict, gaz, errors: list[str]
) -> None:
    """Schema, vocabulary, date and place checks of one gold event."""
    if set(ev) != FIELDS:
        errors.append(f"{doc}: fields {sorted(ev)}")
        return
    if ev["kind"] not in EVENT_KINDS or ev["kind"] == "other" or ev["leader_rank"] not in LEADER_RANKS:
        errors.append(f"{doc}: vocabulary {ev}")
    if not DATE.match(ev["date"]) or not "2016" <= ev["date"][:4] <= "2025":
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
        if any(name.startswith(a) for a in AVOIDED):
            errors.append(f"{doc}: place of an earlier corpus's pair: {name}")
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
    formats = Counter(Path(f).suffix for f in files)
    if dict(formats) != FORMATS:
        errors.append(f"formats {dict(formats)} != {FORMATS}")
    gaz, ids = build_gazetteer(), {}
    kinds, ranks, by_format = Counter(), Counter(), Counter()
    for rec in records:
        path = ROOT / "docs" / rec["doc"]
        text, encoding = read(path)
        if (rec["doc"] in GB18030_FILES) != (encoding == "gb18030"):
            errors.append(f"{rec['doc']}: stored as {encoding}")
        n_han = len(HAN.findall(body_of(path, text, errors)))
        if not HAN_MIN <= n_han <= HAN_MAX:
            errors.append(f"{rec['doc']}: {n_han} Chinese characters")
        if rec["split"] != "holdout":
            errors.append(f"{rec['doc']}: split {rec['split']} (this corpus is all holdout)")
        check_published(path, text, rec["published"], errors)
        seen = Counter(json.dumps(ev, sort_keys=True, ensure_ascii=False) for ev in rec["events"])
        errors += [f"{rec['doc']}: duplicate event {k}" for k, n in seen.items() if n > 1]
        for ev in rec["events"]:
            check_event(rec["doc"], rec["published"], ev, ids, gaz, errors)
            kinds[ev.get("kind")] += 1
            ranks[ev.get("leader_rank")] += 1
        by_format[path.suffix] += len(rec["events"])
        print(f"{n_han:5d} han {len(rec['events']):3d} events {encoding:7} {rec['doc']}")
    total = sum(kinds.values())
    print("documents", len(records), "formats", dict(formats), "events", total)
    print({k: kinds[k] for k in EVENT_KINDS}, {r: ranks[r] for r in LEADER_RANKS})
    print("events by format", dict(by_format))
    missing = [k for k in EVENT_KINDS if k != "other" and not kinds[k]]
    if missing:
        errors.append(f"no {missing}")
    if RANKS_REQUIRED - set(ranks):
        errors.append(f"no leader rank {sorted(RANKS_REQUIRED - set(ranks))}")
    if not EVENTS_MIN <= total <= EVENTS_MAX:
        errors.append(f"{total} events, expected {EVENTS_MIN}-{EVENTS_MAX}")
    print(len(ids), "place names,", sum(v is not None for v in ids.values()), "resolve")
    print("\n".join(["ERRORS:", *errors]) if errors else "no errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
