"""Shared fixtures: tiny notebooks and raw folders built in temporary directories."""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf
import pytest

from analysis.pipeline.params import defaults


def make_notebook(path: Path, params_src: str, cells: list[str], reads: list[str] | None = None,
                  per_year: bool = False, html: str | None = None, report: bool = False,
                  writes: list[str] | None = None) -> Path:
    """Write a minimal pipeline notebook (parameters cell first, then ``cells``); without ``writes``
    it declares none (the runner then keeps it in NN order)."""
    nb = nbf.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "analysis": {"reads": reads or [], "per_year": per_year, **({"html": html} if html else {}),
                     **({"report": True} if report else {}), **({"writes": writes} if writes is not None else {})},
    }
    nb.cells = [nbf.v4.new_markdown_cell(f"# {path.stem}"),
                nbf.v4.new_code_cell(params_src, metadata={"tags": ["parameters"]})]
    nb.cells += [nbf.v4.new_code_cell(src) for src in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbf.write(nb, path)
    return path


@pytest.fixture
def default_params() -> dict:
    return defaults()


@pytest.fixture
def tiny_raw(tmp_path: Path) -> Path:
    """A raw folder with two event years; content is irrelevant to the runner tests."""
    raw = tmp_path / "raw"
    (raw / "events").mkdir(parents=True)
    (raw / "relationships.csv").write_text("relationship_id,city_a,city_b\nr1,A,B\n", encoding="utf-8")
    (raw / "events" / "2023.csv").write_text("event_id,date\ne1,2023-01-02\n", encoding="utf-8")
    (raw / "events" / "2024.csv").write_text("event_id,date\ne2,2024-05\n", encoding="utf-8")
    (raw / "SOURCES.yaml").write_text("s1: {title: t}\n", encoding="utf-8")
    return raw
