"""The report's "Robustness" section: the multiverse sweep (``results/tables/multiverse.csv``) summarised
per driver in words and one table, and the specification-curve figures that go with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.models.result import DRIVERS, label
from analysis.report.formatting import fmt_number, plural

NAME = "multiverse"  # results/tables/multiverse.csv
TITLE = "Robustness"
# The specification the model tables show: the choices every other one departs from.
DEFAULT_SPEC = {"min_events": 1, "year_effects": False, "specification": "dynamic", "sample": "all"}
CHOICE_WORDS = (
    "what counts as an active year (at least 1 or 2 events), year effects or not, the dynamic or the pooled "
    "model, dyadic or relationship-clustered standard errors (model-based for a penalised fit), and the sample "
    "(all relationships, domestic, international, each kind with enough relationships)"
)


def _reference_sign(rows: pd.DataFrame) -> tuple[float, str]:
    """The sign the others are compared with: the default specification's estimate when it is in the sweep,
    else the median estimate's; and which one it was."""
    default = rows
    for column, value in DEFAULT_SPEC.items():
        default = default[default[column].astype(str) == str(value)]
    if len(default) and np.isfinite(default["estimate"].iloc[0]):
        return float(np.sign(default["estimate"].iloc[0])), "the default specification"
    return float(np.sign(rows["estimate"].median())), "the median estimate"


def driver_summary(sweep: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per driver: specifications, the share with the reference sign, the share significant
    after Holm (``p_holm`` below 1 − ``level``), the range and median of the estimates, the share whose
    dynamic specification fell back to the pooled fit. Drivers absent from the sweep get 0 specifications."""
    alpha = 1 - level
    out = []
    for d in DRIVERS:
        rows = sweep[(sweep["driver"] == d) & np.isfinite(sweep["estimate"])] if len(sweep) else sweep
        n = len(rows)
        if n == 0:
            out.append({"driver": d, "label": label(d), "specifications": 0})
            continue
        sign, reference = _reference_sign(rows)
        dynamic = rows["specification"] == "dynamic"
        out.append({
            "driver": d, "label": label(d), "specifications": n,
            "share_same_sign": float((np.sign(rows["estimate"]) == sign).mean()) if sign != 0 else np.nan,
            "sign_reference": reference, "reference_sign": sign,
            "share_holm_significant": float((rows["p_holm"] < alpha).mean()),
            "n_with_p": int(rows["p_holm"].notna().sum()),
            "min_estimate": float(rows["estimate"].min()), "median_estimate": float(rows["estimate"].median()),
            "max_estimate": float(rows["estimate"].max()),
            "share_fallback": float(rows.loc[dynamic, "fallback"].astype(bool).mean()) if dynamic.any() else np.nan,
        })
    return pd.DataFrame(out)


def _pct(x: float) -> str:
    return "—" if not np.isfinite(x) else f"{x:.0%}"


def robustness_markdown(sweep: pd.DataFrame, level: float = 0.95) -> str:
    """The section's text: what was swept, one table (a row per driver), and one sentence per driver."""
    if sweep is None or sweep.empty:
        return ("The robustness multiverse was not run or produced no estimate (every specification failed or "
                "was descriptive), so there is nothing to compare.")
    s = driver_summary(sweep, level)
    samples = sorted(sweep["sample"].astype(str).unique())
    lines = [
        f"Each driver is re-estimated under every combination of {CHOICE_WORDS}: here "
        f"{plural(len(samples), 'sample')} ({', '.join(samples)}). The three drivers are one family: within each "
        f"combination their p-values are adjusted together (Holm). *Same sign* compares each estimate with the "
        f"default specification's (dynamic model, at least one event, no year effects, all relationships). A "
        f"specification whose model could not give an estimate, or is descriptive (fewer than 20 relationships "
        f"with an active year), is not counted.",
        "",
        f"| Driver | Specifications | Same sign | Significant after Holm ({1 - level:.0%}) | Estimates (log-odds): "
        "min – median – max | Dynamic fell back to pooled |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for r in s.itertuples():
        if r.specifications == 0:
            lines.append(f"| {r.label} | 0 | — | — | — | — |")
            continue
        lines.append(f"| {r.label} | {r.specifications} | {_pct(r.share_same_sign)} | "
                     f"{_pct(r.share_holm_significant)} | {fmt_number(r.min_estimate)} – "
                     f"{fmt_number(r.median_estimate)} – {fmt_number(r.max_estimate)} | {_pct(r.share_fallback)} |")
    lines.append("")
    for r in s.itertuples():
        if r.specifications == 0:
            lines.append(f"- **{r.label}**: no specification gave an estimate.")
            continue
        direction = {1.0: "positive", -1.0: "negative"}.get(r.reference_sign, "zero")
        lines.append(
            f"- **{r.label}**: {_pct(r.share_same_sign)} of {plural(r.specifications, 'specification')} agree with "
            f"the sign of {r.sign_reference} ({direction}); {_pct(r.share_holm_significant)} are significant after "
            f"the Holm adjustment; the estimates range from {fmt_number(r.min_estimate)} to "
            f"{fmt_number(r.max_estimate)}.")
    if (s["share_fallback"] > 0).any():
        lines += ["", "Where the dynamic model fell back to the pooled penalised fit its estimate is the pooled "
                      "one (grey in the figures): such a specification does not separate persistent differences "
                      "between relationships from the drivers."]
    return "\n".join(lines)


def spec_curve_figures(figures_dir: str | Path) -> list[Path]:
    """The specification-curve PNGs to show under the section, in driver order (those that exist)."""
    folder = Path(figures_dir)
    return [p for d in DRIVERS if (p := folder / f"multiverse_{d}.png").exists()]


def robustness_section(tables_dir: str | Path, figures_dir: str | Path, level: float = 0.95) -> tuple[str, list[Path]]:
    """The section's markdown (from ``multiverse.csv``, or a sentence saying it is missing) and its figures."""
    path = Path(tables_dir) / f"{NAME}.csv"
    sweep = pd.read_csv(path) if path.exists() else None
    return robustness_markdown(sweep, level), spec_curve_figures(figures_dir)
