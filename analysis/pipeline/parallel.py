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
import threading
import time
from pathlib import Path
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable, TextIO

from analysis.pipeline.jobs import Task, execute

Start = Callable[[str], "Task | None"]
Finish = Callable[[str, str, float, "str | None"], None]

# imported once in the fork server (about a second, while the runner checks the raw data), so each
# worker starts with them loaded
WORKER_PRELOAD = ["analysis.pipeline.jobs", "analysis.pipeline.kernels", "analysis.pipeline.engine",
                  "analysis.pipeline.render", "papermill", "nbconvert", "fontTools.subset"]


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
              live: LiveLine | None = None, pool: ProcessPoolExecutor | None = None) -> None:
    """Start each job in ``order`` once what it waits for is done; stop starting after a failure.

    ``pool``: workers already started (:func:`start_pool`), used when ``workers`` > 1; whoever started
    it shuts it down. Without it they are started at the first job and shut down here.
    """
    live = live or LiveLine(enabled=False)
    started: set[str] = set()
    done: set[str] = set()  # finished well: what waits for them may start
    running: dict[Future, str] = {}
    since: dict[str, float] = {}
    stopped = False
    own_pool = pool is None

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
                        pool = start_pool(workers)
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
        if own_pool and pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if workers == 1:  # the kernel kept here for this run's notebooks
            from analysis.pipeline import kernels

            kernels.discard()


def start_pool(workers: int, kernel_cwd: str | Path | None = None) -> ProcessPoolExecutor:
    """``workers`` processes forked from a server that has papermill and nbconvert loaded (safe, and
    cheap to start), all spawned now; with ``kernel_cwd`` each launches its kept kernel there at once,
    so kernels boot while the runner is still validating and planning."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_started,
                               initargs=(str(kernel_cwd) if kernel_cwd is not None else None,))

    def spawn() -> None:  # the executor spawns a worker per task submitted while none is idle
        for _ in range(workers):
            pool.submit(_nothing)

    # in the background: a spawn waits about a second for the fork server to load its modules
    threading.Thread(target=spawn, name="start-workers", daemon=True).start()
    return pool


def _nothing() -> None:
    return None


def _worker_started(kernel_cwd: str | None = None) -> None:
    """A worker launches its kernel at once, and shuts it down when it exits (multiprocessing skips ``atexit``)."""
    from multiprocessing.util import Finalize

    from analysis.pipeline import kernels

    Finalize(None, kernels.discard, exitpriority=10)
    if kernel_cwd is not None:  # it boots while the worker waits for its first job (which waits for it)
        try:
            kernels.launch(Path(kernel_cwd))
        except Exception:  # noqa: BLE001 - the first job starts it again and reports what went wrong
            kernels.discard()
