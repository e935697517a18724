"""Candidates in the raw-data layout: ``events/YYYY.csv`` (cities as ids), ``relationships.csv``,
``SOURCES.yaml`` (one key per document) and the overlay rows used, written whole.

A row's ``note`` names the document and the character span it came from.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from analysis.data.contract import EVENT_COLUMNS, RELATIONSHIP_COLUMNS
from analysis.extract.events import Analysis, Candidate
from analysis.extract.reading import Document
from analysis.io import write_csv, write_text


def _note(doc: Document, c: Candidate, gazetteer_label) -> str:
    start, end = doc.original_span(c.start, c.end)
    parts = [f"candidate from {doc.path.name}, chars {start}-{end}"]
    for role, alts in c.alternatives.items():
        listed = ", ".join(gazetteer_label(a) for a in alts[:5])
        parts.append(f"{role} ambiguous, also possible: {listed}")
    if c.dated_by == "context":
        parts.append("date taken from an earlier sentence")
    elif c.dated_by == "paragraph":
        parts.append("no date in its sentence: the year last named in its paragraph (check it)")
    elif c.dated_by == "publication":
        parts.append("no date in the text: the publication year")
    return "; ".join(parts)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def candidate_tables(results: list[tuple[Document, Analysis]], label=str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events, relationships) frames with the contract's columns, as strings."""
    events, relationships = [], []
    for doc, analysis in results:
        for n, c in enumerate(analysis.candidates, start=1):
            event_id = f"{doc.key}-{n:03d}"
            events.append({
                "event_id": event_id, "date": c.date, "date_end": c.date_end or "", "origin": c.origin,
                "destination": c.destination, "kind": c.kind, "leader_rank": c.leader_rank,
                "topics": ";".join(c.topics), "delegates": _number(c.delegates), "amount_cny": _number(c.amount_cny),
                "count": str(c.count), "relationship_id": "", "source": doc.key, "note": _note(doc, c, label),
            })
            if c.relationship_kind:
                relationships.append({
                    "relationship_id": f"{event_id}-rel", "city_a": c.origin, "city_b": c.destination,
                    "kind": c.relationship_kind, "established": c.date, "ended": "", "status": "active",
                    "status_as_of": c.date[:4], "source": doc.key,
                    "note": "stated in {}, chars {}-{}".format(doc.path.name, *doc.original_span(c.start, c.end)),
                })
    return (pd.DataFrame(events, columns=EVENT_COLUMNS, dtype=str),
            pd.DataFrame(relationships, columns=RELATIONSHIP_COLUMNS, dtype=str))


def sources_yaml(documents: list[Document]) -> str:
    entries = {}
    for doc in documents:
        entries[doc.key] = {
            "title": doc.title or doc.path.stem,
            "publisher": "",
            "date": doc.published.isoformat() if doc.published else "",
            "licence": "unknown: check before publishing",
            "note": f"candidates extracted from {doc.path.name} (publication date from: {doc.published_from})",
        }
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=True, width=1000)


def write_candidates(out: Path, results: list[tuple[Document, Analysis]], label=str,
                     overlay: pd.DataFrame | None = None) -> dict[str, int]:
    """Write the candidate folder; returns how many rows of each kind were written.

    Overlay cities (``cities.csv`` ids such as CN-X-TIANFU) that candidates use are written to
    the folder's own ``cities.csv`` so that ``validate`` resolves them there too.
    """
    events, relationships = candidate_tables(results, label)
    used = set(events["origin"]) | set(events["destination"])
    rows = overlay[overlay["city_id"].isin(used)] if overlay is not None and "city_id" in overlay else None
    if rows is not None and len(rows):
        write_csv(out / "cities.csv", rows.reset_index(drop=True), index=False)
    elif (out / "cities.csv").exists():
        (out / "cities.csv").unlink()  # left from an earlier run
    events_dir = out / "events"
    events_dir.mkdir(parents=True, exist_ok=True)
    for old in events_dir.glob("*.csv"):  # a rerun replaces the candidates of the last one
        old.unlink()
    for year, rows in events.groupby(events["date"].str[:4], sort=True):
        write_csv(events_dir / f"{year}.csv", rows.reset_index(drop=True), index=False)
    # the contract requires the file; without a stated relationship it holds the header only
    write_csv(out / "relationships.csv", relationships, index=False)
    write_text(out / "SOURCES.yaml", sources_yaml([doc for doc, _ in results]))
    return {"events": len(events), "relationships": len(relationships)}
