"""The dependency graph: glob overlap (against brute force), edges from reads and writes, refusals."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

import pytest

from analysis.pipeline.graph import GraphError, dependencies, globs_overlap, sequential_order, targets_overlap


def _regex(glob: str) -> re.Pattern:
    out = ""
    for part in re.split(r"(\*\*|\*|\?)", glob):
        out += {"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
    return re.compile(out + r"\Z")


PATTERNS = ["a/*", "a/**", "a/b", "*/b", "a/*.csv", "a/p*.csv", "a/*x", "**", "a?b", "ab*", "*", "b/**/c", "a/b/c"]
ALPHABET = "ab/cx.sv"


def test_overlap_agrees_with_brute_force_over_short_paths():
    """Independent route: enumerate every path up to 5 characters and match both globs by regex."""
    paths = ["".join(p) for n in range(6) for p in itertools.product(ALPHABET, repeat=n)]
    paths += ["a/x.csv", "a/px.csv", "b/x/y/c", "a/b/c"]
    regexes = {g: _regex(g) for g in PATTERNS}
    for a, b in itertools.combinations_with_replacement(PATTERNS, 2):
        witness = any(regexes[a].match(p) and regexes[b].match(p) for p in paths)
        assert globs_overlap(a, b) == witness == globs_overlap(b, a), (a, b)


def test_overlap_on_the_project_globs():
    assert globs_overlap("out/results/tables/*", "out/results/tables/power.*")
    assert not globs_overlap("out/results/tables/activity_logit.*", "out/results/tables/activity_logit_pooled.*")
    assert not globs_overlap("out/results/figures/*", "out/results/figures/x/y.png")  # * stays in one folder
    assert globs_overlap("out/**", "out/results/figures/x/y.png")
    assert fnmatchcase("out/results/numbers.json", "out/results/numbers.json")
    assert targets_overlap("out/results/numbers.json", "out/results/numbers.json#power")
    assert not targets_overlap("out/results/numbers.json#power", "out/results/numbers.json#multiverse")
    assert targets_overlap("out/results/numbers.json#m*", "out/results/numbers.json#multiverse")


@dataclass
class J:
    label: str
    reads: tuple = ()
    writes: tuple | None = ()
    report: bool = False


def test_edges_follow_reads_and_writes_and_the_report_comes_last():
    jobs = [J("00", ("raw/**",), ()), J("10", ("raw/**",), ("out/panel.parquet",)),
            J("20", ("out/panel.parquet",), ("out/t/a.csv", "out/n.json#a")),
            J("25[1]", ("out/panel.parquet",), ("out/f/y_1.png",)), J("50", (), ("out/t/p.csv", "out/n.json#p")),
            J("90", ("out/t/*", "out/n.json"), ("out/r.html",), report=True)]
    deps = dependencies(jobs)
    assert deps == {"00": set(), "10": set(), "20": {"10"}, "25[1]": {"10"}, "50": set(),
                    "90": {"00", "10", "20", "25[1]", "50"}}
    assert sequential_order(jobs, deps) == ["00", "10", "20", "25[1]", "50", "90"]
    # a reader placed before its writer in NN order still runs after it
    late = [J("05", ("out/x",), ("out/y",)), J("06", (), ("out/x",))]
    assert sequential_order(late, dependencies(late)) == ["06", "05"]


def test_an_undeclared_notebook_keeps_the_sequential_order():
    jobs = [J("00", (), ("out/a",)), J("10", (), None), J("20", (), ("out/b",))]
    assert dependencies(jobs) == {"00": set(), "10": {"00"}, "20": {"10"}}


def test_two_writers_of_one_file_and_a_cycle_are_refused_naming_them():
    with pytest.raises(GraphError) as err:
        dependencies([J("30", (), ("out/n.json#power",)), J("50", (), ("out/n.json#p*",)),
                      J("60", ("out/c",), ("out/d",)), J("70", ("out/d",), ("out/c",))])
    text = str(err.value)
    assert "30 and 50 both write out/n.json#power / out/n.json#p*" in text
    assert "cycle" in text and "60" in text and "70" in text
