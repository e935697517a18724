"""Clauses to candidates: kinds, direction, dates, rank, amounts; what is not an event."""

from __future__ import annotations

import datetime as dt

from analysis.extract.events import analyse

PUB = dt.date(2023, 6, 1)


def found(text, index, published=PUB):
    return [(c.kind, c.origin, c.destination, c.date, c.leader_rank) for c in analyse(text, index, published).candidates]


def test_visit_with_signing_gives_two_candidates(index):
    text = "5月15日至16日，巴中市委书记率巴中市党政代表团赴上海市虹口区考察学习，双方签署《东西部协作框架协议》。"
    assert found(text, index) == [
        ("visit", "CN-511900", "CN-310109", "2023-05-15", "top"),
        ("agreement", "CN-511900", "CN-310109", "2023-05-15", "top"),
    ]
    (visit, _) = analyse(text, index, PUB).candidates
    assert visit.date_end == "2023-05-16" and "poverty_alleviation" in visit.topics


def test_plans_statistics_history_and_lists_are_not_events(index):
    for text in (
        "巴中市计划于下半年赴金华市开展招商推介活动。",
        "2022年，巴中市地区生产总值增长5.2%，金华市增长6%。",
        "巴中市的友好城市包括金华市、丽水市、烟台市和泉州市。",
        "巴中古称巴州，历史上与汉中交往密切。",
        "青岛市尚未与陇南市签署新的合作协议。",
        "通过领导互访、干部互派、文旅推介等方式，金华市与巴中市深化合作。",
    ):
        assert found(text, index) == [], text


def test_host_and_visitor_in_a_reception(index):
    text = "10月10日，宁波市市长会见了来访的延边朝鲜族自治州党政代表团一行。"
    # the visitor came from 延边; the host's title does not rank the visit
    assert found(text, index) == [("visit", "CN-222400", "CN-330200", "2023-10-10", "none")]


def test_amount_count_delegates_and_the_pair_of_the_sentence_before(index):
    text = "5月15日，巴中市代表团一行20人赴金华市考察。期间，两地签约项目8个，总金额12.5亿元。"
    cands = analyse(text, index, PUB).candidates
    visit, project = cands
    assert visit.delegates == 20
    assert (project.kind, project.count, project.amount_cny) == ("project", 8, 1.25e9)
    assert {project.origin, project.destination} == {"CN-511900", "CN-330700"}
    assert project.date == "2023-05-15" and project.dated_by == "context"


def test_list_of_destinations_and_mutual_secondment(index):
    tour = found("3月16日至18日，上海市党政代表团赴江苏、浙江、安徽学习考察。", index)
    assert [c[2] for c in tour] == ["CN-320000", "CN-330000", "CN-340000"]
    both = found("7月25日，厦门市与临夏回族自治州互派30名干部开展双向挂职。", index)
    assert {(c[1], c[2]) for c in both} == {("CN-350200", "CN-622900"), ("CN-622900", "CN-350200")}


def test_deputy_and_bureau_ranks(index):
    assert found("9月3日，金华市副市长带队到巴中市调研。", index)[0][4] == "senior"
    assert found("11月17日，遵义市商务局局长带队赴广州市考察。", index)[0][4] == "official"


def test_a_new_relationship_is_recorded(index):
    (cand,) = analyse("2013年1月，巴中市与上海市虹口区正式缔结友好城市关系。", index, PUB).candidates
    assert cand.kind == "agreement" and cand.relationship_kind == "sister_city" and cand.date == "2013-01"


def test_parties_acting_together_give_one_agreement_per_pair(index):
    text = "10月16日，贵阳、昆明、南宁三市在南宁共同签署旅游合作协议。"
    pairs = {frozenset((c.origin, c.destination)) for c in analyse(text, index, PUB).candidates if c.kind == "agreement"}
    assert pairs == {frozenset(p) for p in (("CN-520100", "CN-530100"), ("CN-520100", "CN-450100"), ("CN-530100", "CN-450100"))}


def test_bracketed_annotations_and_as_a_unit_are_read_right(index):
    assert found("巴中市的友好城市有丽水市(2018年缔结友好关系)、金华市(2021年缔结友好关系)。", index) == []
    text = "2022年，巴中市成建制选派干部到虹口区跟班学习一年。"
    assert found(text, index) == [("cadre_exchange", "CN-511900", "CN-310109", "2022", "none")]


def test_a_summary_without_its_own_date_takes_its_paragraph_year_and_says_so(index):
    text = "2021年，两地合作再次升温。当地企业反响很好。各方都很重视。虹口区多次组团来巴中考察。"
    (cand,) = analyse(text, index, PUB).candidates
    assert (cand.kind, cand.origin, cand.destination, cand.date, cand.precision, cand.dated_by) == (
        "visit", "CN-310109", "CN-511900", "2021", "year", "paragraph")
    assert analyse(text.replace("各方都很重视。", "各方都很重视。\n"), index, PUB).candidates == []


def test_attending_an_event_is_a_visit_and_a_leader_named_later_counts(index):
    assert found("8月22日，晋江市组织企业赴黄山市参加招商推介会。", index) == [("visit", "CN-350582", "CN-341000", "2023-08-22", "none")]
    text = "5月20日，遵义市党政代表团赴宁波市考察。考察期间，遵义市委书记与宁波市主要领导座谈。"
    assert found(text, index)[0] == ("visit", "CN-520300", "CN-330200", "2023-05-20", "top")


def test_a_mutual_word_reverses_only_its_own_clause(index):
    text = "2021年，两地领导多次率团互访，巴中连续两次在虹口区举办文旅推介会。"
    assert sorted(found(text, index)) == [
        ("promotion", "CN-511900", "CN-310109", "2021", "none"),
        ("visit", "CN-310109", "CN-511900", "2021", "none"),
        ("visit", "CN-511900", "CN-310109", "2021", "none"),
    ]


def test_talks_during_a_visit_are_a_meeting_and_calling_on_cadres_is_a_visit(index):
    text = "6月3日，丽水市委书记率丽水市党政代表团赴遵义市考察。遵义市委书记会见了代表团一行，双方进行座谈。"
    assert ("meeting", "CN-331100", "CN-520300", "2023-06-03", "top") in found(text, index)
    text = "6月3日，丽水市副市长带队赴遵义市对接协作工作，并看望慰问丽水在遵挂职干部。"
    assert [k for k, *_ in found(text, index)] == ["visit"]


def test_a_delegation_coming_to_a_city_by_its_one_character_name(index):
    assert found("5月，德国杜伊斯堡市代表团来蓉参加友城交流活动。", index) == [
        ("visit", "DE-2934691", "CN-510100", "2023-05", "none")]


def test_means_mechanisms_priorities_and_example_lists_are_not_events(index):
    for text in (
        "2022年以来，泰州市与铜仁市通过干部交流、人才培训，推动两地发展理念深度融合。",
        "2022年，南通市与延边朝鲜族自治州建立了领导定期互访和干部双向挂职机制。",
        "2021年，推动干部双向挂职是绍兴市与广安市对口合作的重点任务之一。",
        "如嘉兴市(2012年缔结友好关系)、绍兴市(2014年缔结友好关系)、湖州市(2015年缔结友好关系)等，友好关系虽已缔结多年。",
        "5月20日，嘉兴市南湖区实验小学与九寨沟县中心小学结为姐妹学校，建立常态化交流合作关系。",
    ):
        assert found(text, index) == [], text
    # the subject outside a list closed by 等 still signs with each item
    signed = found("5月8日，丽江市与嘉兴市、湖州市、绍兴市等城市签署文旅合作协议。", index)
    assert len(signed) == 3 and {c[1] for c in signed} == {"CN-530700"}


def test_joint_issue_signing_ceremony_and_outcome_of_visits(index):
    joint = found("日前，南京市人社局、合肥市人社局、芜湖市人社局联合印发《关于推进社保卡跨市通办的通知》。", index)
    assert len(joint) == 3 and {c[0] for c in joint} == {"agreement"} and {c[4] for c in joint} == {"official"}
    ceremony = found("4月18日，芜湖市代表团赴遂宁市考察，并举行两市商会友好合作签约仪式。", index)
    assert [c[0] for c in ceremony] == ["visit", "agreement"]
    text = "5月9日，芜湖市党政代表团赴南京市考察。此轮互访的重要成果之一，是两市签署了都市圈协同发展合作协议。"
    assert found(text, index)[-1][0] == "agreement" and found(text, index)[-1][3] == "2023-05-09"
    assert len(found("5月9日，芜湖市党政代表团赴南京市考察。两市早在多年前就签署了战略合作协议。", index)) == 1


def test_a_statement_on_who_led_all_delegations_ranks_them(index):
    text = "多地党政代表团密集开展考察学习，各代表团均由党政主要领导带队。3月20日，苏州市党政代表团赴合肥市学习考察。"
    assert found(text, index) == [("visit", "CN-320500", "CN-340100", "2023-03-20", "top")]
    assert found("5月10日，徐州市党政代表团赴连云港市考察。代表团成员均由各县区负责同志组成。", index)[0][4] == "none"
