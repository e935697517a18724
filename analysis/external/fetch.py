"""Getting the external datasets into ``data/external/source/``: copied from a local folder or
downloaded, each file checked against its registered SHA-256 before it is written.

The local folder is ``--from``, default ``../shared/data``; a download shows a progress bar. Writes
are atomic.

Offline with no local copy nothing is written but ``status.json``, which says the data are
missing and why; the notebooks read it and skip their chapters.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from analysis.external.registry import DataFile, Dataset, all_files
from analysis.hashing import file_sha256
from analysis.io import atomic_path, read_json, to_json_text, write_text
from analysis.paths import PROJECT_ROOT

DEFAULT_LOCAL_COPY = PROJECT_ROOT.parent / "shared" / "data"
STATUS_FILE = "status.json"  # what the notebooks read: {"available": bool, "reason": str, ...}
DOWNLOAD_TIMEOUT_S = 20


class HashMismatch(ValueError):
    """A copied or downloaded file whose SHA-256 is not the registered one."""


class Unavailable(RuntimeError):
    """A file that could be neither copied nor downloaded."""


@dataclass
class FetchReport:
    copied: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already present with the right hash


def source_path(external_dir: Path, ds: Dataset, f: DataFile) -> Path:
    return Path(external_dir) / "source" / ds.folder / f.name


def _check(path: Path, f: DataFile, origin: str) -> None:
    got = file_sha256(path)
    if got != f.sha256:
        raise HashMismatch(f"{origin}: SHA-256 {got} differs from the registered {f.sha256}; file refused")


def _copy(src: Path, target: Path, f: DataFile) -> None:
    _check(src, f, f"{src.parent.name}/{src.name} (local copy)")  # refuse before anything is written
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)


def _download(url: str, target: Path, f: DataFile) -> None:
    import requests
    from tqdm.auto import tqdm

    digest = hashlib.sha256()
    with requests.get(url, stream=True, timeout=DOWNLOAD_TIMEOUT_S) as resp:
        resp.raise_for_status()
        total = int(resp.headers.get("content-length", 0)) or None
        with atomic_path(target) as tmp, open(tmp, "wb") as out, \
                tqdm(total=total, unit="B", unit_scale=True, desc=f.name, leave=False) as bar:
            for chunk in resp.iter_content(1 << 16):
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
            if digest.hexdigest() != f.sha256:
                # raising inside atomic_path removes the temporary file: nothing is written
                raise HashMismatch(f"{url}: SHA-256 {digest.hexdigest()} differs from the registered "
                                   f"{f.sha256}; file refused")


def fetch_all(external_dir: Path, local_copy: Path | None, download: bool = True) -> FetchReport:
    """Put every registered file under ``external_dir/source``; raise :class:`HashMismatch` naming a
    file whose hash differs, :class:`Unavailable` listing the files that could not be had."""
    report, missing = FetchReport(), []
    for ds, f in all_files():
        target = source_path(external_dir, ds, f)
        label = f"{ds.folder}/{f.name}"
        if target.exists() and file_sha256(target) == f.sha256:
            report.kept.append(label)
            continue
        src = Path(local_copy) / ds.folder / f.name if local_copy else None
        if src is not None and src.is_file():
            _copy(src, target, f)
            report.copied.append(label)
        elif download:
            try:
                _download(f.url, target, f)
                report.downloaded.append(label)
            except HashMismatch:
                raise
            except Exception as exc:  # offline, DNS, HTTP error: collected, reported together
                missing.append(f"{label} ({f.url}: {type(exc).__name__})")
        else:
            missing.append(f"{label} (no local copy, downloads disabled)")
    if missing:
        raise Unavailable("could not get: " + "; ".join(missing))
    return report


def write_status(external_dir: Path, available: bool, reason: str = "", **extra) -> Path:
    """``status.json``; left untouched when it already says this (another attempt that learnt nothing new
    must not make the notebooks that read the folder look changed to the next run)."""
    path = Path(external_dir) / STATUS_FILE
    text = to_json_text({"available": available, "reason": reason, **extra})
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return path
    return write_text(path, text)


def read_status(external_dir: Path) -> dict:
    """The fetch status; a folder with no status file reads as unavailable."""
    status = read_json(Path(external_dir) / STATUS_FILE)
    if status is None:
        # no absolute path: the reason goes into numbers.json, which must not depend on where the run is
        return {"available": False, "reason": "no external data under data/external/ "
                                              "(run `python -m analysis external`)"}
    return status


def availability(external_dir: Path, needed: str = "relationships.csv") -> tuple[bool, str]:
    """Whether the harmonised data are there (``status.json`` says so and ``needed`` exists), and if
    not why: what a notebook checks before importing anything heavy."""
    status = read_status(external_dir)
    if not status.get("available"):
        return False, status.get("reason", "")
    if not (Path(external_dir) / needed).exists():
        return False, f"no {needed} under data/external/ (run `python -m analysis external`)"
    return True, ""
