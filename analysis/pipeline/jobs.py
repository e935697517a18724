"""One notebook job: what it is (a notebook, or a notebook for one year), how it is executed
and rendered, and what came of it.

:func:`execute` is the whole life of a job that runs: papermill executes the notebook (in the
process's kept kernel, or a fresh one), then the executed copy is rendered to HTML (and the report
to Word) from memory. It
never raises on a notebook's failure: it returns the message a reader needs. It runs in the
runner's process (``--jobs 1``) or in a worker process (``--jobs N``), so it takes and returns
plain values.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.data.contract import EVENT_FILE
from analysis.pipeline.notebooks import NotebookSpec

# papermill and nbconvert import nbformat, whose jsonschema imports rfc3987_syntax only to check
# the "iri" string format, which no notebook schema uses; building its grammars costs about 2 s
# of CPU in every process that runs notebooks. Marking it absent makes jsonschema skip that check.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


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

    @property
    def reads(self) -> tuple[str, ...]:
        return self.spec.reads

    @property
    def writes(self) -> tuple[str, ...] | None:
        """Declared writes, ``{year}`` filled in; the HTML rendering the runner writes counts too."""
        if self.spec.writes is None:
            return None
        own = [w.replace("{year}", str(self.year)) if self.year is not None else w for w in self.spec.writes]
        if self.spec.html:
            own.append("out/" + self.spec.html.format(year=self.year))
        return tuple(dict.fromkeys(own))

    @property
    def report(self) -> bool:
        return self.spec.report


@dataclass
class JobResult:
    notebook: str
    status: str  # ok | skipped | failed | not run
    seconds: float = 0.0
    cache_key: str | None = None
    year: int | None = None
    error: str | None = None


@dataclass
class Task:
    """What a worker needs to run one job (plain values: it may cross to another process)."""

    job: Job
    executed: Path
    parameters: dict[str, Any]
    cwd: Path
    html: Path | None
    timeout: float | None
    progress_bar: bool = False
    font_cache: Path | None = None  # subset CJK fonts of the published pages, by their characters
    warm_kernel: bool = True  # run in this process's kept kernel (``kernels``); False: a fresh one


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


def execute(task: Task) -> tuple[str, float, str | None]:
    """Run and render one job: (``ok`` or ``failed``, seconds, the failure in plain words)."""
    from analysis.pipeline.render import render_notebook_html

    t0 = time.perf_counter()
    job = task.job
    try:
        nb = _execute_notebook(task)
        docx_done = None
        if task.html is not None and job.spec.report:  # the Word report beside the HTML one, same notebook
            from analysis.pipeline.docx import start_notebook_docx

            docx_done = start_notebook_docx(nb, task.html.with_suffix(".docx"))  # pandoc runs meanwhile
        try:
            # the working copy with code: the reader's own fonts draw its Chinese (subsetting costs ~1 s a page)
            render_notebook_html(nb, task.executed.with_suffix(".html"), hide_code=False, embed_font=False)
            if task.html is not None:  # a published page carries its glyphs
                render_notebook_html(nb, task.html, hide_code=True, font_cache=task.font_cache)
        finally:
            if docx_done is not None:  # waited for even when a page failed: no pandoc left running
                docx_done()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, then the run stops
        if task.warm_kernel:  # it may have stopped half-way through anything
            from analysis.pipeline import kernels

            kernels.discard()
        return "failed", time.perf_counter() - t0, describe_failure(job, exc, task.executed)
    return "ok", time.perf_counter() - t0, None


def _execute_notebook(task: Task):
    """papermill in this process's warm kernel, or in a kernel of its own; a kernel that never started is retried."""
    import papermill as pm

    from analysis.pipeline import kernels
    from analysis.pipeline.engine import ENGINE

    job = task.job
    # saved once at the end (and on a failure), not after every cell: see engine.WarmKernelEngine
    common = dict(parameters=task.parameters, kernel_name="python3", progress_bar=task.progress_bar,
                  cwd=str(task.cwd), execution_timeout=task.timeout, start_timeout=120, log_output=False,
                  engine_name=ENGINE, request_save_on_cell_execute=False, partial_path=str(task.executed))
    for attempt in range(KERNEL_START_ATTEMPTS):
        try:
            if not task.warm_kernel:
                return pm.execute_notebook(str(job.spec.path), str(task.executed), **common,
                                           extra_arguments=list(kernels.KERNEL_ARGUMENTS))
            kernel = kernels.kernel_for(task.cwd)
            kernel.prepare()
            return pm.execute_notebook(str(job.spec.path), str(task.executed), **common, km=kernel.km, kc=kernel.kc)
        except Exception as exc:  # noqa: BLE001 - only a kernel that never started (or reset) is retried
            if attempt + 1 == KERNEL_START_ATTEMPTS or not kernel_never_started(exc):
                raise
            if task.warm_kernel:
                kernels.discard()
    raise AssertionError("unreachable")


# Kernels started at once by parallel jobs (or test workers) can race for the same free TCP port
# (jupyter_client picks ports before binding them); nothing ran yet, so starting again is safe.
KERNEL_START_ATTEMPTS = 3
KERNEL_START_FAILURES = ("before replying to kernel_info", "address already in use", "while being prepared")


def kernel_never_started(exc: BaseException) -> bool:
    """True for a kernel that died or could not bind its ports before running any cell."""
    return any(words in str(exc).lower() for words in KERNEL_START_FAILURES)


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
    if kernel_never_started(exc):
        return f"{where}: the Python kernel did not start ({KERNEL_START_ATTEMPTS} tries): {exc}"
    if isinstance(exc, DeadKernelError) or "kernel died" in str(exc).lower():
        return (f"{where}: the Python kernel died (often: out of memory, or a crash in a compiled library).\n"
                f"  partially executed copy: {executed}")
    return f"{where} could not be run: {type(exc).__name__}: {exc}"
