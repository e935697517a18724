"""Recovery and coverage of the time-to-dormancy hazard and the hurdle count model, by simulation.

Hazard world (not the fitted model): relationships between cities drawn at random (so cities are
shared), a continuous-time Weibull proportional hazard (shape 1.5) with a relationship-level 0/1
``x`` and a yearly normal ``z``; a relationship has events every year until it fails and none
after. Grouping the Weibull into years gives a baseline that the fitted log-duration term only
approximates. Fitted: analysis.models.survival.time_to_dormancy (cloglog, dyadic-robust SEs;
``se_cluster`` beside them).

Count world: whether a relationship-year has any event is a logit in ``x`` and ``z``; how many,
when any, a zero-truncated NB2 (alpha 1.5). Fitted: analysis.models.hurdle.event_hurdle, and the
single negative binomial analysis.models.counts.event_counts for its alpha in the same world.

    python bench/hazard_count_recovery.py                      # 200 replications each
    python bench/hazard_count_recovery.py --replications 50

Results: bench/hazard_count_results.json (committed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULT = ROOT / "bench" / "hazard_count_results.json"
BETA = {"x": 0.7, "z": -0.4}  # log hazard ratios
SHAPE, SCALE = 1.5, 8.0
ANY = {"Intercept": -0.5, "x": 0.8, "z": 0.5}  # log-odds of any event
COUNT = {"Intercept": 0.4, "x": 0.3, "z": -0.2}  # log rates of the count, given any
ALPHA = 1.5


def _network(n: int, rng: np.random.Generator, n_cities: int) -> tuple[np.ndarray, np.ndarray]:
    a = rng.integers(0, n_cities, n)
    b = (a + 1 + rng.integers(0, n_cities - 1, n)) % n_cities
    return a.astype(str), b.astype(str)


def hazard_panel(n: int, years: int, seed: int) -> pd.DataFrame:
    """Yearly rows until failure (events 1) and after it (events 0)."""
    rng = np.random.default_rng(seed)
    x = rng.binomial(1, 0.5, n).astype(float)
    z = rng.normal(size=(n, years))
    cum = lambda t: (t / SCALE) ** SHAPE  # noqa: E731 - Weibull cumulative baseline hazard
    t = np.arange(years)
    p_fail = 1 - np.exp(-(cum(t + 1) - cum(t))[None, :] * np.exp(BETA["x"] * x[:, None] + BETA["z"] * z))
    fails = rng.random((n, years)) < p_fail
    first = np.where(fails.any(axis=1), fails.argmax(axis=1), years)
    ca, cb = _network(n, rng, max(20, n // 4))
    rid = np.repeat(np.arange(n), years)
    age = np.tile(t, n)
    return pd.DataFrame({"relationship_id": rid.astype(str), "year": 2000 + age, "age": age,
                         "events": (age < np.repeat(first, years)).astype(int), "x": x[rid], "z": z.ravel(),
                         "city_a": ca[rid], "city_b": cb[rid]})


def count_panel(n: int, years: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.repeat(rng.binomial(1, 0.5, n).astype(float), years)
    z = rng.normal(size=n * years)
    p_any = 1 / (1 + np.exp(-(ANY["Intercept"] + ANY["x"] * x + ANY["z"] * z)))
    mu = np.exp(COUNT["Intercept"] + COUNT["x"] * x + COUNT["z"] * z)
    y = np.zeros(n * years, dtype=int)
    todo = rng.random(n * years) < p_any
    while todo.any():  # zero-truncated NB2 by redrawing zeros
        idx = np.flatnonzero(todo)
        draw = rng.negative_binomial(1 / ALPHA, 1 / (1 + ALPHA * mu[idx]))
        y[idx[draw > 0]] = draw[draw > 0]
        todo[idx[draw > 0]] = False
    rid = np.repeat(np.arange(n), years)
    ca, cb = _network(n, rng, max(20, n // 4))
    return pd.DataFrame({"relationship_id": rid.astype(str), "year": 2000 + np.tile(np.arange(years), n),
                         "events": y, "x": x, "z": z, "city_a": ca[rid], "city_b": cb[rid]})


def _summary(rows: list[dict], truth: dict[str, float], se_cols: tuple[str, ...]) -> dict:
    from statsmodels.stats.proportion import proportion_confint

    out = {}
    for term, value in truth.items():
        est = np.array([r[term]["estimate"] for r in rows])
        entry = {"truth": value, "mean_bias": float(est.mean() - value), "sd_estimate": float(est.std(ddof=1))}
        for col in se_cols:
            se = np.array([r[term][col] for r in rows])
            covered = np.abs(est - value) <= 1.959964 * se
            lo, hi = proportion_confint(int(covered.sum()), len(covered), method="wilson")
            entry[f"mean_{col}"] = float(se.mean())
            entry[f"coverage_{col}"] = float(covered.mean())
            entry[f"coverage_{col}_ci"] = [round(float(lo), 4), round(float(hi), 4)]
        out[term] = entry
    return out


def run(replications: int, n: int, years: int, seed: int) -> dict:
    from analysis.models.counts import event_counts
    from analysis.models.hurdle import event_hurdle
    from analysis.models.survival import time_to_dormancy

    start = time.perf_counter()
    hz, hu, alphas, onsets = [], [], [], []
    for i in range(replications):
        r = time_to_dormancy(hazard_panel(n, years, seed + i), terms=["x", "z"])
        t = r.table.set_index("term")
        hz.append({k: {"estimate": t.loc[k, "estimate"], "se": t.loc[k, "se"], "se_cluster": t.loc[k, "se_cluster"]}
                   for k in BETA})
        onsets.append(r.numbers["n_events"])
        c = count_panel(n, years, seed + 100_000 + i)
        h = event_hurdle(c, terms=["x", "z"]).table.set_index("term")
        hu.append({**{f"any:{k}": {"estimate": h.loc[f"any:{k}", "estimate"], "se": h.loc[f"any:{k}", "se"]}
                      for k in ANY},
                   **{f"count:{k}": {"estimate": h.loc[f"count:{k}", "estimate"], "se": h.loc[f"count:{k}", "se"]}
                      for k in [*COUNT, "alpha"]}})
        alphas.append(event_counts(c, terms=["x", "z"]).numbers.get("alpha"))
    return {
        "replications": replications, "n_relationships": n, "years": years, "base_seed": seed,
        "seconds": round(time.perf_counter() - start, 1),
        "hazard": {"world": f"Weibull PH (shape {SHAPE}, scale {SCALE}) grouped into years; cities shared",
                   "mean_onsets": float(np.mean(onsets)),
                   "terms": _summary(hz, BETA, ("se", "se_cluster"))},
        "hurdle": {"world": f"logit any event, zero-truncated NB2 alpha {ALPHA} how many",
                   "terms": _summary(hu, {**{f"any:{k}": v for k, v in ANY.items()},
                                          **{f"count:{k}": v for k, v in COUNT.items()}, "count:alpha": ALPHA},
                                     ("se",)),
                   "single_nb_alpha_median": float(np.nanmedian([a for a in alphas if a is not None]))},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=200)
    ap.add_argument("--relationships", type=int, default=400)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--out", type=Path, default=RESULT)
    a = ap.parse_args(argv)
    res = run(a.replications, a.relationships, a.years, a.seed)
    a.out.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    print(json.dumps(res, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
