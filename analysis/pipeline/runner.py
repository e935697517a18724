"""Runs the pipeline notebooks with papermill, in the order their reads and writes need,
several at once with ``jobs`` > 1 (``graph``, ``parallel``), skipping what is unchanged.

A notebook is skipped when its cache key (its code, the parameters it receives, the
hashes of the files it reads, the source of ``analysis/`` and the lock file) equals
the key of its last successful run and its executed copy is still there. Before the
report notebook the runner writes what the report reads about the run itself:
``results/tables/what_changed.csv`` and ``results/manifest.json`` (status "running").
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from analysis.hashing import file_sha256, files_sha256, tree_sha256, value_sha256
from analysis.io import read_json, write_json
from analysis.paths import LOCK_FILE, NOTEBOOKS_DIR, PACKAGE_DIR, ProjectPaths
from analysis.pipeline import history
from analysis.pipeline.manifest import build_manifest, raw_input_files
from analysis.pipeline.graph import dependencies, priority_order, sequential_order
from analysis.pipeline.jobs import Job, JobResult, Task, plan_jobs
from analysis.pipeline.notebooks import NotebookSpec, discover, select
from analysis.pipeline.parallel import LiveLine, run_graph
from analysis.pipeline.params import RUNTIME_NAMES, SCHEMA

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@dataclass
class RunOutcome:
    results: list[JobResult] = field(default_factory=list)
    manifest_path: Path | None = None

    @property
    def ok(self) -> bool:
        return all(r.status in ("ok", "skipped") for r in self.results)


def check_declared_parameters(specs: list[NotebookSpec]) -> None:
    """A notebook may only declare parameters the schema or the runner knows."""
    problems = [
        f"{s.path.name}: parameters cell declares '{name}', which params/default.yaml does not define"
        for s in specs for name in s.parameters if name not in SCHEMA and name not in RUNTIME_NAMES
    ]
    if problems:
        raise ValueError("\n".join(problems))


def notebook_parameters(job: Job, params: dict[str, Any], paths: ProjectPaths) -> dict[str, Any]:
    """Only what the notebook's parameters cell declares."""
    passed: dict[str, Any] = {}
    for name in job.spec.parameters:
        if name == "data_dir":
            passed[name] = str(paths.data_dir)
        elif name == "out_dir":
            passed[name] = str(paths.out_dir)
        elif name == "year":
            passed[name] = job.year
        elif name in params:
            passed[name] = params[name]
    return passed


def read_files(spec: NotebookSpec, paths: ProjectPaths) -> list[Path]:
    """Files matched by the notebook's ``reads`` globs."""
    files: list[Path] = []
    for pattern in spec.reads:
        prefix, _, rest = pattern.partition("/")
        if prefix == "raw":
            root = paths.data_dir
            candidates = raw_input_files(root)
            if rest not in ("**", "**/*"):
                candidates = [p for p in candidates if p.relative_to(root).match(rest)]
        elif prefix == "out":
            root = paths.out_dir
            glob = rest if not rest.endswith("**") else rest + "/*"
            candidates = [p for p in root.glob(glob) if p.is_file()]
        else:
            raise ValueError(f"{spec.path.name}: 'reads' entry {pattern!r} must start with raw/ or out/")
        files.extend(candidates)
    return files


def cache_key(job: Job, passed: dict[str, Any], paths: ProjectPaths, code_hash: str, lock_hash: str,
              params: dict[str, Any] | None = None) -> str:
    """``params``: every run parameter; it counts for the report, whose colophon lists them all."""
    read = read_files(job.spec, paths)
    inputs = {
        "raw": files_sha256([f for f in read if f.is_relative_to(paths.data_dir)], paths.data_dir),
        "out": files_sha256([f for f in read if not f.is_relative_to(paths.data_dir)], paths.out_dir),
    }
    # Paths are excluded: the same data read from another folder is the same input.
    portable = {k: v for k, v in passed.items() if k not in ("data_dir", "out_dir")}
    if job.spec.report:
        portable = {**(params or {}), **portable}
    return value_sha256({
        "code": list(job.spec.code),
        "parameters": portable,
        "inputs": inputs,
        "analysis": code_hash,
        "lock": lock_hash,
    })


def run(
    params: dict[str, Any],
    paths: ProjectPaths,
    only: list[str] | None = None,
    force: bool = False,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    echo: Callable[[str], None] = print,
    progress_bar: bool | None = None,
    jobs: int = 1,
    fresh_kernels: bool = False,
    pool: ProcessPoolExecutor | None = None,
) -> RunOutcome:
    """Run the selected notebooks; ``jobs`` at once where the graph of reads and writes allows.

    Each worker runs its notebooks in one kept kernel, reset between them (``kernels``);
    ``fresh_kernels`` starts a kernel for every notebook instead. ``pool``: the ``jobs`` workers,
    started early by the caller (``parallel.start_pool``), who shuts them down.
    """
    started = datetime.now(timezone.utc)
    specs = select(discover(notebooks_dir), only)
    check_declared_parameters(specs)
    planned = plan_jobs(specs, paths.data_dir)
    by_label = {job.label: job for job in planned}
    deps = dependencies(planned)  # refuses a cycle or two writers of one file, before anything runs
    # --only: what the selected notebooks wait for is not part of this run
    deps = {label: {d for d in waits if d in by_label} for label, waits in deps.items()}
    last = read_json(paths.manifest, default={}) or {}
    timings_file = paths.processed / ".job_seconds.json"  # each job's time when it last ran
    timings: dict[str, float] = read_json(timings_file, default={}) or {}
    if jobs > 1:  # long chains and long jobs first, timed by their last run (else: per-year reviews are short)
        order = priority_order(planned, deps, timings, default=lambda job: 1.0 if job.spec.per_year else 4.0)
    else:
        order = sequential_order(planned, deps)
    paths.ensure_output_dirs()
    # what_changed.csv on disk was made for this entry; a run without the report keeps it
    run_history = last.get("history") or {"previous": None}
    history.snapshot_previous(paths)

    state: dict[str, str] = read_json(paths.run_state, default={}) or {}
    code_hash = tree_sha256(PACKAGE_DIR)
    lock_hash = file_sha256(LOCK_FILE) if LOCK_FILE.exists() else ""
    if progress_bar is None:
        progress_bar = jobs == 1 and sys.stderr.isatty()  # papermill's bars would interleave

    results: dict[str, JobResult] = {}
    keys: dict[str, str] = {}
    n = len(planned)

    def in_plan_order() -> list[JobResult]:
        return [results[job.label] for job in planned if job.label in results]

    def manifest(status: str) -> dict[str, Any]:
        return build_manifest(
            data_dir=paths.data_dir, out_dir=paths.out_dir, params=params,
            notebooks=[asdict(r) for r in in_plan_order()], started=started,
            finished=datetime.now(timezone.utc), status=status, history=run_history,
        )

    def start(label: str) -> Task | None:
        nonlocal run_history
        job = by_label[label]
        if job.spec.report:  # before the cache key: what_changed.csv is one of the report's inputs
            ran = any(r.status == "ok" for r in results.values())
            run_history = history.report_history(paths, run_history, notebooks_ran=ran)
        passed = notebook_parameters(job, params, paths)
        key = keys[label] = cache_key(job, passed, paths, code_hash, lock_hash, params)
        executed = paths.executed / f"{job.stem}.ipynb"
        if not force and state.get(job.stem) == key and executed.exists():
            results[label] = JobResult(label, "skipped", 0.0, key, job.year)
            echo(f"[{len(results)}/{n}] {label} ... skipped: unchanged")
            return None
        if job.spec.report:  # not among its declared reads: it changes on every run
            write_json(paths.manifest, manifest("running"))
        if jobs == 1 and sys.stdout.isatty():  # show what is running; the result line overwrites it
            sys.stdout.write(f"[{len(results) + 1}/{n}] {label} ...\r")
            sys.stdout.flush()
        html = paths.out_dir / job.spec.html.format(year=job.year) if job.spec.html else None
        return Task(job, executed, passed, notebooks_dir, html, params.get("cell_timeout_s"), progress_bar,
                    font_cache=paths.processed / "fonts", warm_kernel=not fresh_kernels)

    def finish(label: str, status: str, seconds: float, error: str | None) -> None:
        job = by_label[label]
        results[label] = JobResult(label, status, round(seconds, 2), keys[label], job.year, error)
        if status == "ok":
            echo(f"[{len(results)}/{n}] {label} ... done in {seconds:.1f} s")
            state[job.stem] = keys[label]
            timings[label] = round(seconds, 2)
        else:
            echo(f"[{len(results)}/{n}] {label} ... FAILED after {seconds:.1f} s\n{error}")
            state.pop(job.stem, None)
        write_json(paths.run_state, state)

    run_graph(order, deps, start, finish, workers=max(1, jobs), live=LiveLine(enabled=None if jobs > 1 else False),
              pool=pool)
    for job in planned:
        results.setdefault(job.label, JobResult(job.label, "not run", year=job.year))
    failed = any(r.status == "failed" for r in results.values())
    write_json(timings_file, timings)
    outcome = RunOutcome(in_plan_order())
    outcome.manifest_path = write_json(paths.manifest, manifest("failed" if failed else "ok"))
    return outcome


def clean_outputs(paths: ProjectPaths) -> None:
    """Remove everything generated (never the raw data)."""
    for d in (paths.processed, paths.results, paths.reports):
        if d.exists() and not paths.data_dir.is_relative_to(d):
            shutil.rmtree(d)
