"""Power of the activity logit to detect a leadership-attention effect, by simulation.

For each number of relationships and years in the grid, panels are drawn from the
activity data-generating process with a planted ``leader_visit_lag`` log-odds effect,
the default logit (clustered by relationship) is fitted, and power is the share of
replications whose two-sided test rejects "no effect" at level 1 - ci_level.
Panels are generated in memory (no raw files) so that a grid runs in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

from analysis.models.result import ACTIVITY_TERMS
from analysis.models.separation import INTERCEPT
from analysis.sim import simulate
from analysis.sim.heterogeneity import activity_offsets

# The planted effects and the generative core are those of analysis.sim.simulate, so power
# is computed for exactly the process the recovery tests check.
DEFAULT_EFFECTS: dict[str, float] = dict(simulate.DEFAULT_EFFECTS)


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

    Uses simulate's network and yearly dynamics with the same random streams, so the
    panel equals ``build_panel`` of the simulated raw files on the columns the models
    use, but skips writing events and aggregating them (about 50 times faster). Lags are
    NA in a relationship's first year, as in the built panel.
    """
    effects = {**simulate.DEFAULT_EFFECTS, **(effects or {})}
    rates = {**simulate.DEFAULT_RATES, **(rates or {})}
    cities, rel = simulate.simulate_network(n_relationships, n_years, seed, last_year, rates)
    rel = rel.drop(columns="_has_status")
    first_year = last_year - n_years + 1
    n_blocks = max(1, -(-len(rel) // simulate.BLOCK_SIZE))
    children = np.random.SeedSequence([seed, 1]).spawn(n_blocks)  # as simulate.iter_event_blocks
    offsets = activity_offsets(rel, cities, seed, rates)  # relationship/city heterogeneity (zero by default)
    heterogeneous = bool(np.any(offsets != 0))
    drivers, log_km, intl = [], [], []
    for k in range(n_blocks):
        block = rel.iloc[k * simulate.BLOCK_SIZE:(k + 1) * simulate.BLOCK_SIZE].reset_index(drop=True)
        lk, it = simulate.relationship_terms(block, cities)
        off = offsets[k * simulate.BLOCK_SIZE:(k + 1) * simulate.BLOCK_SIZE] if heterogeneous else None
        yrs = simulate.driver_years(block, lk, it, first_year, last_year, effects, rates,
                                    np.random.default_rng(children[k]), off)
        drivers.append(yrs.assign(rel=yrs["rel"] + k * simulate.BLOCK_SIZE))
        log_km.append(np.asarray(lk, dtype=float))
        intl.append(np.asarray(it, dtype=float))
    d = pd.concat(drivers, ignore_index=True)
    log_km, intl = np.concatenate(log_km), np.concatenate(intl)

    # One row per relationship and year alive; drivers on a dense (relationship, year) grid.
    est = rel["established"].to_numpy(dtype="int64")
    end = rel["ended"].astype("float64").fillna(last_year).to_numpy().astype("int64")
    lengths = end - est + 1
    r = np.repeat(np.arange(len(rel)), lengths)
    offset = np.arange(len(r)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    year = est[r] + offset
    grid = {k: np.zeros((len(rel), n_years)) for k in ("lv", "co", "ex", "active")}
    col = d["year"].to_numpy() - first_year
    grid["lv"][d["rel"], col] = d["lv"]
    grid["co"][d["rel"], col] = d["co"]
    grid["ex"][d["rel"], col] = d["ex"]
    grid["active"][d["rel"], col] = 1.0
    c = year - first_year
    first = offset == 0
    lag = lambda g: np.where(first, np.nan, g[r, np.maximum(c - 1, 0)])  # noqa: E731
    lv, co, ex, active = (grid[k][r, c] for k in ("lv", "co", "ex", "active"))
    return pd.DataFrame({
        "relationship_id": rel["relationship_id"].to_numpy()[r],
        "city_a": rel["city_a"].to_numpy()[r],
        "city_b": rel["city_b"].to_numpy()[r],
        "kind": rel["kind"].to_numpy()[r],
        "year": year,
        "events": (lv + co + ex).astype("int64"),
        "active": active.astype("int64"),
        "leader_visit": lv.astype("int64"),
        "cooperation": co.astype("int64"),
        "exchange_count": ex.astype("int64"),
        "leader_visit_lag": lag(grid["lv"]),
        "cooperation_lag": lag(grid["co"]),
        "exchange_lag": np.log1p(lag(grid["ex"])),
        "active_lag": lag(grid["active"]),
        "log_distance": log_km[r],
        "age": (year - est[r]).astype("int64"),
        "international": intl[r],
    })


def _fit_leader_effect(panel: pd.DataFrame) -> tuple[float, float, float]:
    """(coef, cluster-robust SE, p) of leader_visit_lag in the default logit."""
    df = panel.dropna(subset=ACTIVITY_TERMS)
    X = np.column_stack([np.ones(len(df))] + [df[t].to_numpy(dtype=float) for t in ACTIVITY_TERMS])
    groups = pd.factorize(df["relationship_id"])[0]
    try:
        res = sm.Logit(df["active"].to_numpy(dtype=float), X, check_rank=False).fit(
            disp=0, maxiter=100, cov_type="cluster", cov_kwds={"groups": groups})
        return float(res.params[1]), float(res.bse[1]), float(res.pvalues[1])
    except Exception:  # noqa: BLE001 - a failed fit (tiny cell) counts as no rejection
        return np.nan, np.nan, 1.0


def power_grid(
    effect: float,
    relationships: list[int],
    years: list[int],
    replications: int = 100,
    seed: int = 0,
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Power per (relationships, years) cell with a Wilson interval for the Monte Carlo error.

    Each cell has its own seeded random stream (derived from ``seed`` and the cell),
    so a cell's result does not depend on which other cells are in the grid.
    """
    alpha = 1 - ci_level
    rows = []
    for n in relationships:
        for T in years:
            seeds = np.random.SeedSequence([seed, n, T]).generate_state(replications)
            fits = np.array([_fit_leader_effect(simulate_activity_panel(n, T, {"leader_visit_lag": effect}, int(s)))
                             for s in seeds])
            reject = int((fits[:, 2] < alpha).sum())
            lo, hi = proportion_confint(reject, replications, alpha=0.05, method="wilson")
            rows.append({
                "relationships": n, "years": T, "effect": effect, "replications": replications,
                "power": reject / replications, "power_ci_low": lo, "power_ci_high": hi,
                "mean_estimate": float(np.nanmean(fits[:, 0])), "mean_se": float(np.nanmean(fits[:, 1])),
                "failed_fits": int(np.isnan(fits[:, 0]).sum()),
            })
    return pd.DataFrame(rows)


def power_figure(grid: pd.DataFrame, target: float = 0.8):
    """Power against the number of relationships, one line per number of years."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for T, g in grid.groupby("years"):
        g = g.sort_values("relationships")
        ax.plot(g["relationships"], g["power"], marker="o", label=f"{T} years")
        ax.fill_between(g["relationships"], g["power_ci_low"], g["power_ci_high"], alpha=0.15)
    ax.axhline(target, color="grey", linestyle="--", linewidth=1)
    ax.text(grid["relationships"].min(), target + 0.02, f"{target:.0%} power", color="grey", fontsize=8)
    ax.set_xscale("log")
    ax.set_xticks(sorted(grid["relationships"].unique()))
    ax.get_xaxis().set_major_formatter(plt.matplotlib.ticker.ScalarFormatter())
    ax.get_xaxis().set_minor_formatter(plt.matplotlib.ticker.NullFormatter())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("relationships observed")
    ax.set_ylabel("power")
    eff = grid["effect"].iloc[0]
    ax.set_title(f"Power to detect a top-leader-visit effect of {eff:g} log-odds (OR {np.exp(eff):.2f})")
    ax.legend(title="panel length")
    fig.tight_layout()
    return fig


def relationships_needed(grid: pd.DataFrame, target: float = 0.8) -> pd.DataFrame:
    """Smallest number of relationships in the grid reaching ``target`` power, per panel length."""
    out = []
    for T, g in grid.groupby("years"):
        ok = g[g["power"] >= target].sort_values("relationships")
        out.append({"years": T, "relationships_needed": int(ok["relationships"].iloc[0]) if len(ok) else None})
    return pd.DataFrame(out).astype({"relationships_needed": "Int64"})


def power_summary(grid: pd.DataFrame, target: float = 0.8) -> str:
    """Markdown: the smallest number of relationships reaching ``target`` power, per panel length."""
    effect = float(grid["effect"].iloc[0])
    lines = []
    for row in relationships_needed(grid, target).itertuples():
        if pd.isna(row.relationships_needed):
            lines.append(f"- {row.years} years: none of the sizes tried (at most {int(grid['relationships'].max())} "
                         f"relationships) reaches {target:.0%} power.")
        else:
            lines.append(f"- {row.years} years: about **{row.relationships_needed} relationships**.")
    return (f"To detect a top-leader-visit effect of {effect:g} log-odds (odds ratio {np.exp(effect):.2f}) with "
            f"{target:.0%} power, the smallest size in the grid that suffices is:\n\n" + "\n".join(lines))


def power_numbers(grid: pd.DataFrame, seed: int, target: float = 0.8) -> dict:
    """The power analysis for numbers.json: every cell and the sizes needed for ``target`` power."""
    needed = relationships_needed(grid, target)
    return {
        "effect": float(grid["effect"].iloc[0]),
        "replications": int(grid["replications"].iloc[0]),
        "seed": seed,
        "target_power": target,
        "cells": grid[["relationships", "years", "power", "power_ci_low", "power_ci_high"]].to_dict("records"),
        "relationships_needed": {str(int(r.years)): (None if pd.isna(r.relationships_needed) else int(r.relationships_needed))
                                 for r in needed.itertuples()},
    }
