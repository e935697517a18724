"""Calibration of the power analysis: type I error and power of the pipeline's activity model, with
Monte Carlo standard errors, and the checks behind the shortcuts the power grid takes.

1. **Grid** (``power_calibration.csv``): ``analysis.models.power.power_grid`` at two activity rates
   (that of a small case dataset, 0.2, and a sparse one, 0.05), relationships 50-400, 5 and 10
   years, effect 0 and 0.5, ``--replications`` panels per cell: the rejection rate (type I error at
   effect 0, power otherwise), its Monte Carlo SE, the estimator used in each cell and the CPU time.
2. **Quadrature nodes** (``power_nodes.csv``): the grid fits the random-effects logit with 12 nodes and
   refits with the pipeline's 40 only panels whose |z| is within 0.25 of the critical value. Here every
   dynamic panel of three cells is fitted both ways: the largest |z(12) - z(40)| must be far inside
   0.25 for the shortcut to leave every decision as the pipeline's.
3. **The pipeline itself** (``power_exact.csv``): a few panels per regime are also analysed by
   ``analysis.models.dynamic.activity_logit`` on the panel as a DataFrame; estimator, estimate and
   decision must agree.
4. **Cost**: CPU and wall seconds of the grid notebook 50 runs by default (100 replications).

    python bench/power_calibration.py                   # about 10 CPU minutes
    python bench/power_calibration.py --replications 50 --out /tmp/power

Results: bench/power_calibration.md and the CSVs above (committed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.models import power, power_pipeline, power_sim
from analysis.models.dynamic import activity_logit

SEED = 20240601
RATES = (0.2, 0.05)
RELATIONSHIPS = [50, 100, 200, 400]
YEARS = [5, 10]
NODE_CELLS = [(100, 5), (200, 10), (400, 10)]
EXACT_CELLS = [(50, 5, 0.2), (100, 5, 0.2), (100, 10, 0.2)]


def grid(replications: int) -> pd.DataFrame:
    parts = []
    for rate in RATES:
        cpu, wall = time.process_time(), time.time()
        g = power.power_grid(0.5, RELATIONSHIPS, YEARS, replications, seed=SEED, activity_rate=rate)
        parts.append(g.assign(cpu_seconds=time.process_time() - cpu, wall_seconds=time.time() - wall))
    return pd.concat(parts, ignore_index=True)


def _cell(n: int, years: int, rate: float, reps: int, effect: float = 0.0):
    process = power_sim.PowerProcess(rate, 1.0)
    batch = power_sim.simulate_batch(n, years, effect, reps, SEED, process,
                                     power_sim.calibrate_intercept(process, effect, years, SEED))
    y, terms = batch.model_rows()
    return batch, y, terms


def nodes(replications: int) -> pd.DataFrame:
    rows = []
    for n, years in NODE_CELLS:
        batch, y, terms = _cell(n, years, 0.2, replications)
        args = (y, terms, batch.active[:, :, 0].astype(float), batch.city_a, batch.city_b)
        fast = power_pipeline.pipeline_outcomes(*args)
        full = power_pipeline.pipeline_outcomes(*args, search_nodes=None)
        dyn = (fast.estimator == power_pipeline.DYNAMIC) & (full.estimator == power_pipeline.DYNAMIC)
        z_fast, z_full = np.abs(fast.estimate / fast.se)[dyn], np.abs(full.estimate / full.se)[dyn]
        # the 12-node statistic is the one that decides whether a panel is refitted: compare it with 40 nodes
        search = power_pipeline.pipeline_outcomes(*args, search_nodes=None, n_nodes=power_pipeline.SEARCH_NODES)
        z_search = np.abs(search.estimate / search.se)[dyn]
        rows.append({"relationships": n, "years": years, "dynamic_panels": int(dyn.sum()),
                     "max_abs_z_12_vs_40": float(np.nanmax(np.abs(z_search - z_full))),
                     "max_abs_estimate_12_vs_40": float(np.nanmax(np.abs(search.estimate - full.estimate)[dyn])),
                     "decisions_differing_12_nodes": int(((search.p < 0.05) != (full.p < 0.05))[dyn].sum()),
                     "decisions_differing_grid": int(((fast.p < 0.05) != (full.p < 0.05)).sum()),
                     "max_abs_z_grid_vs_40": float(np.nanmax(np.abs(z_fast - z_full))),
                     "polish_band": power_pipeline.POLISH_BAND})
    return pd.DataFrame(rows)


def exact(per_cell: int) -> pd.DataFrame:
    rows = []
    for n, years, rate in EXACT_CELLS:
        batch, y, terms = _cell(n, years, rate, per_cell, effect=0.5)
        out = power_pipeline.pipeline_outcomes(y, terms, batch.active[:, :, 0].astype(float), batch.city_a,
                                               batch.city_b)
        for r in range(per_cell):
            res = activity_logit(batch.frame(r))
            ref = res.table.set_index("term").loc["leader_visit_lag"]
            rows.append({"relationships": n, "years": years, "rate": rate, "panel": r,
                         "grid_estimator": out.estimator[r], "pipeline_fit": res.fit, "grid_estimate": out.estimate[r],
                         "pipeline_estimate": ref["estimate"], "grid_p": out.p[r], "pipeline_p": ref["p"],
                         "grid_descriptive": bool(out.descriptive[r]),
                         "same_decision": bool((out.p[r] < 0.05) == (ref["p"] < 0.05))})
    return pd.DataFrame(rows)


def default_cost() -> dict:
    cpu, wall = time.process_time(), time.time()
    power.power_grid(0.5, RELATIONSHIPS, YEARS, 100, seed=SEED, activity_rate=0.2)
    return {"cpu_seconds": time.process_time() - cpu, "wall_seconds": time.time() - wall}


def _table(df: pd.DataFrame) -> str:
    """A markdown table (tabulate, which pandas' to_markdown needs, is not installed)."""
    cell = lambda v: f"{v:.4g}" if isinstance(v, float) else str(v)
    rows = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    return "\n".join(rows + ["| " + " | ".join(cell(v) for v in r) + " |" for r in df.itertuples(index=False)])


def markdown(g: pd.DataFrame, nd: pd.DataFrame, ex: pd.DataFrame, cost: dict) -> str:
    null = g[g["effect"] == 0].set_index(["activity_rate", "relationships", "years"])
    alt = g[g["effect"] != 0].set_index(["activity_rate", "relationships", "years"])
    lines = ["# Power analysis: calibration", "",
             (f"{int(g['replications'].iloc[0])} panels per cell, seed {SEED}, relationship effect SD 1. Type I error "
              "(effect 0) and power (effect 0.5) of the pipeline's activity model at the 5% level, ± Monte Carlo SE."),
             "",
             "| activity rate | relationships | years | type I error | power | estimator used (panels) | no p-value |",
             "|---|---|---|---|---|---|---|"]
    for key, a in alt.iterrows():
        z = null.loc[key]
        lines.append(f"| {key[0]:g} | {key[1]} | {key[2]} | {z['power']:.3f} ± {z['mc_se']:.3f} | "
                     f"{a['power']:.3f} ± {a['mc_se']:.3f} | {a['estimator']} | {int(z['no_p_value'])} / "
                     f"{int(a['no_p_value'])} |")
    lines += ["", "CPU seconds per rate: " + ", ".join(
        f"{r:g}: {s:.0f}" for r, s in g.groupby("activity_rate")["cpu_seconds"].first().items()), "",
        "## Quadrature nodes (12 in the search, 40 where it could matter)", "", _table(nd), "",
        "## Against the pipeline's own activity_logit", "",
        (f"{int(ex['same_decision'].sum())} of {len(ex)} panels reach the same decision; largest |estimate "
         f"difference| {np.nanmax(np.abs(ex['grid_estimate'] - ex['pipeline_estimate'])):.2g}."), "",
        _table(ex.drop(columns=["pipeline_fit"])), "",
        "## Cost of the default grid (notebook 50: 4 sizes x 2 lengths x 2 effects x 100 panels, rate 0.2)", "",
        f"CPU {cost['cpu_seconds']:.1f} s, wall {cost['wall_seconds']:.1f} s on this machine at the time of the run.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=300)
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    g = grid(args.replications)
    g.to_csv(args.out / "power_calibration.csv", index=False, float_format="%.6g")
    nd = nodes(min(args.replications, 100))
    nd.to_csv(args.out / "power_nodes.csv", index=False, float_format="%.6g")
    ex = exact(2)
    ex.to_csv(args.out / "power_exact.csv", index=False, float_format="%.6g")
    cost = default_cost()
    (args.out / "power_calibration.md").write_text(markdown(g, nd, ex, cost), encoding="utf-8")
    print((args.out / "power_calibration.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
