"""Place tagging: full and short forms, qualified names, foreign cities, ambiguity."""

from __future__ import annotations

from analysis.data.gazetteer import build_gazetteer
from analysis.extract.places import find_places


def ids(text, index):
    return [(p.text, p.city_id) for p in find_places(text, index)]


def test_full_and_short_forms_resolve_like_the_gazetteer(index):
    gaz = build_gazetteer()
    for name in ("巴中市", "巴中", "黔东南苗族侗族自治州", "杜伊斯堡", "光州广域市"):
        found = find_places(f"代表团赴{name}考察", index)
        assert [p.city_id for p in found] == [gaz.resolve(name).city_id], name
    # 黔东南州: the ethnic part left out, 州 kept
    assert ids("黔东南州党政代表团", index) == [("黔东南州", "CN-522600")]


def test_a_parent_followed_by_its_unit_is_the_unit(index):
    assert ids("赴上海市虹口区考察", index) == [("上海市虹口区", "CN-310109")]
    assert ids("四川省巴中市", index) == [("四川省巴中市", "CN-511900")]
    # two neighbouring places that are not parent and child stay two
    assert [p for _, p in ids("巴中市虹口区", index)] == ["CN-511900", "CN-310109"]


def test_overlay_cities_are_found_without_their_province(index, overlay):
    if overlay is None:
        return
    found = ids("四川天府新区与重庆两江新区", index)
    assert [p for _, p in found] == ["CN-X-TIANFU", "CN-X-LIANGJIANG"]
    assert ids("天府新区", index) == [("天府新区", "CN-X-TIANFU")]


def test_ambiguous_name_keeps_alternatives_unless_context_decides(index):
    alone = find_places("朝阳区代表团来访", index)
    assert alone[0].alternatives, "an ambiguous district must list its alternatives"
    in_context = find_places("北京市各区中，朝阳区代表团来访", index)
    district = next(p for p in in_context if p.text == "朝阳区")
    assert district.city_id == "CN-110105" and district.alternatives == ()


def test_country_named_before_a_city_and_short_foreign_words(index):
    found = find_places("德国杜伊斯堡市", index)
    assert found[0].is_country and found[0].country == "DE"
    assert found[1].city_id.startswith("DE-")
    # 流山 (a Japanese city) inside 交流山区 is not a place
    assert ids("交流山区协作工作", index) == []


def test_foreign_aliases_and_a_country_before_a_shadowed_name(index):
    ids = [p.city_id for p in find_places("杭州与瑞士卢加诺、瑞典隆德签署协议；宁夏隆德县", index) if p.city_id]
    assert ids == ["CN-330100", "CH-2659836", "SE-2693678", "CN-640423"]


def test_a_short_name_inside_an_ordinary_word_is_not_the_place(index):
    # 资源 (资源县) inside 人力资源 / 自然资源 is the word, the county only when named as one
    assert ids("广州市人力资源和社会保障局", index) == [("广州市", "CN-440100")]
    assert ids("市自然资源局", index) == []
    assert ids("赴资源县考察", index) == [("资源县", "CN-450329")]


def test_an_ordinary_word_short_name_before_international_is_a_facility(index):
    assert ids("考察了天府国际机场", index) == []
    assert [t for t, _ in ids("赴天府新区考察", index)] == ["天府新区"]  # the full name is the place
    # a city's own short name before a facility still says where it is
    assert ids("考察成都国际铁路港", index) == [("成都", "CN-510100")]


def test_a_leaders_given_name_and_counties_in_general_are_no_places(index):
    assert [p.city_id for p in find_places("州长马永福率队赴厦门市考察", index)] == ["CN-350200"]
    assert "CN-450326" in [p.city_id for p in find_places("代表团赴永福县考察", index)]
    assert [p.text for p in find_places("赴南通市有关部门和县（市、区）挂职", index)] == ["南通市"]
