"""How the report writes numbers, p-values and intervals, and styles a table for the page."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def num(x: Any) -> float:
    """``x`` as a float; NaN for anything that is not a number."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def format_p(p: float) -> str:
    """A p-value in a sentence: 'p = 0.012', 'p < 0.001'."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_number(x: Any) -> str:
    """Two decimals; small numbers to two significant digits; big ones with thousands separators."""
    v = num(x)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if abs(v) >= 10_000:
        return f"{v:,.0f}"
    if v == 0 or abs(v) >= 0.1:
        return f"{v:.2f}"
    return f"{v:.2g}"


def fmt_p(p: Any) -> str:
    """A p-value in a table cell: '0.012', '<0.001', '—'."""
    v = num(p)
    if math.isnan(v):
        return "—"
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def fmt_interval(value: Any, lo: Any, hi: Any) -> str:
    """'2.00 [0.24, 17.04]'; '—' without a value."""
    if math.isnan(num(value)):
        return "—"
    if math.isnan(num(lo)) or math.isnan(num(hi)):
        return fmt_number(value)
    return f"{fmt_number(value)} [{fmt_number(lo)}, {fmt_number(hi)}]"


def fmt_bracket(lo: Any, hi: Any) -> str:
    """'[0.02, 0.22]'; '—' when either end is missing."""
    if math.isnan(num(lo)) or math.isnan(num(hi)):
        return "—"
    return f"[{fmt_number(lo)}, {fmt_number(hi)}]"


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    """'1 relationship', '3 relationships'."""
    return f"{n} {word if n == 1 else (plural_word or word + 's')}"


def styled_table(df: pd.DataFrame, left: tuple[str, ...] | list[str] = (), escape: bool = True) -> Any:
    """A table for the report: no index column, text columns left-aligned, no float noise."""
    left = [c for c in (left or [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])])
            if c in df.columns]
    styler = df.style.hide(axis="index").format(precision=3, na_rep="—", escape="html" if escape else None)
    if left:
        styler = styler.set_properties(subset=left, **{"text-align": "left"})
    return styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}], overwrite=False)
