"""The command line: exit codes and what is refused before any notebook runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from analysis.paths import PROJECT_ROOT
from analysis.pipeline.cli import EXIT_FAILED, EXIT_INVALID, main

from tests.conftest import make_notebook

pytestmark = pytest.mark.costly(25)  # seconds: started first (conftest.py)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_failing_cell_exits_1_and_names_the_cell(tmp_path, tiny_raw, monkeypatch):
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "10_broken.ipynb", 'out_dir = "."',
                  ["x = 1", "# compute the ratio\nratio = x / 0\nprint(ratio)", "print('never')"])
    monkeypatch.setattr("analysis.pipeline.cli.check_raw_data", lambda paths: [])
    out = tmp_path / "out"
    code = main(["run", "--notebooks", str(nbdir), "--data-dir", str(tiny_raw), "--out", str(out)])
    assert code == EXIT_FAILED
    executed = out / "reports/executed/10_broken.ipynb"
    assert executed.exists()  # the partial copy is kept
    m = json.loads((out / "results/manifest.json").read_text())
    assert m["status"] == "failed"
    err = m["notebooks"][0]["error"]
    assert "10_broken.ipynb" in err and "cell 4" in err  # markdown, parameters, x = 1, then this one
    assert "ratio = x / 0" in err and "ZeroDivisionError" in err


def test_a_notebook_declaring_an_unknown_parameter_is_refused(tmp_path, tiny_raw, monkeypatch, capsys):
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "10_odd.ipynb", 'out_dir = "."\nthreshold = 2', ["pass"])
    monkeypatch.setattr("analysis.pipeline.cli.check_raw_data", lambda paths: [])
    code = main(["run", "--notebooks", str(nbdir), "--data-dir", str(tiny_raw), "--out", str(tmp_path / "out")])
    assert code == EXIT_INVALID
    assert "10_odd.ipynb: parameters cell declares 'threshold'" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["missing", "inside"])
def test_bad_folders_are_refused(tmp_path, tiny_raw, capsys, where):
    if where == "missing":
        args, expected = ["--data-dir", str(tmp_path / "nothing")], "does not exist"
    else:
        args, expected = ["--data-dir", str(tiny_raw), "--out", str(tiny_raw / "out")], "inside the raw-data folder"
    assert main(["run", *args]) == EXIT_INVALID
    assert expected in capsys.readouterr().err
    assert not (tiny_raw / "out").exists()


def test_bad_parameter_exits_2_before_any_notebook(tmp_path):
    out = tmp_path / "out"
    proc = _cli("run", "--set", "end_yaer=2024", "--out", str(out))
    assert proc.returncode == EXIT_INVALID
    assert "end_yaer" in proc.stderr and "end_year" in proc.stderr
    assert not out.exists()  # nothing ran, nothing was written


def test_bad_raw_data_exits_2_before_any_notebook(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "tests/fixtures/valid", raw)
    rel = raw / "relationships.csv"
    rel.write_text(rel.read_text(encoding="utf-8").replace("friendly_exchange", "twin_town", 1), encoding="utf-8")
    out = tmp_path / "out"
    proc = _cli("run", "--data-dir", str(raw), "--out", str(out))
    assert proc.returncode == EXIT_INVALID
    assert "relationships.csv:2: column 'kind': value 'twin_town'" in proc.stderr
    assert not (out / "reports/executed").exists()


def test_clean_removes_outputs_and_never_raw_data(tmp_path, tiny_raw):
    out = tmp_path / "out"
    for d in ("data/processed", "results/tables", "reports/executed"):
        (out / d).mkdir(parents=True)
        (out / d / "x.txt").write_text("x")
    assert main(["clean", "--out", str(out), "--data-dir", str(tiny_raw)]) == 0
    assert not (out / "data/processed").exists() and not (out / "results").exists()
    assert not (out / "reports").exists()
    assert (tiny_raw / "relationships.csv").exists()


@pytest.mark.parametrize("fresh", [False, True])
def test_notebooks_share_the_kept_kernel_unless_fresh_kernels_is_given(tmp_path, tiny_raw, monkeypatch, fresh):
    nbdir, out = tmp_path / "nbs", tmp_path / "out"
    for name in ("10_first", "20_second"):  # each writes its kernel's process id; 20 waits for 10 (it reads its file)
        make_notebook(nbdir / f"{name}.ipynb", 'out_dir = "."',
                      [f"import os\nfrom pathlib import Path\nPath(out_dir, '{name}.pid').write_text(str(os.getpid()))"],
                      reads=["out/10_first.pid"] if name == "20_second" else [], writes=[f"out/{name}.pid"])
    monkeypatch.setattr("analysis.pipeline.cli.check_raw_data", lambda paths: [])
    args = ["run", "--notebooks", str(nbdir), "--data-dir", str(tiny_raw), "--out", str(out), "--jobs", "1"]
    assert main(args + (["--fresh-kernels"] if fresh else [])) == 0
    pids = [(out / f"{name}.pid").read_text() for name in ("10_first", "20_second")]
    assert (pids[0] != pids[1]) is fresh
