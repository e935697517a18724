"""The package gazetteer: Chinese adcode units and world cities from the data packages."""

import pandas as pd
import pytest

from analysis.data import gazetteer_data
from analysis.data.contract import LOADED_CITY_COLUMNS


@pytest.fixture(scope="module")
def cities():
    return gazetteer_data.package_cities().cities


def test_package_cities_are_built_once_per_process():
    base = gazetteer_data.package_cities()
    assert gazetteer_data.package_cities() is base
    assert len(base.cities) > 60000
    assert base.cities.index.is_unique
    assert list(base.cities.columns) == LOADED_CITY_COLUMNS[1:]  # indexed by city_id
    assert base.aliases["CN-310100"] == "CN-310000"  # a municipality's duplicate prefecture code
    assert base.full["巴中市"] == ("CN-511900",) and base.short["巴中"] == ("CN-511900",)


def test_chinese_rows_carry_parents_region_and_coordinates(cities):
    c = cities
    bazhong = c.loc["CN-511900"]
    assert (bazhong["level"], bazhong["province_id"], bazhong["prefecture_id"], bazhong["region"]) == (
        "prefecture", "CN-510000", "CN-511900", "west")
    assert bazhong["province"] == "四川省" and bazhong["name_en"] == "Bazhong"
    assert 31 < bazhong["lat"] < 33 and 106 < bazhong["lon"] < 108
    district = c.loc["CN-511902"]  # 巴州区
    assert (district["level"], district["prefecture_id"]) == ("district", "CN-511900")
    hongkou = c.loc["CN-310109"]  # a municipal district belongs to the municipality
    assert (hongkou["prefecture_id"], hongkou["region"]) == ("CN-310000", "east")
    assert c.loc["CN-429004", "prefecture_id"] == "CN-429004"  # 仙桃市: directly under Hubei
    assert c.loc["CN-230100", "region"] == "northeast" and c.loc["CN-420100", "region"] == "central"
    foreign = c.loc["DE-2938991"]
    assert (foreign["country"], foreign["level"]) == ("DE", "foreign") and pd.isna(foreign["prefecture_id"])
    assert foreign["population"] > 1000


def test_every_province_has_a_region_except_hk_mo_tw(cities):
    provinces = cities[(cities["level"] == "province") & (cities["country"] == "CN")]
    missing = set(provinces.index[provinces["region"].isna()])
    assert missing == {"CN-710000", "CN-810000", "CN-820000"}
    assert provinces["region"].value_counts().to_dict() == {"west": 12, "east": 10, "central": 6, "northeast": 3}
