"""Command line: ``python -m analysis run | validate | simulate | extract | external | clean``.

Exit codes: 0 success; 2 invalid input (data or parameters); 1 a notebook failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the notebooks (skipping unchanged ones)")
    r.add_argument("--params", metavar="FILE", help="YAML file overriding params/default.yaml")
    r.add_argument("--set", dest="assignments", metavar="KEY=VALUE", action="append", default=[],
                   help="override one parameter (repeatable); VALUE is parsed as YAML: 3, 0.9, true, [1,2]")
    r.add_argument("--data-dir", default="data/raw", help="raw-data folder (default: data/raw)")
    r.add_argument("--out", default=".", help="root for data/processed, results, reports (default: project root)")
    r.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks (name or NN)")
    r.add_argument("--force", action="store_true", help="rerun every notebook even if unchanged")
    r.add_argument("--notebooks", default=None, metavar="DIR",
                   help="folder of NN_*.ipynb notebooks to run (default: the project's notebooks/)")
    r.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="run up to N notebooks at once where their inputs allow (default: the number of cores)")
    r.add_argument("--fresh-kernels", action="store_true",
                   help="start a new Python kernel for every notebook (default: each worker keeps one, reset between notebooks)")
    r.add_argument("--no-wait", action="store_true",
                   help="if another run is using the output folder, exit (code 2) instead of waiting for it")

    v = sub.add_parser("validate", help="check the raw data and print a summary")
    v.add_argument("--data-dir", default="data/raw")

    # its options belong to analysis.sim.simulate, which parses them itself
    sub.add_parser("simulate", help="write a simulated raw-data folder with known effects "
                   "(see: python -m analysis simulate --help)", add_help=False)
    sub.add_parser("extract", help="Chinese documents -> candidate events for review "
                   "(see: python -m analysis extract --help)", add_help=False)
    sub.add_parser("external", help="fetch (or copy) and harmonise the public partnership datasets "
                   "(see: python -m analysis external --help)", add_help=False)

    c = sub.add_parser("clean", help="remove generated outputs (never raw data)")
    c.add_argument("--out", default=".")
    c.add_argument("--data-dir", default="data/raw")
    return p


def _user_path(text: str) -> Path:
    """Paths on the command line are relative to where the user is, not the project."""
    return Path(text).expanduser().resolve()


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.pipeline.params import ParameterError, resolve_params
    from analysis.paths import ProjectPaths

    try:
        params = resolve_params(args.params, args.assignments)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    paths = ProjectPaths(_user_path(args.data_dir), _user_path(args.out))
    if not paths.data_dir.is_dir():
        print(f"error: raw-data folder {paths.data_dir} does not exist", file=sys.stderr)
        return EXIT_INVALID
    if paths.out_dir == paths.data_dir or paths.out_dir.is_relative_to(paths.data_dir):
        print(f"error: --out {paths.out_dir} lies inside the raw-data folder; raw data is never written to",
              file=sys.stderr)
        return EXIT_INVALID
    if args.jobs < 1:
        print(f"error: --jobs must be at least 1, not {args.jobs}", file=sys.stderr)
        return EXIT_INVALID
    from analysis.pipeline.lock import RunLocked, run_lock

    try:  # one run at a time per output folder
        with run_lock(paths.out_dir, wait=not args.no_wait, echo=lambda m: print(m, file=sys.stderr)):
            return _run_locked(args, params, paths)
    except RunLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID


def _run_locked(args: argparse.Namespace, params: dict, paths) -> int:
    from analysis.paths import NOTEBOOKS_DIR
    from analysis.pipeline import uptodate

    notebooks_dir = _user_path(args.notebooks) if args.notebooks else None
    extra = [_user_path(args.params)] if args.params else []
    key = uptodate.arguments_key(params, args.only, paths.data_dir, paths.out_dir, notebooks_dir or NOTEBOOKS_DIR)
    if not args.force and (labels := uptodate.up_to_date(key, paths.data_dir, paths.out_dir,
                                                            notebooks_dir or NOTEBOOKS_DIR, extra)) is not None:
        for k, label in enumerate(labels, start=1):
            print(f"[{k}/{len(labels)}] {label} ... skipped: unchanged")
        print(f"nothing changed since the last run (no file under the inputs or outputs differs); "
              f"its manifest stands: {paths.manifest}")
        return EXIT_OK
    from analysis.pipeline.parallel import start_pool
    from analysis.pipeline.runner import run

    # the workers and their kernels start now, while the raw data are checked and the run planned
    # (one job at a time: this process's own kernel)
    kernel_cwd = None if args.fresh_kernels else notebooks_dir or NOTEBOOKS_DIR
    pool = start_pool(args.jobs, kernel_cwd) if args.jobs > 1 else None
    if args.jobs == 1 and kernel_cwd is not None:
        from analysis.pipeline import kernels

        kernels.launch(kernel_cwd)
    try:
        problems = check_raw_data(paths)
        if problems:
            print(f"error: {len(problems)} problem(s) in the raw data under {paths.data_dir}:", file=sys.stderr)
            for line in problems:
                print(f"  {line}", file=sys.stderr)
            return EXIT_INVALID
        kwargs = {"notebooks_dir": notebooks_dir} if notebooks_dir else {}
        outcome = run(params, paths, only=args.only, force=args.force, jobs=args.jobs,
                      fresh_kernels=args.fresh_kernels, pool=pool, **kwargs)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        if pool is not None:  # the workers stop their kernels as they exit
            pool.shutdown(wait=True, cancel_futures=True)
        elif kernel_cwd is not None:  # the run stopped it after its notebooks; not if refused before them
            from analysis.pipeline import kernels

            kernels.discard()
    if not outcome.ok:
        return EXIT_FAILED  # data problems were refused above with EXIT_INVALID
    uptodate.record(key, [r.notebook for r in outcome.results], paths.data_dir, paths.out_dir,
                    notebooks_dir or NOTEBOOKS_DIR, extra)
    print(f"manifest: {outcome.manifest_path}")
    return EXIT_OK


def check_raw_data(paths) -> list[str]:
    """Problems in the raw data; valid data are stored once per set of inputs, which the notebooks load."""
    from analysis.data.load import RawDataError, load_validated

    try:
        load_validated(paths)
    except RawDataError as exc:
        return [str(p) for p in exc.problems]
    return []


def cmd_validate(args: argparse.Namespace) -> int:
    from analysis.data.summary import main as validate_main

    return validate_main(_user_path(args.data_dir))


def cmd_simulate(argv: list[str]) -> int:
    from analysis.sim.simulate import main as simulate_main

    return simulate_main(argv)


def cmd_extract(argv: list[str]) -> int:
    from analysis.extract.cli import main as extract_main

    return extract_main(argv)


def cmd_external(argv: list[str]) -> int:
    from analysis.external.cli import main as external_main

    return external_main(argv)


def cmd_clean(args: argparse.Namespace) -> int:
    from analysis.paths import ProjectPaths
    from analysis.pipeline.runner import clean_outputs

    clean_outputs(ProjectPaths(_user_path(args.data_dir), _user_path(args.out)))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["simulate"]:
        return cmd_simulate(argv[1:])
    if argv[:1] == ["extract"]:
        return cmd_extract(argv[1:])
    if argv[:1] == ["external"]:
        return cmd_external(argv[1:])
    args = _parser().parse_args(argv)
    handler = {"run": cmd_run, "validate": cmd_validate, "clean": cmd_clean}[args.command]
    return handler(args)
