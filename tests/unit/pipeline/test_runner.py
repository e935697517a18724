"""The notebook runner: order, parameters, caching, failures, manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT, ProjectPaths
from analysis.pipeline.runner import run

from tests.conftest import make_notebook

READ_RAW = """
from pathlib import Path
import hashlib
files = sorted(Path(data_dir).rglob('*.csv'))
Path(out_dir, 'data/processed').mkdir(parents=True, exist_ok=True)
Path(out_dir, 'data/processed/count.txt').write_text(str(len(files)))
"""
USE_PARAM = """
from pathlib import Path
n = Path(out_dir, 'data/processed/count.txt').read_text()
Path(out_dir, 'results').mkdir(exist_ok=True)
Path(out_dir, 'results/param.txt').write_text(f'{n} {min_events}')
"""


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "00_read_raw.ipynb", 'data_dir = "data/raw"\nout_dir = "."', [READ_RAW], reads=["raw/**"])
    make_notebook(nbdir / "10_use_param.ipynb", 'data_dir = "data/raw"\nout_dir = "."\nmin_events = 1',
                  [USE_PARAM], reads=["out/data/processed/count.txt"])
    make_notebook(nbdir / "20_per_year.ipynb", 'out_dir = "."\nyear = None',
                  ["from pathlib import Path\nPath(out_dir, 'results', f'y{year}.txt').write_text(str(year))"],
                  per_year=True, html="reports/years/{year}.html")
    return nbdir


def _statuses(outcome):
    return {r.notebook: r.status for r in outcome.results}


def test_runs_in_order_passes_declared_parameters_and_caches(pipeline, tiny_raw, tmp_path, default_params):
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    lines: list[str] = []
    first = run(dict(default_params, min_events=2), paths, notebooks_dir=pipeline, echo=lines.append)
    assert first.ok
    assert (paths.out_dir / "results/param.txt").read_text() == "3 2"
    assert (paths.out_dir / "results/y2023.txt").read_text() == "2023"
    assert (paths.years / "2024.html").exists() and (paths.executed / "10_use_param.html").exists()
    assert [r.notebook for r in first.results] == ["00_read_raw", "10_use_param", "20_per_year[2023]", "20_per_year[2024]"]
    assert any(l.startswith("[2/4] 10_use_param ... done in") for l in lines)
    # the per-year notebook does not declare min_events, so it must not receive it
    executed = json.loads((paths.executed / "20_per_year_2023.ipynb").read_text())
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])][0]
    assert "min_events" not in "".join(injected["source"])

    # nothing changed: everything is skipped
    lines.clear()
    second = run(dict(default_params, min_events=2), paths, notebooks_dir=pipeline, echo=lines.append)
    assert set(_statuses(second).values()) == {"skipped"}
    assert all(l.endswith("skipped: unchanged") for l in lines)

    # a parameter only 10 receives: only 10 reruns
    third = run(dict(default_params, min_events=3), paths, notebooks_dir=pipeline, echo=lines.append)
    assert _statuses(third) == {"00_read_raw": "skipped", "10_use_param": "ok",
                                "20_per_year[2023]": "skipped", "20_per_year[2024]": "skipped"}

    # a new raw file: 00 reads it and reruns; 10 reads 00's output, which changed; 2025 is a new year
    (tiny_raw / "events" / "2025.csv").write_text("event_id,date\ne3,2025\n", encoding="utf-8")
    fourth = run(dict(default_params, min_events=3), paths, notebooks_dir=pipeline, echo=lines.append)
    assert _statuses(fourth) == {"00_read_raw": "ok", "10_use_param": "ok", "20_per_year[2023]": "skipped",
                                 "20_per_year[2024]": "skipped", "20_per_year[2025]": "ok"}

    # --force reruns everything
    fifth = run(dict(default_params, min_events=3), paths, notebooks_dir=pipeline, force=True, echo=lines.append)
    assert set(_statuses(fifth).values()) == {"ok"}


def test_manifest_holds_hashes_parameters_versions(pipeline, tiny_raw, tmp_path, default_params):
    import hashlib

    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    run(default_params, paths, notebooks_dir=pipeline, echo=lambda s: None, only=["00"])
    m = json.loads(paths.manifest.read_text())
    expected = hashlib.sha256((tiny_raw / "events/2023.csv").read_bytes()).hexdigest()
    assert m["inputs"]["sha256"]["events/2023.csv"] == expected
    assert set(m["inputs"]["sha256"]) == {"relationships.csv", "events/2023.csv", "events/2024.csv", "SOURCES.yaml"}
    assert m["parameters"]["min_events"] == default_params["min_events"]
    assert m["environment"]["packages"]["pandas"] and m["environment"]["python"].startswith("3.")
    assert "commit" in m["git"] and "dirty" in m["git"]
    assert m["notebooks"][0]["notebook"] == "00_read_raw" and m["notebooks"][0]["status"] == "ok"
    assert m["notebooks"][0]["cache_key"] and m["notebooks"][0]["seconds"] > 0


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "run", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_failing_cell_exits_1_and_names_the_cell(tmp_path, tiny_raw, monkeypatch):
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "10_broken.ipynb", 'out_dir = "."',
                  ["x = 1", "# compute the ratio\nratio = x / 0\nprint(ratio)", "print('never')"])
    monkeypatch.setattr("analysis.pipeline.cli.check_raw_data", lambda paths: [])
    from analysis.pipeline.cli import main

    out = tmp_path / "out"
    code = main(["run", "--notebooks", str(nbdir), "--data-dir", str(tiny_raw), "--out", str(out)])
    assert code == 1
    executed = out / "reports/executed/10_broken.ipynb"
    assert executed.exists()  # the partial copy is kept
    m = json.loads((out / "results/manifest.json").read_text())
    assert m["status"] == "failed"
    err = m["notebooks"][0]["error"]
    assert "10_broken.ipynb" in err and "cell 4" in err  # markdown, parameters, x = 1, then this one
    assert "ratio = x / 0" in err and "ZeroDivisionError" in err


def test_timeout_and_dead_kernel_have_their_own_messages(tmp_path, tiny_raw, default_params):
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "10_slow.ipynb", 'out_dir = "."', ["import time\ntime.sleep(30)"])
    make_notebook(nbdir / "20_crash.ipynb", 'out_dir = "."', ["import os\nos._exit(1)"])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    slow = run(dict(default_params, cell_timeout_s=2), paths, notebooks_dir=nbdir, only=["10"], echo=lambda s: None)
    assert slow.results[0].status == "failed" and "cell_timeout_s" in slow.results[0].error
    crash = run(default_params, paths, notebooks_dir=nbdir, only=["20"], echo=lambda s: None)
    assert crash.results[0].status == "failed" and "kernel died" in crash.results[0].error


def test_unknown_notebook_in_only_is_refused(tmp_path, tiny_raw, default_params, pipeline):
    with pytest.raises(KeyError, match="99_nothing"):
        run(default_params, ProjectPaths(tiny_raw, tmp_path / "o"), notebooks_dir=pipeline, only=["99_nothing"])


def test_reads_exclusion_keeps_own_outputs_out_of_the_cache_key(tmp_path, tiny_raw):
    from analysis.pipeline.notebooks import read_spec
    from analysis.pipeline.runner import read_files

    nb = make_notebook(tmp_path / "nbs/90_x.ipynb", 'out_dir = "."', ["pass"],
                       reads=["raw/events/*", "out/results/tables/*", "!out/results/tables/own.csv"])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    (paths.tables).mkdir(parents=True)
    (paths.tables / "model.csv").write_text("a\n1\n")
    (paths.tables / "own.csv").write_text("b\n2\n")
    names = sorted(p.name for p in read_files(read_spec(nb), paths))
    assert names == ["2023.csv", "2024.csv", "model.csv"]


def test_bad_raw_data_exits_2_before_any_notebook(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "tests/fixtures/valid", raw)
    rel = raw / "relationships.csv"
    rel.write_text(rel.read_text(encoding="utf-8").replace("friendly_exchange", "twin_town", 1), encoding="utf-8")
    out = tmp_path / "out"
    proc = _cli("--data-dir", str(raw), "--out", str(out))
    assert proc.returncode == 2
    assert "relationships.csv:2: column 'kind': value 'twin_town'" in proc.stderr
    assert not (out / "reports/executed").exists()
