"""Validation of raw data: a corpus of malformed folders, each refused with its exact location.

Each folder under ``tests/malformed/`` holds the files that differ from
``tests/fixtures/valid/`` (and a ``DELETE`` list of files to remove); its
``README`` says what is wrong. The test lays the case over a copy of the valid
folder and expects exactly the problems listed here: (file, line, column, value).
"""

import shutil

import pandas as pd
import pytest

from analysis.data.validate import validate_raw
from analysis.paths import DEFAULT_DATA_DIR
from tests.unit.data.conftest import MALFORMED, PROBLEM_TEXTS, VALID, file_digests

E22, E23, REL = "events/2022.csv", "events/2023.csv", "relationships.csv"

# case -> every problem it must produce: (file, line, column, value); None where a part does not apply
EXPECTED = {
    "missing_column": [(REL, 1, "kind", None)],
    "unexpected_column": [(E23, 1, "remarks", None)],
    "empty_required_value": [(E23, 3, "origin", "")],
    "empty_source": [(REL, 2, "source", "")],
    "duplicate_relationship_id": [(REL, 5, "relationship_id", "R2")],
    "duplicate_event_id_across_files": [(E23, 4, "event_id", "E2022-1")],
    "relationship_to_itself": [(REL, 4, "city_b", "Bazhong")],
    "same_pair_and_kind_twice": [(REL, 6, "kind", "friendly_exchange")],
    "ambiguous_city": [(E23, 3, "destination", "海南")],
    "unknown_city": [(E22, 3, "destination", "Bazhog")],
    "date_not_in_file_year": [(E23, 3, "date", "2022-05")],
    "date_end_before_date": [(E22, 2, "date_end", "2022-03-15")],
    "established_after_ended": [(REL, 5, "established", "2021-06-10")],
    "relationship_kind_vocabulary": [(REL, 4, "kind", "twin_city")],
    "event_kind_vocabulary": [(E22, 3, "kind", "secondment")],
    "status_vocabulary": [(REL, 3, "status", "alive")],
    "leader_rank_vocabulary": [(E23, 2, "leader_rank", "boss")],
    "topic_vocabulary": [(E23, 3, "topics", "culture;sports")],
    "count_zero": [(E23, 4, "count", "0")],
    "count_negative": [(E22, 3, "count", "-3")],
    "count_not_whole": [(E22, 3, "count", "2.5")],
    "delegates_not_a_number": [(E22, 2, "delegates", "twelve")],
    "amount_not_a_number": [(E22, 4, "amount_cny", "5000万")],
    "latitude_not_a_number": [("cities.csv", 2, "lat", "north")],
    "source_key_missing": [(E23, 3, "source", "src_c")],
    "unknown_relationship_id": [(E22, 4, "relationship_id", "R9")],
    "unparseable_date": [(E22, 3, "date", "2022年13月")],
    "status_as_of_not_a_year": [(REL, 3, "status_as_of", "2023-05")],
    "sources_yaml_malformed": [("SOURCES.yaml", 11, None, None)],
    "sources_yaml_missing": [("SOURCES.yaml", None, None, None)],
    "source_without_title": [("SOURCES.yaml", 8, "title", "src_b")],
    "events_file_not_a_year": [("events/2023-extra.csv", None, None, None)],
    "unquoted_comma": [(E23, 4, None, None)],
    "multiline_note_then_error": [(E22, 4, "kind", "secondment")],
    "gb18030_with_error": [(E23, 2, "leader_rank", "boss")],
    "xlsx_with_error": [("relationships.xlsx", 4, "kind", "twin_city")],
    "overlay_id_wrong_country": [("cities.csv", 2, "city_id", "DE-TIANFU")],
    "relationships_missing": [(REL, None, None, None)],
    "city_year_twice": [("city_years.csv", 4, "year", "2022")],
    "unknown_city_in_relationship": [(REL, 4, "city_b", "Xyzabad")],
    "ambiguous_city_in_relationship": [(REL, 4, "city_b", "Gladstone")],
    "duplicate_header_column": [("city_years.csv", 1, "population", None)],
    "both_csv_and_xlsx": [("relationships.xlsx", None, None, None)],
    "event_to_itself": [(E23, 3, "destination", "Bazhong")],
    "event_relationship_other_places": [(E23, 3, "relationship_id", "R3")],
    "covers_unknown_city": [("SOURCES.yaml", 10, "cities", "Bazhog")],
    "covers_unknown_relationship": [("SOURCES.yaml", 10, "relationships", "R9")],
    "covers_range_reversed": [("SOURCES.yaml", 9, "years", "2023-2021")],
    "covers_year_out_of_range": [("SOURCES.yaml", 9, "years", "1850")],
    "covers_unknown_key": [("SOURCES.yaml", 10, "covers", "city")],
}

# words each case's message must hold (beyond its location)
MESSAGE_HOLDS = {
    "missing_column": ["missing"],
    "unexpected_column": ["unexpected column"],
    "ambiguous_city": ["ambiguous, candidates: ", "海南省 (CN-460000)", "海南藏族自治州 (CN-632500)", "海南区 (CN-150303)"],
    "unknown_city": ["unknown city", "巴中市 (CN-511900)"],
    "ambiguous_city_in_relationship": ["Gladstone (AU-2165478)", "Gladstone (US-4387990)", "'Name, CC'"],
    "relationship_kind_vocabulary": ["sister_city, friendly_exchange, east_west_pairing"],
    "topic_vocabulary": ["'sports'", "poverty_alleviation"],
    "source_key_missing": ["src_c", "SOURCES.yaml"],
    "date_not_in_file_year": ["2023"],
    "duplicate_event_id_across_files": ["events/2022.csv:2"],
    "same_pair_and_kind_twice": ["R1"],
    "unparseable_date": ["month 13"],
    "established_after_ended": ["ended"],
    "date_end_before_date": ["before"],
    "event_to_itself": ["to itself", "巴中市 (CN-511900)"],
    # the relationship's places and the event's; line 2 (a district of the prefecture) is not refused
    "event_relationship_other_places": ["巴中市 (CN-511900) and Dannenberg (DE-2938991)", "金华市 (CN-330700) and 巴中市 (CN-511900)"],
}


def test_corpus_is_complete():
    cases = {p.name for p in MALFORMED.iterdir() if p.is_dir()}
    assert cases == set(EXPECTED) == set(PROBLEM_TEXTS)
    assert len(cases) >= 25
    for case in cases:
        assert (MALFORMED / case / "README").read_text(encoding="utf-8").strip(), f"{case} has no README"


def test_valid_fixture_has_no_problems():
    result = validate_raw(VALID)
    assert result.problems == [] and result.data is not None


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_malformed_case_is_refused_at_its_location(case, malformed):
    folder = malformed(case)
    result = validate_raw(folder)
    assert result.data is None
    found = [(p.file, p.line, p.column, p.value) for p in result.problems]
    assert found == EXPECTED[case], "\n".join(map(str, result.problems))
    for problem in result.problems:
        text = str(problem)
        location = problem.file if problem.line is None else f"{problem.file}:{problem.line}:"
        assert text.startswith(location)
        if problem.column is not None:
            assert f"column '{problem.column}'" in text
        if problem.value:
            assert f"value '{problem.value}'" in text
    for words in MESSAGE_HOLDS.get(case, []):
        assert words in str(result.problems[0])
    assert [str(p) for p in result.problems] == PROBLEM_TEXTS[case]  # word for word


def test_every_problem_is_reported_at_once_and_sorted(tmp_path):
    # several cases laid over one folder: all their problems come back together
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    for case in ("unknown_city", "status_vocabulary", "count_zero"):
        for path in (MALFORMED / case).rglob("*.csv"):
            shutil.copyfile(path, folder / path.relative_to(MALFORMED / case))
    problems = validate_raw(folder).problems
    assert [(p.file, p.line, p.column) for p in problems] == [
        (E22, 3, "destination"),
        (E23, 4, "count"),
        (REL, 3, "status"),
    ]


def test_missing_data_folder_is_a_problem(tmp_path):
    result = validate_raw(tmp_path / "nowhere")
    assert len(result.problems) == 1 and "does not exist" in result.problems[0].message


@pytest.mark.parametrize("case", ["ambiguous_city", "gb18030_with_error", "xlsx_with_error"])
def test_raw_files_are_byte_identical_after_validation(case, malformed):
    folder = malformed(case)
    before = file_digests(folder)
    validate_raw(folder)
    assert file_digests(folder) == before


def test_many_rows_over_many_files_validate_with_names_resolved(tmp_path):
    # how fast this runs at 100,000 rows is measured in bench/, not here
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    names = {"巴中市": "CN-511900", "虹口区": "CN-310109", "Bazhong": "CN-511900", "Jinhua": "CN-330700",
             "金华": "CN-330700", "Dannenberg": "DE-2938991", "天府新区": "CN-TIANFU", "CN-511900": "CN-511900"}
    per_year = 400
    for year in range(2010, 2015):  # beside the fixture's 2022 and 2023
        idx = pd.RangeIndex(per_year)
        frame = pd.DataFrame({
            "event_id": [f"G{year}-{k}" for k in idx],
            "date": [f"{year}-{k % 12 + 1:02d}-{k % 28 + 1:02d}" if k % 3 else f"{year}年{k % 12 + 1}月" for k in idx],
            "origin": [list(names)[k % len(names)] for k in idx],
            # an event never runs from a place to itself, and names R1 only between its two places
            "destination": ["巴中市" if names[list(names)[k % len(names)]] == "CN-310109" else "虹口区" for k in idx],
            "kind": "visit",
            "leader_rank": "top",
            "topics": "economy;culture",
            "count": [str(k % 4 + 1) for k in idx],
            "relationship_id": ["R1" if k % 2 and names[list(names)[k % len(names)]] in ("CN-511900", "CN-310109") else ""
                                for k in idx],
            "source": "src_a",
        })
        frame.to_csv(folder / "events" / f"{year}.csv", index=False)
    result = validate_raw(folder)
    assert result.problems == []
    events = result.data.events.set_index("event_id")
    assert len(events) == 5 * per_year + 6
    for k in range(len(names)):
        assert events.at[f"G2012-{k}", "origin"] == names[list(names)[k]]
    assert events.at["G2012-3", "date"] == "2012-04" and events.at["G2012-3", "date_precision"] == "month"
    assert events.loc[events.index.str.startswith("G"), "count"].sum() == 5 * per_year // 4 * (1 + 2 + 3 + 4)


@pytest.mark.skipif(not (DEFAULT_DATA_DIR / "relationships.csv").exists(), reason="default dataset not transcribed yet")
def test_default_dataset_validates():
    result = validate_raw(DEFAULT_DATA_DIR)
    assert result.problems == [], "\n".join(map(str, result.problems[:30]))
    raw = result.data
    used = {k for col in (raw.relationships["source"], raw.events["source"]) for v in col for k in v.split(";")}
    assert used <= set(raw.sources)  # every source key resolves
    assert (raw.relationships["source"] != "").all() and (raw.events["source"] != "").all()  # no row lacks a source
