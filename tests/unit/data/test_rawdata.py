"""RawDataError: its message lists the problems (the first fifty) and ``.problems`` holds them all."""

from analysis.data.files import Problem
from analysis.data.rawdata import RawDataError


def test_error_lists_every_problem():
    problems = [Problem("events/2023.csv", 3, "kind", "twin", "not allowed"), Problem("SOURCES.yaml", None, None, None, "missing")]
    error = RawDataError(problems)
    assert error.problems == problems
    assert str(error) == (
        "2 problem(s) in the raw data:\n"
        "events/2023.csv:3: column 'kind': value 'twin': not allowed\n"
        "SOURCES.yaml: missing"
    )


def test_a_long_list_is_cut_in_the_message_only():
    problems = [Problem("a.csv", line, None, None, "bad") for line in range(2, 62)]
    error = RawDataError(problems)
    assert len(error.problems) == 60
    lines = str(error).splitlines()
    assert lines[0] == "60 problem(s) in the raw data:" and lines[50] == "a.csv:51: bad"
    assert lines[-1] == "... and 10 more" and len(lines) == 52
