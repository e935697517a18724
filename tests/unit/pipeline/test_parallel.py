"""Running jobs on several workers: same bytes as one by one, order from the graph, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from analysis.pipeline.runner import run

from tests.conftest import make_notebook

pytestmark = pytest.mark.costly(20)  # seconds: started first (conftest.py)

# Each writer sleeps so that, on two workers, they overlap in time; numbers.json gets keys from both.
WRITER = """
import time
from pathlib import Path
from analysis.results import update_numbers
Path(out_dir, 'results/tables').mkdir(parents=True, exist_ok=True)
Path(out_dir, 'results/tables/{name}.csv').write_text('x\\n{value}\\n')
for k in range(5):
    update_numbers(Path(out_dir, 'results/numbers.json'), '{name}_' + str(k), {{'value': {value} + k}})
    time.sleep(0.1)
Path(out_dir, 'results/{name}.log').write_text(f'{{time.time()}}')
"""
READER = """
import json
from pathlib import Path
numbers = json.loads(Path(out_dir, 'results/numbers.json').read_text())
Path(out_dir, 'results/summary.json').write_text(json.dumps(sorted(numbers)))
"""


WAIT_FOR_FAILURE = """
import time
from pathlib import Path
state = Path(out_dir, 'data/processed/.run_state.json')
deadline = time.time() + 300
while not state.exists() and time.time() < deadline:
    time.sleep(0.05)
"""


def _pipeline(nbdir: Path) -> Path:
    for nn, name, value in (("10", "alpha", 1), ("20", "beta", 2)):
        make_notebook(nbdir / f"{nn}_{name}.ipynb", 'out_dir = "."', [WRITER.format(name=name, value=value)],
                      writes=[f"out/results/tables/{name}.csv", f"out/results/numbers.json#{name}_*",
                              f"out/results/{name}.log"])
    make_notebook(nbdir / "05_check.ipynb", 'out_dir = "."', ["pass"], writes=[])
    make_notebook(nbdir / "90_summary.ipynb", 'out_dir = "."', [READER], reads=["out/results/numbers.json"],
                  writes=["out/results/summary.json"])
    return nbdir


def _outputs(out: Path) -> dict[str, bytes]:
    files = [out / "results/numbers.json", out / "results/summary.json", *sorted((out / "results/tables").glob("*.csv"))]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def test_two_workers_give_the_bytes_of_one_and_keep_every_key(tmp_path, tiny_raw, default_params):
    nbdir = _pipeline(tmp_path / "nbs")
    one, two = ProjectPaths(tiny_raw, tmp_path / "one"), ProjectPaths(tiny_raw, tmp_path / "two")
    assert run(default_params, one, notebooks_dir=nbdir, jobs=1, echo=lambda s: None).ok
    lines: list[str] = []
    outcome = run(default_params, two, notebooks_dir=nbdir, jobs=2, echo=lines.append)
    assert outcome.ok, [r.error for r in outcome.results]
    assert _outputs(one.out_dir) == _outputs(two.out_dir)
    numbers = json.loads((two.results / "numbers.json").read_text())
    assert sorted(numbers) == [f"{n}_{k}" for n in ("alpha", "beta") for k in range(5)]  # no key lost
    assert [r.notebook for r in outcome.results] == ["05_check", "10_alpha", "20_beta", "90_summary"]
    # one line per finished job, numbered as they finish (05 may end before or after the others)
    assert sorted(line.split(" ")[1] for line in lines) == ["05_check", "10_alpha", "20_beta", "90_summary"]
    assert all(line.startswith(f"[{k}/4] ") and " ... done in " in line for k, line in enumerate(lines, 1))
    assert [l.split(" ")[1] for l in lines].index("90_summary") > [l.split(" ")[1] for l in lines].index("20_beta")


def test_after_a_failure_running_jobs_finish_and_nothing_new_starts(tmp_path, tiny_raw, default_params):
    nbdir = tmp_path / "nbs"
    # 10 heads the longer chain, so 10 and 05 start first; 10 waits until the runner has recorded
    # 05's failure (its first record of a finished job), so it is running at that moment
    make_notebook(nbdir / "05_broken.ipynb", 'out_dir = "."', ["1 / 0"], writes=[])
    make_notebook(nbdir / "10_wait.ipynb", 'out_dir = "."',
                  [WAIT_FOR_FAILURE + "Path(out_dir, 'results/wait.log').write_text('done')"],
                  writes=["out/results/wait.log"])
    make_notebook(nbdir / "20_after.ipynb", 'out_dir = "."', ["pass"], reads=["out/results/wait.log"], writes=[])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    outcome = run(default_params, paths, notebooks_dir=nbdir, jobs=2, echo=lambda s: None)
    status = {r.notebook: r.status for r in outcome.results}
    assert status == {"05_broken": "failed", "10_wait": "ok", "20_after": "not run"}
    assert "ZeroDivisionError" in next(r.error for r in outcome.results if r.status == "failed")
    assert (paths.results / "wait.log").read_text() == "done"
    assert json.loads(paths.manifest.read_text())["status"] == "failed"


def test_a_graph_with_two_writers_of_one_file_is_refused_before_anything_runs(tmp_path, tiny_raw, default_params):
    nbdir = tmp_path / "nbs"
    for nn in ("10", "20"):
        make_notebook(nbdir / f"{nn}_w.ipynb", 'out_dir = "."', ["raise SystemExit('must not run')"],
                      writes=["out/results/tables/same.csv"])
    paths = ProjectPaths(tiny_raw, tmp_path / "out")
    with pytest.raises(ValueError, match="10_w and 20_w both write out/results/tables/same.csv"):
        run(default_params, paths, notebooks_dir=nbdir, jobs=2, echo=lambda s: None)
    assert not paths.manifest.exists()
