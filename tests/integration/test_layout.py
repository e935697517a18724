"""The package's layout rules: small modules that say what they own, and imports only downward
(the import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "analysis"
MAX_LINES = 400
# an empty package marker (__init__.py) holds nothing to describe
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.read_text(encoding="utf-8").strip())


def module_id(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def test_the_package_has_modules():
    assert len(MODULES) > 20 and PACKAGE / "paths.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_module_is_small_and_opens_with_a_short_docstring(path: Path):
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert lines <= MAX_LINES, f"{module_id(path)} has {lines} lines (at most {MAX_LINES})"
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring, f"{module_id(path)} does not open with a docstring saying what it owns"
    summary = docstring.split("\n\n")[0].strip().splitlines()
    assert len(summary) <= 2, f"{module_id(path)}: the docstring's opening paragraph has {len(summary)} lines (one or two)"


def test_import_contracts_hold():
    # the lint-imports next to this interpreter: the one requirements.lock installed
    lint_imports = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
