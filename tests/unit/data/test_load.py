"""Loading validated data: ``load_raw`` (validates every time) and ``load_validated`` (validates
once per set of inputs, then reads the stored copy)."""

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.data import load, validate
from analysis.data.load import RawDataError, input_digest, load_raw, load_validated
from analysis.paths import ProjectPaths
from tests.unit.data.conftest import VALID, file_digests


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
def test_encodings_and_workbooks_load_to_the_same_frames(valid_copy, reference, convert):
    folder = valid_copy
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


def test_load_raw_raises_with_every_problem(valid_copy):
    folder = valid_copy
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


def test_validation_never_modifies_raw_files(valid_copy):
    folder = valid_copy
    before = file_digests(folder)
    load_raw(folder)
    (folder / "events" / "2023.csv").write_text("event_id,date\nbad,2023年13月\n", encoding="utf-8")
    before_bad = file_digests(folder)
    with pytest.raises(RawDataError):
        load_raw(folder)
    assert file_digests(folder) == before_bad
    assert {k: v for k, v in before.items() if k != "events/2023.csv"} == {
        k: v for k, v in file_digests(folder).items() if k != "events/2023.csv"
    }
    assert file_digests(VALID) == file_digests(VALID)  # and the fixture itself is only read


def test_header_only_files_and_omitted_optional_columns_load(valid_copy):
    folder = valid_copy
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


# --------------------------------------------------------------------------- load_validated


def _assert_same(a, b) -> None:
    for name in ("cities", "relationships", "events", "city_years"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.sources == b.sources and list(a.sources) == list(b.sources)
    assert a.files == b.files


@pytest.fixture
def validations(monkeypatch) -> list[Path]:
    """Records every folder ``validate_raw`` is called for (and still validates)."""
    calls: list[Path] = []
    real = validate.validate_raw

    def counting(data_dir):
        calls.append(Path(data_dir))
        return real(data_dir)

    monkeypatch.setattr(validate, "validate_raw", counting)
    return calls


def _refuse_validation(monkeypatch) -> None:
    def fail(data_dir):
        raise AssertionError("validated again")

    monkeypatch.setattr(validate, "validate_raw", fail)


def test_second_load_reads_the_stored_copy(valid_copy, tmp_path, monkeypatch, reference):
    paths = ProjectPaths(valid_copy, tmp_path / "out")
    first = load_validated(paths)
    _assert_same(first, reference)
    assert sorted(p.name for p in (paths.processed / "raw").iterdir()) == [
        "cities.parquet", "city_years.parquet", "digest.txt", "events.parquet", "observed_years.parquet", "raw.json",
            "relationships.parquet",
    ]
    _refuse_validation(monkeypatch)
    _assert_same(load_validated(paths), first)


def test_a_changed_raw_file_is_validated_again(valid_copy, tmp_path, validations):
    paths = ProjectPaths(valid_copy, tmp_path / "out")
    before = load_validated(paths)
    with open(valid_copy / "events" / "2023.csv", "a", encoding="utf-8") as fh:
        fh.write("E2023-9,2023-12-01,,巴中市,虹口区,meeting,,,,,,,src_a,\n")
    after = load_validated(paths)
    assert len(validations) == 2
    assert len(after.events) == len(before.events) + 1 and "E2023-9" in set(after.events["event_id"])
    load_validated(paths)
    assert len(validations) == 2  # the new copy is stored in turn


def test_changed_package_source_is_validated_again(valid_copy, tmp_path, validations, monkeypatch):
    paths = ProjectPaths(valid_copy, tmp_path / "out")
    load_validated(paths)
    old = input_digest(valid_copy)
    monkeypatch.setattr(load, "tree_sha256", lambda root: "a stricter rule")
    assert input_digest(valid_copy) != old
    load_validated(paths)
    assert len(validations) == 2


def test_the_digest_covers_every_raw_file_and_nothing_else(valid_copy):
    digest = input_digest(valid_copy)
    (valid_copy / "README.md").write_text("notes about the data\n", encoding="utf-8")
    assert input_digest(valid_copy) == digest
    (valid_copy / "SOURCES.yaml").write_text((VALID / "SOURCES.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert input_digest(valid_copy) != digest


def test_bad_data_raise_every_problem_and_are_not_stored(valid_copy, tmp_path, validations):
    text = (valid_copy / "relationships.csv").read_text(encoding="utf-8")
    (valid_copy / "relationships.csv").write_text(
        text.replace("sister_city", "twin").replace(",active,2023,", ",alive,2023,"), encoding="utf-8")
    paths = ProjectPaths(valid_copy, tmp_path / "out")
    for attempt in (1, 2):
        with pytest.raises(RawDataError) as info:
            load_validated(paths)
        assert [(p.line, p.column) for p in info.value.problems] == [(3, "status"), (4, "kind")]
        assert len(validations) == attempt  # a refusal is never remembered as valid
    assert not (paths.processed / "raw" / "digest.txt").exists()


def test_load_validated_never_writes_into_the_raw_folder(valid_copy, tmp_path):
    before = file_digests(valid_copy)
    load_validated(ProjectPaths(valid_copy, tmp_path / "out"))
    assert file_digests(valid_copy) == before


def test_default_data_come_back_exactly(tmp_path, monkeypatch):
    paths = ProjectPaths.from_params("data/raw", tmp_path)
    validated = load_validated(paths)
    _refuse_validation(monkeypatch)
    _assert_same(load_validated(paths), validated)
