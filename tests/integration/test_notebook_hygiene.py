"""Every committed notebook is clean, declares its parameters, and agrees with the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.pipeline.notebooks import NOTEBOOK_NAME, read_spec
from analysis.pipeline.params import RUNTIME_NAMES, SCHEMA, defaults
from analysis.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"


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
    assert {"data_dir", "out_dir"} & set(spec.parameters), "parameters cell should declare data_dir/out_dir"
    for reads in spec.reads:
        assert reads.lstrip("!").split("/", 1)[0] in ("raw", "out"), reads


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameter_defaults_match_params_file(path: Path):
    spec = read_spec(path)
    params = defaults()
    for name, value in spec.parameters.items():
        if name in RUNTIME_NAMES:
            continue
        assert name in SCHEMA, f"{path.name} declares unknown parameter {name!r}"
        assert value == params[name], f"{path.name}: default {name}={value!r} differs from params/default.yaml ({params[name]!r})"
