"""The whole-document corpora of the extraction benchmark pass their checks (``bench/check_corpus.py``,
one checker, each corpus's facts in its ``corpus.yaml``), and the checker catches a broken gold line."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis.data.gazetteer import build_gazetteer
from analysis.paths import PROJECT_ROOT
from bench.check_corpus import check

CORPORA = sorted(p.parent for p in (PROJECT_ROOT / "bench").glob("extraction_news*/corpus.yaml"))


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_each_corpus_passes_its_checks(folder):
    assert check(folder, build_gazetteer()) == []


def test_a_broken_gold_line_is_caught(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPORA[-1], folder)
    lines = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["events"][0] = {**first["events"][0], "origin": "无此地方", "kind": "parade"}
    (folder / "gold.jsonl").write_text("\n".join([json.dumps(first, ensure_ascii=False), *lines[1:]]), encoding="utf-8")
    problems = check(folder, build_gazetteer())
    assert any("does not resolve: 无此地方" in p for p in problems)
    assert any("vocabulary" in p for p in problems)
