"""Time expressions: absolute and relative, ranges and precision; the fast path agrees with jionlp."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.extract.dates import _jionlp, _simple, find_dates

PUB = dt.date(2024, 5, 20)


def read(text, published=PUB):
    return [(d.text, d.date, d.date_end, d.precision) for d in find_dates(text, published)]


def test_ranges_and_precision():
    assert read("2023年3月17日至18日") == [("2023年3月17日至18日", "2023-03-17", "2023-03-18", "day")]
    assert read("2020年7月30日至8月2日")[0][1:3] == ("2020-07-30", "2020-08-02")
    assert read("2019年9月")[0][1:] == ("2019-09", None, "month")
    assert read("2018年")[0][1:] == ("2018", None, "year")


def test_year_less_dates_take_the_last_date_named():
    found = read("2019年5月15日，签约。同年9月，回访。3月28日，开会。次年，再访。")
    assert [f[1] for f in found] == ["2019-05-15", "2019-09", "2019-03-28", "2020"]


def test_relative_to_publication_and_missing_anchor_warns():
    assert read("日前")[0][1:] == ("2024-05", None, "month")
    assert read("今年4月")[0][1] == "2024-04"
    assert read("去年9月")[0][1] == "2023-09"
    since = find_dates("今年以来", PUB)[0]
    assert since.since and since.date == "2024"
    missing = find_dates("日前，9月", None)
    assert all(d.date is None and d.warning for d in missing)


@pytest.mark.parametrize("expr", ["2023年3月17日", "2021年11月", "2020年7月30日至8月2日", "2019年6月5日至9日"])
def test_fast_path_agrees_with_jionlp(expr):
    assert _simple(expr) == _jionlp(expr, PUB)


def test_chinese_numerals_go_to_jionlp():
    assert read("二〇二三年三月十七日")[0][1] == "2023-03-17"


def test_years_since_publication_is_a_period():
    (d,) = find_dates("两年来，两市互访频繁。", dt.date(2020, 10, 26))
    assert (d.date, d.precision, d.since) == ("2018", "year", True)


def test_totals_and_since_the_pairing_count_from_its_start():
    import re

    from analysis.extract.dates import pairing_dates

    establish = re.compile(r"建立[^，。]{0,8}?结对")
    text = "2021年，甲市与乙市建立东西部结对关系。结对以来，甲市援建产业园3个。截至2023年年底，甲市累计选派干部12名。"
    dates = pairing_dates(text, find_dates(text, dt.date(2024, 1, 1)), establish)
    since = next(d for d in dates if d.text == "结对以来")
    total = next(d for d in dates if d.text.startswith("2023"))
    assert since.date == "2021" and since.since
    assert total.date == "2021" and total.date_end.startswith("2023") and not total.since
    # without an establishment told before, a total keeps its own date
    alone = "截至2023年年底，甲市累计选派干部12名。"
    (kept,) = pairing_dates(alone, find_dates(alone, dt.date(2024, 1, 1)), establish)
    assert kept.date.startswith("2023") and kept.date_end is None


def test_a_source_line_dates_the_item_below_it():
    text = "来源：某市日报，2018-07-06\n7月3日，考察。\n来源：某市日报，2019-04-02\n日前，挂职。首批干部于去年9月出发。\n来源：某市日报，2019-05-25\n5月20日，培训。"
    found = {d.text: d.date for d in find_dates(text, None)}
    assert found["7月3日"] == "2018-07-03" and found["日前"] == "2019-04" and found["去年9月"] == "2018-09"
    assert found["5月20日"] == "2019-05-20"  # its own item's year, not the last month named (2018-09)


def test_an_answer_opening_with_last_year_sets_the_year_of_its_months():
    text = "记者：2023年协作有哪些亮点？\n主任：去年是推进最快的一年。3月，考察。全年选派干部12名。"
    found = {d.text: d.date for d in find_dates(text, dt.date(2024, 1, 10))}
    assert found["3月"] == "2023-03" and found["全年"] == "2023"


def test_a_field_named_time_is_not_the_dateline():
    assert read("到岗时间：2019年2月")[0][1] == "2019-02"
    assert read("时间：2019年2月3日") == []  # a line's own 时间： dates the page
