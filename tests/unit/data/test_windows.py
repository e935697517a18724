"""Observation windows: ``covers`` blocks resolved to relationship-years, and the warning for an
event outside every window of its source."""

import shutil
from pathlib import Path

import pytest

from analysis.data.summary import main as validate_main
from analysis.data.validate import validate_raw
from analysis.data.windows import declared, parse_years
from tests.unit.data.conftest import VALID

COVERS_A = "  covers:\n    - years: 2022\n      cities: [巴中市]\n    - years: 2020-2021\n      relationships: [R4]\n"


def _with_covers(tmp_path: Path, covers_a: str = "", covers_b: str = "") -> Path:
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    lines = (folder / "SOURCES.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    # src_a ends at line 7 (its note), src_b at the end of the file
    (folder / "SOURCES.yaml").write_text("".join(lines[:7]) + covers_a + "".join(lines[7:]) + covers_b, encoding="utf-8")
    return folder


def test_no_covers_anywhere_means_no_windows_and_no_warnings():
    result = validate_raw(VALID)
    assert result.problems == [] and result.warnings == []
    assert result.data.observed_years.empty and list(result.data.observed_years) == ["relationship_id", "year", "source"]
    assert not declared(result.data.sources)


def test_blocks_resolve_to_relationship_years(tmp_path):
    # src_a: 2022 for every relationship with Bazhong (R1-R3), 2020-2021 for R4;
    # src_b: a block with neither cities nor relationships = the relationships citing src_b (R3, R4)
    folder = _with_covers(tmp_path, COVERS_A, "  covers:\n    - years: 2023\n")
    result = validate_raw(folder)
    assert result.problems == []
    got = sorted(map(tuple, result.data.observed_years.to_numpy().tolist()))
    assert got == [("R1", 2022, "src_a"), ("R2", 2022, "src_a"), ("R3", 2022, "src_a"), ("R3", 2023, "src_b"),
                   ("R4", 2020, "src_a"), ("R4", 2021, "src_a"), ("R4", 2023, "src_b")]
    assert declared(result.data.sources)
    # E2023-1 (R1, 2023) cites src_a and src_b, neither of which watched R1 in 2023: two warnings at its line
    assert [(w.file, w.line, w.value) for w in result.warnings] == [("events/2023.csv", 2, "src_a"), ("events/2023.csv", 2, "src_b")]
    assert "outside every window" in result.warnings[0].message


def test_validate_prints_warnings_and_still_succeeds(tmp_path, capsys):
    folder = _with_covers(tmp_path, COVERS_A)
    assert validate_main(folder) == 0
    out = capsys.readouterr().out
    assert "warning: events/2023.csv:2: column 'source': value 'src_a'" in out
    # E2023-2 cites src_b only, which has no covers: no warning for it
    assert "events/2023.csv:3" not in out


@pytest.mark.parametrize("value, expected", [
    (2019, ((2019, 2019), None)), ("2018-2019", ((2018, 2019), None)), ("2018 – 2020", ((2018, 2020), None)),
    ("2019-2018", (None, "the range ends (2018) before it starts (2019)")),
    (1899, (None, "a year outside 1900-2100")), ("2018/19", (None, "years must be one year or an inclusive range such as 2018-2019")),
    (None, (None, "years must be one year or an inclusive range such as 2018-2019")),
])
def test_years_are_one_year_or_an_inclusive_range(value, expected):
    assert parse_years(value) == expected


def test_every_covers_problem_at_once(tmp_path):
    folder = _with_covers(tmp_path, "  covers:\n    - years: 2022-2020\n      cities: [Bazhog]\n    - cities: [巴中市]\n",
                          "  covers: 2022\n")
    problems = [(p.line, p.column, p.value) for p in validate_raw(folder).problems]
    assert problems == [(9, "years", "2022-2020"), (10, "cities", "Bazhog"), (11, "years", None), (18, "covers", None)]
