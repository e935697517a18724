"""Atomic writes: a generated file is written whole or not at all.

Each writer writes to a temporary file in the target folder and renames it over
the target, so a crash or a full disk never leaves a half-written output.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # not imported at run time: the runner writes JSON and text only (pandas costs 0.7 s)
    import pandas as pd


@contextmanager
def atomic_path(target: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes owner-only files; outputs are meant to be read and published
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: str | Path, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def to_json_text(obj: Any) -> str:
    """Canonical JSON: sorted keys, fixed float repr, so equal data gives equal bytes."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default) + "\n"


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if np.isnan(o) else float(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    if isinstance(o, Path):
        return o.as_posix()
    pandas = sys.modules.get("pandas")  # a Timestamp means pandas is loaded
    if pandas is not None and isinstance(o, pandas.Timestamp):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_json(target: str | Path, obj: Any) -> Path:
    return write_text(target, to_json_text(obj))


def read_json(path: str | Path, default: Any = None) -> Any:
    path = Path(path)
    if not path.exists():
        return default
    return json.loads(path.read_text(encoding="utf-8"))


def write_csv(target: str | Path, df: pd.DataFrame, **kwargs: Any) -> Path:
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_path(target, suffix=".csv") as tmp:
        df.to_csv(tmp, **kwargs)
    return Path(target)


def write_parquet(target: str | Path, df: pd.DataFrame) -> Path:
    with atomic_path(target, suffix=".parquet") as tmp:
        df.to_parquet(tmp, index=False)
    return Path(target)
