"""The specification-curve figure of the robustness multiverse: one driver's estimates under every
combination of choices, sorted, with their intervals, and the choices marked below."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.describe.figures import DOUBLE_COLUMN_IN, MAX_HEIGHT_IN, style

CHOICE_ROWS = [  # (column, value, label) in the order they are listed under the curve
    ("specification", "dynamic", "dynamic random effects"), ("specification", "pooled", "pooled"),
    ("se_type", "dyadic", "SE dyadic"), ("se_type", "cluster", "SE by relationship"),
    ("se_type", "model-based", "SE model-based (penalised)"),
    ("min_events", 1, "active: ≥1 event"), ("min_events", 2, "active: ≥2 events"),
    ("year_effects", False, "no year effects"), ("year_effects", True, "year effects"),
]


def choice_rows(table: pd.DataFrame) -> list[tuple[str, object, str]]:
    """The rows of the choice matrix that occur in ``table`` (samples last, in their order)."""
    rows = [(c, v, lab) for c, v, lab in CHOICE_ROWS if (table[c] == v).any()]
    rows += [("sample", s, f"sample: {s}") for s in pd.unique(table["sample"])]
    return rows


def specification_curve_figure(table: pd.DataFrame, driver: str, label: str = "") -> plt.Figure:
    """Estimates (log-odds) of ``driver`` with their intervals, sorted, over a dot matrix of the choices.

    Filled: the interval excludes zero; open: it does not. A penalised fallback of the dynamic
    model is drawn grey.
    """
    style()
    t = table[table["driver"] == driver].sort_values("estimate").reset_index(drop=True)
    rows = choice_rows(t) if len(t) else []
    height = min(MAX_HEIGHT_IN, 2.2 + 0.14 * len(rows))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(DOUBLE_COLUMN_IN, height), sharex=True,
                                      gridspec_kw={"height_ratios": [2.2, 0.14 * max(len(rows), 1) + 0.2]})
    if t.empty:
        top.text(0.5, 0.5, "no specification could be fitted", ha="center", va="center", transform=top.transAxes)
    x = np.arange(len(t))
    sig = ((t["ci_low"] > 0) | (t["ci_high"] < 0)).to_numpy()
    colour = np.where(t["fallback"].astype(bool), "#999999", "#1f4e79")
    top.vlines(x, t["ci_low"], t["ci_high"], colors=colour, linewidth=0.8)
    for xi, est, c, s in zip(x, t["estimate"], colour, sig):
        top.plot(xi, est, "o", ms=3, color=c, markerfacecolor=c if s else "white")
    top.axhline(0, color="black", linewidth=0.6)
    top.set_ylabel("estimate (log-odds)")
    top.set_title(f"{label or driver}: {len(t)} specifications")
    for i, (col, val, _) in enumerate(rows):
        on = (t[col] == val).to_numpy()
        bottom.plot(x[on], np.full(on.sum(), i), "|", ms=5, color="#1f4e79")
    bottom.set_yticks(range(len(rows)), labels=[lab for _, _, lab in rows], fontsize=6)
    bottom.set_ylim(len(rows) - 0.5, -0.5)
    bottom.set_xticks([])
    bottom.set_xlabel("specifications, sorted by estimate")
    fig.tight_layout()
    return fig
