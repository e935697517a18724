"""The power grid (``results/tables/power.csv``) as the report shows it: one row per design with the
type I error beside the power, the estimator the pipeline would use, a caption and a caveat."""

from __future__ import annotations

import math

import pandas as pd

from analysis.report.formatting import fmt_interval, fmt_number

NAME = "power"  # results/tables/power.csv
TITLE = "Power of the activity model (simulation), with its type I error"


def is_power_grid(table: pd.DataFrame) -> bool:
    return "power" in table.columns


def _rate(row: pd.Series) -> str:
    """A rejection rate with its Monte Carlo SE (and Wilson interval when there is one)."""
    text = fmt_interval(row["power"], row["power_ci_low"], row["power_ci_high"])
    return f"{text} (±{row['mc_se']:.2f})" if "mc_se" in row and pd.notna(row["mc_se"]) else text


def power_display(power: pd.DataFrame) -> pd.DataFrame:
    """One row per (relationships, years): type I error (effect 0) and power with their Monte Carlo
    SEs side by side, the estimator(s) used and the panels without a p-value."""
    has_null = "effect" in power and (power["effect"] == 0).any()
    alt = power[power["effect"] != 0] if has_null else power
    null = power[power["effect"] == 0].set_index(["relationships", "years"]) if has_null else None
    rows = []
    for _, r in alt.sort_values(["relationships", "years"]).iterrows():
        row = {"Relationships": int(r["relationships"]), "Years": int(r["years"])}
        if null is not None and (r["relationships"], r["years"]) in null.index:
            row["Type I error (effect 0)"] = _rate(null.loc[(r["relationships"], r["years"])])
        row[f"Power (effect {fmt_number(r['effect'])}) [95% CI] (±MC SE)"] = _rate(r)
        if "estimator" in r:
            row["Estimator used (panels)"] = r["estimator"]
        if "no_p_value" in r:
            z = null.loc[(r["relationships"], r["years"]), "no_p_value"] if null is not None else 0
            row["No p-value (effect 0 / effect)"] = f"{int(z)} / {int(r['no_p_value'])}"
        if "mean_estimate" in r:
            row["Mean estimate"] = fmt_number(r["mean_estimate"])
        if "replications" in r:
            row["Replications"] = int(r["replications"])
        rows.append(row)
    return pd.DataFrame(rows)


def power_caption(power: pd.DataFrame, level: float = 0.95) -> str:
    """Under the power heading: what a row is, what was simulated and with which estimator."""
    reps = int(power["replications"].max()) if "replications" in power and len(power) else 0
    text = (f"*Share of {reps} simulated panels per cell in which the pipeline's activity model rejects 'no effect' "
            f"of a top-leader visit at the {1 - level:.0%} level: under no effect (the type I error, which should be "
            f"near {1 - level:.0%}) and under the planted effect (the power); ± is the Monte Carlo standard error, "
            "the interval Wilson's.")
    if {"activity_rate", "relationship_sd"} <= set(power.columns) and len(power):
        text += (f" Panels simulated at an activity rate of {power['activity_rate'].iloc[0]:.3g} with a persistent "
                 f"relationship effect of SD {power['relationship_sd'].iloc[0]:g}; each analysed with the estimator "
                 "the pipeline would use on it (the dynamic random-effects logit with dyadic-robust SEs, or its pooled "
                 "or Firth fallback, as the column says). A panel whose model would be descriptive or whose term "
                 "cannot be estimated reports no p-value and is not counted as a rejection.")
    return text + "*"


def power_caveat(power: pd.DataFrame, n_relationships: int) -> str:
    """One caveat sentence: power near the data's size with the type I error beside it, and the size needed."""
    if not is_power_grid(power) or not len(power) or "effect" not in power:
        return ""
    alt = power[power["effect"] != 0].sort_values(["relationships", "years"])
    null = power[power["effect"] == 0].set_index(["relationships", "years"])
    if not len(alt):
        return ""
    near = alt[alt["relationships"] <= max(n_relationships, int(alt["relationships"].min()))].iloc[-1]
    key = (near["relationships"], near["years"])
    size = ""
    if key in null.index:
        size = f" while rejecting a true null in {null.loc[key, 'power']:.0%}"
        level = float(near["level"]) if "level" in near else None
        mc_se = float(null.loc[key, "mc_se"]) if "mc_se" in null else 0.0
        if level is not None and null.loc[key, "power"] > level + 2 * mc_se:
            # a reader must know the reported p-values are too small at this size
            size += (f" (more than the nominal {level:.0%}: at this size its p-values are too small, so a "
                     "p-value just under the threshold is weaker evidence than it looks)")
    enough = alt[alt["power"] >= 0.8]
    need = (f"; 80% power needs about {int(enough['relationships'].min())} relationships followed "
            f"{int(enough.loc[enough['relationships'].idxmin(), 'years'])} years"
            if len(enough) else "; no design in the grid reaches 80% power")
    rate = f" at an activity rate of {near['activity_rate']:.3g}" if "activity_rate" in near else ""
    return (f"By simulation{rate}, with {int(near['relationships'])} relationships followed {int(near['years'])} years "
            f"the pipeline's activity model would detect a top-leader-visit effect of {near['effect']:g} log-odds "
            f"(odds ratio {math.exp(near['effect']):.2f}) in {near['power']:.0%} of datasets{size}{need}.")
