"""Name keys: the lookup form of a name, its form without a suffix, and name -> ids indexes."""

import pytest

from analysis.data.names import is_chinese, key, name_index, short_name


def test_key_folds_width_case_and_spaces():
    assert key("  Bazhong   City ") == "bazhong city"
    assert key("ＢＡＺＨＯＮＧ") == "bazhong"  # full-width letters
    assert key("巴中市") == "巴中市"
    assert key("STRASSE") == key("straße")  # case folding, not lower()


@pytest.mark.parametrize(
    "name, short",
    [("巴中市", "巴中"), ("凉山彝族自治州", "凉山"), ("黔东南苗族侗族自治州", "黔东南"), ("巴音郭楞蒙古自治州", "巴音郭楞"),
     ("内蒙古自治区", "内蒙古"), ("香港特别行政区", "香港"), ("浦东新区", "浦东"), ("和县", None), ("Bazhong", None)],
)
def test_short_names(name, short):
    assert short_name(name) == short


def test_name_index_keeps_first_seen_order_and_skips_blanks():
    index = name_index([("巴中市", "CN-2"), ("Bazhong", "CN-2"), ("bazhong", "CN-1"), ("", "CN-3"), (None, "CN-4")])
    assert index == {"巴中市": ("CN-2",), "bazhong": ("CN-2", "CN-1")}


def test_is_chinese():
    assert is_chinese("Bazhong 巴中") and not is_chinese("Bazhong")
