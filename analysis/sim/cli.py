"""``python -m analysis simulate``: the options, and a simulated raw-data folder written from them."""

from __future__ import annotations

import argparse
from typing import Sequence

from analysis.sim.dataset import simulate_dataset
from analysis.sim.settings import LAST_YEAR
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
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.format == "parquet":
            write_simulated(args.relationships, args.years, args.seed, args.out, last_year=args.last_year)
        else:
            sim = simulate_dataset(args.relationships, args.years, args.seed, last_year=args.last_year)
            write_dataset(sim, args.out, fmt="csv")
    except ValueError as exc:
        print(f"simulate: {exc}")
        return 2
    print(f"simulated {args.relationships} relationships over {args.years} years -> {args.out}")
    return 0
