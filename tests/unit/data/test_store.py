"""The stored copy of a RawData: exact round trip (dtypes, None and NaN), digests, refusals."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.data.load import load_raw
from analysis.data.rawdata import RawData
from analysis.data.store import DIGEST_FILE, META_FILE, column_types, read_raw_data, stored_digest, write_raw_data
from tests.unit.data.conftest import VALID


def _frames() -> dict[str, pd.DataFrame]:
    cities = pd.DataFrame({
        "city_id": pd.Series(["CN-1", "DE-2", "CN-3"], dtype="str"),
        "name_zh": pd.Series(["巴中市", None, math.nan], dtype=object),  # None and NaN side by side
        "population": [1.5e6, math.nan, 3.0],
    })
    relationships = pd.DataFrame({
        "relationship_id": pd.Series(["R1", "R2"], dtype="str"),
        "established": pd.array([2013, None], dtype="Int64"),
        "note": pd.Series([math.nan, "x"], dtype=object),
    })
    events = pd.DataFrame({
        "event_id": pd.Series(["E1"], dtype="str"),
        "year": np.array([2023], dtype="int64"),
        "relationship_id": pd.Series([None], dtype=object),
    })
    city_years = pd.DataFrame(columns=["city_id", "year"])  # an absent file: empty, object columns
    return {"cities": cities, "relationships": relationships, "events": events, "city_years": city_years}


def _raw(**changes) -> RawData:
    sources = {"src_b": {"title": "B", "covers": [{"years": "2018-2019", "cities": ["巴中市"]}]}, "src_a": {"title": "A"}}
    return RawData(**(_frames() | changes), sources=sources, files=["SOURCES.yaml", "relationships.csv"])


def _assert_same(a: RawData, b: RawData) -> None:
    for name in ("cities", "relationships", "events", "city_years"):
        left, right = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(left, right, check_exact=True)
        # assert_frame_equal takes None and NaN as equal; the frames must not
        assert left.map(lambda v: v is None).equals(right.map(lambda v: v is None)), name
    assert a.sources == b.sources and list(a.sources) == list(b.sources) and a.files == b.files


def test_frames_come_back_exactly(tmp_path):
    raw = _raw()
    write_raw_data(raw, tmp_path, "d1")
    back = read_raw_data(tmp_path, "d1")
    _assert_same(back, raw)
    assert back.cities["name_zh"].iloc[1] is None and isinstance(back.cities["name_zh"].iloc[2], float)
    assert str(back.cities["city_id"].dtype) == "str" and str(back.relationships["established"].dtype) == "Int64"


@pytest.mark.parametrize("folder", [VALID, "data/raw"], ids=["fixture", "default data"])
def test_validated_data_come_back_exactly(tmp_path, folder):
    raw = load_raw(folder)
    write_raw_data(raw, tmp_path, "d1")
    _assert_same(read_raw_data(tmp_path, "d1"), raw)


def test_missing_values_are_recorded_by_kind():
    types = column_types(_frames()["cities"])
    assert types["name_zh"] == {"dtype": "object", "missing": "None", "except": {"nan": [2]}}
    assert types["population"] == {"dtype": "float64"}


def test_another_digest_or_no_copy_reads_as_none(tmp_path):
    assert read_raw_data(tmp_path, "d1") is None and stored_digest(tmp_path) is None
    write_raw_data(_raw(), tmp_path, "d1")
    assert stored_digest(tmp_path) == "d1"
    assert read_raw_data(tmp_path, "d2") is None


def test_a_half_replaced_copy_reads_as_none(tmp_path):
    write_raw_data(_raw(), tmp_path / "a", "d1")
    write_raw_data(_raw(), tmp_path / "b", "d2")
    # another run has replaced the events but not yet the digest file
    (tmp_path / "b" / "events.parquet").replace(tmp_path / "a" / "events.parquet")
    assert stored_digest(tmp_path / "a") == "d1"
    assert read_raw_data(tmp_path / "a", "d1") is None
    (tmp_path / "a" / META_FILE).write_text("{not json", encoding="utf-8")
    assert read_raw_data(tmp_path / "a", "d1") is None


def test_what_would_not_come_back_exactly_is_refused_before_writing(tmp_path):
    cities = _frames()["cities"].assign(name_zh=pd.Series(["a", 1, None], dtype=object))
    with pytest.raises(ValueError, match="other than text"):
        write_raw_data(_raw(cities=cities), tmp_path, "d1")
    with pytest.raises(ValueError, match="indexed"):
        write_raw_data(_raw(events=_frames()["events"].set_axis([5])), tmp_path, "d1")
    raw = _raw()
    raw.sources["src_a"]["covers"] = [{2018: "int keys become text in JSON"}]
    with pytest.raises(ValueError, match="JSON"):
        write_raw_data(raw, tmp_path, "d1")
    assert not (tmp_path / DIGEST_FILE).exists() and not list(tmp_path.iterdir())
