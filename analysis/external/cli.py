"""``python -m analysis external [--from DIR] [--out DIR] [--offline]``: fetch (or copy) the public
datasets, check their SHA-256, and write them harmonised under ``<out>/data/external/``.

Exit codes: 0 done, or the data could not be had (offline, no local copy: ``status.json`` says so
and the external chapters are skipped); 2 a file's SHA-256 differs from the registry (it is named)
or a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analysis.external import covariates, harmonise
from analysis.external.fetch import (
    DEFAULT_LOCAL_COPY,
    HashMismatch,
    Unavailable,
    fetch_all,
    source_path,
    write_status,
)
from analysis.external.harmonise import (
    CITY_POPULATION,
    PLACES,
    RELATIONSHIPS,
    UNRESOLVED,
    external_dir,
)
from analysis.external.registry import dataset
from analysis.io import write_csv

EXIT_OK, EXIT_INVALID = 0, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis external",
                                description="Fetch (or copy) the public partnership datasets, check their SHA-256 "
                                            "and write them harmonised under <out>/data/external/.")
    p.add_argument("--from", dest="source", metavar="DIR",
                   help=f"local copy of the datasets (default: {DEFAULT_LOCAL_COPY} when it exists)")
    p.add_argument("--out", default=".", help="root under which data/external/ is written (default: project root)")
    p.add_argument("--offline", action="store_true", help="never download; use the local copy only")
    return p


def src(ext: Path, folder: str, name: str) -> Path:
    ds = dataset(folder)
    return source_path(ext, ds, next(f for f in ds.files if f.name == name))


def build(ext: Path) -> dict:
    """Harmonise the fetched files under ``ext/source`` into ``ext``; returns what ``status.json`` adds."""
    from analysis.data.gazetteer import build_gazetteer
    from analysis.external.places import PlaceResolver

    gaz = build_gazetteer()
    resolver = PlaceResolver(gaz, ext / "source" / "china_crosswalk")
    pairs = [harmonise.read_twin_cities(src(ext, harmonise.WIKIPEDIA, "twin_cities.csv")),
             harmonise.read_german(src(ext, harmonise.GERMAN, "partnerstaedte.csv"))]
    import pandas as pd

    pairs = pd.concat(pairs, ignore_index=True)
    resolved = harmonise.resolve_places(harmonise.places(pairs), resolver)
    census = covariates.census_population(
        covariates.read_census(src(ext, "china_census", "census_city_2010_2020.csv")), gaz)
    population = gaz.cities["population"].dropna()
    chinese = covariates.chinese_city_population(gaz.cities, census)
    population = pd.concat([population.drop(chinese.index, errors="ignore"), chinese])
    rels = harmonise.relationships(pairs, resolved, population)

    used = sorted((set(rels["city_a"]) | set(rels["city_b"])) - {""})
    served = covariates.airport_cities(covariates.read_airports(src(ext, "openflights", "airports.dat")),
                                       gaz.cities.loc[used, ["lat", "lon"]])
    routes = covariates.airport_routes(covariates.read_routes(src(ext, "openflights", "routes.dat")))
    flights = covariates.pair_flights(rels, served, routes)

    rels = rels.merge(flights, on="relationship_id", how="left")  # blank where a side is unresolved
    rels["routes"] = rels["routes"].astype("Int64")
    rels["direct_flight"] = rels["direct_flight"].astype("Int64")
    write_csv(ext / RELATIONSHIPS, rels)
    write_csv(ext / PLACES, resolved)
    write_csv(ext / UNRESOLVED, harmonise.unresolved(resolved))
    write_csv(ext / CITY_POPULATION, census)
    return {"resolved": harmonise.resolved_share(resolved), "relationships": len(rels),
            "pairs_with_direct_flight": int(flights["direct_flight"].sum())}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    root = Path(args.out).expanduser().resolve()
    ext = external_dir(root)
    local = Path(args.source).expanduser().resolve() if args.source else (
        DEFAULT_LOCAL_COPY if DEFAULT_LOCAL_COPY.is_dir() else None)
    if args.source and not local.is_dir():
        print(f"error: --from {local} is not a folder", file=sys.stderr)
        return EXIT_INVALID
    started = time.perf_counter()
    try:
        report = fetch_all(ext, local, download=not args.offline)
    except HashMismatch as exc:
        write_status(ext, False, f"refused: {exc}")
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except Unavailable as exc:
        reason = (f"external data not available ({exc}); the external chapters are skipped "
                  "(`make external` tries again)")
        write_status(ext, False, reason)
        print(f"note: {reason}", file=sys.stderr)
        return EXIT_OK  # documented: the rest of the run goes on without the external chapters
    print(f"external data: {len(report.copied)} copied, {len(report.downloaded)} downloaded, "
          f"{len(report.kept)} already present (SHA-256 checked)")
    try:
        summary = build(ext)
    except (ValueError, KeyError, OSError) as exc:
        write_status(ext, False, f"could not harmonise: {exc}")
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    seconds = round(time.perf_counter() - started, 1)
    write_status(ext, True, "", **summary)
    shares = ", ".join(f"{ds}: {s['share_places']:.1%} of places" for ds, s in summary["resolved"].items())
    print(f"harmonised into {ext.relative_to(root) if ext.is_relative_to(root) else ext} in {seconds} s "
          f"({summary['relationships']} relationships; resolved {shares})")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
