"""How the report writes numbers, p-values and intervals, and styles a table for the page."""

from __future__ import annotations

import html
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


def _cell(value: Any, title: Any = None) -> str:
    """One cell as escaped HTML: blank for a missing value, whole numbers without '.0', a hover title when given."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    elif isinstance(value, float):
        text = fmt_number(value)
    else:
        text = str(value)
    text = html.escape(text)
    if title is None or title is pd.NA or (isinstance(title, float) and math.isnan(title)) or str(title) in ("", text):
        return text
    return f'<span title="{html.escape(str(title), quote=True)}">{text}</span>'


def publication_table(df: pd.DataFrame, headers: dict[str, str], titles: dict[str, Any] | None = None,
                      nowrap: tuple[str, ...] | list[str] = (), numeric: tuple[str, ...] | list[str] = (),
                      table_id: str = "t") -> Any:
    """A table to publish: only the columns of ``headers`` (in its order, under its readable headers), no index,
    blanks for missing values, each cell escaped, a hover ``title`` per cell from ``titles[column]`` (e.g. a
    place's id under its name), ``nowrap`` columns kept on one line (dates), ``numeric`` ones right-aligned.
    ``table_id`` fixes the element ids, so the same table gives the same bytes."""
    titles = titles or {}
    shown = pd.DataFrame(index=range(len(df)))
    for col, header in headers.items():
        values = df[col].astype(object).tolist() if col in df else [None] * len(df)
        tips = list(titles[col]) if col in titles else [None] * len(df)
        shown[header] = [_cell(v, t) for v, t in zip(values, tips)]
    styler = shown.style.hide(axis="index").set_uuid(table_id)
    left = [headers[c] for c in headers if c not in numeric]
    if left:
        styler = styler.set_properties(subset=left, **{"text-align": "left"})
    right = [headers[c] for c in numeric if c in headers]
    if right:
        styler = styler.set_properties(subset=right, **{"text-align": "right"})
    wrap = [headers[c] for c in nowrap if c in headers]
    if wrap:
        styler = styler.set_properties(subset=wrap, **{"white-space": "nowrap"})
    return styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}], overwrite=False)
