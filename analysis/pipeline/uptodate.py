"""The no-op shortcut: nothing on disk changed since the last complete run, so nothing runs.

After a run in which every job ran or was skipped, the runner records a stamp: the run's
arguments and, for every file the run depends on or wrote, its size and modification time
(raw data, notebooks, the ``analysis`` package, the lock file, the parameter files, and
what lies under the output folder's ``data``, ``results`` and ``reports``). When the next run has the
same arguments and finds the same stamp, every job would be skipped, so it stops before the
content hashes, the raw-data check and the imports (pandas, papermill) that the full check
needs: the outputs and the manifest of the last run stand. Any difference, even a file only
touched, sends the run through the full content-hash check, which decides as before.

Only the standard library is imported here.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from analysis.paths import DEFAULT_PARAMS, LOCK_FILE, PACKAGE_DIR

OUT_TREES = ("data", "results", "reports")  # data/: processed, and external inputs such as data/external
IGNORED = {"run.lock", "run.lock.json", "uptodate.json"}


def stamp_path(out_dir: Path) -> Path:
    return Path(out_dir) / "data" / "processed" / "uptodate.json"


def _walk(root: Path) -> Iterable[tuple[str, int, int]]:
    if root.is_file():
        st = root.stat()
        yield root.as_posix(), st.st_size, st.st_mtime_ns
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name in IGNORED or name.endswith(".pyc"):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except FileNotFoundError:  # removed while we looked: the stamp will differ anyway
                continue
            yield path, st.st_size, st.st_mtime_ns


def fingerprint(data_dir: Path, out_dir: Path, notebooks_dir: Path, extra: Iterable[Path] = ()) -> str:
    """A digest of the size and modification time of every file a run reads or writes."""
    roots = [Path(data_dir), Path(notebooks_dir), PACKAGE_DIR, LOCK_FILE, DEFAULT_PARAMS, *extra]
    roots += [Path(out_dir) / tree for tree in OUT_TREES]
    digest = hashlib.sha256()
    for root in roots:
        digest.update(f"\0{root}\0".encode())
        if root.exists():
            for path, size, mtime in _walk(root):
                digest.update(f"{path}\t{size}\t{mtime}\n".encode())
    return digest.hexdigest()


def arguments_key(params: dict[str, Any], only: list[str] | None, data_dir: Path, out_dir: Path,
                  notebooks_dir: Path) -> str:
    text = json.dumps({"params": params, "only": only, "data": str(data_dir), "out": str(out_dir),
                       "notebooks": str(notebooks_dir)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def up_to_date(arguments: str, data_dir: Path, out_dir: Path, notebooks_dir: Path,
               extra: Iterable[Path] = ()) -> list[str] | None:
    """The job labels of the last run when nothing changed since; None when a full check is needed."""
    try:
        stamp = json.loads(stamp_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("arguments") != arguments:
        return None
    if stamp.get("fingerprint") != fingerprint(data_dir, out_dir, notebooks_dir, extra):
        return None
    return list(stamp.get("jobs", []))


def record(arguments: str, jobs: list[str], data_dir: Path, out_dir: Path, notebooks_dir: Path,
           extra: Iterable[Path] = ()) -> None:
    """Write the stamp after a complete run (whole or not at all)."""
    target = stamp_path(out_dir)
    text = json.dumps({"arguments": arguments, "jobs": jobs,
                       "fingerprint": fingerprint(data_dir, out_dir, notebooks_dir, extra)}, indent=1)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, target)


def forget(out_dir: Path) -> None:
    """Drop the stamp (a run is starting: until it completes, nothing is known to be up to date)."""
    stamp_path(out_dir).unlink(missing_ok=True)
