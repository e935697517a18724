"""The no-op shortcut: a stamp of file sizes and times; any change sends the run to the full check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analysis.paths import PROJECT_ROOT
from analysis.pipeline import uptodate


def _folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    raw, out, nbs = tmp_path / "raw", tmp_path / "out", tmp_path / "nbs"
    for folder in (raw / "events", out / "results/tables", out / "data/processed", nbs):
        folder.mkdir(parents=True)
    (raw / "events/2023.csv").write_text("event_id\ne1\n")
    (out / "results/tables/t.csv").write_text("a\n1\n")
    (nbs / "10_x.ipynb").write_text("{}")
    return raw, out, nbs


def test_the_stamp_holds_until_an_input_an_output_or_an_argument_changes(tmp_path):
    raw, out, nbs = _folders(tmp_path)
    key = uptodate.arguments_key({"seed": 1}, None, raw, out, nbs)
    assert uptodate.up_to_date(key, raw, out, nbs) is None  # no stamp yet
    uptodate.record(key, ["10_x"], raw, out, nbs)
    assert uptodate.up_to_date(key, raw, out, nbs) == ["10_x"]
    assert uptodate.up_to_date(uptodate.arguments_key({"seed": 2}, None, raw, out, nbs), raw, out, nbs) is None

    for changed in (raw / "events/2023.csv", out / "results/tables/t.csv", nbs / "10_x.ipynb"):
        uptodate.record(key, ["10_x"], raw, out, nbs)
        st = changed.stat()
        os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # touched only
        assert uptodate.up_to_date(key, raw, out, nbs) is None, changed
    uptodate.record(key, ["10_x"], raw, out, nbs)
    (out / "results/tables/t.csv").unlink()  # an output removed
    assert uptodate.up_to_date(key, raw, out, nbs) is None
    uptodate.record(key, ["10_x"], raw, out, nbs)
    (raw / "events/2024.csv").write_text("event_id\ne2\n")  # a new input
    assert uptodate.up_to_date(key, raw, out, nbs) is None


def test_the_no_op_path_imports_neither_pandas_nor_papermill(tmp_path):
    """What makes a no-op run fast: it stops before the heavy imports (checked in a fresh interpreter)."""
    raw, out, nbs = _folders(tmp_path)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from analysis.pipeline import cli, uptodate\n"
        "from analysis.pipeline.params import resolve_params\n"
        f"raw, out, nbs = Path({str(raw)!r}), Path({str(out)!r}), Path({str(nbs)!r})\n"
        "key = uptodate.arguments_key(resolve_params(None, []), None, raw, out, nbs)\n"
        "uptodate.record(key, ['10_x'], raw, out, nbs)\n"
        "code = cli.main(['run', '--data-dir', str(raw), '--out', str(out), '--notebooks', str(nbs)])\n"
        "print(code, sorted(m for m in ('pandas', 'papermill', 'nbformat') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "10_x ... skipped: unchanged" in done.stdout and "nothing changed since the last run" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "0 []"
