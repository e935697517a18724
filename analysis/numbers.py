"""Headline numbers in ``results/numbers.json``, merged one model at a time.

Each notebook adds its own key (``update_numbers(path, "activity_logit", ...)``)
without touching the others. Floats are rounded to 6 significant digits and NaN
or infinity become null, so equal results give identical bytes and valid JSON.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from .io import read_json, write_json
from .tables import SIGNIFICANT_DIGITS, round_significant


def clean(value: Any, digits: int = SIGNIFICANT_DIGITS) -> Any:
    """JSON-ready copy: rounded floats, NaN/inf -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(value, dict):
        return {str(k): clean(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, digits) for v in value]
    if isinstance(value, np.ndarray):
        return [clean(v, digits) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if not math.isfinite(v) else round_significant(v, digits)
    if value is None or isinstance(value, str):
        return value
    try:  # pandas NA and friends
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def update_numbers(path: str | Path, key: str, value: Any) -> dict[str, Any]:
    """Set ``numbers[key] = value`` in the JSON file at ``path`` (created if absent); atomic.

    Returns the whole updated mapping.
    """
    path = Path(path)
    current = read_json(path, default={})
    if not isinstance(current, dict):
        raise ValueError(f"{path}: expected a JSON object at the top level, found {type(current).__name__}")
    current[str(key)] = clean(value)
    write_json(path, current)
    return current
