"""Runs the pipeline notebooks in order with papermill, skipping what is unchanged.

A notebook is skipped when its cache key (its code, the parameters it receives, the
hashes of the files it reads, the source of ``analysis/`` and the lock file) equals
the key of its last successful run and its executed copy is still there. Before the
report notebook the runner writes what the report reads about the run itself:
``results/tables/what_changed.csv`` and ``results/manifest.json`` (status "running").
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from analysis.data.contract import EVENT_FILE
from analysis.hashing import file_sha256, files_sha256, tree_sha256, value_sha256
from analysis.io import read_json, write_json
from analysis.paths import LOCK_FILE, NOTEBOOKS_DIR, PACKAGE_DIR, ProjectPaths
from analysis.pipeline import history
from analysis.pipeline.manifest import build_manifest, raw_input_files
from analysis.pipeline.notebooks import NotebookSpec, discover, select
from analysis.pipeline.params import RUNTIME_NAMES, SCHEMA


@dataclass
class Job:
    spec: NotebookSpec
    year: int | None = None

    @property
    def label(self) -> str:
        return f"{self.spec.name}[{self.year}]" if self.year is not None else self.spec.name

    @property
    def stem(self) -> str:
        return f"{self.spec.name}_{self.year}" if self.year is not None else self.spec.name


@dataclass
class JobResult:
    notebook: str
    status: str  # ok | skipped | failed | not run
    seconds: float = 0.0
    cache_key: str | None = None
    year: int | None = None
    error: str | None = None


@dataclass
class RunOutcome:
    results: list[JobResult] = field(default_factory=list)
    manifest_path: Path | None = None

    @property
    def ok(self) -> bool:
        return all(r.status in ("ok", "skipped") for r in self.results)


def event_years(data_dir: Path) -> list[int]:
    """Years with an events file (``events/YYYY.csv`` or ``.xlsx``)."""
    from analysis.data.files import event_files

    return sorted({int(p.stem) for p in event_files(Path(data_dir)) if EVENT_FILE.match(p.stem)})


def plan_jobs(specs: list[NotebookSpec], data_dir: Path) -> list[Job]:
    jobs: list[Job] = []
    for spec in specs:
        if spec.per_year:
            jobs.extend(Job(spec, y) for y in event_years(data_dir))
        else:
            jobs.append(Job(spec))
    return jobs


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


def describe_failure(job: Job, exc: BaseException, executed: Path) -> str:
    """Plain words: which notebook, which cell, what it ran, what went wrong."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    where = f"notebook {job.spec.path.name}" + (f" (year {job.year})" if job.year is not None else "")
    if isinstance(exc, PapermillExecutionError):
        # papermill inserts an 'injected-parameters' cell after the parameters cell
        idx = exc.cell_index
        if idx > job.spec.parameters_cell_index:
            idx -= 1
        lines = [l for l in (exc.source or "").splitlines() if l.strip()][:4]
        shown = "\n".join(f"    | {l}" for l in lines)
        return (
            f"{where} failed in cell {idx + 1}:\n{shown}\n"
            f"  {exc.ename}: {exc.evalue}\n"
            f"  partially executed copy: {executed}"
        )
    if isinstance(exc, CellTimeoutError) or "timed out" in str(exc).lower():
        return (f"{where}: a cell ran longer than cell_timeout_s and was stopped "
                f"(raise it with --set cell_timeout_s=SECONDS).\n  partially executed copy: {executed}")
    if isinstance(exc, DeadKernelError) or "kernel died" in str(exc).lower():
        return (f"{where}: the Python kernel died (often: out of memory, or a crash in a compiled library).\n"
                f"  partially executed copy: {executed}")
    return f"{where} could not be run: {type(exc).__name__}: {exc}"


def run(
    params: dict[str, Any],
    paths: ProjectPaths,
    only: list[str] | None = None,
    force: bool = False,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    echo: Callable[[str], None] = print,
    progress_bar: bool | None = None,
) -> RunOutcome:
    import papermill as pm

    started = datetime.now(timezone.utc)
    specs = select(discover(notebooks_dir), only)
    check_declared_parameters(specs)
    paths.ensure_output_dirs()
    # what_changed.csv on disk was made for this entry; a run without the report keeps it
    run_history = (read_json(paths.manifest, default={}) or {}).get("history") or {"previous": None}
    history.snapshot_previous(paths)

    jobs = plan_jobs(specs, paths.data_dir)
    state: dict[str, str] = read_json(paths.run_state, default={}) or {}
    code_hash = tree_sha256(PACKAGE_DIR)
    lock_hash = file_sha256(LOCK_FILE) if LOCK_FILE.exists() else ""
    if progress_bar is None:
        progress_bar = sys.stderr.isatty()

    outcome = RunOutcome()

    def manifest(status: str) -> dict[str, Any]:
        return build_manifest(
            data_dir=paths.data_dir, out_dir=paths.out_dir, params=params,
            notebooks=[asdict(r) for r in outcome.results], started=started,
            finished=datetime.now(timezone.utc), status=status, history=run_history,
        )

    failed = False
    n = len(jobs)
    for k, job in enumerate(jobs, start=1):
        if failed:
            outcome.results.append(JobResult(job.label, "not run", year=job.year))
            continue
        if job.spec.report:  # before the cache key: what_changed.csv is one of the report's inputs
            ran = any(r.status == "ok" for r in outcome.results)
            run_history = history.report_history(paths, run_history, notebooks_ran=ran)
        passed = notebook_parameters(job, params, paths)
        key = cache_key(job, passed, paths, code_hash, lock_hash, params)
        executed = paths.executed / f"{job.stem}.ipynb"
        prefix = f"[{k}/{n}] {job.label} ..."
        if not force and state.get(job.stem) == key and executed.exists():
            echo(f"{prefix} skipped: unchanged")
            outcome.results.append(JobResult(job.label, "skipped", 0.0, key, job.year))
            continue
        if job.spec.report:  # not among its declared reads: it changes on every run
            write_json(paths.manifest, manifest("running"))
        if sys.stdout.isatty():  # show what is running; the result line overwrites it
            sys.stdout.write(prefix + "\r")
            sys.stdout.flush()
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(
                str(job.spec.path), str(executed), parameters=passed, kernel_name="python3",
                progress_bar=progress_bar, cwd=str(notebooks_dir),
                execution_timeout=params.get("cell_timeout_s"), start_timeout=120, log_output=False,
                # the kernel's own start-up chatter (transport notices) is not the user's concern
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
            _render(job, executed, paths)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, then the run stops
            if isinstance(exc, KeyboardInterrupt):
                raise
            seconds = time.perf_counter() - t0
            message = describe_failure(job, exc, executed)
            echo(f"[{k}/{n}] {job.label} ... FAILED after {seconds:.1f} s\n{message}")
            outcome.results.append(JobResult(job.label, "failed", round(seconds, 2), key, job.year, message))
            state.pop(job.stem, None)
            write_json(paths.run_state, state)
            failed = True
            continue
        seconds = time.perf_counter() - t0
        echo(f"[{k}/{n}] {job.label} ... done in {seconds:.1f} s")
        outcome.results.append(JobResult(job.label, "ok", round(seconds, 2), key, job.year))
        state[job.stem] = key
        write_json(paths.run_state, state)

    outcome.manifest_path = write_json(paths.manifest, manifest("failed" if failed else "ok"))
    return outcome


def _render(job: Job, executed: Path, paths: ProjectPaths) -> None:
    from analysis.pipeline.render import render_notebook_html

    render_notebook_html(executed, executed.with_suffix(".html"), hide_code=False)
    if job.spec.html:
        target = paths.out_dir / job.spec.html.format(year=job.year)
        render_notebook_html(executed, target, hide_code=True)
        if job.spec.report:  # the Word report beside the HTML one, from the same executed notebook
            from analysis.pipeline.docx import render_notebook_docx

            render_notebook_docx(executed, target.with_suffix(".docx"))


def clean_outputs(paths: ProjectPaths) -> None:
    """Remove everything generated (never the raw data)."""
    for d in (paths.processed, paths.results, paths.reports):
        if d.exists() and not paths.data_dir.is_relative_to(d):
            shutil.rmtree(d)
