"""Coverage of the activity logit's confidence intervals, end to end, by simulation.

Each replication simulates raw data with planted effects (analysis.sim.simulate), builds
the panel from it exactly as a real run does (analysis.panel.build.build_panel), fits the
pooled activity logit (analysis.models.binary.activity_logit_pooled, the model that generated
these data, with its dyadic-robust SEs) and records whether each
95% interval holds the planted coefficient. The result is written to
bench/coverage_results.json, which is committed; tests/test_recovery.py reads it.

    python bench/coverage.py                      # 300 replications, 2 processes
    python bench/coverage.py --replications 100 --jobs 1
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "bench" / "coverage_results.json"
N_RELATIONSHIPS = 3000
N_YEARS = 12
BASE_SEED = 20240601
REPLICATIONS = 300
CI_LEVEL = 0.95
PIPELINE = "analysis.sim.simulate.simulate_dataset -> analysis.panel.build.build_panel -> analysis.models.binary.activity_logit_pooled (dyadic-robust se)"
KEEP_ESTIMATES = 5  # replications whose estimates are stored, so a rerun can be compared exactly


def simulated_panel(n_relationships: int, n_years: int, seed: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """(panel built from simulated raw data, planted coefficients keyed by model term)."""
    from analysis.panel.build import PanelInputs, build_panel
    from analysis.models.power import model_terms
    from analysis.sim.simulate import simulate_dataset

    sim = simulate_dataset(n_relationships, n_years, seed)
    # simulated cities are prefectures (their own prefecture) or abroad (none)
    cities = sim.cities.assign(prefecture_id=np.where(sim.cities["country"] == "CN", sim.cities["city_id"], None))
    panel = build_panel(PanelInputs(cities, sim.relationships, sim.events))
    return panel, model_terms(sim.truth["coefficients"])


def replicate(seed: int, n_relationships: int = N_RELATIONSHIPS, n_years: int = N_YEARS,
              ci_level: float = CI_LEVEL) -> dict:
    """One replication: estimates, SEs, intervals and whether each covers the truth."""
    from analysis.models.binary import activity_logit_pooled

    panel, truth = simulated_panel(n_relationships, n_years, seed)
    result = activity_logit_pooled(panel, ci_level=ci_level)
    t = result.table.set_index("term")
    return {
        "seed": seed,
        "warnings": result.warnings,
        "terms": {
            term: {
                "estimate": float(t.loc[term, "estimate"]),
                "se": float(t.loc[term, "se"]),
                "covered": bool(t.loc[term, "ci_low"] <= value <= t.loc[term, "ci_high"]),
            }
            for term, value in truth.items()
        },
        "truth": truth,
    }


def run_coverage(replications: int = REPLICATIONS, n_relationships: int = N_RELATIONSHIPS, n_years: int = N_YEARS,
                 base_seed: int = BASE_SEED, ci_level: float = CI_LEVEL, jobs: int = 2) -> dict:
    """Coverage per term and pooled over ``replications`` seeds ``base_seed + i``."""
    from statsmodels.stats.proportion import proportion_confint

    seeds = [base_seed + i for i in range(replications)]
    args = ([n_relationships] * replications, [n_years] * replications, [ci_level] * replications)
    start = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            reps = list(pool.map(replicate, seeds, *args))
    else:
        reps = [replicate(s, n_relationships, n_years, ci_level) for s in seeds]
    seconds = time.perf_counter() - start
    truth = reps[0]["truth"]
    per_term = {}
    for term, value in truth.items():
        est = np.array([r["terms"][term]["estimate"] for r in reps])
        se = np.array([r["terms"][term]["se"] for r in reps])
        covered = int(sum(r["terms"][term]["covered"] for r in reps))
        lo, hi = proportion_confint(covered, replications, alpha=0.05, method="wilson")
        per_term[term] = {
            "truth": value,
            "coverage": covered / replications,
            "coverage_ci": [lo, hi],
            "mean_bias": float(est.mean() - value),
            "sd_estimate": float(est.std(ddof=1)) if replications > 1 else None,
            "mean_se": float(se.mean()),
        }
    covered_all = sum(r["terms"][t]["covered"] for r in reps for t in truth)
    return {
        "pipeline": PIPELINE,
        "n_relationships": n_relationships,
        "n_years": n_years,
        "replications": replications,
        "base_seed": base_seed,
        "ci_level": ci_level,
        "truth": truth,
        "coverage_pooled": covered_all / (replications * len(truth)),
        "coverage_by_term": per_term,
        "replications_with_warnings": int(sum(bool(r["warnings"]) for r in reps)),
        "first_replications": [
            {"seed": r["seed"], "estimates": {t: v["estimate"] for t, v in r["terms"].items()}}
            for r in reps[:KEEP_ESTIMATES]
        ],
        "seconds": round(seconds, 1),
        "jobs": jobs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=REPLICATIONS)
    parser.add_argument("--relationships", type=int, default=N_RELATIONSHIPS)
    parser.add_argument("--years", type=int, default=N_YEARS)
    parser.add_argument("--seed", type=int, default=BASE_SEED)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from analysis.io import write_json
    from analysis.results import clean

    result = run_coverage(args.replications, args.relationships, args.years, args.seed, jobs=args.jobs)
    write_json(args.out, clean(result))
    print(f"pooled coverage {result['coverage_pooled']:.3f} over {args.replications} replications "
          f"({result['seconds']} s) -> {args.out}")
    for term, c in result["coverage_by_term"].items():
        print(f"  {term:18s} coverage {c['coverage']:.3f}  bias {c['mean_bias']:+.4f}  "
              f"sd {c['sd_estimate']:.4f}  mean se {c['mean_se']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
