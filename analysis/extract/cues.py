"""Cue words of one sentence: which kinds of exchange it reports and where, and whether a cue
reports something that did not happen.

The rules tell kinds apart (签约项目 is a project, not an agreement; 考察…产业园 is what a visit
looked at; 赴黄山参加推介会 is a visit; 慰问…挂职干部 is not a secondment) and find plans, wishes,
negations, general means and bracketed annotations. Only the sentence's words are read here:
sentences and places are the caller's.
"""

from __future__ import annotations

import re

from analysis.extract import lexicon as lx


def _same_clause(sentence: str, a: int, b: int) -> bool:
    return not re.search(r"[，,：:]", sentence[min(a, b):max(a, b)])


def sentence_cues(sentence: str) -> dict[str, list[tuple[int, int]]]:
    """Kind -> spans of the words that report it, after the rules that tell them apart."""
    if lx.STATISTICS.search(sentence):
        return {}  # a statistic, even when it names projects or secondments
    found: dict[str, list[tuple[int, int]]] = {}
    for kind, pattern in lx.KIND_CUES.items():
        spans = [m.span() for m in pattern.finditer(sentence)]
        if spans:
            found[kind] = spans
    if "visit" not in found and (m := lx.LED_MOVE.search(sentence) or lx.RECEIVED.search(sentence) or lx.INVITED.search(sentence)):
        found["visit"] = [m.span()]
    # an agreement needs something signed; 签约项目 / 项目签约 is a project
    objects = [m for m in lx.AGREEMENT_OBJECT.finditer(sentence) if not any(c.start() <= m.start() < c.end() for c in lx.COMMERCIAL.finditer(sentence))]
    if "agreement" in found and not (lx.SIGN_VERB.search(sentence) and objects
                                     or lx.JOINT_ISSUE.search(sentence) or lx.SIGNING_CEREMONY.search(sentence)):
        del found["agreement"]
    if "agreement" in found:  # 两地中学结为姐妹学校: schools paired, not the cities
        found["agreement"] = [s for s in found["agreement"] if not lx.INSTITUTION_PAIRING.search(sentence, *clause_bounds(sentence, s[0]))]
        if not found["agreement"]:
            del found["agreement"]
    if "project" in found and not (lx.PROJECT_VERB.search(sentence) or "签约项目" in sentence):
        del found["project"]
    if "project" in found and len(found["project"]) > 1:  # 援建的…综合楼竣工: one project, the opening word no second
        found["project"] = [s for s in found["project"] if not lx.OPENING.fullmatch(sentence, *s)] or found["project"]
    if "project" in found:  # 实施帮扶项目312个: a count, not a project
        counts = [m.span() for m in lx.PROJECT_COUNT.finditer(sentence)]
        found["project"] = [s for s in found["project"] if not any(a <= s[0] < b for a, b in counts)]
        if not found["project"]:
            del found["project"]
    if "training" in found and "cadre_exchange" in found and "挂职" not in sentence and "选派" not in sentence:
        del found["cadre_exchange"]
    if "visit" in found:
        found["visit"] = [v for v in found["visit"] if not lx.ACCOMPANY.search(sentence, max(0, v[0] - 6), v[0])]
        if not found["visit"]:
            del found["visit"]
    visits = found.get("visit", [])
    signs = [m.start() for m in lx.SIGN_VERB.finditer(sentence)]
    for kind in [k for k in found if k != "visit"]:
        keep = []
        for a, b in found[kind]:
            if any(v[1] <= a and _same_clause(sentence, v[1], a) for v in visits) and kind in ("project", "promotion", "meeting"):
                continue  # 考察…产业园建设: what the visit looked at
            if kind == "project" and any(s0 < a and _same_clause(sentence, s0, a) for s0 in signs) and lx.AGREEMENT_OBJECT.search(sentence, b):
                continue  # 签订共建产业园合作协议: the agreement's subject
            if kind in ("cadre_exchange", "training") and lx.ATTRIBUTIVE.match(sentence[b:]):
                continue  # 挂职的干部
            if kind == "cadre_exchange" and lx.CARE_FOR.search(sentence, clause_bounds(sentence, a)[0], a):
                continue  # 慰问…挂职干部: the cadres are whom the visitors called on
            if kind in ("meeting", "promotion") and lx.TIME_OF.match(sentence, b):
                continue  # 峰会期间举办…, 推介会前一天: the time of another event
            if kind == "meeting" and sentence.startswith("精神", b):
                continue  # 贯彻落实…联席会议精神: a policy followed, not a meeting
            if kind == "promotion" and sentence[a:b] == "推介" and (visits or len(found[kind]) > 1):
                continue  # 出席…，推介大连…; 推介会…推介了…: the verb inside an event already told
            keep.append((a, b))
        if keep:
            found[kind] = keep
        else:
            del found[kind]
    for kind in [k for k in ("meeting", "promotion") if k in found]:
        attended = [s for s in found[kind] if lx.ATTEND.search(sentence, clause_bounds(sentence, s[0])[0], s[0])]
        if attended:  # 赴黄山市参加推介会: the travellers' visit, the event is the host's
            found["visit"] = sorted(found.get("visit", []) + attended)
            found[kind] = [s for s in found[kind] if s not in attended]
            if not found[kind]:
                del found[kind]
    if "meeting" in found and "promotion" in found:  # 企业对接会和投资说明会: one promotion event
        promos = [a for a, _ in found["promotion"]]
        found["meeting"] = [(a, b) for a, b in found["meeting"] if not any(re.fullmatch(r"[和及暨、与][^，。,;；]{0,8}", sentence[b:p]) for p in promos if p > b)]
        if not found["meeting"]:
            del found["meeting"]
    # a visit word inside a meeting's or promotion's name (考察座谈会) is that event, not a visit
    if "visit" in found and ("meeting" in found or "promotion" in found or "training" in found) and not lx.DELEGATION.search(sentence) and not lx.MOVE.search(sentence):
        del found["visit"]
    return found


def clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    left = max(sentence.rfind(c, 0, pos) for c in "，,：:") + 1
    rights = [i for c in "，,：:" if (i := sentence.find(c, pos)) >= 0]
    return left, min(rights) if rights else len(sentence)


def not_happened(sentence: str, cue_pos: int) -> bool:
    """A plan, wish or negation in the clause of the cue (or just before it), or a cue in
    brackets annotating a name."""
    if lx.BRACKETED.search(sentence, max(0, cue_pos - 40), cue_pos):
        return True
    left, right = clause_bounds(sentence, cue_pos)
    if any(m.start() <= cue_pos < m.end() for m in lx.GENERIC.finditer(sentence)):
        return True
    if any(not _in_title(sentence, m.start()) for m in lx.NOT_HAPPENED.finditer(sentence, max(0, left - 12), right)):
        return True  # 《…重点工作计划》 names a document
    plans = [m for m in lx.PLAN_LEAD.finditer(sentence, 0, cue_pos) if not _in_title(sentence, m.start())]
    return bool(plans) and not lx.DONE_SINCE.search(sentence, plans[-1].end(), cue_pos)


def _in_title(sentence: str, pos: int) -> bool:
    """Whether a position is inside a document's title (《…工作计划》)."""
    return sentence.rfind("《", 0, pos) > sentence.rfind("》", 0, pos)
