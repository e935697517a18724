"""End to end on a copy of the default data: a full run (notebooks in parallel, in kept kernels),
a no-op rerun, identical bytes and notebook outputs from a sequential forced rerun with a fresh
kernel per notebook, and a new year of events that reruns exactly what reads it (issue 6).

One full run (module fixture) is left as it is; every test that runs again works on its own
copy of it, so each test stands alone. How long a no-op run takes is measured in bench/, not here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import DEFAULT_DATA_DIR, PROJECT_ROOT

# keep the power analysis small here; its own notebook test runs the defaults
FAST = ["--set", "power_replications=10", "--set", "power_relationships=[40,80]", "--set", "power_years=[5]"]

pytestmark = pytest.mark.skipif(not (DEFAULT_DATA_DIR / "relationships.csv").exists(),
                                reason="default dataset not present")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "run", *args, *FAST], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=1200)


def manifest(out: Path) -> dict:
    return json.loads((out / "results/manifest.json").read_text())


def statuses(out: Path) -> dict[str, str]:
    return {n["notebook"]: n["status"] for n in manifest(out)["notebooks"]}


def snapshot_bytes(out: Path) -> dict[str, bytes]:
    files = sorted((out / "results/tables").glob("*.csv")) + [out / "results/numbers.json"]
    figures = sorted((out / "results/figures").glob("*.png")) + sorted((out / "results/figures").glob("*.svg"))
    assert figures, "the run saved no figure"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files + figures if p.name != "what_changed.csv"}


def executed_outputs(out: Path) -> dict[str, list]:
    """Every executed notebook's cell counters and outputs (not the report's: it states the run's times),
    less what differs between any two runs (object addresses; pandas Styler's random table ids)."""
    views = {}
    for path in sorted((out / "reports/executed").glob("*.ipynb")):
        if not path.name.startswith("90_"):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = json.dumps([[c.get("execution_count"), c.get("outputs")] for c in cells if c["cell_type"] == "code"])
            views[path.name] = re.sub(r"T_[0-9a-f]{5}", "T_", re.sub(r" at 0x[0-9a-f]+", " at 0x", text))
    return views


NEW_YEAR = """event_id,date,date_end,origin,destination,kind,leader_rank,topics,delegates,amount_cny,count,relationship_id,source,note
test-2025-01,2025-03-12,,{a},{b},visit,top,economy;industry,12,,1,{rid},test_new_year,added by the new-year test
test-2025-02,2025-06,,{b},{a},agreement,senior,industry,,,1,{rid},test_new_year,added by the new-year test
"""


@pytest.fixture(scope="module")
def full_run(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """raw and out of one complete first run; tests read it and never change it."""
    root = tmp_path_factory.mktemp("pipeline")
    raw, out = root / "raw", root / "out"
    shutil.copytree(DEFAULT_DATA_DIR, raw)
    result = run_cli("--data-dir", str(raw), "--out", str(out), "--jobs", "2")  # notebooks in parallel
    assert result.returncode == 0, result.stdout + result.stderr
    return raw, out, result


@pytest.fixture
def rerun_copy(full_run, tmp_path) -> tuple[Path, Path]:
    """A copy of the full run's raw and out folders to run again in (paths are not in the cache keys)."""
    raw, out, _ = full_run
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "raw", tmp_path / "out"


def test_full_run_writes_the_panel_numbers_and_report(full_run):
    _, out, result = full_run
    assert (out / "reports/report.html").exists()
    assert (out / "reports/report.docx").stat().st_size > 10_000  # the Word report beside it
    assert (out / "data/processed/panel.parquet").exists()
    assert "activity_logit" in json.loads((out / "results/numbers.json").read_text())
    m = manifest(out)
    assert m["status"] == "ok" and m["history"]["previous"] is None  # a first run
    assert set(statuses(out).values()) == {"ok"}
    assert result.stdout.count("done in") == len(statuses(out))
    changed = pd.read_csv(out / "results/tables/what_changed.csv")
    assert len(changed) and set(changed["status"]) == {"new term"}


def test_no_op_rerun_skips_every_notebook_including_the_report(rerun_copy):
    raw, out = rerun_copy
    report_before = (out / "reports/report.html").read_bytes()
    changed_before = (out / "results/tables/what_changed.csv").read_bytes()
    noop = run_cli("--data-dir", str(raw), "--out", str(out))
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert set(statuses(out).values()) == {"skipped"}, statuses(out)
    assert noop.stdout.count("skipped: unchanged") == len(statuses(out))
    assert (out / "reports/report.html").read_bytes() == report_before
    assert (out / "results/tables/what_changed.csv").read_bytes() == changed_before
    assert manifest(out)["history"]["previous"] is None  # the comparison the report shows still stands


def test_forced_sequential_rerun_writes_the_bytes_of_the_parallel_run_and_compares_with_it(full_run, rerun_copy):
    """Parallel in kept kernels, then one by one each in a fresh kernel: same tables, figures and outputs."""
    raw, out = rerun_copy
    before, outputs_before = snapshot_bytes(out), executed_outputs(out)
    assert before and len(outputs_before) > 10
    forced = run_cli("--data-dir", str(raw), "--out", str(out), "--force", "--jobs", "1", "--fresh-kernels")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert set(statuses(out).values()) == {"ok"}
    assert snapshot_bytes(out) == before, "one by one or in parallel, same inputs must give identical bytes"
    assert executed_outputs(out) == outputs_before, "a kept kernel must show what a fresh one shows"
    kept = sorted((out / "results/history").glob("*.json"))
    assert [p.read_bytes() for p in kept] == [(full_run[1] / "results/numbers.json").read_bytes()]
    assert manifest(out)["history"]["previous"] == kept[-1].name
    assert set(pd.read_csv(out / "results/tables/what_changed.csv")["status"]) == {"unchanged"}


def test_new_year_reruns_what_reads_events_and_reports_changes(rerun_copy):
    raw, out = rerun_copy
    rels = pd.read_csv(raw / "relationships.csv", dtype=str, keep_default_na=False)
    rel = rels.iloc[0]
    (raw / "SOURCES.yaml").write_text(
        (raw / "SOURCES.yaml").read_text(encoding="utf-8")
        + "\ntest_new_year:\n  title: rows added by the new-year test\n  publisher: test suite\n"
          "  date: '2025'\n  licence: CC0\n  note: synthetic\n", encoding="utf-8")
    (raw / "events" / "2025.csv").write_text(
        NEW_YEAR.format(a=rel.city_a, b=rel.city_b, rid=rel.relationship_id), encoding="utf-8")
    numbers_before = (out / "results/numbers.json").read_bytes()

    result = run_cli("--data-dir", str(raw), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    st = statuses(out)
    panel = pd.read_parquet(out / "data/processed/panel.parquet")
    assert panel["year"].max() == 2025
    assert st["25_year_review[2025]"] == "ok" and (out / "reports/years/2025.html").exists()
    # every notebook that reads the events or the panel reran (the power analysis takes its activity
    # rate from the panel); those that read only the external data did not
    for name, status in st.items():
        expected = "skipped" if name.startswith(("60_", "65_")) else "ok"
        assert status == expected, (name, status)
    kept = sorted((out / "results/history").glob("*.json"))
    assert kept and kept[-1].read_bytes() == numbers_before  # the previous run's numbers are kept
    assert manifest(out)["history"]["previous"] == kept[-1].name
    changed = pd.read_csv(out / "results/tables/what_changed.csv")
    logit_terms = set(json.loads((out / "results/numbers.json").read_text())["activity_logit"]["terms"])
    assert logit_terms <= set(changed.loc[changed["model"] == "activity_logit", "term"])
    assert (changed["status"] == "changed").any()
    assert "what changed" in (out / "reports/report.html").read_text(encoding="utf-8").lower()
