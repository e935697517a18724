"""Who and where in one sentence: its places (我市 as the document's home place), who
travelled and who received (origin -> destination), and the travelling leader's rank.
"""

from __future__ import annotations

import re
from itertools import pairwise

from analysis.extract import lexicon as lx
from analysis.extract.places import Place, PlaceIndex

DIRECTED = ("visit", "cadre_exchange", "training", "promotion")
CLAUSE_BREAK = re.compile(r"[，,：:]")
TAKES_IN = re.compile(r"接收|接纳|接受")
# What may stand between a place and 培训班 in a class's name (党政干部、专业技术人员): no verb, no clause break.
CLASS_NAME = re.compile(r"[^，,。；;：:在于赴到举开来为参]{0,16}")


# 来锦考察, 返镇: the home city by its first character after a movement word (the page's own city).
HOME_ABBREVIATED = re.compile(r"(?:来|抵|返|回)([\u4e00-\u9fff])(?=考察|调研|学习|访问|开展|参加|出席|期间|交流|对接|洽谈|举办|挂职|工作|[，,。])")


COUPLE_JOIN = re.compile(r"与|和|同")
COUPLE_GAP = re.compile(r"、|，|,|；")
COUPLES_END = re.compile(r"[^，。,;；]{0,2}分别")  # …丁县分别签订


def home_initial(doc) -> str | None:
    """The first character of the home city's Chinese name (锦州市 -> 锦)."""
    try:
        name = doc.index.cities.at[doc.home, "name_zh"]
    except KeyError:
        return None
    return name[0] if isinstance(name, str) and name else None


class DocumentPlaces:
    """A document's places, its home place (the one it names most) and the last pair named."""

    def __init__(self, text: str, index: PlaceIndex, places: list[Place]):
        self.text = text
        self.index = index
        self.places = places
        counts: dict[str, int] = {}
        for p in places:
            if p.city_id and p.country == "CN":
                counts[p.city_id] = counts.get(p.city_id, 0) + 1
        self.home = max(counts, key=lambda c: (counts[c], c)) if counts else None
        self.last_pair: tuple[str, str] | None = None

    def related(self, a: str, b: str) -> bool:
        """Same place, or one inside the other (巴中市 and its 平昌县)."""
        return a == b or a in self.index.parent_ids(b) or b in self.index.parent_ids(a)


def sentence_places(doc: DocumentPlaces, start: int, end: int) -> list[tuple[int, Place]]:
    """Places in a sentence (positions relative to it), with 我市/本市 as the home place."""
    out = [(p.start - start, p) for p in doc.places if start <= p.start < end and p.city_id]
    if doc.home:
        for m in lx.HOME.finditer(doc.text, start, end):
            out.append((m.start() - start, Place(m.start(), m.end(), m.group(0), doc.home, (), "CN")))
        first = home_initial(doc)
        for m in HOME_ABBREVIATED.finditer(doc.text, start, end):
            if m.group(1) == first and not any(p.start <= m.start(1) < p.end for _, p in out):
                out.append((m.start(1) - start, Place(m.start(1), m.end(1), m.group(1), doc.home, (), "CN")))
    return sorted(out, key=lambda t: t[0])


def origin_destination_pairs(doc: DocumentPlaces, sentence: str, places: list[tuple[int, Place]], cue_pos: int, kind: str) -> list[tuple[Place, Place]]:
    """(origin, destination) pairs for a cue: one, or one per place of a list after a movement
    word (赴江苏、浙江、安徽); empty when the sentence names no two places."""
    if kind not in DIRECTED and (couples := _couples(sentence, places, cue_pos)):
        return couples
    pair = _pair(doc, sentence, places, cue_pos, kind)
    if pair is None:
        return []
    origin, dest = pair
    out = [pair]
    listed = sorted((pos, p) for pos, p in places if p.start >= dest.start)
    for (pos_a, a), (pos_b, b) in pairwise(listed):
        gap = sentence[pos_a + len(a.text):pos_b]
        for c in doc.places:  # 奥卢、瑞士卢加诺: a country naming the next item
            if c.is_country and c.text:
                gap = gap.removesuffix(c.text)
        if not lx.LIST_SEPARATOR.match(gap):
            break
        if not doc.related(b.city_id, origin.city_id) and all(not doc.related(b.city_id, d.city_id) for _, d in out):
            out.append((origin, b))
    return out


def _couples(sentence: str, places: list[tuple[int, Place]], cue_pos: int) -> list[tuple[Place, Place]]:
    """甲区与乙县、丙区与丁县分别签订…: two or more couples joined by 与, each a pair of its own."""
    before = [(pos, p) for pos, p in places if pos < cue_pos]
    if len(before) < 4 or not COUPLES_END.match(sentence, before[-1][0] + len(before[-1][1].text), cue_pos):
        return []
    before = before[-(len(before) // 2 * 2):]
    out = []
    for i in range(0, len(before), 2):
        (pa, a), (pb, b) = before[i], before[i + 1]
        if not COUPLE_JOIN.fullmatch(sentence[pa + len(a.text):pb]):
            return []
        if i + 2 < len(before) and not COUPLE_GAP.fullmatch(sentence[pb + len(b.text):before[i + 2][0]]):
            return []
        out.append((a, b))
    return out


def _pair(doc: DocumentPlaces, sentence: str, places: list[tuple[int, Place]], cue_pos: int, kind: str) -> tuple[Place, Place] | None:
    """(origin, destination) for a cue, or None when the sentence names no two places."""
    distinct: list[tuple[int, Place]] = []
    for pos, p in places:
        if all(not doc.related(p.city_id, q.city_id) for _, q in distinct):
            distinct.append((pos, p))
        elif distinct and any(doc.index.parent_ids(p.city_id) & {q.city_id} for _, q in distinct):
            # 巴中市 … 平昌县: keep the finer unit
            distinct = [(qp, p) if p.city_id and q.city_id in doc.index.parent_ids(p.city_id) else (qp, q) for qp, q in distinct]
    if len(distinct) < 2:
        return None
    if kind not in DIRECTED:  # 嘉兴市与九寨沟县在成都召开…: the two joined by 与, not the venue
        for (pa, a), (pb, b) in pairwise(distinct):
            if lx.COORDINATION.fullmatch(sentence[pa + len(a.text):pb]) and not _in_venue_list(sentence, places, pa, pb + len(b.text)):
                return a, b
    # destination: the first place after a movement word or 在/于 (before the cue when possible)
    dest = None
    left = max(sentence.rfind(c, 0, cue_pos) for c in "，,：:") + 1
    rights = [i for c in "，,：:" if (i := sentence.find(c, cue_pos)) >= 0]
    right = min(rights) if rights else len(sentence)
    # a movement word in the cue's own clause first (…来巴中参加…，巴中在虹口区举办推介会)
    for m in sorted([*lx.MOVE.finditer(sentence), *lx.AT.finditer(sentence)], key=lambda m: (not left <= m.start() < right, m.start())):
        if kind not in DIRECTED and m.start() >= right:
            break  # …援建的医院竣工，结束了患者需赴乌鲁木齐就医的历史: a later clause's movement
        named = [p for pos, p in places if m.end() <= pos <= m.end() + 4]  # any mention, not only the first
        after = [x for p in named[:1] for x in distinct if doc.related(x[1].city_id, p.city_id)][:1]
        if after:
            dest = after[0]
            break
    if kind == "training":
        named = [p for pos, p in places if pos < cue_pos and CLASS_NAME.fullmatch(sentence, pos + len(p.text), cue_pos)]
        heads = [x for p in named[-1:] for x in distinct if doc.related(x[1].city_id, p.city_id)][:1]
        if heads:  # 在本区举办红河州乡村振兴带头人培训班: the class is named after its trainees' place
            others = [x for x in distinct if x[1] is not heads[0][1]]
            venue = dest if dest is not None and dest[1] is not heads[0][1] else (others[0] if others else None)
            return (named[-1], venue[1]) if venue else None
        benef = [(pos, p) for pos, p in distinct for m in lx.BENEFICIARY.finditer(sentence) if pos == m.end()]
        if benef and dest is None:  # 金华为巴中培训干部: trainees of 巴中, trained in 金华
            others = [x for x in distinct if x[1] is not benef[0][1]]
            return (benef[0][1], others[0][1]) if others else None
    origin = _head(sentence, distinct)
    invited = [(pos, p) for pos, p in distinct for m in lx.INVITEE.finditer(sentence) if m.end() <= pos <= m.end() + 2]
    if invited:  # 邀请维罗纳市长出席…: the invited came
        origin = invited[0]
    taken_in = [(pos, p) for pos, p in distinct for m in TAKES_IN.finditer(sentence) if m.end() <= pos <= m.end() + 2]
    if taken_in and kind in ("cadre_exchange", "training"):  # 甲市共接收乙州挂职干部36名: they came from 乙州
        others = [x for x in distinct if x[1] is not taken_in[0][1]]
        if others:
            return taken_in[0][1], others[0][1]
    if origin is not None and dest is not None and origin[1] is dest[1]:
        dest = None  # 会见来访的巴中市代表团: the delegation's place is where it came from
    if dest is None:
        others = [x for x in distinct if origin is None or x[1] is not origin[1]]
        if origin is None:
            origin, dest = distinct[0], distinct[1]
        else:
            dest = others[0]
    if origin is None or origin[1] is dest[1]:
        others = [x for x in distinct if x[1] is not dest[1]]
        origin = others[0]
    return origin[1], dest[1]


def oriented(doc: DocumentPlaces, sentence: str, places: list[tuple[int, Place]], pair: tuple[str, str]) -> tuple[str, str]:
    """The pair of the sentence before, borrowed by one naming only one of them: the one it
    names after a movement word is the destination (…上海企业落地遵义。选派干部到上海挂职)."""
    for m in lx.MOVE.finditer(sentence):
        after = [p for pos, p in places if m.end() <= pos <= m.end() + 4]
        if after:
            return (pair[1], pair[0]) if doc.related(after[0].city_id, pair[0]) else pair
    return pair


def example_lists(sentence: str, places: list[tuple[int, Place]]) -> list[set[str]]:
    """The ids of each list of places closed by 等 (如甲市(…)、乙区(…)等): examples named together."""
    out, run = [], []
    for i, (pos, p) in enumerate(places):
        if run and not lx.EXAMPLE_GAP.match(sentence[run[-1][0] + len(run[-1][1].text):pos]):
            run = []
        run.append((pos, p))
        nxt = places[i + 1][0] if i + 1 < len(places) else len(sentence)
        if len(run) >= 2 and lx.EXAMPLE_END.match(sentence, pos + len(p.text), nxt + 2):
            out.append({q.city_id for _, q in run})
            run = []
    return out


def _in_venue_list(sentence: str, places: list[tuple[int, Place]], start: int, end: int) -> bool:
    """Whether two coordinated places are items of a longer list (在甲县、乙县、丙县修建…) or of
    a list of venues after 在/赴 (在甲县和乙县举办): places where it happened, not two parties."""
    run = [(pos, p) for pos, p in places if start <= pos < end]
    for pos, p in reversed(places):  # extend the run both ways over list separators
        if pos + len(p.text) <= run[0][0] and lx.LIST_SEPARATOR.match(sentence[pos + len(p.text):run[0][0]]):
            run.insert(0, (pos, p))
    for pos, p in places:
        last = run[-1][0] + len(run[-1][1].text)
        if pos >= last and lx.LIST_SEPARATOR.match(sentence[last:pos]):
            run.append((pos, p))
    return len(run) >= 3 or bool(re.search(r"(?:在|于|赴|到)$", sentence[max(0, run[0][0] - 1):run[0][0]]))


def _head(sentence: str, places: list[tuple[int, Place]]) -> tuple[int, Place] | None:
    """The place that heads a delegation: the nearest before a delegation word (代表团, 一行,
    率), with no reception word (会见, 接待) between them."""
    best = None
    for pos, p in places:
        m = lx.DELEGATION.search(sentence, pos, pos + 24)
        if m is None or lx.RECEIVE.search(sentence, pos, m.start()):
            continue
        if best is None or m.start() - pos < best[0]:
            best = (m.start() - pos, (pos, p))
    return best[1] if best else None


def leader_rank(sentence: str, places: list[tuple[int, Place]], host: Place | None, cue: int | None = None) -> str:
    """The highest rank among the titles named up to the clause after the cue's (a title two
    clauses on belongs to something else); for a directed exchange, titles that belong to
    the host (虹口区副区长…会见) do not count."""
    best = "none"
    until = len(sentence)
    if cue is not None:
        breaks = [m.start() for m in CLAUSE_BREAK.finditer(sentence, cue)]
        until = breaks[1] if len(breaks) > 1 else until
    for m in lx.TITLE.finditer(sentence, 0, until):
        rank = lx.TITLE_RANKS[m.group(0)]
        if host is not None:
            owner = [p for pos, p in places if pos + len(p.text) <= m.start() <= pos + len(p.text) + 3]
            if owner and owner[-1].city_id == host.city_id:
                continue
        if lx.RANK_ORDER[rank] > lx.RANK_ORDER[best]:
            best = rank
    if best == "none" and lx.BUREAU_SIGNS.search(sentence):
        best = "official"  # 两市科技局签署: signed by bureaus
    return best
