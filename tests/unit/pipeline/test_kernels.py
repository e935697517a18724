"""A kept kernel runs each notebook from the state a fresh kernel starts with, is really reused,
and is discarded after a failure (``analysis.pipeline.kernels`` and ``kernel_state``)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis.pipeline import jobs, kernels
from analysis.pipeline.notebooks import NotebookSpec

pytestmark = pytest.mark.costly(20)  # seconds: started first (conftest.py)

# a library function that warns: its once-only registry outlives a notebook, as any module's does
WARNER = "import warnings\n\ndef warn():\n    warnings.warn('from a library', UserWarning)\n"

POLLUTE = [
    "import os, sys, logging, warnings\nimport numpy as np, pandas as pd\nimport matplotlib as mpl\n"
    "import matplotlib.pyplot as plt\nimport leaky_warner\nleaky_warner.warn()\nleft_behind = 1",
    "os.environ['ANALYSIS_LEFT'] = '1'\nos.chdir('..')\nsys.path.append('/nowhere')\n"
    "warnings.simplefilter('ignore')\nmpl.rcParams['lines.linewidth'] = 9\nnp.set_printoptions(precision=2)\n"
    "np.seterr(all='raise')\npd.set_option('display.max_rows', 3)\nlogging.root.setLevel(5)\n"
    "pd.Series([1, 2, 3], index=pd.date_range('2020-01-01', periods=3)).plot()\nplt.figure()",
]

PROBE = [
    "import json, logging, os, sys, warnings\nimport numpy as np, pandas as pd\nimport matplotlib as mpl\n"
    "import matplotlib.pyplot as plt\nimport matplotlib.units as munits\nimport leaky_warner",
    "print(json.dumps({'left_behind': 'left_behind' in globals(), 'cwd': os.getcwd(),\n"
    "    'env': os.environ.get('ANALYSIS_LEFT'), 'path_end': sys.path[-1], 'filters': len(warnings.filters),\n"
    "    'linewidth': mpl.rcParams['lines.linewidth'], 'precision': np.get_printoptions()['precision'],\n"
    "    'err': np.geterr()['divide'], 'max_rows': pd.get_option('display.max_rows'),\n"
    "    'figures': len(plt.get_fignums()), 'units': sorted(map(str, munits.registry)), 'log': logging.root.level,\n"
    "    'pid': os.getpid()}))",
    "leaky_warner.warn()",
    "plt.plot([1, 2, 3])[0].get_color()",  # a fresh kernel shows the figure after the cell
]


def _notebook(path: Path, sources: list[str]) -> NotebookSpec:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return NotebookSpec(path=path, parameters={})


def _run(spec: NotebookSpec, folder: Path, warm: bool) -> tuple[str, str | None, nbformat.NotebookNode]:
    executed = folder / f"executed_{spec.path.stem}.ipynb"
    status, _, message = jobs.execute(jobs.Task(jobs.Job(spec), executed, {}, folder, None, None, warm_kernel=warm))
    return status, message, nbformat.read(executed, as_version=4)


def _probe_view(nb) -> tuple[dict, list, list]:
    """What the probe saw, its cells' counters and every output except the kernel's process id."""
    state = json.loads(nb.cells[1].outputs[0]["text"])
    outputs = [[{k: v for k, v in o.items() if not (i == 1 and k == "text")} for o in c.outputs]
               for i, c in enumerate(nb.cells)]
    return state, [c.execution_count for c in nb.cells], outputs


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "leaky_warner.py").write_text(WARNER)
    yield tmp_path
    kernels.discard()


def test_a_notebook_in_a_kept_kernel_sees_what_a_fresh_kernel_shows(folder):
    pollute = _notebook(folder / "10_pollute.ipynb", POLLUTE)
    probe = _notebook(folder / "20_probe.ipynb", PROBE)
    assert _run(pollute, folder, warm=True)[0] == "ok"
    status, message, warm_nb = _run(probe, folder, warm=True)
    assert status == "ok", message
    status, message, fresh_nb = _run(probe, folder, warm=False)
    assert status == "ok", message
    warm_state, warm_counts, warm_out = _probe_view(warm_nb)
    fresh_state, fresh_counts, fresh_out = _probe_view(fresh_nb)
    assert warm_state.pop("pid") != fresh_state.pop("pid")
    assert warm_state == fresh_state
    assert not warm_state["left_behind"] and warm_state["env"] is None and warm_state["linewidth"] != 9
    assert warm_counts == fresh_counts == [1, 2, 3, 4]
    assert any("image/png" in o.get("data", {}) for o in warm_out[3])
    assert "from a library" in str(warm_out[2]), "the library's warning is shown again, as in a fresh kernel"
    assert warm_out == fresh_out


def test_the_kernel_is_reused_and_a_failure_discards_it(folder):
    probe = _notebook(folder / "20_probe.ipynb", PROBE)
    pids = [json.loads(_run(probe, folder, warm=True)[2].cells[1].outputs[0]["text"])["pid"] for _ in range(2)]
    assert pids[0] == pids[1]
    kept = kernels.kernel_for(folder)
    failing = _notebook(folder / "30_fails.ipynb", ["1 / 0"])
    status, message, _ = _run(failing, folder, warm=True)
    assert status == "failed" and "ZeroDivisionError" in message
    assert kernels._kept is None and not kept.alive()
    after = json.loads(_run(probe, folder, warm=True)[2].cells[1].outputs[0]["text"])["pid"]
    assert after != pids[0]


def test_another_working_folder_gets_another_kernel(folder, tmp_path_factory):
    first = kernels.kernel_for(folder)
    other = tmp_path_factory.mktemp("elsewhere")
    second = kernels.kernel_for(other)
    assert second is not first and second.cwd == other and not first.alive()
