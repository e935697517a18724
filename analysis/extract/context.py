"""What a whole document says about its sentences (its home place, titles and headings, named
leaders, trips, back-references and totals).

The home place of the page (the newspaper's or government's city, named in its source line), the
document's title and heading lines, leaders named once with their titles, places that are only stops of one
trip (two counties of one prefecture), and sentences that refer back to the event just told
(会上, 期间, 这是…) or count many (累计, 共互派97名).

Sentences are the caller's; this module only reads the text around them.
"""

from __future__ import annotations

import re

from analysis.extract import lexicon as lx
from analysis.extract.cues import clause_bounds
from analysis.extract.places import Place

# The page's own city: 来源：哈尔滨日报, 甘南日报2022年…, 在陇南市第五届人民代表大会第二次会议上.
SOURCE = re.compile(r"(?:日报|晚报|特区报|新闻网|融媒体中心|人民政府网|政府网|电视台|政协|人大常委会|[第]?[一二三四五六七八九十]+届人民代表大会|人民代表大会)")
BACKGROUND_YEARS = 10  # a pairing established this long before the news is background (1982年结为友好城市)
SOURCE_HEAD = 400  # the source line is in the head of the page
# A title or heading: a first line, or a short line without a sentence stop (● …, 【本期要目】).
HEADING_MAX = 60
# A sentence that refers to the event just told (会上，两地签署…; 期间; 会晤结束后) takes its date;
# the word says which kind it points to.
REFERS_TO = [
    (re.compile(r"(?:推介会|展销会|招商会|活动)(?:上|期间|现场|中)$"), ("promotion",)),  # before 会上: 推介会上 is the promotion's
    (re.compile(r"(?:座谈会|联席会议|会议|会晤|会谈|会见|会)(?:上|中|期间|结束后|后)$"), ("meeting", "visit")),
    (re.compile(r"(?:签约仪式|仪式)(?:上|后)$"), ("agreement", "meeting", "promotion", "visit")),
    (re.compile(r"(?:期间|其间|此行)$"), ("visit", "meeting", "promotion", "agreement")),
    (re.compile(r"^(?:会议|大会|活动|仪式)(?:现场)?还"), ("meeting", "promotion", "visit")),  # 会议还举行了项目签约: at that meeting
    (re.compile(r"^现场.*$"), ("meeting", "promotion", "agreement", "visit")),  # the scene of the meeting just told
]
FIRST_CLAUSE = re.compile(r"^[^，,。；]{0,30}(?=[，,])|^现场")
# 这是…第三期培训班 / 本期培训班 / 此次推介会: the event already told, named again.
RESTATED = re.compile(r"^(?!为)(?:[^，,]{0,6}?)(?:这是|此次|本次|本期|这次|该次|本届)")  # 为筹备此次会谈，…: a purpose, not a retelling
# Totals over a period, not one dated exchange: 累计互访23次, 双方共互派挂职干部97名,
# 先后选派八批, 已召开三次会议.
# 38名人才分四批到岗: the sum of batches told one by one.
CUMULATIVE = re.compile(r"累计|先后[^，,]{0,6}?[0-9一二三四五六七八九十两几]+批|分[0-9一二三四五六七八九十两几]+批|(?:共|已)[^，,。；第]{0,10}?[0-9一二三四五六七八九十两几]+(?:次|批)"
                        r"|共(?:互派|选派|派出|培训|举办|签署|签订)")
# …but a year's total (今年以来累计选派12名) or a total to a date (截至2023年底累计) is dated.
DATED_TOTAL = re.compile(r"今年以来|本年以来|年内|全年|截至|截止")
# A total since a start (据统计，2016年以来…累计投入…，选派…): every item of the sentence is part of it.
PERIOD_TOTAL = re.compile(r"累计")
PERIOD_START = re.compile(r"以来|据统计")
# A delegation word with no place heading it (代表团一行先后来到…, 代表团还赴…): the
# delegation already told, at another stop of the same trip.
# An opening time (13日，工作组一行前往…) may come first.
CONTINUED = re.compile(r"^(?:[^，,]{0,10}[，,])?(?:[^，,]{0,4}?)(?:代表团|考察团|工作组|考察组|调研组|一行)(?:一行)?(?:还|又|先后|随后|分别|再)?")
# A title opening its clause with only its level (市长…, 市委书记…): a leader of the page's own place.
OWN_LEVEL_TITLE = re.compile(r"(?:^|(?<=[，。；,;\n：:]))[市州县区省](?:委|政府)?(?:副书记、)?[^，。；,;\n]{0,4}\Z")
LEADS = re.compile(r"率|一行|带队|带领|(?:与|同)(?=[^，。；,;]{0,30}?(?:会谈|会晤|座谈))")  # 杨建华与…举行会谈: a party to the talks
# The heading of a year's review in a report (一、2021年工作回顾): its year dates the section's items.
REVIEW_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*\d{4}年[^，。\n]{0,12}?(?:工作|回顾|总结|情况|成效)")
# A leader's title and name (州长金成浩, 副市长杨红梅): the name followed by what a leader does.
NAMED = re.compile(rf"({lx.TITLE.pattern})([\u4e00-\u9fff·]{{2,8}}?)(?=率|一行|出席|表示|说|指出|强调|在|等|，|、|和|与|会见|陪同|致辞|带队|主持|代表|讲话|作)")


def home_place(text: str, places) -> str | None:
    """The city whose page this is: the place just before the source's name in the head
    (哈尔滨日报 → 哈尔滨), else None (the caller falls back to the place named most)."""
    for m in SOURCE.finditer(text, 0, SOURCE_HEAD):
        before = [p for p in places if p.city_id and p.country == "CN" and p.end <= m.start() and m.start() - p.end <= 6
                  and not re.search(r"[，。；\n]", text[p.end:m.start()])]
        if before:
            return before[-1].city_id
    return None


def heading_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the title (the first line, when more follow) and of short lines without a
    sentence stop (headings, bullets of a contents list): they name events the body tells."""
    out, pos = [], 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        body = line.strip()
        if len(lines) > 1 and body and len(body) <= HEADING_MAX and not re.search(r"[。！？；，,]", body):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def leader_names(text: str, places, home: str | None = None) -> dict[str, tuple[str, str | None]]:
    """Name -> (rank, place id) of every leader the document names with a title (延边州委副书记、
    州长金成浩): a later sentence naming only the person (金成浩率…, 杨红梅一行) gives the same
    rank and the same side."""
    names: dict[str, tuple[str, str | None]] = {}
    ends = {p.end: p.city_id for p in places if p.city_id}
    for m in NAMED.finditer(text):
        name, rank = m.group(2), lx.TITLE_RANKS[m.group(1)]
        end = next((e for e in range(m.start(), max(-1, m.start() - 12), -1) if e in ends), None)
        owner = ends[end] if end is not None and not re.search(r"[，。；,;\n]", text[end:m.start()]) else None
        if owner is None and home and OWN_LEVEL_TITLE.search(text, max(0, m.start() - 4), m.end(1)):
            owner = home  # 市长杨建华 in a 昆明日报 page: the page's own city's leader
        if len(name) >= 2 and lx.RANK_ORDER[rank] > lx.RANK_ORDER[names.get(name, ("none", None))[0]]:
            names[name] = (rank, owner)
    return names


def referred_kinds(sentence: str) -> tuple[str, ...] | None:
    """The kinds of event an opening like 会上/期间/推介会上 points back to, or None."""
    first = FIRST_CLAUSE.match(sentence)
    for pattern, kinds in REFERS_TO if first else ():
        if pattern.search(first.group(0)):
            return kinds
    return None


PREFECTURES: dict[int, dict[str, str]] = {}


def prefectures(index) -> dict[str, str]:
    """id -> prefecture id, once per index."""
    if id(index) not in PREFECTURES:
        pref = index.cities["prefecture_id"].dropna() if "prefecture_id" in index.cities else {}
        PREFECTURES[id(index)] = dict(pref.items()) if len(pref) else {}
    return PREFECTURES[id(index)]


def told_before(doc, sentence: str, kind: str, cue: int, date, pairs, places) -> bool:
    """Not a new exchange: a total over a period (累计互访23次), the event told before named
    again (这是…第三期培训班), another stop of a delegation already told (代表团一行先后来到…),
    a pairing established long before the news (1982年结为友好城市), a forum of many."""
    left, right = clause_bounds(sentence, cue)
    if CUMULATIVE.search(sentence, max(0, left - 8), right) and not DATED_TOTAL.search(sentence) or RESTATED.search(sentence):
        return True
    if PERIOD_TOTAL.search(sentence) and PERIOD_START.search(sentence) and not DATED_TOTAL.search(sentence):
        return True
    if kind in ("visit", "project") and (m := CONTINUED.search(sentence)) and not any(pos < m.end() for pos, _ in places) \
            and not (kind == "project" and lx.CEREMONY.search(sentence, left, right)):
        return True  # 代表团还到…察看项目: another stop; but 代表团出席了…开工仪式 is the project's opening
    if kind == "agreement" and date is not None and doc.published is not None and lx.ESTABLISH.search(sentence) \
            and int(date.date[:4]) < doc.published.year - BACKGROUND_YEARS:
        return True
    if kind in ("meeting", "promotion") and lx.MULTILATERAL.search(sentence, max(0, left), cue + 4):
        return True
    return all(doc.siblings(a.city_id, b.city_id) for a, b in pairs)


def with_leaders(doc, sentence: str, start: int, places: list[tuple[int, Place]]) -> list[tuple[int, Place]]:
    """A leader named without a place (金成浩率…, 杨红梅一行) stands for the place named with
    their title earlier in the document, where the sentence does not name that place."""
    extra = []
    for name, (_, owner) in doc.names.items():
        i = sentence.find(name)
        if owner and i >= 0 and LEADS.match(sentence, i + len(name)) and not any(doc.related(p.city_id, owner) for _, p in places):
            extra.append((i, Place(start + i, start + i + len(name), name, owner, (), "CN")))
    return sorted(places + extra, key=lambda t: t[0]) if extra else places
