"""Every committed notebook is clean, declares only the parameters it uses, with the schema's defaults."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.paths import DEFAULT_DATA_DIR, NOTEBOOKS_DIR, ProjectPaths
from analysis.pipeline.notebooks import NOTEBOOK_NAME, read_spec
from analysis.pipeline.params import RUNTIME_NAMES, SCHEMA
from analysis.pipeline.runner import read_files

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
# what the runner passes in place of these; the committed cells hold the values a plain Jupyter run uses
RUNTIME_DEFAULTS = {"data_dir": "data/raw", "out_dir": ".", "year": None}


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"
    assert set(RUNTIME_DEFAULTS) == set(RUNTIME_NAMES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_declares_parameters(path: Path):
    assert NOTEBOOK_NAME.match(path.name), f"{path.name} is not named NN_verb_object.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") for c in code), "outputs must be stripped"
    assert all(c.get("execution_count") is None for c in code), "execution counts must be stripped"
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert "/work/" not in text and "/home/" not in text and "C:\\" not in text, "absolute path in notebook"
    spec = read_spec(path)
    assert {"data_dir", "out_dir"} <= set(spec.parameters), "parameters cell should declare data_dir and out_dir"
    for reads in spec.reads:
        assert reads.split("/", 1)[0] in ("raw", "out"), reads


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_assigns_the_schema_defaults(path: Path):
    for name, value in read_spec(path).parameters.items():
        if name in RUNTIME_DEFAULTS:
            expected = RUNTIME_DEFAULTS[name]
        else:
            assert name in SCHEMA, f"{path.name} declares unknown parameter {name!r}"
            expected = SCHEMA[name].default
        assert value == expected and type(value) is type(expected), (
            f"{path.name}: {name} = {value!r}, but its default is {expected!r} (analysis/pipeline/params.py)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_declared_parameter_is_used(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    others = "\n".join("".join(c["source"]) for c in nb["cells"]
                       if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    assert "globals()" not in others, f"{path.name}: a notebook names what it uses"
    for name in read_spec(path).parameters:
        assert re.search(rf"\b{name}\b", others), f"{path.name} declares {name!r} but no cell uses it"


def test_one_report_notebook_that_runs_last_and_does_not_hash_the_manifest(tmp_path: Path):
    specs = [read_spec(p) for p in NOTEBOOKS]
    reports = [s for s in specs if s.report]
    assert [s.name for s in reports] == ["90_report"]
    assert specs[-1].report, "the report comes after every notebook whose outputs it shows"
    # the runner rewrites the manifest on every run: in the report's cache key it would rerun it every time
    paths = ProjectPaths(DEFAULT_DATA_DIR, tmp_path)
    paths.ensure_output_dirs()
    for f in (paths.manifest, paths.numbers, paths.tables / "what_changed.csv"):
        f.write_text("{}", encoding="utf-8")
    read = read_files(reports[0], paths)
    assert paths.manifest not in read
    assert paths.numbers in read and paths.tables / "what_changed.csv" in read
