"""A kernel that never started (a port raced by parallel kernels) is started again; a real failure is not."""

from __future__ import annotations

from pathlib import Path

import papermill as pm

from analysis.pipeline import jobs
from analysis.pipeline.notebooks import NotebookSpec


def _task(tmp_path: Path) -> jobs.Task:
    spec = NotebookSpec(path=tmp_path / "10_x.ipynb", parameters={})
    return jobs.Task(jobs.Job(spec), tmp_path / "executed.ipynb", {}, tmp_path, None, None, warm_kernel=False)


def _failing(message: str, calls: list):
    def execute_notebook(*args, **kwargs):
        calls.append(1)
        raise RuntimeError(message)
    return execute_notebook


def test_a_kernel_that_died_before_its_first_reply_is_started_again_then_reported(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(pm, "execute_notebook", _failing("Kernel died before replying to kernel_info", calls))
    status, _, message = jobs.execute(_task(tmp_path))
    assert len(calls) == jobs.KERNEL_START_ATTEMPTS == 3
    assert status == "failed" and "kernel_info" in message


def test_any_other_failure_is_not_retried(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(pm, "execute_notebook", _failing("division by zero", calls))
    status, _, message = jobs.execute(_task(tmp_path))
    assert len(calls) == 1 and status == "failed" and "division by zero" in message


def test_kernel_never_started_recognises_a_port_race():
    assert jobs.kernel_never_started(OSError("Address already in use (addr='tcp://127.0.0.1:35807')"))
    assert not jobs.kernel_never_started(ValueError("bad value"))
