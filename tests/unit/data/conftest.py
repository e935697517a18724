"""Raw-data folders for the data-layer tests: copies of the valid fixture, and malformed cases laid over it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Callable

import pytest

TESTS = Path(__file__).resolve().parents[2]
VALID = TESTS / "fixtures" / "valid"
MALFORMED = TESTS / "malformed"
# case -> the exact text of every problem it produces (what `python -m analysis validate` prints)
PROBLEM_TEXTS: dict[str, list[str]] = json.loads((TESTS / "fixtures" / "malformed_problems.json").read_text(encoding="utf-8"))


def lay_out(case: Path, target: Path) -> Path:
    """A copy of the valid fixture with a malformed case's files laid over it (and its DELETE list removed)."""
    folder = target / "data"
    shutil.copytree(VALID, folder)
    for path in case.rglob("*"):
        if path.is_file() and path.name not in ("README", "DELETE"):
            dest = folder / path.relative_to(case)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    if (case / "DELETE").exists():
        for rel in (case / "DELETE").read_text(encoding="utf-8").split():
            (folder / rel).unlink()
    return folder


def file_digests(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under a folder."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def valid_copy(tmp_path: Path) -> Path:
    """A writable copy of ``tests/fixtures/valid``."""
    target = tmp_path / "data"
    shutil.copytree(VALID, target)
    return target


@pytest.fixture
def malformed(tmp_path: Path) -> Callable[[str], Path]:
    """``malformed(case)``: a folder holding that malformed case."""
    return lambda case: lay_out(MALFORMED / case, tmp_path / case)
