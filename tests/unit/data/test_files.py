"""Finding the raw files and reading tables as text: encodings, workbooks, line numbers, ``Problem``."""

import datetime as dt

import openpyxl

from analysis.data.files import Problem, event_files, raw_files, read_table, sources_file, table_files


def test_raw_files_lists_every_input(valid_copy):
    folder = valid_copy
    (folder / "README.md").write_text("about the data\n", encoding="utf-8")
    (folder / "events" / "~$2023.xlsx").write_bytes(b"lock file")
    names = [p.relative_to(folder).as_posix() for p in raw_files(folder)]
    assert names == ["SOURCES.yaml", "cities.csv", "city_years.csv", "events/2022.csv", "events/2023.csv", "relationships.csv"]


def test_tables_events_and_sources_are_found_by_name(valid_copy):
    (valid_copy / "relationships.xlsx").write_bytes(b"")
    (valid_copy / "events" / ".2024.csv").write_text("hidden\n", encoding="utf-8")
    (valid_copy / "events" / "notes.txt").write_text("not a table\n", encoding="utf-8")
    assert [p.name for p in table_files(valid_copy, "relationships")] == ["relationships.csv", "relationships.xlsx"]
    assert [p.name for p in event_files(valid_copy)] == ["2022.csv", "2023.csv"]
    assert sources_file(valid_copy).name == "SOURCES.yaml"
    (valid_copy / "SOURCES.yaml").rename(valid_copy / "SOURCES.yml")
    assert sources_file(valid_copy).name == "SOURCES.yml"
    (valid_copy / "SOURCES.yml").unlink()
    assert sources_file(valid_copy) is None


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


def test_header_problems_are_returned_not_raised(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,a,,b\n1,2,3,4,5\n6\n", encoding="utf-8")
    table = read_table(path, "t.csv")
    assert [(p.line, p.column) for p in table.problems] == [(1, "a"), (1, "#3"), (2, None)]
    assert list(table.frame.columns) == ["a", "#3", "b"]  # the first of a duplicated name is kept
    assert table.frame.loc[3].tolist() == ["6", "", ""]  # missing trailing cells are blank


def test_problem_text():
    assert str(Problem("events/2023.csv", 14, "destination", "巴中", "ambiguous")) == (
        "events/2023.csv:14: column 'destination': value '巴中': ambiguous"
    )
    assert str(Problem("SOURCES.yaml", None, None, None, "required file is missing")) == "SOURCES.yaml: required file is missing"
    assert str(Problem("a.csv", 2, "x", "", "required value is empty")) == "a.csv:2: column 'x': required value is empty"
