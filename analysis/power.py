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
from scipy import special
from statsmodels.stats.proportion import proportion_confint

from .models import ACTIVITY_TERMS, INTERCEPT

# Planted log-odds of the default activity logit (per unit of each term).
DEFAULT_EFFECTS: dict[str, float] = {
    INTERCEPT: 1.0,
    "leader_visit_lag": 0.8,
    "exchange_lag": 0.5,
    "cooperation_lag": 0.6,
    "log_distance": -0.2,
    "age": -0.05,
    "international": -0.3,
}


def simulate_activity_panel(
    n_relationships: int,
    n_years: int,
    effects: dict[str, float] | None = None,
    seed: int | np.random.Generator = 0,
    p_leader_visit: float = 0.35,
    p_cooperation: float = 0.4,
    mean_exchanges: float = 1.5,
    first_year: int = 2012,
) -> pd.DataFrame:
    """A relationship-year panel whose ``active`` follows the activity logit exactly.

    Each year, a relationship is active with probability logistic(x'b) where x holds
    last year's drivers and the structure variables; an active year then draws its
    content (a top-leader visit, an agreement or project, other exchanges) and an
    inactive year has no events. The first year has no lags (as in a built panel).
    Columns follow DESIGN.md's panel.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    b = {**DEFAULT_EFFECTS, **(effects or {})}
    n, T = n_relationships, n_years
    n_cities = max(4, n // 3)
    city_a = rng.integers(0, n_cities, n)
    city_b = (city_a + rng.integers(1, n_cities, n)) % n_cities  # never the same city
    international = (rng.random(n) < 0.3).astype(float)
    log_distance = rng.normal(6.5, 0.6, n) + 1.5 * international
    age0 = rng.integers(0, 10, n).astype(float)

    shape = (n, T)
    active = np.zeros(shape)
    leader = np.zeros(shape)
    coop = np.zeros(shape)
    exch = np.zeros(shape)
    lags = {k: np.full(shape, np.nan) for k in ("leader_visit_lag", "cooperation_lag", "exchange_lag", "active_lag")}
    # Year 0: drawn from the marginal of a relationship with no history.
    prev_l = prev_c = prev_e = np.zeros(n)
    for t in range(T):
        eta = (b[INTERCEPT] + b["leader_visit_lag"] * prev_l + b["exchange_lag"] * prev_e
               + b["cooperation_lag"] * prev_c + b["log_distance"] * log_distance
               + b["age"] * (age0 + t) + b["international"] * international)
        a = (rng.random(n) < special.expit(eta)).astype(float)
        lv = a * (rng.random(n) < p_leader_visit)
        co = a * (rng.random(n) < p_cooperation)
        ex = a * rng.poisson(mean_exchanges, n)
        ex = np.where((a == 1) & (lv + co + ex == 0), 1.0, ex)  # an active year has at least one event
        active[:, t], leader[:, t], coop[:, t], exch[:, t] = a, lv, co, ex
        if t > 0:
            lags["leader_visit_lag"][:, t] = leader[:, t - 1]
            lags["cooperation_lag"][:, t] = coop[:, t - 1]
            lags["exchange_lag"][:, t] = np.log1p(exch[:, t - 1])
            lags["active_lag"][:, t] = active[:, t - 1]
        prev_l, prev_c, prev_e = lv, co, np.log1p(ex)

    rid = np.repeat(np.arange(n), T)
    events = (leader + coop + exch).ravel()
    panel = pd.DataFrame({
        "relationship_id": pd.Series(rid).map(lambda i: f"R{i:05d}"),
        "city_a": pd.Series(np.repeat(city_a, T)).map(lambda i: f"C{i:04d}"),
        "city_b": pd.Series(np.repeat(city_b, T)).map(lambda i: f"C{i:04d}"),
        "kind": "sister_city",
        "year": np.tile(np.arange(first_year, first_year + T), n),
        "events": events.astype(int),
        "active": active.ravel().astype(int),
        "leader_visit": leader.ravel().astype(int),
        "cooperation": coop.ravel().astype(int),
        "exchange_count": exch.ravel().astype(int),
        **{k: v.ravel() for k, v in lags.items()},
        "log_distance": np.repeat(log_distance, T),
        "age": (age0[:, None] + np.arange(T)[None, :]).ravel(),
        "international": np.repeat(international, T).astype(int),
    })
    return panel


def _fit_leader_effect(panel: pd.DataFrame) -> tuple[float, float, float]:
    """(coef, cluster-robust SE, p) of leader_visit_lag in the default logit."""
    df = panel.dropna(subset=ACTIVITY_TERMS)
    X = np.column_stack([np.ones(len(df))] + [df[t].to_numpy(dtype=float) for t in ACTIVITY_TERMS])
    groups = pd.factorize(df["relationship_id"])[0]
    try:
        res = sm.Logit(df["active"].to_numpy(dtype=float), X).fit(
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
            rng = np.random.default_rng([seed, n, T])
            fits = np.array([_fit_leader_effect(simulate_activity_panel(n, T, {"leader_visit_lag": effect}, rng))
                             for _ in range(replications)])
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
    return pd.DataFrame(out)
