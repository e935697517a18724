"""Year-to-year transitions between active and inactive years (Wilson and cluster-bootstrap intervals)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.models.result import (
    MIN_CLUSTERS,
    TABLE_COLUMNS,
    ModelResult,
    empty_result,
    missing_columns,
    never_crash,
)


@never_crash("transitions")
def transitions(panel: pd.DataFrame, ci_level: float = 0.95, n_boot: int = 1000, seed: int = 0) -> ModelResult:
    """Year-to-year transition probabilities between active and inactive years.

    ``ci_low``/``ci_high`` are Wilson intervals (they treat years as independent);
    ``boot_ci_low``/``boot_ci_high`` resample whole relationships (seeded percentile
    bootstrap), which respects that a relationship's years are dependent.
    """
    model = "transitions"
    if missing := missing_columns(panel, ["active", "relationship_id", "year"]):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.sort_values(["relationship_id", "year"])
    if "active_lag" in df:  # missing after an unobserved year: only consecutive observed years pair up
        prev = df["active_lag"]
    else:
        g = df.groupby("relationship_id")
        prev = g["active"].shift().where(g["year"].shift() == df["year"] - 1)
    df = df.assign(prev=prev).dropna(subset=["prev", "active"])
    n_rel = int(df["relationship_id"].nunique())
    if df.empty:
        return empty_result(model, "no relationship has two consecutive years")
    df["from_active"] = df["prev"].astype(int)
    df["to_active"] = df["active"].astype(int)
    states = {1: "active", 0: "inactive"}
    cells = [(1, 1), (1, 0), (0, 1), (0, 0)]
    # Per-relationship counts of each transition, for the cluster bootstrap.
    counts = (
        df.groupby(["relationship_id", "from_active", "to_active"]).size()
        .unstack(["from_active", "to_active"], fill_value=0)
        .reindex(columns=pd.MultiIndex.from_tuples(cells), fill_value=0)
    )
    C = counts.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(C), size=(n_boot, len(C)))
    boot = C[draws].sum(axis=1)  # n_boot x 4
    alpha = 1 - ci_level
    rows, warn = [], []
    for j, (a, b) in enumerate(cells):
        from_cols = [k for k, (aa, _) in enumerate(cells) if aa == a]
        n_from = int(C[:, from_cols].sum())
        k = int(C[:, j].sum())
        if n_from == 0:
            rows.append(dict(term=f"{states[a]} -> {states[b]}", n_obs=0, count=0))
            warn.append(f"No year follows an {states[a]} year, so transitions from {states[a]} cannot be estimated.")
            continue
        lo, hi = proportion_confint(k, n_from, alpha=alpha, method="wilson")
        with np.errstate(invalid="ignore", divide="ignore"):
            bp = boot[:, j] / boot[:, from_cols].sum(axis=1)
        bp = bp[np.isfinite(bp)]
        blo, bhi = (np.quantile(bp, [alpha / 2, 1 - alpha / 2]) if len(bp) else (np.nan, np.nan))
        rows.append(dict(term=f"{states[a]} -> {states[b]}", estimate=k / n_from, ci_low=lo, ci_high=hi,
                         boot_ci_low=blo, boot_ci_high=bhi, n_obs=n_from, count=k))
    if n_rel < MIN_CLUSTERS:
        warn.append(f"Only {n_rel} relationships: the bootstrap intervals rest on few relationships and are rough.")
    table = pd.DataFrame(rows)
    table.insert(0, "model", model)
    table.insert(2, "label", [f"probability that a year after an {t.split(' -> ')[0]} year is {t.split(' -> ')[1]}"
                              for t in table["term"]])
    for c in ["estimate", "ci_low", "ci_high", "boot_ci_low", "boot_ci_high"]:
        table[c] = table.get(c, np.nan)
        table[c] = table[c].astype(float)
    table["ratio"] = np.nan
    table["se"] = np.sqrt(table["estimate"] * (1 - table["estimate"]) / table["n_obs"].where(table["n_obs"] > 0))
    table["ratio_ci_low"] = np.nan
    table["ratio_ci_high"] = np.nan
    table["p"] = np.nan
    table["n_relationships"] = n_rel
    fit_label = f"transition proportions, Wilson CIs; cluster bootstrap by relationship ({n_boot} draws, seed {seed})"
    table["fit"] = fit_label
    table["note"] = " | ".join(["Wilson intervals treat years as independent; the bootstrap columns resample relationships."] + warn)
    table = table[TABLE_COLUMNS + ["count", "boot_ci_low", "boot_ci_high"]]
    numbers = {
        "terms": {r.term: {"coef": r.estimate, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high, "p": None,
                           "boot_ci_low": r.boot_ci_low, "boot_ci_high": r.boot_ci_high, "count": int(r.count),
                           "n": int(r.n_obs)}
                  for r in table.dropna(subset=["estimate"]).itertuples()},
        "n_obs": int(table["n_obs"].sum()), "n_relationships": n_rel, "warnings": warn, "fit": fit_label,
        "fitted": True, "seed": seed,
    }
    return ModelResult(model, table, warn, numbers, fit_label)
