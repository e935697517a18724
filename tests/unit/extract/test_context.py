"""Whole documents: the document's own year, dates inherited through a document, the page's
home city, totals and restatements that are no events."""

from __future__ import annotations

import datetime as dt

from analysis.extract import context as cx
from analysis.extract.dates import find_dates
from analysis.extract.events import analyse
from analysis.extract.reading import clean_text, read_text


def found(text, index, published):
    return [(c.kind, c.origin, c.destination, c.date) for c in analyse(text, index, published).candidates]


def test_a_work_summary_dates_its_months_in_its_own_year():
    text = "某区2023年协作工作总结\n发布时间：2024年1月16日\n2023年，两地协作深入推进。\n一、高层互访\n2月，甲市代表团赴乙县考察。"
    dates = {d.text: d.date for d in find_dates(text, dt.date(2024, 1, 16))}
    assert dates["2月"] == "2023-02"
    assert "2024年1月16日" not in dates  # the publication line dates the page, not an event
    news = "2月，甲市代表团赴乙县考察。"  # the same month in plain news: the publication's year
    assert find_dates(news, dt.date(2024, 3, 1))[0].date == "2024-02"


def test_bare_days_and_relative_days_count_from_the_last_date():
    text = "6月7日，推介会在广州举行。推介会前一天，代表团抵达广州。9日上午，座谈会召开。18号楼"
    dates = [(d.text, d.date) for d in find_dates(text, dt.date(2023, 6, 9))]
    assert ("前一天", "2023-06-06") in dates and ("9日", "2023-06-09") in dates
    assert all(t != "18号" for t, _ in dates)


def test_dateline_and_title_lines_are_not_joined_to_the_article():
    text, _ = clean_text("湖州市党政代表团来广安考察深化协作\n来源：广安日报 2022-04-11 08:35\n\n4月8日至9日，湖州市代表团来广安考察。")
    assert "08:35\n" in text and "\n4月8日" in text
    assert read_text("政府工作报告\n——2022年1月20日在某市人民代表大会上\n各位代表：").published == dt.date(2022, 1, 20)


def test_refers_back_takes_the_meeting_date(index):
    text = "9月13日，延边州·宁波市对口合作联席会议在宁波召开。\n日前，延边州党政代表团抵达宁波考察。\n会上，两地签署框架协议。"
    got = found(text, index, dt.date(2021, 9, 14))
    assert ("agreement", "CN-222400", "CN-330200", "2021-09-13") in got


def test_totals_restatements_and_old_pairings_are_not_events(index):
    pub = dt.date(2021, 11, 25)
    assert found("新一轮协作开展以来，常州市与西宁市党政领导累计互访18次。", index, pub) == []
    assert found("常州市与西宁市于1982年10月8日结为友好城市。", index, pub) == []
    assert found("今年以来，常州市累计选派12名干部到西宁市挂职。", index, pub)  # a year's total is dated


def test_home_city_from_the_source_line(index):
    text = "我市代表团赴深圳考察\n来源：哈尔滨日报\n7月12日，我市党政代表团赴深圳市考察学习。"
    assert cx.home_place(text, analyse(text, index, dt.date(2018, 7, 16)).places) == "CN-230100"


def test_a_leader_named_once_with_a_title_keeps_rank_and_side(index):
    text = "4月26日，安顺市副市长杨红梅出席推介会。次日，杨红梅一行拜访了青岛市协作办。"
    names = cx.leader_names(text, analyse(text, index, dt.date(2017, 4, 28)).places)
    assert names["杨红梅"] == ("senior", "CN-520400")
    assert ("visit", "CN-520400", "CN-370200", "2017-04-27") in found(text, index, dt.date(2017, 4, 28))
