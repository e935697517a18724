"""One run at a time per output folder: a lock held for the whole run.

The lock is an OS file lock (``filelock``) on ``data/processed/run.lock`` under the output
folder; the operating system releases it when the process holding it ends, however it ends,
so a lock left by a killed run is simply taken over. Beside it, ``run.lock.json`` names the
holder (process id, host, start time) so that a second run can say whom it waits for.
"""

from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout


class RunLocked(RuntimeError):
    """Another run holds the folder and the caller asked not to wait."""


def lock_path(out_dir: Path) -> Path:
    return Path(out_dir) / "data" / "processed" / "run.lock"


def holder(out_dir: Path) -> dict | None:
    """Who holds (or last held) the lock: ``pid``, ``host``, ``started``; None when unknown."""
    try:
        return json.loads(lock_path(out_dir).with_suffix(".lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _describe(info: dict | None) -> str:
    if not info:
        return "another run"
    return f"another run (process {info.get('pid')} on {info.get('host')}, started {info.get('started')})"


@contextmanager
def run_lock(out_dir: Path, wait: bool = True, echo: Callable[[str], None] = print,
             poll_s: float = 0.2) -> Iterator[None]:
    """Hold the output folder's run lock; wait for it with a message, or raise :class:`RunLocked`."""
    path = lock_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        info = holder(out_dir)
        if not wait:
            raise RunLocked(f"{_describe(info)} is writing to {out_dir}; not waiting (--no-wait)") from None
        echo(f"waiting: {_describe(info)} is writing to {out_dir} ...")
        lock.acquire(poll_interval=poll_s)
    info_file = path.with_suffix(".lock.json")
    try:
        tmp = info_file.with_name(f".{info_file.name}.{os.getpid()}")
        tmp.write_text(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }) + "\n", encoding="utf-8")
        os.replace(tmp, info_file)  # whole or not at all: a waiting run reads it
        yield
    finally:
        lock.release()
