"""Cue words of one sentence: the kinds it reports after the rules that tell them apart."""

from __future__ import annotations

from analysis.extract.cues import not_happened, sentence_cues


def kinds(sentence):
    return sorted(sentence_cues(sentence))


def test_talks_held_by_both_sides_are_a_meeting():
    assert "meeting" in kinds("广元市领导会见了代表团一行，双方进行座谈")
    assert "meeting" in kinds("两地随后开展座谈")
    assert "meeting" not in kinds("代表团参观了产业园")


def test_calling_on_seconded_cadres_is_not_a_secondment():
    assert "cadre_exchange" not in kinds("市领导带队赴遵义看望慰问在遵挂职干部")
    assert "cadre_exchange" in kinds("杭州市选派12名干部到遵义市挂职")  # the rule does not drop a real one


def test_a_delegation_coming_to_a_place_to_attend_is_a_visit():
    assert "visit" in kinds("德国杜伊斯堡市代表团来蓉参加友好城市周活动")
    assert "visit" not in kinds("来自杜伊斯堡的客商参加了活动")  # 来自: where they are from


def test_a_plan_in_the_cue_clause_is_not_an_event():
    sentence = "巴中市计划赴金华市考察"
    assert not_happened(sentence, sentence.index("考察"))
