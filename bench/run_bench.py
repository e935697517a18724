"""Scale benchmark of the panel build (issue 6): duckdb vs a plain vectorised pandas build.

For each size, a synthetic event log (``generators.write_event_log``, beside this script) over
20,000 relationships and 25 years is written straight to Parquet under ``--data-dir``
(default: a folder in the system temp dir, never the repository) and reused when present.
Each (size, engine) is then timed in its own subprocess so peak memory is that run's
alone: the complete panel build from the Parquet file (aggregation, zero years, lags,
structure variables) and, for duckdb, the default activity logit on the panel. Both
panels are compared for equality. Writes ``results.csv`` and ``panel_scaling.png`` to
``--out`` (default: this folder).

    .venv/bin/python bench/run_bench.py                      # 1e5 .. 1e8 (make bench)
    .venv/bin/python bench/run_bench.py --sizes 10000 --out /tmp/b   # quick check
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = [10**5, 10**6, 10**7, 10**8]
PANDAS_MAX = 5 * 10**7  # the pandas build would need ~10+ GB at 1e8: skipped and noted
TARGETS = {10**7: (5.0, 2048.0), 10**8: (30.0, 3072.0)}  # seconds, peak MB
LOGIT_TERMS = ["leader_visit_lag", "exchange_lag", "cooperation_lag", "log_distance", "age", "international"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=lambda s: [int(float(x)) for x in s.split(",")], default=DEFAULT_SIZES,
                   help="comma-separated event counts, e.g. 1e5,1e6 (default 1e5,1e6,1e7,1e8)")
    p.add_argument("--out", type=Path, default=HERE, help="where results.csv and panel_scaling.png go")
    p.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "analysis_bench",
                   help="where the synthetic event logs are kept (large; not the repository)")
    p.add_argument("--relationships", type=int, default=20_000)
    p.add_argument("--years", type=int, default=25)
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    p.add_argument("--memory-limit", default="2GB", help="duckdb memory_limit (it spills beyond)")
    p.add_argument("--no-pandas", action="store_true", help="time duckdb only")
    p.add_argument("--worker", nargs=3, metavar=("ENGINE", "EVENTS", "PANEL_OUT"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --------------------------------------------------------------------------- data

def network_paths(args) -> tuple[Path, Path]:
    tag = f"r{args.relationships}_y{args.years}_s{args.seed}"
    return args.data_dir / f"cities_{tag}.parquet", args.data_dir / f"relationships_{tag}.parquet"


def ensure_data(args) -> dict[int, tuple[Path, float | None]]:
    """Write the network and each event log once; returns {size: (path, seconds to generate)}."""
    import pandas as pd

    from analysis.io import write_parquet
    from generators import bench_network, write_event_log  # bench/ is on sys.path: it holds this script

    args.data_dir.mkdir(parents=True, exist_ok=True)
    cities_path, rel_path = network_paths(args)
    cities, rels = bench_network(args.relationships, args.years, args.seed)
    stale = not (cities_path.exists() and rel_path.exists()) or not pd.read_parquet(rel_path).equals(rels)
    if stale:  # a changed generator invalidates every cached log of this network
        for old in args.data_dir.glob(f"events_*_{cities_path.stem.removeprefix('cities_')}.parquet"):
            old.unlink()
        write_parquet(cities_path, cities)
        write_parquet(rel_path, rels)
    logs = {}
    for size in args.sizes:
        path = args.data_dir / f"events_{size}_r{args.relationships}_y{args.years}_s{args.seed}.parquet"
        seconds = None
        if not path.exists():
            t0 = time.perf_counter()
            write_event_log(path, size, cities, rels, n_years=args.years, seed=args.seed)
            seconds = time.perf_counter() - t0
            print(f"  wrote {size:.0e} events in {seconds:.1f} s -> {path}", flush=True)
        logs[size] = (path, seconds)
    return logs


# --------------------------------------------------------------------------- one timed run

def worker(args) -> None:
    """Runs in a fresh process: build the panel once, fit the logit (duckdb), report JSON."""
    import resource

    import pandas as pd

    from analysis.panel.build import build_panel_from_files

    engine, events, panel_out = args.worker
    cities_path, rel_path = network_paths(args)
    cities, rels = pd.read_parquet(cities_path), pd.read_parquet(rel_path)
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_before = os.getloadavg()[0]  # other work on the machine inflates the timings
    t0 = time.perf_counter()
    panel = build_panel_from_files(events, rels, cities, engine=engine, threads=args.threads,
                                   memory_limit=args.memory_limit)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"engine": engine, "seconds": seconds, "peak_mb": peak_mb, "baseline_mb": baseline_mb,
              "rows": len(panel), "relationships": int(panel["relationship_id"].nunique()),
              "load_1m": round(load_before, 2)}
    if engine == "duckdb":
        import statsmodels.api as sm

        t0 = time.perf_counter()
        d = panel.dropna(subset=LOGIT_TERMS)
        sm.Logit(d["active"].to_numpy(), sm.add_constant(d[LOGIT_TERMS].to_numpy())).fit(disp=0)
        result.update(logit_seconds=time.perf_counter() - t0, logit_rows=len(d))
    panel.to_parquet(panel_out, index=False)
    print("RESULT " + json.dumps(result), flush=True)


def run_worker(args, engine: str, events: Path, panel_out: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, str(events), str(panel_out),
           "--data-dir", str(args.data_dir), "--relationships", str(args.relationships),
           "--years", str(args.years), "--seed", str(args.seed), "--threads", str(args.threads),
           "--memory-limit", args.memory_limit]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{engine} run on {events.name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


# --------------------------------------------------------------------------- report

def panels_equal(a: Path, b: Path) -> bool:
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
        return True
    except AssertionError as exc:
        print(f"  panels differ: {str(exc)[:500]}", flush=True)
        return False


def plot(results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.io import atomic_path

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4))
    for engine, marker in (("duckdb", "o"), ("pandas", "s")):
        sub = results[results["engine"] == engine]
        ax_t.plot(sub["size"], sub["seconds"], marker=marker, label=engine)
        ax_m.plot(sub["size"], sub["peak_mb"], marker=marker, label=engine)
    for size, (secs, mb) in TARGETS.items():
        ax_t.scatter([size], [secs], marker="_", s=400, color="red")
        ax_m.scatter([size], [mb], marker="_", s=400, color="red")
    ax_t.set(xscale="log", yscale="log", xlabel="events", ylabel="seconds (complete panel)",
             title="Panel build time")
    ax_m.set(xscale="log", xlabel="events", ylabel="peak memory (MB)", title="Peak memory (red: targets)")
    for ax in (ax_t, ax_m):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=120, metadata={"Software": None})
    plt.close(fig)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    import pandas as pd

    from analysis.io import write_csv

    print(f"panel benchmark: sizes {args.sizes}, {args.threads} threads, data in {args.data_dir}", flush=True)
    logs = ensure_data(args)
    rows = []
    with tempfile.TemporaryDirectory(prefix="panel_bench_") as tmp:
        for size in args.sizes:
            path, gen_seconds = logs[size]
            duck = run_worker(args, "duckdb", path, Path(tmp) / f"duckdb_{size}.parquet")
            note = ""
            pand = None
            if args.no_pandas:
                note = "pandas not run (--no-pandas)"
            elif size > PANDAS_MAX:
                note = f"pandas skipped above {PANDAS_MAX:.0e} events (would load the whole log in memory)"
            else:
                pand = run_worker(args, "pandas", path, Path(tmp) / f"pandas_{size}.parquet")
            equal = panels_equal(Path(tmp) / f"duckdb_{size}.parquet", Path(tmp) / f"pandas_{size}.parquet") if pand else None
            ratio = pand["seconds"] / duck["seconds"] if pand else None
            target = TARGETS.get(size)
            for res in filter(None, (duck, pand)):
                rows.append({
                    "size": size, "engine": res["engine"], "seconds": round(res["seconds"], 3),
                    "peak_mb": round(res["peak_mb"], 1), "rows": res["rows"], "relationships": res["relationships"],
                    "logit_seconds": round(res["logit_seconds"], 3) if "logit_seconds" in res else None,
                    "logit_rows": res.get("logit_rows"),
                    "ratio_pandas_to_duckdb": round(ratio, 2) if ratio else None,
                    "panels_equal": equal,
                    "target_seconds": target[0] if target and res["engine"] == "duckdb" else None,
                    "target_peak_mb": target[1] if target and res["engine"] == "duckdb" else None,
                    "generate_seconds": round(gen_seconds, 1) if gen_seconds else None,
                    "load_1m": res["load_1m"], "threads": args.threads, "note": note if res["engine"] == "duckdb" else "",
                })
            print(f"  {size:>11,d} events: duckdb {duck['seconds']:.2f} s {duck['peak_mb']:.0f} MB"
                  + (f" | pandas {pand['seconds']:.2f} s {pand['peak_mb']:.0f} MB | x{ratio:.1f} equal={equal}" if pand else f" | {note}")
                  + f" | logit {duck['logit_seconds']:.2f} s on {duck['logit_rows']:,d} rows", flush=True)
    results = pd.DataFrame(rows)
    results["machine"] = f"{platform.machine()} {os.cpu_count()} cores"
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "results.csv", results)
    plot(results, args.out / "panel_scaling.png")
    print(f"wrote {args.out / 'results.csv'} and {args.out / 'panel_scaling.png'}")
    failed = [r for r in rows if r["panels_equal"] is False]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
