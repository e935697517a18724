"""What a run publishes: tidy tables (CSV, LaTeX, HTML) and ``results/numbers.json``.

Tables and numbers are byte-identical across runs with equal results.

Floats are rounded to 6 significant digits before writing, so two runs that agree
to that precision write identical files (and the manifest's hashes agree).
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.io import read_json, write_csv, write_json, write_text

SIGNIFICANT_DIGITS = 6


def round_significant(x: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``x`` rounded to ``digits`` significant digits (NaN and inf unchanged)."""
    if x is None or not np.isfinite(x) or x == 0:
        return x
    return float(f"{x:.{digits}g}")


def rounded(df: pd.DataFrame, digits: int = SIGNIFICANT_DIGITS) -> pd.DataFrame:
    """Copy of ``df`` with every float column rounded to ``digits`` significant digits."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].map(lambda v: round_significant(v, digits))
    return out


def _latex(df: pd.DataFrame, caption: str | None) -> str:
    styler = df.style.hide(axis="index").format(precision=3, na_rep="", escape="latex")
    styler = styler.format_index(escape="latex", axis=1)
    return styler.to_latex(hrules=True, caption=caption, position_float="centering" if caption else None)


def _html(df: pd.DataFrame, name: str) -> str:
    # pandas' to_html has no random ids (unlike Styler), so the bytes are stable.
    table = df.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}", classes=["result-table"],
                       border=0, escape=True)
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(name)}</title></head>\n<body>\n{table}\n</body></html>\n"
    )


def save_table(
    df: pd.DataFrame, name: str, tables_dir: str | Path, caption: str | None = None
) -> dict[str, Path]:
    """Write ``df`` as ``<name>.csv``, ``<name>.tex`` and ``<name>.html`` in ``tables_dir``.

    The CSV keeps every column at 6 significant digits; LaTeX and HTML show 3 decimals
    and 4 significant digits for reading. Returns the three paths.
    """
    if not name or "/" in name or "\\" in name:
        raise ValueError(f"table name must be a plain file stem, not {name!r}")
    tables_dir = Path(tables_dir)
    tidy = rounded(df.reset_index(drop=True))
    paths = {
        "csv": write_csv(tables_dir / f"{name}.csv", tidy, float_format=f"%.{SIGNIFICANT_DIGITS}g"),
        "tex": write_text(tables_dir / f"{name}.tex", _latex(tidy, caption)),
        "html": write_text(tables_dir / f"{name}.html", _html(tidy, name)),
    }
    return paths


# --------------------------------------------------------------------------- display in notebooks

DISPLAY_COLUMNS = ["term", "label", "estimate", "ratio", "ratio_ci_low", "ratio_ci_high", "se", "p"]


def warnings_markdown(warnings: list[str]) -> str:
    """Markdown list of a model's warnings, or a line saying there are none."""
    if not warnings:
        return "*No warnings: the data identify every term with enough events.*"
    return "**Warnings** (they apply to every estimate below):\n\n" + "\n".join(f"- {w}" for w in warnings)


def show_result(result, columns: list[str] | None = None) -> None:
    """Display a model's title, fit, warnings and a compact table in a notebook."""
    from IPython.display import Markdown, display

    t = result.table
    n = f"{int(t['n_obs'].iloc[0])} observations, {int(t['n_relationships'].iloc[0])} relationships" if len(t) else ""
    display(Markdown(f"### {result.model}\n\n*{result.fit}*{' — ' + n if n else ''}\n\n{warnings_markdown(result.warnings)}"))
    if len(t):
        cols = [c for c in (columns or DISPLAY_COLUMNS) if c in t.columns]
        display(rounded(t[cols], 4))


# --- numbers.json: headline numbers merged one model at a time (each notebook adds its own key
# without touching the others; NaN and infinity become null so the JSON stays valid).

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
    import hashlib
    import tempfile

    from filelock import FileLock

    path = Path(path)
    # notebooks run in parallel write their own keys: read-modify-write one at a time, or a key is lost
    # (the lock file lives in the temporary folder, so results/ holds only what a run publishes)
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    with FileLock(str(Path(tempfile.gettempdir()) / f"analysis-numbers-{digest}.lock")):
        current = read_json(path, default={})
        if not isinstance(current, dict):
            raise ValueError(f"{path}: expected a JSON object at the top level, found {type(current).__name__}")
        current[str(key)] = clean(value)
        write_json(path, current)  # sorted keys: the same bytes whichever notebook wrote last
    return current
