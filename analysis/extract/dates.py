"""Chinese time expressions in a document: where they are, and the date (with its precision
kept: day, month or year; a range gives ``date_end``) each one names.

A pattern finds the spans. Plain numeric dates (2023年3月17日至18日) are read directly; every
other form (Chinese numerals, 上旬/下旬/底, holidays, 今年以来) goes to ``jionlp.parse_time``.
Two anchors: expressions relative to *now* (今年, 去年, 日前, 近日, 本月) are read against the
publication date; year-less ones (3月28日, 9月, 同年, 次年) against the last date the
document named (else the publication date). Without the anchor they need, the expression
is dropped with a warning, never dated by guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import time
from dataclasses import dataclass

NUM = r"[0-9０-９〇零一二三四五六七八九十两]"
YEAR = rf"(?:{NUM}{{4}}年)"
MONTH = rf"(?:{NUM}{{1,2}}月(?:份)?)"
DAY = rf"(?:{NUM}{{1,3}}[日号])"
PART = r"(?:上旬|中旬|下旬|初|中|底|末|上半年|下半年)"
ANCHOR = r"(?:今年|去年|前年|明年|同年|当年|次年|翌年|同月|当月|次月|本月|上月)"
POINT = rf"(?:(?:{YEAR}|{ANCHOR})?(?:{MONTH}{DAY}?|{DAY})|{YEAR}|{ANCHOR})"
RANGE_TAIL = rf"(?:\s*(?:至|到|—|－|-|~|～)\s*(?:{YEAR}?{MONTH}?{DAY}|{YEAR}?{MONTH}|{YEAR}))?"
RELATIVE_DAY = {"次日": 1, "翌日": 1, "第二天": 1, "同日": 0, "当天": 0, "当日": 0, "前一天": -1, "前一日": -1}
DATE_PATTERN = re.compile(rf"(?<![0-9０-９])(?:{POINT}{PART}?{RANGE_TAIL}(?:以来)?|日前|近日|近期|近年来|上半年|下半年|[两三四五]年来|目前|至今"
                          rf"|全年|{'|'.join(RELATIVE_DAY)}|(?<=\n)(?:上旬|中旬|下旬))")
# A bare day (9日上午，…) is a date where it opens a clause or follows 于 and is followed by a
# time of day or a comma; elsewhere 18日/18号 is too often not one (18号楼).
BARE_DAY = re.compile(r"(?:^|(?<=[。！？；;\n，,]|于|在))\s*[0-9０-９]{1,2}日(?=上午|下午|晚上|晚|早上|中午|凌晨|[，,]|起|至|出席|召开|举行)"
                      # a chronicle's item opens its line with the day (18日某地在…; 5日—8日…) under a month line
                      r"|(?:^|(?<=\n))[ \t\u3000]*[0-9０-９]{1,2}日(?=[\u4e00-\u9fff—－\-~～])")
BARE_RANGE = re.compile(r"([0-9０-９]{1,2})日(?:\s*(?:至|到|—|－|-|~|～)\s*([0-9０-９]{1,2})日)?")
# The publication line (发布时间：2024年1月16日, ——2022年1月20日在…会议上) dates the document, not an event.
# A bare 时间：/日期： is the page's only at a line's start (到岗时间：2019年2月 is a table's field).
DATELINE_BEFORE = re.compile(r"(?:(?:发布时间|发布日期|发表时间|信息来源|来源|(?:^|(?<=\n))[ \t\u3000]*(?:日期|时间))[：:][^。\n，]{0,20}?|日报|晚报|特区报|编)[ \t\u3000]*\Z"
                             r"|(?:^|\n)[ \t\u3000]*——[ \t\u3000]*\Z")
# An issuer's line under the title (某办公室　2019年7月3日) dates the document too.
ISSUER_BEFORE = re.compile(r"(?:^|\n)[^。！？；，,\n\d]{2,30}\Z")
ISSUER_LINES = 6  # it stands in the head of the document
# A source line over an item of notes or a digest (来源：某市政府网，2018-07-06): the item's own
# publication date, for its relative dates (日前, 去年9月) and year-less months.
SOURCE_LINE = re.compile(r"^[ \t\u3000]*(?:来源|信息来源|出处|原文发布时间|原文日期)[：:][^\n]{0,40}?(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?[ \t\u3000]*$", re.M)
# A heading line (一、2021年工作回顾; a title) is short and has no sentence stop.
HEADING_MAX = 40
SO_FAR = ("目前", "至今")  # 目前…已签订: done by publication, in its year at the latest (a period, like 以来)
SIMPLE = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:份)?(?:(\d{1,2})[日号])?)?(?:(?:至|到|—|－|-|~|～)(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?)?$")
NOW_WORDS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
CONTEXT_WORDS = {"同年": 0, "当年": 0, "次年": 1, "翌年": 1}
VAGUE_RECENT = ("日前", "近日", "近期")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: str | None  # YYYY-MM-DD, YYYY-MM or YYYY; None when it cannot be known
    date_end: str | None
    precision: str | None  # day | month | year
    since: bool = False  # 以来: from this date onwards (a period, not one event's date)
    warning: str | None = None


def _fmt(d: dt.date, precision: str) -> str:
    return {"day": d.isoformat(), "month": d.strftime("%Y-%m"), "year": str(d.year)}[precision]


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _simple(expr: str) -> tuple[str, str | None, str] | None:
    """2023年3月17日至18日 and its shorter forms, read directly (the common case, kept fast)."""
    m = SIMPLE.match(expr)
    if not m:
        return None
    y, mo, d, y2, mo2, d2 = (int(g) if g else None for g in m.groups())
    try:
        if mo is None:
            start, prec = dt.date(y, 1, 1), "year"
        elif d is None:
            start, prec = dt.date(y, mo, 1), "month"
        else:
            start, prec = dt.date(y, mo, d), "day"
        end = None
        if y2 or mo2 or d2:
            ey, em = y2 or y, mo2 or (mo if d2 else None)
            if d2 and em:
                end = _fmt(dt.date(ey, em, d2), "day")
            elif em:
                end = _fmt(dt.date(ey, em, 1), "month")
            else:
                end = str(ey)
    except ValueError:
        return None
    return _fmt(start, prec), end, prec


@functools.lru_cache(maxsize=4096)
def _jionlp(expr: str, base: dt.date) -> tuple[str, str | None, str] | None:
    """jionlp's reading of one expression against a base date, as (date, date_end, precision)."""
    from analysis.extract.jio import jionlp as _jio

    jionlp = _jio()

    try:
        parsed = jionlp.parse_time(expr, time_base=time.mktime(base.timetuple()))
    except Exception:  # noqa: BLE001  jionlp raises bare ValueErrors and others on what it cannot read
        return None
    start_text, end_text = parsed["time"][0], parsed["time"][1]
    start = dt.datetime.strptime(start_text[:10], "%Y-%m-%d").date()
    if end_text == "inf" or not isinstance(end_text, str):
        return str(start.year), None, "year"
    end = dt.datetime.strptime(end_text[:10], "%Y-%m-%d").date()
    if parsed.get("definition") == "blur":  # 下旬, 年底: the smallest unit that holds it
        if (start.year, start.month) == (end.year, end.month):
            return _fmt(start, "month"), None, "month"
        return str(start.year), None, "year"
    if start == end:
        return _fmt(start, "day"), None, "day"
    if start.day == 1 and end.day == _last_day(end.year, end.month):
        if start.month == 1 and end.month == 12 and start.year == end.year:
            return str(start.year), None, "year"
        if (start.year, start.month) == (end.year, end.month):
            return _fmt(start, "month"), None, "month"
        return _fmt(start, "month"), _fmt(end, "month"), "month"
    return _fmt(start, "day"), _fmt(end, "day"), "day"


def _to_ascii_digits(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def read_expression(expr: str, published: dt.date | None, context: dt.date | None,
                    month_context: dt.date | None = None) -> tuple[tuple[str, str | None, str] | None, str | None]:
    """(date, date_end, precision) or None, and a warning when an anchor was missing."""
    text = _to_ascii_digits(expr).replace(" ", "").removesuffix("以来")
    if text in VAGUE_RECENT:
        if published is None:
            return None, f"'{expr}' needs the publication date"
        return (_fmt(published, "month"), None, "month"), None
    if text == "近年来":
        return None, None
    if text in SO_FAR:
        if published is None:
            return None, f"'{expr}' needs the publication date"
        return (str(published.year), None, "year"), None
    if re.fullmatch(r"[两三四五]年来", text):  # 两年来: the period since that many years before publication
        if published is None:
            return None, f"'{expr}' needs the publication date"
        return (str(published.year - "一两三四五".index(text[0]) - 1), None, "year"), None
    for word, shift in NOW_WORDS.items():
        if text.startswith(word):
            if published is None:
                return None, f"'{expr}' needs the publication date"
            text = f"{published.year + shift}年" + text[len(word):]
    for word, shift in CONTEXT_WORDS.items():
        if text.startswith(word):
            anchor = context or published
            if anchor is None:
                return None, f"'{expr}' needs an earlier date in the document or the publication date"
            text = f"{anchor.year + shift}年" + text[len(word):]
    if text.startswith(("本月", "当月", "同月", "上月", "次月")):
        anchor = published if text.startswith(("本月", "上月")) else (context or published)
        if anchor is None:
            return None, f"'{expr}' needs a reference date"
        shift = {"上": -1, "次": 1}.get(text[0], 0)
        y, m = divmod(anchor.year * 12 + anchor.month - 1 + shift, 12)
        text = f"{y}年{m + 1}月" + text[2:]
    if not re.match(r"^(\d{4}|[〇零一二三四五六七八九]{4})年", text):
        anchor = month_context or published  # 3月18日: the year of the last dated month or day
        if anchor is None:
            return None, f"'{expr}' names no year and the document gives none"
        text = f"{anchor.year}年" + text
    return _simple(text) or _jionlp(text, context or published or dt.date(2000, 1, 1)), None


def _issuer_line(text: str, start: int, end: int) -> bool:
    """A full date ending a short line of the head after the issuer's name (某办公室　2019年7月3日)."""
    line_end = text.find("\n", end)
    return text.count("\n", 0, start) < ISSUER_LINES and not text[end:line_end if line_end >= 0 else len(text)].strip() \
        and bool(ISSUER_BEFORE.search(text, max(0, start - 32), start)) and bool(re.search(r"月.*[日号]", text[start:end]))


def _source_dates(text: str) -> list[tuple[int, dt.date]]:
    out = []
    for m in SOURCE_LINE.finditer(text):
        try:
            out.append((m.start(), dt.date(*(int(g) for g in m.groups()))))
        except ValueError:
            continue
    return out


def _section_year(text: str, pos: int, published: dt.date | None, year: int | None = None) -> int | None:
    """The year a heading or an opening 2023年， at ``pos`` sets for the document's undated
    months (a 2023 work summary published in January 2024, a yearbook's 2019 chapter): only a
    year no later than the publication's and at most one before it (else background history)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    opens = re.search(r"(?:^|[。！？!?；;\n】：:]\s*|[一二三四五六七八九十]+、\s*)$", text[max(0, pos - 12):pos]) or pos == 0
    heading = len(line) <= HEADING_MAX and not re.search(r"[。！？；]", line) or line_start == 0
    if not (opens or heading):
        return None
    if year is None:  # an answer opening 去年是…的一年 sets its year as a written one does
        year = int(_to_ascii_digits(text[pos:pos + 4])) if re.fullmatch(r"\d{4}", _to_ascii_digits(text[pos:pos + 4])) else None
    if year is None or published is not None and not published.year - 1 <= year <= published.year:
        return None
    return year


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Every time expression in a document, read in order (each dated one becomes the
    context of the year-less ones after it). A year-less month takes the last month or day
    named, else the year of the document's heading (``_section_year``), else the
    publication's; 全年 takes that year; 次日/当天/前一天 count from the last day named."""
    out: list[DateMention] = []
    context: dt.date | None = None  # the last date named (同年, 次年)
    context_precision = "year"
    day_context: dt.date | None = None  # the last date to the month or day, or a year heading (3月18日)
    last_day: dt.date | None = None  # the last day named (次日 after a year in a quote still counts from it)
    heading_until = -1  # a year heading holds to the end of its paragraph
    section: int | None = None
    titles = [(m.start(), m.end()) for m in re.finditer(r"《[^《》\n]{0,80}》", text)]
    bare = {m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in BARE_DAY.finditer(text)}
    sources = _source_dates(text)
    for m in DATE_PATTERN.finditer(text):
        expr = m.group(0)
        while sources and sources[0][0] <= m.start():  # a new item of notes: its own publication date
            published, day_context, heading_until, section = sources.pop(0)[1], None, -1, None
        if re.fullmatch(rf"{NUM}{{1,3}}[日号]", expr) and m.start() not in bare or not expr.strip():
            continue  # a bare 18日 is too often not a date (18号楼)
        if any(a < m.start() < b for a, b in titles) or DATELINE_BEFORE.search(text, max(0, m.start() - 24), m.start()) \
                or _issuer_line(text, m.start(), m.end()):
            continue  # 《2022—2024年合作备忘录》 names a document; 发布时间：… dates the page
        if heading_until >= 0 and m.start() > heading_until:
            day_context, heading_until = None, -1
        since = expr.endswith(("年来", "以来")) or expr in SO_FAR
        anchor_year = section or (published.year if published else None)
        if expr in RELATIVE_DAY and context_precision != "day" and last_day is not None:
            read, warning = (_fmt(last_day + dt.timedelta(days=RELATIVE_DAY[expr]), "day"), None, "day"), None
        elif expr in RELATIVE_DAY:
            if context is None or context_precision != "day":
                read, warning = (None, f"'{expr}' needs a day named before it") if context is None else ((_fmt(context, context_precision), None, context_precision), None)
            else:
                read, warning = (_fmt(context + dt.timedelta(days=RELATIVE_DAY[expr]), "day"), None, "day"), None
        elif expr == "全年":
            read, warning = ((str(anchor_year), None, "year"), None) if anchor_year else (None, "'全年' needs the document's year")
        elif m.start() in bare or expr in ("上旬", "中旬", "下旬"):
            read, warning = (None, f"'{expr}' needs a month named before it")
            days = BARE_RANGE.fullmatch(_to_ascii_digits(expr))
            if day_context is not None and context_precision != "year" and not days:
                read, warning = (_fmt(day_context, "month"), None, "month"), None  # a chronicle's 下旬… under its month line
            elif day_context is not None and context_precision != "year":
                try:
                    first = dt.date(day_context.year, day_context.month, int(days.group(1)))
                    last = dt.date(first.year, first.month, int(days.group(2))) if days.group(2) else None
                    read, warning = (_fmt(first, "day"), _fmt(last, "day") if last else None, "day"), None
                except ValueError:
                    pass
        else:
            month_anchor = day_context or (dt.date(section, 1, 1) if section else None)
            read, warning = read_expression(expr, published, context, month_anchor)
        if read is None:
            out.append(DateMention(m.start(), m.end(), expr, None, None, None, since, warning))
            continue
        date, date_end, precision = read
        out.append(DateMention(m.start(), m.end(), expr, date, date_end, precision, since, warning))
        if not since:
            parts = [int(p) for p in date.split("-")] + [1, 1]
            context, context_precision = dt.date(parts[0], parts[1], parts[2]), precision
            last_day = context if precision == "day" else last_day
            relative = int(date[:4]) if expr.startswith(tuple(NOW_WORDS)) else None
            if precision == "year" and (year := _section_year(text, m.start(), published, relative)) is not None:
                section = year
            if precision != "year":
                day_context, heading_until = context, -1
            elif re.search(r"(?:^|[。！？!?；;\n：:]\s*)$", text[max(0, m.start() - 3):m.start()]) or m.start() == 0:
                # a bare year opening a sentence dates what follows in its paragraph (2019年，…。9月，…)
                day_context = context
                newline = text.find("\n", m.end())
                heading_until = newline if newline >= 0 else len(text)
    return out


# "Since the pairing began" (结对以来, 协作开展以来) and totals "to" a date (截至2023年底…累计):
# reports count from the start of the pairing the document has already told of.
SINCE_PAIRING = re.compile(r"(?:结对|协作|合作|帮扶|对口支援|结好)(?:工作)?(?:开展|启动|关系建立)?以来")
UNTIL = re.compile(r"(?:截至|截止到|截止)$")
CUMULATIVE = re.compile(r"累计")
SENTENCE_STOP = re.compile(r"[。！？!?；;\n]")


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_STOP.finditer(text, max(0, pos - 300), pos)), default=max(0, pos - 300))
    m = SENTENCE_STOP.search(text, pos)
    return left, m.start() if m else len(text)


def pairing_dates(text: str, dates: list[DateMention], establish: re.Pattern[str]) -> list[DateMention]:
    """Dates of the expressions that count from the pairing's start: the year of the first
    dated sentence that establishes a pairing (2021年…建立结对帮扶关系), for 结对以来 (a period
    from then on) and for a cumulative total 截至…累计 (dated at that start, the total's date
    as ``date_end``). Without an earlier establishment nothing changes."""
    anchor = None
    for m in establish.finditer(text):
        a, b = _sentence_span(text, m.start())
        year = next((d for d in dates if a <= d.start < b and d.date and not d.since), None)
        if year is not None:
            anchor = (b, year.date[:4])
            break
    if anchor is None:
        return dates
    after, year = anchor
    out = []
    for d in dates:
        if d.date and d.start > after and UNTIL.search(text, max(0, d.start - 3), d.start) \
                and CUMULATIVE.search(text, d.end, _sentence_span(text, d.end)[1]) and year < d.date[:4]:
            d = DateMention(d.start, d.end, d.text, year, d.date, "year", False, d.warning)
        out.append(d)
    for m in SINCE_PAIRING.finditer(text, after):
        out.append(DateMention(m.start(), m.end(), m.group(0), year, None, "year", True, None))
    return sorted(out, key=lambda d: d.start)
