"""Licences, CITATION.cff and `make lab`: what a researcher needs to publish, cite and open the work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib

import jsonschema
import pytest
import yaml

from analysis.paths import PROJECT_ROOT

SCHEMA = PROJECT_ROOT / "tests" / "fixtures" / "citation-file-format-1.2.0.schema.json"  # from cffconvert 2.0.0
CFF = PROJECT_ROOT / "CITATION.cff"


def _cff() -> dict:
    return yaml.safe_load(CFF.read_text(encoding="utf-8"))


def test_citation_cff_is_valid_under_the_cff_1_2_schema():
    cff = _cff()
    for key in ("cff-version", "message", "title", "authors", "version", "license"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    jsonschema.validate(cff, json.loads(SCHEMA.read_text(encoding="utf-8")))
    bad = dict(cff, authors=[{"nickname": None}])
    with pytest.raises(jsonschema.ValidationError):  # the schema does check something
        jsonschema.validate(bad, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_citation_agrees_with_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    cff = _cff()
    assert cff["version"] == project["version"]
    assert project["license"] in cff["license"] and "CC-BY-4.0" in cff["license"]


def test_cffconvert_validates_the_file():
    exe = shutil.which("cffconvert") or shutil.which("cffconvert", path=str(PROJECT_ROOT / ".venv" / "bin"))
    if exe is None:
        pytest.skip("cffconvert is not installed (it pins jsonschema<4, so it is not in the lock); "
                    "the schema test above checks the same CFF 1.2.0 schema")
    out = subprocess.run([exe, "--validate", "-i", str(CFF)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_licences_are_stated_for_code_and_data():
    code = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in code
    data = (PROJECT_ROOT / "data" / "raw" / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data and "creativecommons.org/licenses/by/4.0" in data
    assert "keeps its own rights" in data  # the cited documents are not relicensed
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for pointer in ("LICENSE", "data/raw/LICENSE", "CITATION.cff", "make lab"):
        assert pointer in readme, f"README does not mention {pointer}"


def test_make_lab_opens_jupyterlab_on_notebooks_with_the_environment():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # run as make's child (make test) it would inherit MAKEFLAGS/MAKELEVEL and print directory lines
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    out = subprocess.run(["make", "--no-print-directory", "-n", "lab"], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, check=True, env=env)
    command = out.stdout.strip().splitlines()[-1]  # after any setup steps the stamp needs
    assert "-m jupyterlab --notebook-dir=notebooks" in command
    assert command.split()[0].endswith("/bin/python")  # the environment's own interpreter
    # the python3 kernel JupyterLab offers is this interpreter (jupyter_client maps "python" to sys.executable)
    from jupyter_client.kernelspec import KernelSpecManager
    argv = KernelSpecManager().get_kernel_spec("python3").argv
    assert argv[0] in ("python", "python3", sys.executable)


def test_environment_yml_parses_as_a_binder_environment():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] and "conda-forge" in env["channels"]
    deps = env["dependencies"]
    assert any(str(d).startswith("python=3.") for d in deps) and "pip" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    # every package pinned; the project itself installed from the checkout (repo2docker runs from its root)
    assert "-e ." in pip and all("==" in p for p in pip if p != "-e .")
    assert any(p.startswith("jupyterlab==") for p in pip) and any(p.startswith("ipykernel==") for p in pip)
