"""The typed frames of valid data: columns of the contract, dtypes, parsed dates, resolved ids."""

import pandas as pd
import pytest

from analysis.data.contract import LOADED_CITY_COLUMNS, LOADED_EVENT_COLUMNS, LOADED_RELATIONSHIP_COLUMNS
from analysis.data.validate import validate_raw
from tests.unit.data.conftest import VALID


@pytest.fixture(scope="module")
def reference():
    return validate_raw(VALID).data


def test_frames_have_the_contract_columns(reference):
    assert list(reference.cities.columns) == LOADED_CITY_COLUMNS
    assert list(reference.relationships.columns) == LOADED_RELATIONSHIP_COLUMNS
    assert list(reference.events.columns) == LOADED_EVENT_COLUMNS


def test_loaded_frames_follow_the_interface(reference):
    ev = reference.events
    assert list(ev.columns) == [
        "event_id", "date", "date_precision", "year", "month", "date_end", "origin", "destination", "kind",
        "leader_rank", "topics", "delegates", "amount_cny", "count", "relationship_id", "source", "note", "file", "line",
    ]
    first = ev.set_index("event_id").loc["E2022-1"]
    assert (first["date"], first["date_precision"], first["month"], first["date_end"]) == ("2022-03-17", "day", 3, "2022-03-19")
    assert (first["origin"], first["destination"], first["file"], first["line"]) == ("CN-511900", "CN-310109", "events/2022.csv", 2)
    year_only = ev.set_index("event_id").loc["E2022-3"]
    assert year_only["date_precision"] == "year" and pd.isna(year_only["month"])
    assert year_only["count"] == 1 and year_only["amount_cny"] == 5e7  # blank count means 1
    assert ev.set_index("event_id").loc["E2023-3", "count"] == 2
    assert ev["delegates"].dtype == "Int64" and ev["count"].dtype == "int64" and ev["year"].dtype == "int64"
    assert pd.isna(ev.set_index("event_id").loc["E2022-2", "relationship_id"])

    rel = reference.relationships.set_index("relationship_id")
    assert (rel.loc["R2", "established"], rel.loc["R2", "established_date"], rel.loc["R2", "established_precision"]) == (2021, "2021-04", "month")
    assert rel.loc["R4", "city_a"] == "CN-TIANFU" and rel.loc["R4", "ended"] == 2020
    assert rel["established"].dtype == "Int64" and rel["status_as_of"].dtype == "Int64"

    cities = reference.cities.set_index("city_id")
    assert set(cities.index) == {"CN-511900", "CN-310109", "CN-330700", "DE-2938991", "CN-TIANFU", "CN-500157"}
    assert cities.loc["CN-TIANFU", "region"] == "west"

    cy = reference.city_years
    assert list(cy["city_id"]) == ["CN-511900", "CN-511900"] and list(cy["year"]) == [2022, 2023]
    assert cy["gdp_cny"].iloc[1] == 8e10
    assert reference.sources["src_a"]["title"].startswith("巴中市")
    assert reference.files == [
        "SOURCES.yaml", "cities.csv", "city_years.csv", "events/2022.csv", "events/2023.csv", "relationships.csv",
    ]


def test_folders_without_events_or_relationships_rows_give_empty_frames(valid_copy):
    header = (VALID / "relationships.csv").read_text(encoding="utf-8").splitlines()[0]
    (valid_copy / "relationships.csv").write_text(header + "\n", encoding="utf-8")
    for path in (valid_copy / "events").iterdir():
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    (valid_copy / "city_years.csv").unlink()
    raw = validate_raw(valid_copy).data
    assert raw.relationships.empty and list(raw.relationships.columns) == LOADED_RELATIONSHIP_COLUMNS
    assert raw.events.empty and list(raw.events.columns) == LOADED_EVENT_COLUMNS
    assert raw.city_years.empty and list(raw.city_years.columns) == ["city_id", "year"]
    assert set(raw.cities["city_id"]) == {"CN-TIANFU"}  # the overlay's own cities stay
