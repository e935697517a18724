"""Benchmark of the pipeline itself: a forced rerun, a no-op run, and where a notebook's seconds go.

Writes ``bench/pipeline.csv``, one row per measure:

- ``run``: wall seconds of ``python -m analysis run`` on the default data into a temporary
  folder: the first run, a forced rerun with ``--jobs`` 1, with a fresh kernel per notebook
  (``--fresh-kernels``) and with the default (all cores, a kept kernel per worker), and a
  no-op run (median of three) both through ``python -m analysis`` and through ``make all``.
- ``notebook``: for each job of the forced parallel rerun, its seconds split into kernel start
  and reset (papermill's notebook time minus its cells; near 0 in a kept kernel), imports (the first code cell's
  import statements, timed in a fresh interpreter less a bare start), the rest of the cells
  (execution), and the HTML export (re-rendered here as the runner does).
- ``fixed``: a kernel start and shutdown on its own, and a bare ``python`` start.

The machine's load average is recorded beside each row: on a shared machine the seconds grow
with it. Usage: ``python bench/pipeline.py [--jobs N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.paths import DEFAULT_DATA_DIR  # noqa: E402

FIELDS = ["kind", "name", "jobs", "seconds", "kernel_s", "imports_s", "execution_s", "html_s", "load_avg", "note"]


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done


def load() -> float:
    return round(os.getloadavg()[0], 2)


def run_cli(out: Path, *args: str) -> float:
    return timed([sys.executable, "-m", "analysis", "run", "--data-dir", str(DEFAULT_DATA_DIR), "--out", str(out),
                  *args])[0]


def import_seconds(source: str, bare: float) -> float:
    """The import statements of a cell, timed in a fresh interpreter, less a bare start."""
    lines = [ast.get_source_segment(source, node) for node in ast.parse(source).body
             if isinstance(node, (ast.Import, ast.ImportFrom))]
    return max(0.0, timed([sys.executable, "-c", "\n".join(lines)])[0] - bare)


def notebook_split(out: Path, bare: float) -> list[dict]:
    from analysis.pipeline.render import render_notebook_html

    manifest = json.loads((out / "results/manifest.json").read_text())
    rows = []
    imports_by_notebook: dict[str, float] = {}
    for entry in manifest["notebooks"]:
        stem = entry["notebook"].replace("[", "_").replace("]", "")
        executed = out / "reports/executed" / f"{stem}.ipynb"
        nb = json.loads(executed.read_text())
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        durations = [c["metadata"].get("papermill", {}).get("duration") or 0.0 for c in cells]
        total = nb["metadata"]["papermill"]["duration"]
        tags = [c["metadata"].get("tags", []) for c in cells]
        first = next(i for i, t in enumerate(tags) if "parameters" not in t and "injected-parameters" not in t)
        base = entry["notebook"].split("[")[0]
        if base not in imports_by_notebook:
            imports_by_notebook[base] = import_seconds("".join(cells[first]["source"]), bare)
        imports = min(imports_by_notebook[base], durations[first])
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            import nbformat

            node = nbformat.read(str(executed), as_version=4)
            render_notebook_html(node, Path(tmp) / "a.html", hide_code=False, embed_font=False)
            if base in ("25_year_review", "90_report"):  # a published page too, fonts from the run's cache
                render_notebook_html(node, Path(tmp) / "b.html", hide_code=True,
                                     font_cache=out / "data/processed/fonts")
        html = time.perf_counter() - t0
        rows.append({"kind": "notebook", "name": entry["notebook"], "seconds": entry["seconds"],
                     "kernel_s": round(total - sum(durations), 2), "imports_s": round(imports, 2),
                     "execution_s": round(sum(durations) - imports, 2), "html_s": round(html, 2),
                     "load_avg": load(), "note": "split of the forced parallel rerun"})
    return rows


def kernel_start_seconds() -> float:
    from jupyter_client.manager import start_new_kernel

    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, help="run in this folder (kept) instead of a temporary one")
    ap.add_argument("--csv", type=Path, default=ROOT / "bench" / "pipeline.csv")
    ap.add_argument("--split-only", action="store_true",
                    help="with --keep: only the no-op runs and the per-notebook split of the last run there")
    args = ap.parse_args(argv)
    out = args.keep or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    rows: list[dict] = []

    def add(kind: str, name: str, seconds: float, jobs: int | str = "", note: str = "") -> None:
        rows.append({"kind": kind, "name": name, "jobs": jobs, "seconds": round(seconds, 2), "load_avg": load(),
                     "note": note})
        print(f"{kind:8} {name:28} {seconds:7.2f} s  (jobs {jobs}, load {load()})", flush=True)

    bare = statistics.median(timed([sys.executable, "-c", "pass"])[0] for _ in range(3))
    add("fixed", "python start", bare)
    add("fixed", "kernel start and shutdown", kernel_start_seconds())
    if not args.split_only:
        add("run", "first run", run_cli(out, "--jobs", str(args.jobs)), args.jobs, "empty output folder")
        add("run", "forced rerun", run_cli(out, "--force", "--jobs", "1"), 1, "one notebook at a time")
        add("run", "forced rerun, fresh kernels", run_cli(out, "--force", "--fresh-kernels", "--jobs", str(args.jobs)),
            args.jobs, "a kernel per notebook (papermill's default)")
        add("run", "forced rerun", run_cli(out, "--force", "--jobs", str(args.jobs)), args.jobs,
            "python -m analysis run --force (each worker keeps its kernel)")
    split_rows = notebook_split(out, bare)
    add("run", "no-op run", statistics.median(run_cli(out) for _ in range(3)), args.jobs,
        "python -m analysis run, median of 3")
    make = ["make", "-s", "all", f"ARGS=--data-dir {DEFAULT_DATA_DIR} --out {out}",
            "EXTERNAL_DONE=Makefile"]  # the external datasets are another step's business
    # never (re)install the environment from a benchmark: measure make only when its stamp is current
    if subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True).returncode == 0:
        add("run", "no-op make all", statistics.median(timed(make)[0] for _ in range(3)), args.jobs,
            "make all, median of 3")
    else:
        print("the environment stamp is older than the lock: `make all` would reinstall; not measured")
    for row in split_rows:
        row["jobs"] = args.jobs
    rows += split_rows
    with args.csv.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.csv} ({out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
