"""Running the jobs of a graph on N workers, with readable progress.

A job starts once every job it waits for has finished well (run or skipped); the runner's
``start`` decides, in this process, whether it runs (a :class:`~analysis.pipeline.jobs.Task`)
or is skipped (``None``). With one worker the tasks run here, one after another, in the order
given; with more they run in worker processes (each notebook has its own kernel anyway). After
a failure no new job starts, the running ones finish, and the rest are left for the runner to
report as not run. Attached to a terminal, a live line shows what is running.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable, TextIO

from analysis.pipeline.jobs import Task, execute

Start = Callable[[str], "Task | None"]
Finish = Callable[[str, str, float, "str | None"], None]

# imported once in the fork server, so each worker starts with them loaded
WORKER_PRELOAD = ["analysis.pipeline.jobs", "analysis.pipeline.kernels", "analysis.pipeline.render", "papermill",
                  "nbconvert", "fontTools.subset"]


class LiveLine:
    """One line, rewritten in place, naming the running jobs; silent when not on a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stdout
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.shown = False

    def show(self, running: dict[str, float]) -> None:
        if not self.enabled or not running:
            return
        now = time.perf_counter()
        text = "running: " + ", ".join(f"{label} ({now - t:.0f} s)" for label, t in running.items())
        self.stream.write("\r\033[K" + text[:200])
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def run_graph(order: list[str], deps: dict[str, set[str]], start: Start, finish: Finish, workers: int = 1,
              live: LiveLine | None = None) -> None:
    """Start each job in ``order`` once what it waits for is done; stop starting after a failure."""
    live = live or LiveLine(enabled=False)
    started: set[str] = set()
    done: set[str] = set()  # finished well: what waits for them may start
    running: dict[Future, str] = {}
    since: dict[str, float] = {}
    stopped = False
    pool: ProcessPoolExecutor | None = None

    def ready() -> str | None:
        return next((l for l in order if l not in started and deps[l] <= done), None)

    def record(label: str, status: str, seconds: float, error: str | None) -> None:
        nonlocal stopped
        live.clear()
        finish(label, status, seconds, error)
        if status == "ok":
            done.add(label)
        else:
            stopped = True

    try:
        while True:
            while not stopped and len(running) < workers and (label := ready()) is not None:
                started.add(label)
                task = start(label)
                if task is None:  # skipped: unchanged
                    done.add(label)
                elif workers == 1:
                    record(label, *execute(task))
                else:
                    if pool is None:
                        pool = _pool(workers)
                    running[pool.submit(execute, task)] = label
                    since[label] = time.perf_counter()
            if not running:
                return
            live.show({running[f]: since[running[f]] for f in running})
            finished, _ = wait(list(running), timeout=0.5 if live.enabled else None, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: order.index(running[f])):
                label = running.pop(future)
                try:
                    record(label, *future.result())
                except Exception as exc:  # noqa: BLE001 - a worker that died is a failed job, reported
                    record(label, "failed", time.perf_counter() - since[label],
                           f"notebook job {label} could not be run: {type(exc).__name__}: {exc}")
    finally:
        live.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if workers == 1:  # the kernel kept here for this run's notebooks
            from analysis.pipeline import kernels

            kernels.discard()


def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from a server that has papermill and nbconvert loaded (safe, and cheap to start)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_started)


def _worker_started() -> None:
    """A worker shuts down the kernel it kept when it exits (multiprocessing skips ``atexit``)."""
    from multiprocessing.util import Finalize

    from analysis.pipeline import kernels

    Finalize(None, kernels.discard, exitpriority=10)
