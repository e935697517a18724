"""The gazetteer: name resolution, ambiguity, suggestions, the overlay."""

import pandas as pd
import pytest

from analysis.data import gazetteer as gz
from analysis.data.contract import LOADED_CITY_COLUMNS


@pytest.fixture(scope="module")
def gaz():
    return gz.build_gazetteer()


@pytest.mark.parametrize(
    "name, city_id",
    [
        ("CN-511900", "CN-511900"),
        ("cn-511900", "CN-511900"),
        ("巴中市", "CN-511900"),
        ("巴中", "CN-511900"),
        ("Bazhong", "CN-511900"),
        ("bazhong", "CN-511900"),
        ("Bazhong City", "CN-511900"),
        ("虹口区", "CN-310109"),
        ("虹口", "CN-310109"),
        ("Hongkou", "CN-310109"),
        ("Hangzhou", "CN-330100"),
        ("杭州", "CN-330100"),
        ("金华市", "CN-330700"),
        ("Jinhua", "CN-330700"),
        ("丽水", "CN-331100"),
        ("闵行区", "CN-310112"),
        ("凉山", "CN-513400"),  # 凉山彝族自治州 without its ethnic suffix
        ("四川省", "CN-510000"),
        ("Sichuan", "CN-510000"),
        ("上海", "CN-310000"),
        ("CN-310100", "CN-310000"),  # the municipality's duplicate prefecture code
        ("重庆市", "CN-500000"),
        ("北京市朝阳区", "CN-110105"),  # a parent's name qualifies an ambiguous one
        ("吉林市", "CN-220200"),  # the suffix picks the city over the province
        ("Dannenberg", "DE-2938991"),
        ("Asti", "IT-3182714"),
        ("Gladstone, AU", "AU-2165478"),
    ],
)
def test_names_resolve(gaz, name, city_id):
    result = gaz.resolve(name)
    assert result.ok, gaz.describe(result)
    assert result.city_id == city_id


@pytest.mark.parametrize(
    "name, expected",
    [
        ("海南", {"CN-460000", "CN-632500", "CN-150303"}),  # province, 海南藏族自治州, 海南区
        ("吉林", {"CN-220000", "CN-220200"}),  # without the suffix: the province or the city
        ("朝阳区", {"CN-110105", "CN-220104"}),
        ("Gladstone", {"AU-2165478", "US-4387990", "US-5728429"}),
        ("Suzhou", {"CN-320500", "CN-341300"}),  # 苏州, 宿州
    ],
)
def test_ambiguous_names_list_their_candidates(gaz, name, expected):
    result = gaz.resolve(name)
    assert result.status == "ambiguous" and result.city_id is None
    assert expected <= set(result.candidates)
    message = gaz.describe(result)
    assert message.startswith("ambiguous, candidates: ")
    for cid in expected:
        assert f"({cid})" in message


@pytest.mark.parametrize(
    "name, closest",
    [("Bazhog", "CN-511900"), ("巴钟", "CN-511900"), ("Hangzou", "CN-330100"), ("Dannenburg", "DE-2938991")],
)
def test_unknown_names_suggest_close_ones(gaz, name, closest):
    result = gaz.resolve(name)
    assert result.status == "unknown"
    assert result.candidates[0] == closest
    assert gaz.describe(result).startswith("unknown city; closest names: ")


def test_label_is_name_and_id(gaz):
    assert gaz.label("CN-511900") == "巴中市 (CN-511900)"
    assert gaz.label("DE-2938991") == "Dannenberg (DE-2938991)"


def test_overlay_adds_and_overrides_cities():
    overlay = pd.DataFrame(
        {
            "city_id": ["CN-TIANFU", "CN-511900"],
            "name_zh": ["天府新区", ""],
            "name_en": ["Tianfu New Area", ""],
            "country": ["CN", "CN"],
            "province": ["四川省", ""],
            "level": ["city", ""],
            "lat": ["30.41", "31.9"],
            "lon": ["104.07", ""],
            "population": ["", "3000000"],
        }
    )
    g = gz.build_gazetteer(overlay)
    assert g.resolve("天府新区").city_id == "CN-TIANFU"
    assert g.resolve("tianfu new area").city_id == "CN-TIANFU"
    row = g.cities.loc["CN-TIANFU"]
    assert (row["province_id"], row["region"], row["prefecture_id"], row["lat"]) == ("CN-510000", "west", "CN-TIANFU", 30.41)
    bazhong = g.cities.loc["CN-511900"]
    assert bazhong["lat"] == 31.9 and bazhong["population"] == 3_000_000  # overlay wins where filled
    assert bazhong["name_zh"] == "巴中市" and bazhong["lon"] == pytest.approx(106.747477)  # blank keeps the package value
    # the base gazetteer is not changed by an overlay
    assert "CN-TIANFU" not in gz.build_gazetteer().cities.index


def test_city_table_has_the_interface_columns(gaz):
    table = gz.city_table(gaz, ["CN-511900", "DE-2938991", "CN-511900"])
    assert list(table.columns) == LOADED_CITY_COLUMNS
    assert list(table["city_id"]) == ["CN-511900", "DE-2938991"]
