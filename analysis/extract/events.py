"""Clauses to candidate events: one per kind of exchange a sentence reports, with origin ->
destination, date, leader's rank, topics, delegates, amount and count.

Plans, negations, history and sentences without two places are skipped.

The rules, in order: a sentence is split at 。！？；; its cue words name the kinds (``cues``: a visit
during which an agreement is signed gives two candidates); the destination is the place
after a movement word (赴, 到, 来) or after 在; the origin is the place that heads the
delegation (巴中市党政代表团, 金华市委书记…率) or the other place named; a sentence with one
place or none borrows the pair of the sentence before it (期间，双方签署…). Parties listed
together (成都、重庆、西安三市共同签署) give one agreement per pair. A sentence without a date
takes one from the two sentences before, else the year last named in its paragraph
(``dated_by="paragraph"``, said in the note), else it is dropped; an undated agreement or
meeting told as the outcome of visits (互访的成果是…签署) takes the date of the visit between the
two (``dated_by="visit"``). A document's one statement that all delegations were led by a
rank (均由党政“一把手”带队) ranks its unranked delegations. Whole documents (``context``): titles
and headings give no events; a date is carried only within its paragraph; 会上/期间 take the
date of the event they point back to; a paragraph's lead takes the date of the sentence it
sums up; a report's items take the year of their section heading (一、2021年工作回顾). After the
sentences, ``merging`` carries leaders' ranks and merges one occasion told several times.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from analysis.extract import context as cx
from analysis.extract import lexicon as lx
from analysis.extract import merging as mg
from analysis.extract.cues import clause_bounds, not_happened, sentence_cues
from analysis.extract.dates import SO_FAR, DateMention, find_dates, pairing_dates
from analysis.extract.places import Place, PlaceIndex, find_places
from analysis.extract.roles import (
    DIRECTED,
    DocumentPlaces,
    example_lists,
    leader_rank,
    oriented,
    origin_destination_pairs,
    sentence_places,
)

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
EARLIEST_YEAR = 1950  # dates before it are history, not exchanges
CARRY_SENTENCES = 2  # a sentence without a date takes one from this many sentences back (期间，双方…)


@dataclass
class Candidate:
    kind: str
    origin: str
    destination: str
    date: str
    date_end: str | None
    precision: str
    leader_rank: str
    topics: list[str]
    delegates: int | None
    amount_cny: float | None
    count: int
    start: int  # the sentence's character span in the document
    end: int
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> other ids
    relationship_kind: str | None = None  # a relationship the sentence newly states
    dated_by: str = "sentence"  # sentence | context
    cue: str = ""  # the word that reported it
    sentence_no: int = 0


@dataclass
class Analysis:
    """Everything found in one document (candidates and the marks review.html shows)."""

    text: str
    places: list[Place]
    dates: list[DateMention]
    cues: list[tuple[int, int, str]]  # (start, end, kind)
    candidates: list[Candidate]
    warnings: list[str]


def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _number(pattern: re.Pattern[str], text: str) -> float | None:
    m = pattern.search(text)
    if not m:
        return None
    value = next((g for g in m.groups() if g), None)
    return lx.number_value(value) if value else None


def _amount(text: str) -> float | None:
    total = None
    for m in lx.AMOUNT.finditer(text):
        value = float(m.group(1)) * {"亿": 1e8, "万": 1e4, None: 1.0}[m.group(2)]
        total = value if total is None else max(total, value)
    return total


def _topics(text: str) -> list[str]:
    return [t for t, p in lx.TOPIC_PATTERNS.items() if p.search(text)]


class _Doc(DocumentPlaces):
    """One document's state while its sentences are read in order."""

    def __init__(self, text: str, index: PlaceIndex, published: dt.date | None):
        super().__init__(text, index, find_places(text, index))
        self.published = published
        self.dates = pairing_dates(text, find_dates(text, published), lx.ESTABLISH)
        self.last_date: DateMention | None = None
        self.last_date_sentence = -99
        self.sentence_start = 0
        self.home = cx.home_place(text, self.places) or self.home
        self.headings = cx.heading_lines(text)
        self.names = cx.leader_names(text, self.places, self.home)
        self.section_years = [d for d in self.dates if d.date and d.precision == "year" and not d.since
                              and any(a <= d.start < b and cx.REVIEW_HEADING.match(text, a, b) for a, b in self.headings)]
        self.prefecture = cx.prefectures(index)

    def siblings(self, a: str, b: str) -> bool:
        """Two counties or districts of one prefecture (岳池县 and 邻水县): stops of one trip, not two parties."""
        pa, pb = self.prefecture.get(a), self.prefecture.get(b)
        return a != b and pa is not None and pa == pb and pa not in (a, b)

    def paragraph_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1


def _date_for(doc: _Doc, start: int, end: int, cue_abs: int, sentence_no: int,
              found: list[Candidate] | None = None) -> tuple[DateMention | None, str]:
    """The date of the sentence nearest before the cue (or any in it), else the context: a
    sentence opening with 会上/期间 takes the event it points back to; a date of the sentences
    before, in the same paragraph; a year named earlier in the paragraph; the year of the
    section heading (一、2021年工作回顾)."""
    inside = [d for d in doc.dates if start <= d.start < end and d.date]
    before = [d for d in inside if d.start <= cue_abs and not d.since]
    carry = doc.last_date is not None and sentence_no - doc.last_date_sentence <= CARRY_SENTENCES \
        and doc.last_date.start >= doc.paragraph_start(start)
    kinds = cx.referred_kinds(doc.text[doc.sentence_start:end]) if found else None
    referred = None
    if kinds:  # the last event of those kinds, one between the places the sentence names first
        named = {p.city_id for p in doc.places if doc.sentence_start <= p.start < end}
        told = [c for c in reversed(found or []) if c.kind in kinds]
        shared = [sum(any(doc.related(x, y) for y in named) for x in (c.origin, c.destination)) for c in told]
        best = max(((n, -kinds.index(c.kind), -i) for i, (n, c) in enumerate(zip(shared, told))), default=None)
        referred = told[-best[2]] if best else None  # the most places in common, the kind named first, the latest
    if not before and referred is not None and all(re.search(r"[，,]", doc.text[cue_abs:d.start]) or d.precision == "year" for d in inside):
        # 会上，两地签订了2024年协作协议: the year after the cue names what was signed
        return DateMention(referred.start, referred.start, "", referred.date, None, referred.precision), "context"
    joined = [c for c in found or [] if c.sentence_no == sentence_no - 1]
    if not inside and joined and doc.sentence_start > 0 and doc.text[doc.sentence_start - 1] in "；;":  # …协议；甲区与乙区签订…
        return DateMention(joined[-1].start, joined[-1].start, "", joined[-1].date, joined[-1].date_end, joined[-1].precision), "context"
    if not before and carry and all(re.search(r"[，,]", doc.text[cue_abs:d.start]) for d in inside):
        return doc.last_date, "context"  # every date of the sentence belongs to a later clause
    before = before or [d for d in inside if not d.since] or inside
    if before:
        # the most precise one (5月18日 over the 2018年 inside an event's name), then the nearest
        order = {"day": 3, "month": 2, "year": 1}
        chosen = max(before, key=lambda d: (order.get(d.precision, 0), d.start <= cue_abs, d.start))
        return chosen, "sentence"
    if carry:
        return doc.last_date, "context"
    # a summary in a report (两地领导多次互访) dated only by its paragraph: the year, flagged
    earlier = [d for d in doc.dates if d.end <= start and d.date and "\n" not in doc.text[d.end:start]]
    if earlier:
        d = earlier[-1]
        return DateMention(d.start, d.end, d.text, d.date[:4], None, "year", False, None), "paragraph"
    if doc.paragraph_start(start) == doc.sentence_start:  # a paragraph's lead: dated by the sentence it sums up
        stop = doc.text.find("\n", end)
        nxt = [d for d in doc.dates if end <= d.start < (stop if stop >= 0 else len(doc.text)) and d.date and not d.since]
        if nxt and not SENTENCE_END.search(doc.text, doc.text.find("。", end) + 1, nxt[0].start):
            return nxt[0], "next"
    heading = [d for d in doc.section_years if d.end <= start]
    if heading:
        d = heading[-1]
        return DateMention(d.start, d.end, d.text, d.date[:4], None, "year", False, None), "section"
    return None, "none"


def _segments(spans: list[tuple[int, int]], sentence: str) -> list[tuple[int, int, int]]:
    """(cue position, from, to) for each cue of one kind: a sentence reporting two visits
    (北京…分赴天津和河北考察，河北…到天津考察) is read as two stretches, each ending with the
    clause of its cue when the next cue is in a later clause."""
    out = []
    for i, (a, b) in enumerate(spans):
        lo = spans[i - 1][1] if i else 0
        hi = spans[i + 1][0] if i + 1 < len(spans) else len(sentence)
        if i + 1 < len(spans):
            hi = min(hi, clause_bounds(sentence, b)[1])
        out.append((a, lo, hi))
    return out


def _restated(doc: _Doc, candidates: list[Candidate], kind: str, origin: str, dest: str, date: str, word: str, sentence_no: int,
              year_total: bool = False) -> bool:
    """An event already found, told again: with a coarser date (2023 after 2023-03-18, but not
    a year's total: 全年还选派…62名), or with the same date and cue word a sentence or two later
    (推介会…出席推介会)."""
    for c in candidates:
        same = doc.related(c.origin, origin) and doc.related(c.destination, dest)
        if kind not in DIRECTED:
            same = same or doc.related(c.origin, dest) and doc.related(c.destination, origin)
        if c.kind == kind and same:
            if c.date.startswith(date) and len(c.date) > len(date) and not year_total:
                return True
            if c.date_end and len(date) == 10 and c.date <= date <= c.date_end:
                return True  # a day inside a visit already found (3月17日至18日 … 3月18日)
            if c.date == date and (c.sentence_no == sentence_no or (c.cue == word or c.dated_by == "next") and sentence_no - c.sentence_no <= CARRY_SENTENCES):
                return True  # the same sentence (签署…协议…签约仪式), or the same word again
    return False


def _visit_date(doc: _Doc, found: list[Candidate], a: str, b: str) -> DateMention | None:
    """The date of the last visit found between two places (either way), for an undated
    agreement or meeting told as that visit's outcome."""
    visits = [c for c in reversed(found) if c.kind == "visit"]
    between = [c for c in visits if doc.related(c.origin, a) and doc.related(c.destination, b) or doc.related(c.origin, b) and doc.related(c.destination, a)]
    either = [c for c in visits if any(doc.related(x, y) for x in (c.origin, c.destination) for y in (a, b))]
    for c in between[:1] or either[:1]:  # else the round of visits either took part in
        return DateMention(c.start, c.start, "", c.date if between else c.date[:7], None, c.precision if between else "month")
    return None


def _visit_rank(doc: _Doc, found: list[Candidate], cand: Candidate) -> str:
    """The rank of the visit during which an agreement was signed or a meeting held, when
    the sentence names no one (…率代表团赴广元考察。两市召开联席会议，签署协议。)."""
    for c in reversed(found):
        if c.kind == "visit" and c.date == cand.date and {c.origin, c.destination} == {cand.origin, cand.destination}:
            return c.leader_rank
    return "none"


def _collective_pairs(doc: _Doc, sentence: str, places, cue: int) -> list[tuple[Place, Place]]:
    """成都、重庆、西安三市共同签署 / 京津冀三地互相签署: every pair of the parties named (a
    list of three or more places joined by 、和与, or a group's short name) before the cue; or
    three or more governments' departments issuing together (甲市医保局、乙市医保局…联合印发)."""
    clause_start = clause_bounds(sentence, cue)[0]
    word = lx.COLLECTIVE.search(sentence, clause_start, cue)
    gap = lx.LIST_SEPARATOR
    if not word:
        if not (lx.JOINT_ISSUE.match(sentence, cue) or lx.JOINT.search(sentence, max(0, cue - 2), cue)):
            return []
        gap = lx.ORG_GAP  # each party named with its department
    cue = word.start() if word else cue  # the parties are named before the collective word
    members: list[Place] = []
    for name, ids in lx.REGION_GROUPS.items():
        if (i := sentence.find(name, 0, cue)) >= 0:
            members = [Place(i, i + len(name), name, c, (), "CN") for c in ids]
            break
    if not members:
        run: list[tuple[int, Place]] = []
        for pos, p in places:
            if pos >= cue:
                break
            if run and not gap.match(sentence[run[-1][0] + len(run[-1][1].text):pos]):
                run = []
            run.append((pos, p))
        members = [p for _, p in run]
    members = list({p.city_id: p for p in members}.values())
    if len(members) < 3:
        return []
    return [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]


def _candidates_of(doc: _Doc, kind: str, spans: list[tuple[int, int]], start: int, end: int, places, sentence_no: int, out: list[Candidate],
                   skipped: frozenset[int] = frozenset()) -> tuple[str, str] | None:
    """Candidates of one kind in one sentence (appended to ``out``); returns the pair used."""
    sentence = doc.text[start:end]
    used = None
    segments = _segments(spans, sentence)
    whole = len(segments) == 1
    first = next(c for c, _, _ in segments if c not in skipped)
    for cue, lo, hi in segments:
        if cue in skipped:
            continue  # a plan told in its own stretch (…，将赴成都考察…): it still bounds the others
        local = places if whole else [(pos, p) for pos, p in places if lo <= pos < hi]
        pairs = (kind not in DIRECTED and _collective_pairs(doc, sentence, local, cue)) or origin_destination_pairs(doc, sentence, local, cue, kind)
        if not pairs and not whole and cue == first:
            pairs, whole = origin_destination_pairs(doc, sentence, places, cue, kind), True  # one event told with several cue words
        if kind not in DIRECTED and pairs and (lists := example_lists(sentence, places)):
            pairs = [(a, b) for a, b in pairs if not any({a.city_id, b.city_id} <= ids for ids in lists)]
        both_sides = kind != "visit" or (lx.MUTUAL.search(sentence) and lx.BOTH_SIDES.search(sentence))  # 两家新区开始互访
        own = lx.ONE_PLACE_EVENT.search(sentence, clause_bounds(sentence, cue)[0], cue + 8)  # 召开全市…推进会: one side's own
        if not pairs and cue == first and doc.last_pair and both_sides and not own:
            named = [p for _, p in places]  # 期间，双方签署…: the pair of the sentence before
            if any(doc.related(p.city_id, c) for p in named for c in doc.last_pair) or not named and lx.REFERS_BACK.search(sentence):
                pair = oriented(doc, sentence, places, doc.last_pair) if kind in DIRECTED else doc.last_pair
                pairs, whole = [tuple(Place(0, 0, "", c, (), None) for c in pair)], True  # type: ignore[misc]
        if not pairs:
            continue
        date, dated_by = _date_for(doc, start, end, start + cue, sentence_no, out) if whole else _date_for(doc, start + lo, start + hi, start + cue, sentence_no, out)
        subject = any(clause_bounds(sentence, cue)[0] <= pos < cue for pos, _ in local)  # 去年，甲市选派…，乙市也选派…
        if (date is None or dated_by == "paragraph" and subject) and not whole:  # a clause of its own subject: the sentence's date
            date, dated_by = _date_for(doc, start, end, start + cue, sentence_no, out)
        outcome = date is None and kind in ("agreement", "meeting") and lx.VISIT_REFERENCE.search(sentence)
        if date is None and not outcome or date is not None and int(date.date[:4]) < EARLIEST_YEAR:
            continue  # undated (a background mention) or history
        if cx.told_before(doc, sentence, kind, cue, date, pairs, places):
            continue
        word = sentence[cue:next(b for a, b in spans if a == cue)]
        left, right = clause_bounds(sentence, cue)
        mutual = kind in DIRECTED and lx.MUTUAL.search(sentence, left, right)  # 互派 in the cue's own clause
        for origin, dest in pairs:
            if outcome:  # 互访的成果是…签署了协议: dated by the visit between the two told before
                date, dated_by = _visit_date(doc, out, origin.city_id, dest.city_id), "visit"
                if date is None:
                    continue
            for o, d in [(origin, dest), (dest, origin)] if mutual else [(origin, dest)]:
                if _restated(doc, out, kind, o.city_id, d.city_id, date.date, word, sentence_no, kind == "cadre_exchange" and date.text == "全年"):
                    continue
                cand = _candidate(doc, kind, sentence, places, o, d, date, dated_by, start, end, word, sentence_no, cue)
                if cand.leader_rank == "none" and kind in ("agreement", "meeting"):
                    cand.leader_rank = _visit_rank(doc, out, cand)
                out.append(cand)
        used = (pairs[0][0].city_id, pairs[0][1].city_id)
        if whole:
            break
    return used


def _candidate(doc: _Doc, kind: str, sentence: str, places, o: Place, d: Place, date: DateMention, dated_by: str,
               start: int, end: int, word: str, sentence_no: int, cue: int) -> Candidate:
    rel = None
    if kind == "agreement" and lx.ESTABLISH.search(sentence):
        rel = next((k for k, p in lx.RELATIONSHIP_KINDS.items() if p.search(sentence)), None)
    return Candidate(
        kind=kind, origin=o.city_id, destination=d.city_id, date=date.date, date_end=date.date_end,
        precision=date.precision, leader_rank=leader_rank(sentence, places, d if kind in DIRECTED else None, cue),
        topics=_topics(sentence),
        delegates=int(v) if kind in ("visit", "cadre_exchange", "training") and (v := _number(lx.DELEGATES, sentence)) else None,
        amount_cny=_amount(sentence) if kind in ("project", "agreement") else None,
        count=int(_number(lx.COUNTS[kind], sentence) or 1) if kind in lx.COUNTS else 1,
        start=start, end=end,
        alternatives={r: p.alternatives for r, p in (("origin", o), ("destination", d)) if p.alternatives},
        relationship_kind=rel, dated_by=dated_by, cue=word, sentence_no=sentence_no,
    )


def analyse(text: str, index: PlaceIndex, published: dt.date | None) -> Analysis:
    """Candidates and marks of one document."""
    doc = _Doc(text, index, published)
    warnings = sorted({d.warning for d in doc.dates if d.warning})
    cues_out: list[tuple[int, int, str]] = []
    candidates: list[Candidate] = []
    sentence_spans = sentences(text)
    for sentence_no, (start, end) in enumerate(sentence_spans):
        sentence = text[start:end]
        doc.sentence_start = start
        if any(a <= start < b for a, b in doc.headings):
            continue  # a title or heading names what the body tells
        found = sentence_cues(sentence)
        for kind, spans in found.items():
            cues_out.extend((start + a, start + b, kind) for a, b in spans)
        history = lx.HISTORY.search(sentence)
        places = cx.with_leaders(doc, sentence, start, sentence_places(doc, start, end))
        made_pair = None
        for kind, spans in found.items():
            skipped = frozenset(a for a, _ in spans if not_happened(sentence, a))
            if len(skipped) < len(spans) and not history:
                made_pair = _candidates_of(doc, kind, spans, start, end, places, sentence_no, candidates, skipped) or made_pair
        named = list(dict.fromkeys(p.city_id for _, p in places))
        if made_pair:
            doc.last_pair = made_pair
        elif len(named) == 2 and not doc.related(*named):
            doc.last_pair = (named[0], named[1])  # 大连市与六盘水市确定为… 两市签署…
        elif len(named) > 2:
            doc.last_pair = None  # several places: no one pair holds
        dated = [d for d in doc.dates if start <= d.start < end and d.date]
        dated = [d for d in dated if not d.since] or [d for d in dated if d.text not in SO_FAR]  # 目前 dates no later sentence
        if dated:
            doc.last_date, doc.last_date_sentence = dated[-1], sentence_no
    mg.delegation_leaders(doc, candidates, sentence_spans)
    mg.named_leaders(doc, candidates)
    mg.addressed(doc, candidates, sentence_spans)
    mg.trainees_not_leaders(doc, candidates, sentence_spans)
    candidates = mg.merge_duplicates(doc, candidates)
    mg.during_visit(doc, candidates)
    return Analysis(text, doc.places, doc.dates, sorted(cues_out), candidates, warnings)
