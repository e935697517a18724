"""The power grid (``results/tables/power.csv``) as the report shows it: readable columns and a caption."""

from __future__ import annotations

import pandas as pd

from analysis.report.formatting import fmt_interval, fmt_number

NAME = "power"  # results/tables/power.csv
TITLE = "Power of the activity logit (simulation)"


def is_power_grid(table: pd.DataFrame) -> bool:
    return "power" in table.columns


def power_display(power: pd.DataFrame) -> pd.DataFrame:
    """The power grid with readable columns: power with its CI in one cell."""
    out = pd.DataFrame({
        "Relationships": power["relationships"].astype(int),
        "Years": power["years"].astype(int),
        "Effect (log-odds)": power["effect"].map(fmt_number),
        "Power [95% CI]": [fmt_interval(p, lo, hi) for p, lo, hi in
                           zip(power["power"], power["power_ci_low"], power["power_ci_high"])],
    })
    if "mean_estimate" in power:
        out["Mean estimate"] = power["mean_estimate"].map(fmt_number)
    if "mean_se" in power:
        out["Mean SE"] = power["mean_se"].map(fmt_number)
    if "replications" in power:
        out["Replications"] = power["replications"].astype(int)
    if "failed_fits" in power:
        out["Failed fits"] = power["failed_fits"].astype(int)
    return out


def power_caption(power: pd.DataFrame, level: float = 0.95) -> str:
    """One line under the power heading: what a row's power is."""
    reps = int(power["replications"].max()) if "replications" in power and len(power) else 0
    return (f"*Share of {reps} simulated panels per row in which the activity logit rejects 'no effect' of a "
            f"top-leader visit at the {1 - level:.0%} level, when the planted effect is the one shown; "
            "the interval is the Wilson interval of that share.*")
