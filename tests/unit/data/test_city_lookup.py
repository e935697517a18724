"""Finding a city in a loaded cities frame by id or name."""

import pandas as pd
import pytest

from analysis.data.city_lookup import CityNotFound, resolve_city
from analysis.data.load import load_raw
from tests.unit.data.conftest import VALID

CITIES = pd.DataFrame({
    "city_id": ["CN-511900", "CN-310109", "CN-330700", "CN-621200", "DE-1", "CN-511921", "CN-632500", "CN-460000"],
    "name_zh": ["巴中市", "虹口区", "金华市", "陇南市", None, "通江县", "海南藏族自治州", "海南省"],
    "name_en": ["Bazhong", "Hongkou", "Jinhua", "Longnan", "Dannenberg", "Tongjiang", None, "Hainan"],
})


@pytest.mark.parametrize(
    "query, city_id",
    [
        ("CN-330700", "CN-330700"),
        ("cn-330700", "CN-330700"),
        ("巴中市", "CN-511900"),
        (" 巴中 ", "CN-511900"),  # without 市
        ("虹口", "CN-310109"),  # without 区
        ("通江", "CN-511921"),  # without 县
        ("dannenberg", "DE-1"),
        ("BAZHONG", "CN-511900"),
        ("海南省", "CN-460000"),  # the full name wins over another city's short name
    ],
)
def test_ids_and_names_resolve(query, city_id):
    assert resolve_city(CITIES, query) == city_id


def test_a_suffixed_query_finds_a_city_written_without_it():
    cities = pd.DataFrame({"city_id": ["CN-1"], "name_zh": ["巴中"], "name_en": [None]})
    assert resolve_city(cities, "巴中市") == "CN-1"


def test_ambiguous_name_lists_the_ids():
    with pytest.raises(CityNotFound) as info:
        resolve_city(CITIES, "海南")
    assert str(info.value) == "city '海南' is ambiguous: CN-460000, CN-632500"


def test_unknown_name_suggests_close_names():
    with pytest.raises(CityNotFound) as info:
        resolve_city(CITIES, "巴中县x")
    assert str(info.value) == "city '巴中县x' is not in the cities table; closest: 巴中"
    with pytest.raises(CityNotFound) as info:
        resolve_city(CITIES, "Nowhere")
    assert str(info.value) == "city 'Nowhere' is not in the cities table"


def test_resolves_in_loaded_data():
    cities = load_raw(VALID).cities
    assert resolve_city(cities, "巴中市") == "CN-511900"
    assert resolve_city(cities, "天府新区") == "CN-TIANFU"  # an overlay city
