"""``python -m analysis extract PATH ... --out DIR [--published YYYY-MM-DD]``: documents in,
candidate rows of the raw-data contract and ``review.html`` out (never into ``data/raw/``).

Exit 0 on success, 2 on bad input with every problem listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from analysis.extract.events import Analysis, analyse
from analysis.extract.places import PlaceIndex, place_index
from analysis.extract.reading import Document, ReadError, document_files, read_document
from analysis.extract.review import review_html
from analysis.extract.writing import candidate_tables, write_candidates
from analysis.io import write_text
from analysis.paths import ProjectPaths


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis extract",
                                description="Chinese documents -> candidate events for review (never written into data/raw/).")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=".txt, .md, .html, .docx files or folders of them")
    p.add_argument("--out", required=True, type=Path, help="folder for events/YYYY.csv, relationships.csv, SOURCES.yaml, review.html")
    p.add_argument("--published", help="publication date of the documents (YYYY-MM-DD), for 今年/日前/同年")
    p.add_argument("--cities", type=Path, help="a cities.csv overlay (default: data/raw/cities.csv when it exists)")
    return p


def overlay_frame(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        path = ProjectPaths.from_params().raw / "cities.csv"
        if not path.exists():
            return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def extract_documents(documents: list[Document], index: PlaceIndex) -> list[tuple[Document, Analysis]]:
    results = []
    for doc in documents:
        analysis = analyse(doc.text, index, doc.published)
        if doc.published is None:
            analysis.warnings.insert(0, "no publication date (give --published, or a file name starting YYYY-MM-DD): "
                                        "relative dates (今年, 日前) are left out")
        results.append((doc, analysis))
    return results


def _label(index: PlaceIndex):
    def label(city_id: str) -> str:
        try:
            return index.gazetteer.label(city_id)
        except KeyError:
            return city_id
    return label


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the problem
        return int(exc.code or 0)
    problems = []
    published = None
    if args.published:
        try:
            published = dt.date.fromisoformat(args.published)
        except ValueError:
            problems.append(f"--published {args.published!r}: not a date YYYY-MM-DD")
    raw = ProjectPaths.from_params().raw.resolve()
    out = args.out.resolve()
    if out == raw or raw in out.parents:
        problems.append(f"--out {args.out}: candidates are never written into data/raw/ (review them first)")
    files, found = document_files(args.paths)
    problems += found
    documents = []
    for path in files:
        try:
            documents.append(read_document(path, published))
        except (ReadError, OSError) as exc:
            problems.append(str(exc))
    keys = [d.key for d in documents]
    problems += [f"{d.path}: gives the same source key {d.key!r} as another document; rename one" for d in documents if keys.count(d.key) > 1]
    if args.cities is not None and not args.cities.exists():
        problems.append(f"--cities {args.cities}: no such file")
    if problems:
        print("extract: invalid input:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return 2
    overlay = overlay_frame(args.cities)
    index = place_index(overlay)
    results = extract_documents(documents, index)
    label = _label(index)
    out.mkdir(parents=True, exist_ok=True)
    counts = write_candidates(out, results, label, overlay)
    events, _ = candidate_tables(results, label)
    write_text(out / "review.html", review_html(results, events.to_dict("records"), label))
    for doc, analysis in results:
        for w in analysis.warnings:
            print(f"warning: {doc.path.name}: {w}", file=sys.stderr)
    print(f"{len(documents)} document(s): {counts['events']} candidate events, {counts['relationships']} relationships "
          f"-> {args.out} (open review.html, copy accepted rows into data/raw/, then validate)")
    return 0
