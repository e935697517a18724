"""Reading raw files: encodings, workbooks, line numbers, and the loaded frames."""

import csv
import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.data.files import RawDataError, Problem, load_raw, raw_files, read_table

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"


def _copy_valid(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(VALID, target)
    return target


def _csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.csv"))


def _to_gb18030(folder: Path) -> None:
    for path in _csv_files(folder):
        path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))


def _to_bom(folder: Path) -> None:
    for path in _csv_files(folder):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _to_xlsx(folder: Path) -> None:
    for path in _csv_files(folder):
        wb = openpyxl.Workbook()
        ws = wb.active
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            ws.append(row)
        wb.save(path.with_suffix(".xlsx"))
        path.unlink()


@pytest.fixture(scope="module")
def reference():
    return load_raw(VALID)


@pytest.mark.parametrize("convert", [_to_gb18030, _to_bom, _to_xlsx], ids=["gb18030", "utf8-bom", "xlsx"])
def test_encodings_and_workbooks_load_to_the_same_frames(tmp_path, reference, convert):
    folder = _copy_valid(tmp_path)
    convert(folder)
    raw = load_raw(folder)
    pd.testing.assert_frame_equal(raw.relationships, reference.relationships)
    pd.testing.assert_frame_equal(raw.cities, reference.cities)
    pd.testing.assert_frame_equal(raw.city_years, reference.city_years)
    events, ref_events = raw.events.drop(columns="file"), reference.events.drop(columns="file")
    pd.testing.assert_frame_equal(events, ref_events)
    suffix = ".xlsx" if convert is _to_xlsx else ".csv"
    assert set(raw.events["file"]) == {f"events/2022{suffix}", f"events/2023{suffix}"}
    assert raw.sources == reference.sources


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


def test_raw_files_lists_every_input(tmp_path):
    folder = _copy_valid(tmp_path)
    (folder / "README.md").write_text("about the data\n", encoding="utf-8")
    (folder / "events" / "~$2023.xlsx").write_bytes(b"lock file")
    names = [p.relative_to(folder).as_posix() for p in raw_files(folder)]
    assert names == ["SOURCES.yaml", "cities.csv", "city_years.csv", "events/2022.csv", "events/2023.csv", "relationships.csv"]


def test_csv_lines_are_physical_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n\n1,"two\nlines"\n3,4\n', encoding="utf-8")
    table = read_table(path, "t.csv")
    assert list(table.frame.index) == [3, 5]  # blank line 2 skipped; the quoted value spans 3-4
    assert table.frame.loc[3, "b"] == "two\nlines"


def test_cells_are_read_as_text_and_trimmed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n007, 1.50 \nNA,\n", encoding="utf-8")
    frame = read_table(path, "t.csv").frame
    assert frame["a"].tolist() == ["007", "NA"] and frame["b"].tolist() == ["1.50", ""]


def test_workbook_cells_become_csv_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["year", "date", "amount", "blank"])
    ws.append([2013, dt.datetime(2023, 3, 17), 1.5, None])
    wb.save(tmp_path / "t.xlsx")
    frame = read_table(tmp_path / "t.xlsx", "t.xlsx").frame
    assert frame.loc[2].tolist() == ["2013", "2023-03-17", "1.5", ""]


def test_undecodable_file_is_a_problem(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n\xff\xff\xff,1\n")
    table = read_table(path, "t.csv")
    assert table.problems and table.problems[0].file == "t.csv" and "GB18030" in table.problems[0].message


def test_load_raw_raises_with_every_problem(tmp_path):
    folder = _copy_valid(tmp_path)
    text = (folder / "relationships.csv").read_text(encoding="utf-8")
    (folder / "relationships.csv").write_text(text.replace("sister_city", "twin").replace(",active,2023,", ",alive,2023,"), encoding="utf-8")
    with pytest.raises(RawDataError) as info:
        load_raw(folder)
    problems = info.value.problems
    assert [(p.file, p.line, p.column) for p in problems] == [
        ("relationships.csv", 3, "status"),
        ("relationships.csv", 4, "kind"),
    ]
    assert "relationships.csv:4: column 'kind': value 'twin'" in str(info.value)


def test_problem_text():
    assert str(Problem("events/2023.csv", 14, "destination", "巴中", "ambiguous")) == (
        "events/2023.csv:14: column 'destination': value '巴中': ambiguous"
    )
    assert str(Problem("SOURCES.yaml", None, None, None, "required file is missing")) == "SOURCES.yaml: required file is missing"
    assert str(Problem("a.csv", 2, "x", "", "required value is empty")) == "a.csv:2: column 'x': required value is empty"


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validation_never_modifies_raw_files(tmp_path):
    folder = _copy_valid(tmp_path)
    before = _digest(folder)
    load_raw(folder)
    (folder / "events" / "2023.csv").write_text("event_id,date\nbad,2023年13月\n", encoding="utf-8")
    before_bad = _digest(folder)
    with pytest.raises(RawDataError):
        load_raw(folder)
    assert _digest(folder) == before_bad
    assert {k: v for k, v in before.items() if k != "events/2023.csv"} == {
        k: v for k, v in _digest(folder).items() if k != "events/2023.csv"
    }
    assert _digest(VALID) == _digest(VALID)  # and the fixture itself is only read


def test_header_only_files_and_omitted_optional_columns_load(tmp_path):
    folder = _copy_valid(tmp_path)
    (folder / "events" / "2024.csv").write_text("event_id,date,origin,destination,kind,source\n", encoding="utf-8")
    (folder / "events" / "2021.csv").write_text(
        "event_id,date,origin,destination,kind,source\nE2021-1,2021年5月,巴中,金华,visit,src_a\n", encoding="utf-8"
    )
    (folder / "city_years.csv").write_text("city_id,year\n", encoding="utf-8")
    raw = load_raw(folder)
    row = raw.events.set_index("event_id").loc["E2021-1"]
    assert (row["date"], row["count"], row["topics"], row["file"], row["line"]) == ("2021-05", 1, "", "events/2021.csv", 2)
    assert pd.isna(row["leader_rank"]) and pd.isna(row["delegates"])
    assert len(raw.events) == 7 and raw.city_years.empty
