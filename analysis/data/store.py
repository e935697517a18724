"""The stored copy of a validated ``RawData`` (under ``data/processed/raw``): one Parquet file per
frame, a JSON with sources, files and column types, and the digest of the inputs they came from.

Frames come back exactly as they were written: dtypes, column order, and which
missing values were None and which NaN in object columns (Parquet keeps only "null").
Every file carries the digest, so a copy half-replaced by another run is never mixed
with the rest: it reads as no copy.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.rawdata import FRAMES, RawData
from analysis.io import atomic_path, write_text

DIGEST_FILE = "digest.txt"
META_FILE = "raw.json"
DIGEST_KEY = b"analysis.raw_digest"  # Parquet schema metadata

# how a missing value in an object column is written down
_MISSING_NAMES = {"None": None, "nan": math.nan, "NA": pd.NA, "NaT": pd.NaT}


def _missing_name(value: Any) -> str:
    if value is None:
        return "None"
    if value is pd.NA:
        return "NA"
    if value is pd.NaT:
        return "NaT"
    return "nan"


def column_types(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each column's dtype and, for object columns, where each kind of missing value sits.

    Raises ValueError for what Parquet cannot bring back as written (object cells that
    are not text, a frame index other than 0..n-1).
    """
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        raise ValueError("only frames indexed 0..n-1 are stored")
    types: dict[str, dict[str, Any]] = {}
    for name in frame.columns:
        col = frame[name]
        spec: dict[str, Any] = {"dtype": str(col.dtype)}
        if col.dtype == object:
            missing = col.isna().to_numpy()
            if not all(isinstance(v, str) for v in col[~missing]):
                raise ValueError(f"column {name!r} holds values other than text")
            positions: dict[str, list[int]] = {}
            for i in np.flatnonzero(missing):
                positions.setdefault(_missing_name(col.iat[i]), []).append(int(i))
            common = max(positions, key=lambda k: len(positions[k]), default="None")
            spec["missing"] = common
            spec["except"] = {k: v for k, v in positions.items() if k != common}
        types[str(name)] = spec
    return types


def _restore(frame: pd.DataFrame, types: dict[str, dict[str, Any]]) -> pd.DataFrame:
    out = {}
    for name, spec in types.items():
        col = frame[name]
        if spec["dtype"] == "object":
            values = col.astype(object).to_numpy(copy=True)
            values[pd.isna(values)] = _MISSING_NAMES[spec["missing"]]
            for kind, positions in spec["except"].items():
                values[positions] = _MISSING_NAMES[kind]
            out[name] = pd.Series(values, index=frame.index, dtype=object)
        elif str(col.dtype) != spec["dtype"]:
            out[name] = col.astype(spec["dtype"])
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index, columns=list(types))


def _write_frame(path: Path, frame: pd.DataFrame, digest: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), DIGEST_KEY: digest.encode()})
    with atomic_path(path, suffix=".parquet") as tmp:
        pq.write_table(table, tmp)


def _read_frame(path: Path, digest: str) -> pd.DataFrame | None:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    if (table.schema.metadata or {}).get(DIGEST_KEY) != digest.encode():
        return None
    return table.to_pandas()


def write_raw_data(raw: RawData, folder: Path, digest: str) -> None:
    """Store ``raw`` under ``folder``; the digest file is written last, so it names a complete copy.

    Raises ValueError (nothing written) when the data would not come back exactly.
    """
    meta = {
        "digest": digest,
        "files": list(raw.files),
        "sources": raw.sources,
        "columns": {name: column_types(getattr(raw, name)) for name in FRAMES},
    }
    # key order kept (sources are shown in file order); what JSON cannot hold is refused
    try:
        text = json.dumps(meta, ensure_ascii=False, indent=1) + "\n"
    except TypeError as exc:
        raise ValueError(f"sources cannot be stored as JSON: {exc}") from None
    if json.loads(text)["sources"] != raw.sources:
        raise ValueError("sources do not come back the same from JSON")
    folder = Path(folder)
    for name in FRAMES:
        _write_frame(folder / f"{name}.parquet", getattr(raw, name), digest)
    write_text(folder / META_FILE, text)
    write_text(folder / DIGEST_FILE, digest + "\n")


def stored_digest(folder: Path) -> str | None:
    path = Path(folder) / DIGEST_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def read_raw_data(folder: Path, digest: str) -> RawData | None:
    """The stored copy made from inputs with this digest, or None (absent, other inputs, incomplete)."""
    folder = Path(folder)
    if stored_digest(folder) != digest:
        return None
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("digest") != digest:
            return None
        frames = {}
        for name in FRAMES:
            frame = _read_frame(folder / f"{name}.parquet", digest)
            if frame is None:
                return None
            frames[name] = _restore(frame, meta["columns"][name])
    except (OSError, ValueError, KeyError):  # a copy being replaced, or damaged: validate again
        return None
    return RawData(**frames, sources=meta["sources"], files=meta["files"])
