"""Rules added for recall on whole documents: chronicle days, initial short forms of
autonomous prefectures, openings attended, couples signing, one-character city names the
document explains, layout-table pages, leaders named by title only."""

from __future__ import annotations

import datetime as dt

from analysis.extract.dates import find_dates
from analysis.extract.events import analyse
from analysis.extract.places import find_places
from analysis.extract.reading import read_document


def _events(text, index, published=dt.date(2021, 6, 30)):
    return {(c.kind, c.origin, c.destination, c.date) for c in analyse(text, index, published).candidates}


def test_chronicle_days_take_the_month_line_and_the_year_heading():
    text = "2019年\n3月\n5日—8日甲地代表团赴乙地考察。\n5月\n下旬乙地选派教师到甲地。\n18号楼竣工。"
    read = {d.text: (d.date, d.date_end) for d in find_dates(text, None)}
    assert read["5日—8日"] == ("2019-03-05", "2019-03-08")
    assert read["下旬"] == ("2019-05", None)
    assert "18号" not in read


def test_initial_short_form_of_a_long_autonomous_prefecture_name(index):
    ids = {p.text: p.city_id for p in find_places("湖北省代表团来博州考察，克州、巴州区", index)}
    assert ids["博州"] == "CN-652700" and ids["克州"] == "CN-653000"
    assert ids["巴州区"] == "CN-511902"  # a unit's own name is not taken


def test_a_title_running_into_a_name_is_no_place(index):
    names = [p.text for p in find_places("佛山市市委副书记、市长白海涛会见代表团一行。", index)]
    assert "长白" not in names


def test_an_opening_attended_is_a_project_and_one_project_has_one_event(index):
    found = _events("5月17日，常州市代表团赴安顺市考察。18日，代表团一行出席了常州援建的安顺市职业学校实训楼投用仪式。", index)
    assert ("project", "CN-320400", "CN-520400", "2021-05-18") in found
    one = _events("11月，由苏州援建的铜仁市人民医院住院楼竣工，结束了当地群众需赴贵阳就医的历史。", index)
    assert [k for k in one if k[0] == "project"] == [("project", "CN-320500", "CN-520600", "2021-11")]


def test_couples_signing_one_by_one(index):
    found = _events("6月28日，宁波市海曙区与贞丰县、宁波市北仑区与普安县分别签订了结对帮扶协议。", index)
    assert {(o, d) for k, o, d, _ in found if k == "agreement"} == {("CN-330203", "CN-522325"), ("CN-330206", "CN-522323")}


def test_one_character_name_of_a_city_the_document_names(index):
    ids = [(p.text, p.city_id) for p in find_places("沈阳市代表团来宁考察。南京市。在此期间，", index)]
    assert ("宁", "CN-320100") in ids and not any(t == "此" for t, _ in ids)
    assert not any(p.text == "宁" for p in find_places("沈阳市代表团来宁考察。", index))  # without 南京 no guess


def test_a_meeting_of_one_place_does_not_borrow_the_pair(index):
    found = _events("日前，湖州市代表团来广考察，在广安市举办推介会。在此期间，广安市还召开了全市项目建设推进会。", index)
    assert not any(k == "meeting" for k, *_ in found)


def test_page_laid_out_in_a_table_reads_its_article_block(tmp_path):
    body = "6月7日至9日，甲市代表团赴乙市考察。" * 8
    html = ("<html><head><meta name='PubDate' content='2023-06-09'></head><body><table><tr><td>"
            "<div>发布时间：2023-06-09 17:45 信息来源：某日报 【打印】</div>"
            f"<div id='Zoom'><p>{body}</p><p>8日，两市召开联席会议。</p></div></td><td>相关新闻</td></tr></table></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    text = read_document(path).text
    assert text.startswith("6月7日至9日") and "\n8日，两市召开联席会议。" in text and "发布时间" not in text


def test_talks_by_the_page_cities_leader_named_by_title(index):
    found = _events("来源：昆明日报\n11月8日，市长王建华与泰国清迈市市长举行双边会谈。", index, dt.date(2023, 11, 10))
    assert ("meeting", "CN-530100", "TH-1153671", "2023-11-08") in found or ("meeting", "TH-1153671", "CN-530100", "2023-11-08") in found
