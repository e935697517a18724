"""``python -m analysis simulate``: the options, and a simulated raw-data folder written from them."""

from __future__ import annotations

import argparse
from typing import Sequence

from analysis.sim.dataset import simulate_dataset
from analysis.sim.settings import LAST_YEAR
from analysis.sim.windows import watched_through_windows
from analysis.sim.write import write_dataset, write_simulated


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis simulate --relationships N --years Y --seed S --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m analysis simulate",
                                     description="Write a simulated raw-data folder with planted effects.")
    parser.add_argument("--relationships", type=int, required=True, help="number of relationships")
    parser.add_argument("--years", type=int, required=True, help="number of years (ending in --last-year)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed (same seed, same files)")
    parser.add_argument("--out", required=True, help="output folder (raw-data layout)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv",
                        help="csv: events/YYYY.csv (the contract); parquet: one streamed events.parquet")
    parser.add_argument("--last-year", type=int, default=LAST_YEAR)
    parser.add_argument("--heterogeneity", type=float, default=0.0, metavar="SD",
                        help="persistent differences in activity: a relationship effect of sd SD and city effects "
                             "of sd SD/2 on the log-odds (default 0: none)")
    parser.add_argument("--windows", action="store_true",
                        help="sources watch each relationship for a random window of years: only events inside it are "
                             "recorded, and SOURCES.yaml gets the matching covers (csv only)")
    parser.add_argument("--null-drivers", action="store_true",
                        help="plant no effect of the three drivers (leader visit, exchanges, cooperation last year)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.heterogeneity < 0:
        parser.error(f"--heterogeneity must be >= 0, not {args.heterogeneity}")
    effects = {d: 0.0 for d in ("leader_visit_lag", "exchange_lag", "cooperation_lag")} if args.null_drivers else None
    rates = {"relationship_sd": args.heterogeneity, "city_sd": args.heterogeneity / 2}
    try:
        if args.windows and args.format == "parquet":
            raise ValueError("--windows writes events/YYYY.csv; use --format csv")
        if args.format == "parquet":
            write_simulated(args.relationships, args.years, args.seed, args.out, last_year=args.last_year,
                            effects=effects, rates=rates)
        else:
            sim = simulate_dataset(args.relationships, args.years, args.seed, effects=effects, rates=rates,
                                   last_year=args.last_year)
            if args.windows:
                sim = watched_through_windows(sim, args.seed)
            write_dataset(sim, args.out, fmt="csv")
    except ValueError as exc:
        print(f"simulate: {exc}")
        return 2
    print(f"simulated {args.relationships} relationships over {args.years} years -> {args.out}")
    return 0
