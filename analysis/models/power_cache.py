"""Reuse of the power grid between runs.

The grid is a pure function of its arguments (seed included) and of the code of the modules that
simulate and fit it, so a rerun with the same ones (e.g. ``run --force`` after a change to the
report) reads the stored grid back instead of simulating thousands of panels again. Any change to
an argument or to those modules' source gives a new key, and the grid is computed afresh.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.hashing import files_sha256, value_sha256
from analysis.io import write_text
from analysis.models import power
from analysis.models.multiverse import sweep_sources


def power_grid_key(arguments: dict) -> str:
    """The cache key: the arguments and the source of ``power`` and every models module it imports."""
    code = value_sha256(files_sha256(sweep_sources(Path(power.__file__)), Path(power.__file__).parent))
    return value_sha256([sorted((k, repr(v)) for k, v in arguments.items()), code])


def cached_power_grid(cache_dir: str | Path | None, **arguments) -> pd.DataFrame:
    """:func:`analysis.models.power.power_grid` with ``arguments``, read from ``cache_dir`` when an
    identical computation is stored there (None: always compute). The stored table keeps each
    column's values and dtype exactly (floats round-trip through JSON)."""
    if cache_dir is None:
        return power.power_grid(**arguments)
    path = Path(cache_dir) / f"{power_grid_key(arguments)[:32]}.json"
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return pd.DataFrame(stored["columns"]).astype(stored["dtypes"])
    grid = power.power_grid(**arguments)
    stored = {"columns": {c: grid[c].tolist() for c in grid.columns},
              "dtypes": {c: str(t) for c, t in grid.dtypes.items()}}
    write_text(path, json.dumps(stored))
    return grid
