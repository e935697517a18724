"""``python -m analysis validate``: the summary of valid data (exit 0), or every problem (exit 2)."""

import pytest

from analysis.data.summary import main, summary
from analysis.data.validate import validate_raw
from tests.unit.data.conftest import PROBLEM_TEXTS, VALID, file_digests


def test_main_prints_summary_and_returns_0(capsys):
    assert main(VALID) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{VALID}: valid\n")
    assert "Relationships by kind and status" in out and "Events by year and kind" in out and "Cities by country" in out
    assert "east_west_pairing" in out and "DE: 1" in out


def test_summary_counts():
    text = summary(validate_raw(VALID).data)
    assert text.splitlines()[0] == "4 relationships, 6 event rows (9 events counted), 6 cities, 2 sources, 6 files"
    events = text[text.index("Events by year and kind"):text.index("Cities by country")].splitlines()
    assert events[-2].split()[0] == "total" and events[-2].split()[-1] == "9"


@pytest.mark.parametrize("case", sorted(PROBLEM_TEXTS))
def test_main_prints_every_problem_and_returns_2(case, malformed, capsys):
    folder = malformed(case)
    before = file_digests(folder)
    assert main(folder) == 2
    captured = capsys.readouterr()
    problems = PROBLEM_TEXTS[case]
    assert captured.err.splitlines() == problems + [f"{len(problems)} problem(s) in {folder}; nothing was changed"]
    assert captured.out == ""
    assert file_digests(folder) == before
