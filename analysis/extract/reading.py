"""Reading documents: ``.txt``/``.md`` (UTF-8 or GB18030), ``.html`` (main text by trafilatura,
or the article container of a page laid out in a table; publication date by htmldate), ``.docx`` (python-docx); a folder means every such file in it.

The publication date comes from ``--published``, else the HTML metadata, else a file name
that begins with an ISO date (``2024-05-20_title.txt``), else a first line such as
``发布时间：2024年5月20日``; a document without one is still read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx")
ENCODINGS = ("utf-8-sig", "gb18030")
FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
LINE_DATE = re.compile(r"(?:发布时间|发布日期|发表时间|时间|日期|来源[^\n]{0,20}?|日报|晚报|特区报|时报|编|^——|\n——)[：:\s]*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
HEAD_LINES = 5  # a date line is looked for in the first lines only
# Pinyin glosses some web copies put after characters: 会(huì)议 -> 会议.
PINYIN_GLOSS = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
# Characters common in traditional-script text and absent from simplified text; a few of
# them mark a document to convert (character by character, so spans keep their length).
TRADITIONAL_MARKS = frozenset("們這區會國來時為個說對與發經東關動從學實現將書長開過進還應點體機當員業資產級協議團結紀記設術觀問題際幹華縣鄉鎮訪簽")
TRADITIONAL_MIN = 5
# Layout whitespace inside a sentence (copies of PDFs and print layouts): a space between
# Chinese characters or digits (虹口 区, 2016 年), and a line break (blank lines too) that ends
# a long line without closing punctuation (时任虹口区\n\n委书记). Headings are short lines.
CJK = "\u3400-\u9fff"
INNER_SPACE = re.compile(rf"(?<=[{CJK}0-9，、“”（）《》])[ \t\u3000]+(?=[{CJK}])|(?<=[{CJK}])[ \t\u3000]+(?=[0-9{CJK}“”（）《》])")
LINE_WRAP = re.compile(rf"(?<=[^。！？!?；;：:\n\s])[ \t\u3000]*\n[\s\u3000]*(?=[{CJK}0-9“（《])")
WRAPPED_LINE_MIN = 16  # characters on a line that a layout wrapped (shorter: a heading)
# A title, dateline or byline is its own line, never a wrapped one: a line next to one that
# names the source, the publication time or the author (来源：…, 发布时间：…, 2022-04-11 08:35)
# is not joined to it, nor digits to digits (08:35 + 4月8日 would read as 354月).
BYLINE = re.compile(r"^[\s\u3000]*(?:来源|信息来源|发布时间|发布日期|发表时间|作者|记者|编辑|责任编辑|时间|日期)[：:]?"
                    r"|^[\s\u3000]*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|【|●|◆)")  # or a heading or list item
DATELINE = re.compile(r"(?:来源|发布时间|发布日期|信息来源)[：:]|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}:\d{2}\s*$")
# An issuer's line under the title (海北州对口支援工作办公室　2019年7月3日): a short line ending
# with a full date and nothing else of a sentence; it dates the document.
ISSUER_DATE = re.compile(r"^[^。！？；，,\n\d]{0,30}?(\d{4})年(\d{1,2})月(\d{1,2})日[\s\u3000]*$")
# A layout table flattened by trafilatura (| title 发布时间… body… |): the page's article container is read instead.
LAYOUT_CELL = re.compile(r"^\|[^\n]{200,}", re.M)
ARTICLE_XPATH = ("//div[@id='zoom' or @id='Zoom' or contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')"
                 " or contains(concat(' ', normalize-space(@class), ' '), ' article ')]")
# Markdown markup of a researcher's notes (# headings, - bullets, > quotes, **bold**): layout, not text.
MARKDOWN = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|>[ \t]?|\d+\.[ \t]+)|\*\*|__", re.M)


class ReadError(ValueError):
    """A path that is not a readable document; the message names the file."""


@dataclass(frozen=True)
class Document:
    path: Path
    key: str  # the SOURCES.yaml key
    title: str
    text: str
    published: dt.date | None
    published_from: str  # option | html | file name | first lines | none
    offsets: tuple[int, ...] | None = None  # position in the file's text of each character of `text`

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``text`` as characters of the file's own text."""
        if self.offsets is None:
            return start, end
        last = len(self.offsets) - 1
        return self.offsets[min(start, last)], self.offsets[min(max(end - 1, 0), last)] + 1


def clean_text(text: str, wrapped: bool = True, markdown: bool = False) -> tuple[str, tuple[int, ...] | None]:
    """Pinyin glosses and layout whitespace removed and traditional characters simplified, with the offset map
    back to the original (None when nothing changed). ``wrapped=False``: the lines are real paragraphs
    (a .docx), never joined; ``markdown``: headings', bullets' and emphasis marks dropped."""
    offsets = None
    drops = [m.span() for m in PINYIN_GLOSS.finditer(text)] + [m.span() for m in INNER_SPACE.finditer(text)]
    if markdown:
        drops += [m.span() for m in MARKDOWN.finditer(text)]
    for m in LINE_WRAP.finditer(text) if wrapped else ():
        line_start = text.rfind("\n", 0, m.start()) + 1
        next_end = text.find("\n", m.end())
        line, following = text[line_start:m.start()], text[m.end():next_end if next_end >= 0 else len(text)]
        if m.start() - line_start >= WRAPPED_LINE_MIN and not (
                DATELINE.search(line) or ISSUER_DATE.match(line.strip()) or BYLINE.match(following) or line[-1:].isdigit() and following[:1].isdigit()):
            drops.append(m.span())
    if drops:
        keep, pos = [], 0
        for a, b in sorted(drops):
            keep.extend(range(pos, max(a, pos)))
            pos = max(pos, b)
        keep.extend(range(pos, len(text)))
        text, offsets = "".join(text[i] for i in keep), tuple(keep)
    if sum(ch in TRADITIONAL_MARKS for ch in text[:20000]) >= TRADITIONAL_MIN:
        from analysis.extract.jio import jionlp as _jio

        jionlp = _jio()

        text = jionlp.tra2sim(text, mode="char")  # one character for one: spans keep their length
    return text, offsets


def document_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The documents named by the arguments (folders expanded, sorted) and every problem."""
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not inside:
                problems.append(f"{path}: folder holds no .txt, .md, .html or .docx file")
            files.extend(inside)
        elif not path.exists():
            problems.append(f"{path}: no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(f"{path}: not a document this command reads (.txt, .md, .html, .docx)")
        else:
            files.append(path)
    return list(dict.fromkeys(files)), problems


def _decode(data: bytes, path: Path) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{path}: neither UTF-8 nor GB18030 text")


def _html(path: Path, raw: str) -> tuple[str, str, dt.date | None]:
    import trafilatura
    from htmldate import find_date

    text = trafilatura.extract(raw, include_comments=False, include_tables=True, favor_recall=True) or ""
    if LAYOUT_CELL.search(text) and (article := _article_block(raw)):
        text = article  # a page laid out in a table: trafilatura runs its cell into one line
    meta = trafilatura.extract_metadata(raw)
    title = (meta.title if meta and meta.title else "") or path.stem
    found = find_date(raw, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    published = dt.date.fromisoformat(found) if found else None
    return text, title, published


def _article_block(raw: str) -> str | None:
    """The paragraphs of a government page's article container (<div id="zoom">, TRS_Editor), one a line."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(raw)
    except (ValueError, lxml.etree.ParserError):
        return None
    blocks = tree.xpath(ARTICLE_XPATH)
    if not blocks:
        return None
    paragraphs = [" ".join(p.text_content().split()) for p in blocks[0].xpath(".//p") or [blocks[0]]]
    return "\n".join(p for p in paragraphs if p) or None


def _docx(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise ReadError(f"{path}: not a readable .docx ({exc})") from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines = []
    for child in document.element.body.iterchildren():  # paragraphs and tables in the order they stand
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(child, document)))
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    """One sentence per row: a row's cells in order, joined by commas (1月 | 临夏州…培训 -> 1月，临夏州…培训。);
    under a header row of labels each cell is given its label (派出单位：威海市，…)."""
    rows = [[c.text.strip() for c in row.cells] for row in table.rows]
    rows = [list(dict.fromkeys(r)) if len(set(r)) < len(r) else r for r in rows]  # merged cells repeat their text
    if not rows:
        return []
    header = rows[0] if all(cell and len(cell) <= 8 and not re.search(r"\d", cell) for cell in rows[0]) else None
    out = []
    for row in rows[1:] if header else rows:
        if header and len(header) == len(row) and len(row) > 2:
            cells = [f"{h}：{c}" for h, c in zip(header, row) if c]
        else:
            cells = [c for c in row if c]
        if cells:
            body = "，".join(c.rstrip("。；;") for c in cells)
            out.append(body + "。")
    return out


def source_key(path: Path) -> str:
    """A SOURCES.yaml key from the file name: lower case, letters, digits, Chinese, underscores."""
    stem = unicodedata.normalize("NFKC", path.stem).lower()
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", "_", stem).strip("_") or "document"


def _date_or_none(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def read_document(path: Path, published: dt.date | None = None) -> Document:
    suffix = path.suffix.lower()
    html_date, title = None, path.stem
    if suffix == ".docx":
        text = _docx(path)
    else:
        raw = _decode(path.read_bytes(), path)
        if suffix in (".html", ".htm"):
            text, title, html_date = _html(path, raw)
        else:
            text = raw
    source = "option" if published else "none"
    if published is None and html_date:
        published, source = html_date, "html"
    if published is None and (m := FILE_DATE.match(path.name)) and (published := _date_or_none(*m.groups())):
        source = "file name"
    return read_text(text, path, published, source, title if suffix in (".html", ".htm") else None,
                     wrapped=suffix != ".docx", markdown=suffix == ".md")


def read_text(text: str, path: Path = Path("text.txt"), published: dt.date | None = None, published_from: str | None = None,
              title: str | None = None, wrapped: bool = True, markdown: bool = False) -> Document:
    """A document from text already decoded: the reading path every document takes after its
    format's own step (line ends, title, a date in the first lines, layout cleaning), so text
    given directly (the gold corpus) is read exactly as a file is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # spans in notes count characters of this text
    if title is None:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        title = first.lstrip("# ") if first and len(first) <= 60 else path.stem
    source = published_from or ("option" if published else "none")
    if published is None:
        head = "\n".join(text.splitlines()[:HEAD_LINES])
        if (m := LINE_DATE.search(head)) and (published := _date_or_none(*m.groups())):
            source = "first lines"
        elif (m := next((x for line in text.splitlines()[1:HEAD_LINES] if (x := ISSUER_DATE.match(line.strip()))), None)) \
                and (published := _date_or_none(*m.groups())):
            source = "first lines"
    text, offsets = clean_text(text, wrapped, markdown)
    return Document(path, source_key(path), title, text, published, source, offsets)
