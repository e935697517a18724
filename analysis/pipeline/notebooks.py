"""Discovering the pipeline's notebooks and what each declares.

A notebook declares its parameters in the cell tagged ``parameters`` and, in its
metadata under ``analysis``, the files it reads (``reads``: globs starting ``raw/`` or
``out/``) and writes (``writes``: globs under ``out/``; ``#key`` names keys of a JSON file,
``{year}`` the year of a per-year job; see ``graph``), whether it runs once per year (``per_year``), where an HTML rendering
without code goes (``html``) and whether it is the report (``report``: the runner
writes ``results/tables/what_changed.csv`` and a ``results/manifest.json`` with status
"running" just before it runs).

Notebooks are read as plain JSON (nbformat would import jsonschema, seconds on a no-op run).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.paths import NOTEBOOKS_DIR

NOTEBOOK_NAME = re.compile(r"^(\d{2})_[a-z0-9_]+\.ipynb$")


@dataclass(frozen=True)
class NotebookSpec:
    path: Path
    parameters: dict[str, Any]  # declared names and their defaults (as written)
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] | None = None  # None: not declared (the graph treats it as a barrier)
    per_year: bool = False
    html: str | None = None
    report: bool = False
    code: tuple[str, ...] = field(default=(), repr=False)  # source of code cells
    parameters_cell_index: int = 0

    @property
    def name(self) -> str:
        return self.path.stem


def _literal_assignments(source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    try:
                        out[t.id] = ast.literal_eval(node.value) if node.value is not None else None
                    except ValueError:
                        out[t.id] = None
    return out


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def read_spec(path: str | Path) -> NotebookSpec:
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    if nb.get("nbformat") != 4:
        raise ValueError(f"{path.name}: not a version 4 notebook (nbformat {nb.get('nbformat')!r})")
    cells = nb.get("cells", [])
    params: dict[str, Any] = {}
    params_index = -1
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            params = _literal_assignments(_source(cell))
            params_index = i
            break
    if params_index < 0:
        raise ValueError(f"{path.name}: no cell tagged 'parameters'")
    meta = nb.get("metadata", {}).get("analysis", {})
    writes = meta.get("writes")
    return NotebookSpec(
        path=path,
        parameters=params,
        reads=tuple(meta.get("reads", ())),
        writes=tuple(writes) if writes is not None else None,
        per_year=bool(meta.get("per_year", False)),
        html=meta.get("html"),
        report=bool(meta.get("report", False)),
        code=tuple(_source(c) for c in cells if c.get("cell_type") == "code"),
        parameters_cell_index=params_index,
    )


def discover(notebooks_dir: str | Path = NOTEBOOKS_DIR) -> list[NotebookSpec]:
    """The pipeline notebooks (``NN_verb_object.ipynb``) in NN order."""
    paths = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))
    return [read_spec(p) for p in paths]


def select(specs: list[NotebookSpec], only: list[str] | None) -> list[NotebookSpec]:
    """Subset by name, stem or NN prefix (``10``, ``10_build_panel``, ``10_build_panel.ipynb``)."""
    if not only:
        return specs
    wanted: list[NotebookSpec] = []
    unknown: list[str] = []
    for item in only:
        key = Path(item).name.removesuffix(".ipynb")
        hits = [s for s in specs if s.name == key or s.name.split("_", 1)[0] == key]
        if not hits:
            unknown.append(item)
        wanted.extend(h for h in hits if h not in wanted)
    if unknown:
        names = ", ".join(s.name for s in specs)
        raise KeyError(f"unknown notebook(s): {', '.join(unknown)}; known: {names}")
    return [s for s in specs if s in wanted]
