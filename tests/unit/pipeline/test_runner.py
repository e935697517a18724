"""The notebook runner: order, parameters, caching, failures, the manifest and what the report reads."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline.history import snapshots
from analysis.pipeline.notebooks import read_spec
from analysis.pipeline.runner import read_files, run

from tests.conftest import make_notebook

pytestmark = pytest.mark.costly(30)  # seconds: started first (conftest.py)

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


def test_timeout_and_dead_kernel_have_their_own_messages(tmp_path, tiny_raw, default_params):
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "10_slow.ipynb", 'out_dir = "."', ["print('before the slow cell')", "import time\ntime.sleep(30)"])
    make_notebook(nbdir / "20_crash.ipynb", 'out_dir = "."', ["print('before the crash')", "import os\nos._exit(1)"])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    slow = run(dict(default_params, cell_timeout_s=2), paths, notebooks_dir=nbdir, only=["10"], echo=lambda s: None)
    assert slow.results[0].status == "failed" and "cell_timeout_s" in slow.results[0].error
    crash = run(default_params, paths, notebooks_dir=nbdir, only=["20"], echo=lambda s: None)
    assert crash.results[0].status == "failed" and "kernel died" in crash.results[0].error
    # papermill saves only at the end now: the partially executed copies are written on these failures too
    for stem, printed in (("10_slow", "before the slow cell"), ("20_crash", "before the crash")):
        assert printed in (paths.executed / f"{stem}.ipynb").read_text(encoding="utf-8"), stem


def test_unknown_notebook_in_only_is_refused(tmp_path, tiny_raw, default_params, pipeline):
    with pytest.raises(KeyError, match="99_nothing"):
        run(default_params, ProjectPaths(tiny_raw, tmp_path / "o"), notebooks_dir=pipeline, only=["99_nothing"])


def test_manifest_lists_each_notebook_with_its_key_and_time(pipeline, tiny_raw, tmp_path, default_params):
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    outcome = run(default_params, paths, notebooks_dir=pipeline, echo=lambda s: None, only=["00"])
    assert outcome.manifest_path == paths.manifest
    m = json.loads(paths.manifest.read_text())
    assert m["status"] == "ok" and m["parameters"] == default_params
    assert [n["notebook"] for n in m["notebooks"]] == ["00_read_raw"]
    assert m["notebooks"][0]["status"] == "ok" and m["notebooks"][0]["seconds"] > 0
    assert m["notebooks"][0]["cache_key"] == outcome.results[0].cache_key
    assert m["history"] == {"previous": None}  # no report ran, none before it


def test_reads_globs_select_raw_and_out_files(tmp_path, tiny_raw):
    nb = make_notebook(tmp_path / "nbs/90_x.ipynb", 'out_dir = "."', ["pass"],
                       reads=["raw/events/*", "out/results/tables/*"])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    paths.tables.mkdir(parents=True)
    (paths.tables / "model.csv").write_text("a\n1\n")
    (paths.results / "numbers.json").write_text("{}")
    names = sorted(p.name for p in read_files(read_spec(nb), paths))
    assert names == ["2023.csv", "2024.csv", "model.csv"]


def test_an_exclusion_glob_is_refused(tmp_path, tiny_raw):
    nb = make_notebook(tmp_path / "nbs/90_x.ipynb", 'out_dir = "."', ["pass"], reads=["!out/results/tables/a.csv"])
    with pytest.raises(ValueError, match="must start with raw/ or out/"):
        read_files(read_spec(nb), ProjectPaths(tiny_raw, tmp_path / "out"))


# -- the report: the runner writes what_changed.csv and a "running" manifest before it runs

WRITE_NUMBERS = """
import json
from pathlib import Path
numbers = {"m": {"terms": {"x": {"coef": float(min_events), "se": 0.1}}, "n_obs": 10, "n_relationships": 2}}
Path(out_dir, "results").mkdir(exist_ok=True)
Path(out_dir, "results/numbers.json").write_text(json.dumps(numbers))
"""
REPORT = """
import json
from pathlib import Path
results = Path(out_dir, "results")
manifest = json.loads((results / "manifest.json").read_text())
assert manifest["status"] == "running", manifest["status"]
assert (results / "tables/what_changed.csv").exists()
seen = {"previous": manifest["history"]["previous"], "notebooks": [n["notebook"] for n in manifest["notebooks"]],
        "min_events": manifest["parameters"]["min_events"]}
(results / "seen_by_report.json").write_text(json.dumps(seen))
"""


@pytest.fixture
def with_report(tmp_path: Path) -> Path:
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir / "30_numbers.ipynb", 'out_dir = "."\nmin_events = 1', [WRITE_NUMBERS])
    make_notebook(nbdir / "90_report.ipynb", 'out_dir = "."', [REPORT], report=True,
                  reads=["out/results/tables/*", "out/results/numbers.json"])
    return nbdir


def test_what_changed_and_a_running_manifest_are_written_before_the_report(with_report, tiny_raw, tmp_path,
                                                                           default_params):
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    seen_file = paths.results / "seen_by_report.json"

    first = run(default_params, paths, notebooks_dir=with_report, echo=lambda s: None)
    assert first.ok, [r.error for r in first.results]
    seen = json.loads(seen_file.read_text())
    assert seen == {"previous": None, "notebooks": ["30_numbers"], "min_events": 1}
    assert set(pd.read_csv(paths.tables / "what_changed.csv")["status"]) == {"new term"}
    final = json.loads(paths.manifest.read_text())
    assert final["status"] == "ok" and final["history"]["previous"] is None
    assert [n["notebook"] for n in final["notebooks"]] == ["30_numbers", "90_report"]

    # new numbers: the report compares them with the previous run's, kept at the start of this run
    second = run(dict(default_params, min_events=2), paths, notebooks_dir=with_report, echo=lambda s: None)
    assert {r.notebook: r.status for r in second.results} == {"30_numbers": "ok", "90_report": "ok"}
    kept = snapshots(paths)
    assert len(kept) == 1
    seen = json.loads(seen_file.read_text())
    assert seen["previous"] == kept[-1].name and seen["min_events"] == 2
    row = pd.read_csv(paths.tables / "what_changed.csv").iloc[0]
    assert (row["estimate_previous"], row["estimate_new"], row["status"]) == (1.0, 2.0, "changed")
    assert json.loads(paths.manifest.read_text())["history"]["previous"] == kept[-1].name


def test_a_no_op_run_skips_the_report_and_keeps_its_inputs(with_report, tiny_raw, tmp_path, default_params):
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    assert run(default_params, paths, notebooks_dir=with_report, echo=lambda s: None).ok
    changed = (paths.tables / "what_changed.csv").read_bytes()
    history = json.loads(paths.manifest.read_text())["history"]

    again = run(default_params, paths, notebooks_dir=with_report, echo=lambda s: None)
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    assert len(snapshots(paths)) == 1  # this run kept the numbers it started with ...
    assert (paths.tables / "what_changed.csv").read_bytes() == changed  # ... but the comparison stands
    final = json.loads(paths.manifest.read_text())
    assert final["status"] == "ok" and final["history"] == history

    # a run parameter the report does not declare still reruns it: its colophon lists them all
    other = run(dict(default_params, cell_timeout_s=900), paths, notebooks_dir=with_report, echo=lambda s: None)
    assert [r.status for r in other.results] == ["skipped", "ok"]


def test_a_forced_rerun_compares_with_the_numbers_it_started_from(with_report, tiny_raw, tmp_path, default_params):
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    assert run(default_params, paths, notebooks_dir=with_report, echo=lambda s: None).ok
    forced = run(default_params, paths, notebooks_dir=with_report, echo=lambda s: None, force=True)
    assert [r.status for r in forced.results] == ["ok", "ok"]
    assert json.loads((paths.results / "seen_by_report.json").read_text())["previous"] == snapshots(paths)[-1].name
    assert set(pd.read_csv(paths.tables / "what_changed.csv")["status"]) == {"unchanged"}


def test_no_running_manifest_when_a_notebook_before_the_report_fails(with_report, tiny_raw, tmp_path,
                                                                     default_params):
    make_notebook(with_report / "50_broken.ipynb", 'out_dir = "."', ["1 / 0"])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    outcome = run(default_params, paths, notebooks_dir=with_report, echo=lambda s: None)
    assert [r.status for r in outcome.results] == ["ok", "failed", "not run"]
    assert json.loads(paths.manifest.read_text())["status"] == "failed"
    assert not (paths.tables / "what_changed.csv").exists()
