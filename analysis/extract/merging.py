"""Document-level passes over one document's candidates: leaders' ranks carried across sentences,
and one occasion told several times merged into one candidate.

Leaders' ranks (a leader named by name only, a delegation's leader named in a later sentence, a
leader who opens or addresses a meeting in the next sentence, the visit's or meeting's leader
for what was held or signed during it, not the trainees' or seconded cadres' own titles), and
one real occasion told several times (a headline glued to its lead, 推介会…作推介, 推介会上…,
the counties a delegation stopped at) merged into one candidate.

Candidates are ``events.Candidate`` objects; the document is ``events._Doc``. This module
only reads the text around them.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.extract import lexicon as lx
from analysis.extract.roles import DIRECTED

OWN_TITLE = re.compile(rf"[市省区县州]?(?:委|人民政府|政府)?({lx.TITLE.pattern})")  # 六盘水市委书记
CARRY_SENTENCES = 2  # how far a later sentence may name a delegation's leader
# Someone who opens, chairs or addresses the meeting or promotion just told (…出席会议并讲话, 作推介).
ADDRESSES = re.compile(r"出席|主持|致辞|讲话|作推介|作主旨演讲|发言")
CLAUSE = re.compile(r"[^，,。；;]+")
DURING = ("agreement", "meeting", "project", "promotion")  # held or signed during a visit
LEADS_CLASS = re.compile(r"出席|主持|致辞|讲话|授课|带队|率|送行|欢送")
THE_CLASS = re.compile(r"开班|结业|仪式|培训|授课")
TRAINEES = re.compile(r"参加|学员|\d+名|挂任|担任|任职")
TRIP_DAYS = 3  # a visit told by its first day only lasts that many days (推介会前一天抵达)
OWNER_GAP = 3  # characters between a place and a title that is its (虹口区副区长; 北京市委书记)


def _rank(a: str, b: str) -> str:
    return a if lx.RANK_ORDER[a] >= lx.RANK_ORDER[b] else b


def _titles(doc, start: int, end: int) -> list[tuple[str, str | None]]:
    """(rank, the place the title belongs to, if named just before it) of each title in a span."""
    out = []
    for m in lx.TITLE.finditer(doc.text, start, end):
        owner = [p.city_id for p in doc.places if p.end <= m.start() <= p.end + OWNER_GAP and p.city_id]
        out.append((lx.TITLE_RANKS[m.group(0)], owner[-1] if owner else None))
    return out


def _ours(doc, c, owner: str | None) -> bool:
    """Whether a title's place is the leading side of a candidate (any side unless directed;
    a title without a place counts)."""
    if owner is None:
        return True
    sides = (c.origin,) if c.kind in DIRECTED else (c.origin, c.destination)
    return any(doc.related(owner, s) for s in sides)


def named_leaders(doc, candidates) -> None:
    """A leader named by name only (金成浩率…, 杨永刚作推介) whom the document names elsewhere
    with a title: that rank, when the leader belongs to the leading side."""
    for c in candidates:
        if c.kind == "training":
            continue  # the trainees' titles are not a leader's
        sentence = doc.text[c.start:c.end]
        for name, (rank, owner) in doc.names.items():
            if name in sentence and _ours(doc, c, owner):
                c.leader_rank = _rank(c.leader_rank, rank)


def _following(doc, c, spans, n: int) -> list[tuple[int, int]]:
    """The candidate's own sentence and up to ``n`` after it, in the same paragraph."""
    out = [(c.start, c.end)]
    for a, b in spans[c.sentence_no + 1:c.sentence_no + 1 + n]:
        if "\n" in doc.text[out[-1][1]:a]:
            break
        out.append((a, b))
    return out


def addressed(doc, candidates, spans) -> None:
    """A meeting, promotion or agreement without a leader whose next sentence (or the rest of
    its own) has leaders attending or addressing it (…联席会议在广安召开。甲市委书记…出席会议并
    讲话): the highest rank of theirs."""
    for c in candidates:
        if c.kind not in ("meeting", "promotion", "agreement") or c.leader_rank != "none":
            continue
        own, *after = _following(doc, c, spans, 1)
        clauses = [(own[0] + m.start(), own[0] + m.end()) for m in CLAUSE.finditer(doc.text[own[0]:own[1]])]
        for a, b in clauses + after:  # a clause of its own sentence, or the whole next one
            if ADDRESSES.search(doc.text, a, b):
                for rank, owner in _titles(doc, a, b):
                    if _ours(doc, c, owner):
                        c.leader_rank = _rank(c.leader_rank, rank)


def trainees_not_leaders(doc, candidates, spans) -> None:
    """A class or a secondment is led by whoever opens it or sees the cadres off (主任…出席开班
    仪式并讲话), in its sentence or the next two; the trainees' and cadres' own titles (42名医院
    院长, 60名乡镇党委书记参加, 分别挂任副县长) are not a leader's."""
    for c in candidates:
        if c.kind not in ("training", "cadre_exchange"):
            continue
        best = "none"
        for a, b in _following(doc, c, spans, 2 if c.kind == "training" else 0):
            for m in CLAUSE.finditer(doc.text, a, b):
                later = m.start() >= c.end  # a later sentence: only a clause on the class itself (出席开班仪式)
                if LEADS_CLASS.search(m.group(0)) and not TRAINEES.search(m.group(0)) and (not later or THE_CLASS.search(m.group(0))):
                    for rank, _ in _titles(doc, m.start(), m.end()):
                        best = _rank(best, rank)
        c.leader_rank = best


def delegation_leaders(doc, candidates, spans) -> None:
    """A delegation named without its leader (遵义市党政代表团赴…) whose leader a following
    sentence names with the origin's title (遵义市委书记在座谈时…): that rank, for the visit."""
    said = lx.DELEGATIONS_LED.search(doc.text)  # 各代表团均由党政“一把手”带队: said once for all
    for c in candidates:
        if c.kind != "visit" or c.leader_rank != "none" or not lx.DELEGATION.search(doc.text, c.start, c.end):
            continue
        if said and lx.DELEGATION_NOUN.search(doc.text, c.start, c.end):
            c.leader_rank = lx.TITLE_RANKS[said.group(1)]
        hi = spans[min(c.sentence_no + CARRY_SENTENCES, len(spans) - 1)][1]
        for p in doc.places:
            if c.end <= p.start < hi and p.city_id == c.origin and (m := OWN_TITLE.match(doc.text, p.end)):
                c.leader_rank = _rank(lx.TITLE_RANKS[m.group(1)], c.leader_rank)


def _within(date: str, first: str, last: str | None) -> bool:
    """Whether a date falls in an event's time: its day range, or the month or year it names."""
    if len(date) == 10 and len(first) == 10:
        return first <= date <= (last or first)
    return date.startswith(first)


def _days_after(first: str, date: str) -> int:
    """Days from one day to another (-1 when either is not a day)."""
    if len(first) != 10 or len(date) != 10:
        return -1
    return (dt.date.fromisoformat(date) - dt.date.fromisoformat(first)).days


def _same_pair(doc, a, b) -> bool:
    """The same two places (in either order unless directed, or told in one sentence), or one
    the same and the other a district or county of it (青岛→安顺 and 青岛→西秀区: stops of one trip)."""
    # 互派 is one event each way; but one told again in its own sentence or pointing back to it
    # (推介会上，…推介…: dated by the event it points to) is that event, whichever way it reads
    directed = a.kind in DIRECTED and (a.sentence_no != b.sentence_no and b.dated_by != "context" or a.sentence_no == b.sentence_no and a.dated_by == b.dated_by)
    orders = [(b.origin, b.destination)] if directed else [(b.origin, b.destination), (b.destination, b.origin)]
    for o, d in orders:
        if (a.origin, a.destination) == (o, d):
            return True
        if a.origin == o and (doc.related(a.destination, d) or doc.siblings(a.destination, d)) \
                or a.destination == d and (doc.related(a.origin, o) or doc.siblings(a.origin, o)):
            return True
    return False


def during_visit(doc, candidates) -> None:
    """What was held or signed during a visit (the meeting on its second day, the agreement
    signed at it) without its own leader takes the visit's leader; what was signed at a
    meeting (会上，两市签订…) takes the meeting's."""
    visits = [v for v in candidates if v.kind == "visit" and v.leader_rank != "none"]
    meetings = [v for v in candidates if v.kind == "meeting" and v.leader_rank != "none" and len(v.date) == 10]
    for c in candidates:
        if c.kind not in DURING or c.leader_rank != "none":
            continue
        for v in visits + [m for m in meetings if c.kind in ("agreement", "project") and m.date == c.date]:
            pair = {doc.related(c.origin, v.origin) and doc.related(c.destination, v.destination),
                    doc.related(c.origin, v.destination) and doc.related(c.destination, v.origin)}
            if True in pair and (_within(c.date, v.date, v.date_end) or v.date_end is None and _days_after(v.date, c.date) in range(TRIP_DAYS)):
                c.leader_rank = v.leader_rank
                break


def merge_duplicates(doc, candidates) -> list:
    """One occasion told several times is one candidate: the same kind, the same pair (or a
    stop of it) and the same day or month (or a day inside the other's range; a year is too
    coarse to tell two batches apart). The first told is kept,
    with the most precise date and the highest rank of the two."""
    kept: list = []
    for c in candidates:
        twin = next((k for k in kept if k.kind == c.kind and _same_pair(doc, k, c) and (
            len(c.date) > 4 and (k.date == c.date or _within(c.date, k.date, k.date_end) and len(k.date) == 10
                                 or _within(k.date, c.date, c.date_end) and len(c.date) == 10)
            or k.sentence_no == c.sentence_no and k.dated_by == "sentence" and c.dated_by != "sentence")), None)
        if twin is None:
            kept.append(c)
            continue
        twin.leader_rank = _rank(twin.leader_rank, c.leader_rank)
        if len(c.date) > len(twin.date):
            twin.date, twin.date_end, twin.precision = c.date, c.date_end, c.precision
    return kept
