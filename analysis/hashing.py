"""SHA-256 of files, folders and values, for the manifest and the cache keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def files_sha256(paths: Iterable[Path], root: Path) -> dict[str, str]:
    """``{relative posix path: sha256}`` sorted by path."""
    out = {}
    for p in sorted(set(paths)):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = file_sha256(p)
    return out


def value_sha256(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_sha256(root: Path, pattern: str = "**/*.py") -> str:
    """One hash over the files of a folder (paths and contents)."""
    return value_sha256(files_sha256(root.glob(pattern), root))
