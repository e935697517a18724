"""Power of the default activity model to detect a leadership-attention effect, by simulation.

For each number of relationships, years and planted ``leader_visit_lag`` effect (0 always
among them, so the type I error is shown beside the power), many panels are simulated at
once at the data's activity rate with a persistent relationship effect
(:mod:`analysis.models.power_sim`), and each is analysed as the pipeline's default
``activity_logit`` would analyse it, fallbacks included (:mod:`analysis.models.power_pipeline`).
Power is the share of panels whose reported p-value rejects "no effect" at level 1 - ci_level.
Also here: ``simulate_activity_panel``, one panel of the simulator's own process in memory
(used by the models' tests), and the figure, summary and numbers of a power grid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.models.power_pipeline import (
    DESCRIPTIVE,
    DYNAMIC,
    FIRTH,
    L2,
    NOT_ESTIMABLE,
    POOLED,
    SEARCH_NODES,
    PanelOutcomes,
    pipeline_outcomes,
)
from analysis.models.power_sim import (
    PowerProcess,
    calibrate_intercept,
    observed_activity_rate,
    simulate_batch,
)
from analysis.models.re_logit import DEFAULT_NODES
from analysis.models.separation import INTERCEPT
from analysis.sim import simulate
from analysis.sim.worlds import world_panel

# The planted effects and the generative core are those of analysis.sim.simulate, so power
# is computed for exactly the process the recovery tests check.
DEFAULT_EFFECTS: dict[str, float] = dict(simulate.DEFAULT_EFFECTS)
RATE_FLOOR = 0.005  # an activity rate from the data is kept within [RATE_FLOOR, 1 - RATE_FLOOR]
ESTIMATOR_KEYS = {"dynamic": DYNAMIC, "pooled": POOLED, "firth": FIRTH, "l2": L2, "not_estimable": NOT_ESTIMABLE,
                  "descriptive": DESCRIPTIVE}


def model_terms(effects: dict[str, float]) -> dict[str, float]:
    """Simulation effects keyed by model term (``intercept`` -> ``Intercept``)."""
    return {(INTERCEPT if k == "intercept" else k): v for k, v in effects.items()}


def simulate_activity_panel(
    n_relationships: int,
    n_years: int,
    effects: dict[str, float] | None = None,
    seed: int = 0,
    rates: dict[str, float] | None = None,
    last_year: int = simulate.LAST_YEAR,
) -> pd.DataFrame:
    """The relationship-year panel of ``simulate.simulate_dataset(n, T, seed)``, built in memory.

    The plain world of :func:`analysis.sim.worlds.world_panel` (simulate's network and yearly
    dynamics with the same random streams), so the panel equals ``build_panel`` of the simulated
    raw files on the columns the models use, but skips writing events and aggregating them (about
    50 times faster). Lags are NA in a relationship's first year, as in the built panel.
    """
    panel = world_panel(n_relationships, n_years, seed, effects, rates, last_year=last_year)
    counts = ["events", "active", "leader_visit", "cooperation", "exchange_count"]  # every year is watched
    return panel.drop(columns=["observed", "established_known"]).astype({c: "int64" for c in counts})


def power_grid(
    effects: float | list[float],
    relationships: list[int],
    years: list[int],
    replications: int = 100,
    seed: int = 0,
    ci_level: float = 0.95,
    activity_rate: float = 0.2,
    relationship_sd: float = 1.0,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    n_nodes: int = DEFAULT_NODES,
    search_nodes: int | None = SEARCH_NODES,
) -> pd.DataFrame:
    """Rejection rate of "no effect" per (relationships, years, effect) cell, as the pipeline would test it.

    Effect 0 is always in the grid: its rejection rate is the type I error, shown beside the power.
    Panels come from :mod:`analysis.models.power_sim` at ``activity_rate`` with heterogeneity
    ``relationship_sd``; each is analysed as the default ``activity_logit`` would
    (:mod:`analysis.models.power_pipeline`: dynamic RE logit, or its pooled / Firth fallbacks). A
    rejection is a reported p-value below 1 - ``ci_level``; a panel without a p-value (descriptive
    under the small-sample rule, or the term not estimable) is not a rejection and is counted in
    ``no_p_value``. ``mc_se`` is the Monte Carlo standard error of the rate, with a Wilson interval.
    The random numbers depend on (seed, relationships) only: every effect and panel length of a size
    shares them, and a shorter panel is the first years of the longer one.
    """
    alpha = 1 - ci_level
    effects = sorted({float(e) for e in np.atleast_1d(effects)} | {0.0})
    process = PowerProcess(activity_rate, relationship_sd)
    longest = max(years)
    intercepts = {e: calibrate_intercept(process, e, longest, seed) for e in effects}
    rows = []
    for n in sorted(set(relationships)):
        for e in effects:
            batch = simulate_batch(n, longest, e, replications, seed, process, intercepts[e])
            for T in sorted(set(years)):
                cut = batch.years(T)
                y, terms = cut.model_rows()
                out = pipeline_outcomes(y, terms, cut.active[:, :, 0].astype(float), cut.city_a, cut.city_b,
                                        min_events_per_parameter, penalty, n_nodes, search_nodes, alpha)
                rows.append(_cell(n, T, e, out, alpha, y, intercepts[e]))
    return pd.DataFrame(rows).assign(activity_rate=activity_rate, relationship_sd=relationship_sd, level=alpha,
                                     quadrature_nodes=n_nodes)


def activity_rate(given: float | None, panel_path) -> tuple[float, str]:
    """The activity rate to simulate and where it comes from: ``given``, or (None) the share of active
    years among the activity model's rows in the built panel at ``panel_path``."""
    if given is not None:
        return float(given), f"the parameter power_activity_rate = {given:g}"
    panel = pd.read_parquet(panel_path)
    rate, n_rows = observed_activity_rate(panel)
    if not n_rows:
        raise ValueError(f"{panel_path}: the panel has no rows the activity model can use (observed, with lagged "
                         "drivers), so there is no activity rate to take from it; set power_activity_rate")
    used = min(max(rate, RATE_FLOOR), 1 - RATE_FLOOR)
    text = f"the data: {int(round(rate * n_rows))} active of {n_rows} activity-model rows ({rate:.3f})"
    if used != rate:
        text += f", held at {used:g} so that a simulated panel can have both outcomes"
    return used, text


def _cell(n: int, T: int, effect: float, out: PanelOutcomes, alpha: float, y: np.ndarray, intercept: float) -> dict:
    reps = len(out.p)
    reject = int((out.p < alpha).sum())  # NaN (no p-value) compares False: not a rejection
    rate = reject / reps
    lo, hi = proportion_confint(reject, reps, alpha=0.05, method="wilson")
    used = pd.Series(out.estimator).value_counts()
    return {
        "relationships": n, "years": T, "effect": effect, "replications": reps, "rejections": reject,
        "power": rate, "mc_se": float(np.sqrt(rate * (1 - rate) / reps)), "power_ci_low": lo, "power_ci_high": hi,
        "no_p_value": int(np.isnan(out.p).sum()),
        "estimator": "; ".join(f"{k} {v}" for k, v in used.items()),
        **{f"n_{key}": int(used.get(name, 0)) for key, name in ESTIMATOR_KEYS.items()},
        "mean_estimate": float(np.nanmean(out.estimate)) if np.isfinite(out.estimate).any() else np.nan,
        "mean_se": float(np.nanmean(out.se)) if np.isfinite(out.se).any() else np.nan,
        "active_share": float(y.mean()), "intercept": intercept,
    }


def alternatives(grid: pd.DataFrame) -> pd.DataFrame:
    """The power rows (planted effect not 0)."""
    return grid[grid["effect"] != 0]


def null_rows(grid: pd.DataFrame) -> pd.DataFrame:
    """The type I error rows (effect 0), indexed by (relationships, years)."""
    return grid[grid["effect"] == 0].set_index(["relationships", "years"])


def power_figure(grid: pd.DataFrame, target: float = 0.8):
    """Power against the number of relationships, one line per number of years; the type I error
    (effect 0) dotted in the same colour, the test's level as a grey line."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    null = grid[grid["effect"] == 0]
    for k, (T, g) in enumerate(alternatives(grid).groupby("years")):
        g = g.sort_values("relationships")
        colour = f"C{k}"
        ax.plot(g["relationships"], g["power"], marker="o", color=colour, label=f"{T} years: power")
        ax.fill_between(g["relationships"], g["power_ci_low"], g["power_ci_high"], color=colour, alpha=0.15)
        z = null[null["years"] == T].sort_values("relationships")
        if len(z):
            ax.plot(z["relationships"], z["power"], marker="x", linestyle=":", color=colour,
                    label=f"{T} years: type I error")
    ax.axhline(target, color="grey", linestyle="--", linewidth=1)
    ax.text(grid["relationships"].max(), target + 0.02, f"{target:.0%} power", color="grey", fontsize=8, ha="right")
    if "level" in grid:
        ax.axhline(float(grid["level"].iloc[0]), color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xticks(sorted(grid["relationships"].unique()))
    ax.get_xaxis().set_major_formatter(plt.matplotlib.ticker.ScalarFormatter())
    ax.get_xaxis().set_minor_formatter(plt.matplotlib.ticker.NullFormatter())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("relationships observed")
    ax.set_ylabel("share of panels rejecting 'no effect'")
    eff = float(alternatives(grid)["effect"].iloc[0]) if len(alternatives(grid)) else 0.0
    ax.set_title(f"Power to detect a top-leader-visit effect of {eff:g} log-odds (OR {np.exp(eff):.2f})")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def relationships_needed(grid: pd.DataFrame, target: float = 0.8) -> pd.DataFrame:
    """Smallest number of relationships in the grid reaching ``target`` power, per panel length."""
    out = []
    for T, g in alternatives(grid).groupby("years"):
        ok = g[g["power"] >= target].sort_values("relationships")
        out.append({"years": T, "relationships_needed": int(ok["relationships"].iloc[0]) if len(ok) else None})
    return pd.DataFrame(out, columns=["years", "relationships_needed"]).astype({"relationships_needed": "Int64"})


def estimators_used(grid: pd.DataFrame) -> str:
    """Which estimator the pipeline would use, in words, summed over the grid's panels."""
    counts = {name: int(grid[f"n_{key}"].sum()) for key, name in ESTIMATOR_KEYS.items() if f"n_{key}" in grid}
    total = sum(counts.values())
    return ", ".join(f"{name} in {n} of {total} panels" for name, n in counts.items() if n)


def power_summary(grid: pd.DataFrame, target: float = 0.8, activity_source: str = "") -> str:
    """Markdown: what was simulated and fitted, the type I error beside the power, and the sizes needed."""
    alt, null = alternatives(grid), grid[grid["effect"] == 0]
    effect = float(alt["effect"].iloc[0]) if len(alt) else 0.0
    lines = []
    for row in relationships_needed(grid, target).itertuples():
        if pd.isna(row.relationships_needed):
            lines.append(f"- {row.years} years: none of the sizes tried (at most {int(grid['relationships'].max())} "
                         f"relationships) reaches {target:.0%} power.")
        else:
            lines.append(f"- {row.years} years: about **{row.relationships_needed} relationships**.")
    first = grid.iloc[0]
    worst = null.loc[null["power"].idxmax()] if len(null) else None
    return "\n".join([
        (f"Panels simulated at an activity rate of **{first['activity_rate']:.3g}** ({activity_source or 'parameter'}), "
         f"with a relationship effect of SD {first['relationship_sd']:g}, {int(first['replications'])} per cell; each "
         f"analysed as the pipeline would: {estimators_used(grid)}. A panel whose model would be descriptive, or "
         f"whose top-leader-visit term cannot be estimated, reports no p-value and is not counted as a rejection "
         f"({int(grid['no_p_value'].sum())} panels in all)."),
        "",
        (f"**Type I error** (no effect planted; the test's level is {first['level']:.0%}): between "
         f"{null['power'].min():.2f} and {null['power'].max():.2f} across the grid; the largest, "
         f"{worst['power']:.2f} (Monte Carlo SE {worst['mc_se']:.2f}), at {int(worst['relationships'])} relationships "
         f"over {int(worst['years'])} years. Power above a type I error well beyond the level overstates what the test "
         "can tell apart.") if worst is not None else "",
        "",
        (f"To detect a top-leader-visit effect of {effect:g} log-odds (odds ratio {np.exp(effect):.2f}) with "
         f"{target:.0%} power, the smallest size in the grid that suffices is:"),
        "",
        *lines,
    ])


def power_numbers(grid: pd.DataFrame, seed: int, target: float = 0.8, activity_source: str = "") -> dict:
    """The power analysis for numbers.json: every cell (power and type I error), the design simulated,
    the estimators used and the sizes needed for ``target`` power."""
    needed = relationships_needed(grid, target)
    null = null_rows(grid)
    cells = []
    for r in alternatives(grid).itertuples():
        z = null.loc[(r.relationships, r.years)] if (r.relationships, r.years) in null.index else None
        cells.append({"relationships": int(r.relationships), "years": int(r.years), "power": r.power,
                      "power_mc_se": r.mc_se, "power_ci_low": r.power_ci_low, "power_ci_high": r.power_ci_high,
                      "type_i_error": None if z is None else float(z["power"]),
                      "type_i_error_mc_se": None if z is None else float(z["mc_se"]),
                      "estimator": r.estimator, "no_p_value": int(r.no_p_value)})
    first = grid.iloc[0]
    return {
        "effect": float(alternatives(grid)["effect"].iloc[0]) if len(alternatives(grid)) else 0.0,
        "replications": int(first["replications"]), "seed": seed, "target_power": target,
        "activity_rate": float(first["activity_rate"]), "activity_rate_source": activity_source,
        "relationship_sd": float(first["relationship_sd"]), "level": float(first["level"]),
        "estimators": estimators_used(grid),
        "type_i_error_max": float(null["power"].max()) if len(null) else None,
        "cells": cells,
        "relationships_needed": {str(int(r.years)): (None if pd.isna(r.relationships_needed) else int(r.relationships_needed))
                                 for r in needed.itertuples()},
    }
