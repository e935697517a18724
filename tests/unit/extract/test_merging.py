"""Whole documents: one occasion told twice is one candidate; leaders' ranks carried between
the events of one trip; totals, plans, wishes and labels are not events."""

from __future__ import annotations

import datetime as dt

from analysis.extract.events import analyse

PUB = dt.date(2024, 6, 20)


def found(text, index, published=PUB):
    return [(c.kind, c.origin, c.destination, c.date, c.leader_rank) for c in analyse(text, index, published).candidates]


def test_a_headline_glued_to_its_lead_and_a_speech_at_the_event_give_one_promotion(index):
    text = "丽水市（厦门）文旅推介会在厦门举行6月18日，丽水市文旅推介会在厦门市举行。丽水市委副书记、市长作推介，300余名客商参加推介会。"
    assert found(text, index) == [("promotion", "CN-331100", "CN-350200", "2024-06-18", "top")]


def test_the_counties_a_delegation_visits_are_stops_of_one_meeting(index):
    text = "6月3日至5日，烟台市副市长率烟台市代表团赴铜仁市考察，先后到碧江区、万山区察看项目，并与铜仁市召开协作座谈会。"
    kinds = [c[0] for c in found(text, index)]
    assert kinds == ["visit", "meeting"]


def test_what_is_held_during_a_visit_takes_its_leader(index):
    text = ("6月10日至12日，市委书记率嘉兴市党政代表团赴阿拉尔考察。11日上午，嘉兴·阿拉尔对口支援联席会议在阿拉尔召开。"
            "现场还集中签约合作项目6个。")
    got = found(text, index)
    assert [(k, d, r) for k, _, _, d, r in got] == [
        ("visit", "2024-06-10", "top"), ("meeting", "2024-06-11", "top"), ("project", "2024-06-11", "top")]


def test_leaders_who_address_a_meeting_rank_it_and_what_is_signed_at_it(index):
    text = ("3月8日，台州市·凉山州东西部协作联席会议以视频方式召开。台州市委副书记、市长，凉山州委副书记、州长分别出席会议并讲话。"
            "会上，两地签订了2024年协作协议。")
    assert [(k, d, r) for k, _, _, d, r in found(text, index)] == [("meeting", "2024-03-08", "top"), ("agreement", "2024-03-08", "top")]


def test_trainees_titles_do_not_rank_a_class_but_who_opens_it_does(index):
    opened = "4月8日，日喀则市乡镇党委书记培训班在上海开班，50名乡镇党委书记参加培训。上海市合作交流办主任出席开班仪式并讲话。"
    assert [r for *_, r in found(opened, index)] == ["official"]
    assert [r for *_, r in found("9月，安顺市中小学校长研修班在青岛举办，40名校长参加。", index)] == ["none"]


def test_a_class_named_after_its_trainees_place_is_theirs(index):
    text = "此前，4月，东莞市已在本市举办昭通市乡村振兴带头人培训班，培训学员50名。"
    assert found(text, index) == [("training", "CN-530600", "CN-441900", "2024-04", "none")]


def test_totals_counts_plans_wishes_labels_and_postponements_are_not_events(index):
    for text in (
        "2024年，绍兴市向阿坝州投入财政援助资金2.3亿元，实施协作项目87个。",
        "据统计，2018年以来，泉州市累计投入帮扶资金9亿元，选派干部人才600余人次，为宁夏固原市培训干部1.1万人次。",
        "据悉，下一步两市将深化园区共建，并计划于今年下半年组织代表团赴无锡回访，同期在无锡举办延安红色旅游推介会。",
        "名古屋市长表示，名古屋愿与南京在会展领域加强合作，并邀请南京市民届时到名古屋参观博览会。",
        "受疫情影响，原定于今年3月在宁波举办的丽江市文旅推介会推迟举办。",
        "截至目前，青岛已与30多个国家的60个城市缔结友好城市关系。",
        "10月，大连市与日本、韩国等国友好城市代表共同出席东北亚城市合作论坛。",
        "2022年，东莞市深入贯彻落实粤黔东西部协作联席会议精神，与毕节市携手推进各项协作任务。",
    ):
        assert found(text, index) == [], text
    labelled = "2021年东西部协作\n【高层互访】　5月，州委书记率凉山州党政代表团赴佛山考察学习。"
    assert [(k, o, d) for k, o, d, *_ in found(labelled, index, None)] == [("visit", "CN-513400", "CN-440600")]


def test_next_day_counts_from_the_last_day_and_a_reception_points_back(index):
    text = "5月6日，蒙巴萨市长率代表团访问宁波。他说，蒙巴萨曾于2019年承办国际博览会。次日，代表团出席在宁波举办的蒙巴萨经贸推介会。"
    assert [(k, d) for k, _, _, d, _ in found(text, index)] == [("visit", "2024-05-06"), ("promotion", "2024-05-07")]
    signed = "4月9日，蒙巴萨市长率代表团访问广州。广州市长会见了代表团一行。\n\n会见后，双方签署了《广州市与蒙巴萨市友好交流合作备忘录》。"
    assert [(k, d) for k, _, _, d, _ in found(signed, index)] == [("visit", "2024-04-09"), ("agreement", "2024-04-09")]


def test_ordinary_words_holding_short_names_are_not_places(index):
    text = "6月2日，梧州市代表团赴深圳考察港口物流和安居工程，并向深圳市民和企业推介旅游资源。"
    assert found(text, index) == [("visit", "CN-450400", "CN-440300", "2024-06-02", "none")]


def test_aid_cadres_arriving_and_cadres_received_from_the_other_side(index):
    text = "7月8日，江苏省第十批援疆干部人才共260人抵达伊犁州，开始为期三年的援疆工作。这批援疆干部人才中，党政干部80人。"
    assert found(text, index, dt.date(2022, 7, 12)) == [("cadre_exchange", "CN-320000", "CN-654000", "2022-07-08", "none")]
    received = "今年以来，福州市共接收定西市挂职干部28名，分布在市直部门和各区。"
    assert [(k, o, d) for k, o, d, *_ in found(received, index)] == [("cadre_exchange", "CN-621100", "CN-350100")]


def test_a_year_total_of_secondments_is_not_a_restatement_of_a_batch(index):
    text = "2023年东西部协作工作总结\n\n3月，余姚市选派5名干部赴安龙县挂职。全年还选派教师、医生等专业技术人才40名到安龙县开展帮扶。"
    assert [(k, d) for k, _, _, d, _ in found(text, index, dt.date(2024, 1, 20))] == [("cadre_exchange", "2023-03"), ("cadre_exchange", "2023")]


def test_a_clause_after_a_semicolon_keeps_the_date_and_districts_sign_their_own(index):
    text = ("5月23日，厦门·临夏东西部扶贫协作联席会议在临夏召开。会上，两市签署了《2018年东西部扶贫协作协议》；"
            "厦门市思明区与临夏州和政县签订了结对帮扶协议。")
    got = [(k, o, d, date) for k, o, d, date, _ in found(text, index, dt.date(2018, 5, 25))]
    assert ("agreement", "CN-350203", "CN-622925", "2018-05-23") in got and len(got) == 3


def test_a_promotion_pointed_back_to_is_the_same_and_its_signing_is_dated_by_it(index):
    again = "9月20日，铜仁市旅游推介会在苏州市举行。推介会上，铜仁市文旅局通过视频展示、专题推介等形式展示了铜仁的山水风光。"
    assert found(again, index) == [("promotion", "CN-520600", "CN-320500", "2024-09-20", "none")]
    signed = ("5月16日，凉山州文旅推介会在杭州市举行，凉山州副州长出席并致辞。\n\n推介会上，凉山州文旅局局长与杭州市文化广电旅游局局长"
              "代表双方签订了《杭州·凉山文旅合作协议》。")
    assert [(k, d) for k, _, _, d, _ in found(signed, index)] == [("promotion", "2024-05-16"), ("agreement", "2024-05-16")]
