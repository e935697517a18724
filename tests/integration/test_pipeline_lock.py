"""One run at a time per output folder: two runs started together never interleave, ``--no-wait``
exits 2 naming the other run's process, and a lock left by a killed run is taken over.

The runs are real ``python -m analysis run`` processes on a copy of the default data, with one
small notebook that logs its start and end around a pause.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.data.load import load_validated
from analysis.paths import DEFAULT_DATA_DIR, PROJECT_ROOT, ProjectPaths
from analysis.pipeline.lock import holder

from tests.conftest import make_notebook

pytestmark = [pytest.mark.costly(30), pytest.mark.skipif(not (DEFAULT_DATA_DIR / "relationships.csv").exists(),
                                reason="default dataset not present")]

LOGGED = """
import os, time
from pathlib import Path
log = Path(out_dir, 'results', 'runs.log')
log.parent.mkdir(parents=True, exist_ok=True)
with log.open('a') as f:
    f.write(f'start {os.getppid()}\\n')
time.sleep(1.5)  # the refused run reaches the lock in 0.2 s
with log.open('a') as f:
    f.write(f'end {os.getppid()}\\n')
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> tuple[Path, Path, Path]:
    """raw data, the logging notebook, and an output folder holding the validated raw data
    (each test copies it: the runs then start without validating again)."""
    root = tmp_path_factory.mktemp("lock")
    shutil.copytree(DEFAULT_DATA_DIR, root / "raw")
    make_notebook(root / "nbs/10_logged.ipynb", 'out_dir = "."', [LOGGED], writes=["out/results/runs.log"])
    load_validated(ProjectPaths(root / "raw", root / "validated"))
    return root / "raw", root / "nbs", root / "validated"


@pytest.fixture
def out(setup, tmp_path) -> Path:
    shutil.copytree(setup[2], tmp_path / "out")
    return tmp_path / "out"


def start(raw: Path, nbs: Path, out: Path, *extra: str) -> subprocess.Popen:
    # --force: the second run must run its notebook, not find the first one's outputs up to date
    return subprocess.Popen([sys.executable, "-m", "analysis", "run", "--data-dir", str(raw), "--out", str(out),
                             "--notebooks", str(nbs), "--force", "--jobs", "1", *extra],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_log(out: Path, text: str, timeout: float = 300) -> None:
    log = out / "results/runs.log"
    deadline = time.monotonic() + timeout
    while not (log.exists() and text in log.read_text()):
        assert time.monotonic() < deadline, f"no '{text}' in {log}"
        time.sleep(0.1)


def test_two_runs_started_together_take_turns_and_no_wait_names_the_holder(setup, out):
    raw, nbs, _ = setup
    first, second = start(raw, nbs, out), start(raw, nbs, out)
    wait_for_log(out, "start")
    refused = start(raw, nbs, out, "--no-wait")
    err = refused.communicate(timeout=300)[1]
    running = holder(out)["pid"]
    assert refused.returncode == 2, err
    assert f"process {running}" in err and "--no-wait" in err
    outs = [p.communicate(timeout=600) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    assert sum("waiting: another run (process" in e for _, e in outs) == 1  # the one that waited said so
    lines = (out / "results/runs.log").read_text().split()
    pids = lines[1::2]
    # start A, end A, start B, end B: never two starts in a row
    assert lines[0::2] == ["start", "end", "start", "end"] and pids[0] == pids[1] != pids[2] == pids[3], lines


def test_a_lock_left_by_a_killed_run_is_taken_over(setup, out):
    raw, nbs, _ = setup
    killed = start(raw, nbs, out)
    wait_for_log(out, "start")
    killed.kill()  # SIGKILL: no clean-up runs; the OS drops its file lock
    killed.wait()
    assert holder(out)["pid"] == killed.pid  # its name is still on the lock
    after = start(raw, nbs, out, "--no-wait")
    stdout, stderr = after.communicate(timeout=600)
    assert after.returncode == 0, stdout + stderr
    assert holder(out)["pid"] == after.pid
