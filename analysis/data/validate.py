"""Validation of a raw-data folder: every problem at once, each with file, line, column and value;
``validate_raw`` returns them, or the loaded ``RawData`` when there are none.

Column rules (checks.py, pandera, lazy) run per table; rules that span rows or
files (duplicate ids, pairs, city names, years of files, sources, references)
are checked here with pandas, each distinct value once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from analysis.data.assemble import assemble
from analysis.data.checks import check_columns, list_items, split_list
from analysis.data.contract import EVENT_FILE
from analysis.data.dates import parse_dates, period_bounds
from analysis.data.files import Problem, Table, event_files, read_table, relative, sources_file, table_files
from analysis.data.gazetteer import Gazetteer, Resolution, build_gazetteer
from analysis.data.rawdata import RawData
from analysis.data.sources import read_sources
from analysis.data.windows import check_references, observed_years, outside_warnings, read_covers
from analysis.paths import resolve


@dataclass
class ValidationResult:
    """Every problem found, sorted by file and line; ``data`` only when there is none; ``warnings``:
    what is accepted but worth a look (an event outside every window of its source)."""

    problems: list[Problem] = field(default_factory=list)
    data: RawData | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- reading the tables


def _one_table(data_dir: Path, stem: str, required: bool, problems: list[Problem]) -> Table | None:
    files = table_files(data_dir, stem)
    if not files:
        if required:
            problems.append(Problem(f"{stem}.csv", None, None, None, "required file is missing"))
        return None
    if len(files) > 1:
        problems.append(
            Problem(relative(files[1], data_dir), None, None, None, f"{' and '.join(p.name for p in files)} both exist; keep one")
        )
    table = read_table(files[0], relative(files[0], data_dir))
    problems.extend(table.problems)
    if table.frame.columns.size == 0:
        return None
    problems.extend(check_columns(table, stem))
    return table


def _event_tables(data_dir: Path, problems: list[Problem]) -> list[Table]:
    tables = []
    stems: dict[str, str] = {}
    for path in event_files(data_dir):
        rel = relative(path, data_dir)
        if not EVENT_FILE.match(path.stem):
            problems.append(Problem(rel, None, None, None, "an events file is named by its year: events/YYYY.csv"))
            continue
        if path.stem in stems:
            problems.append(Problem(rel, None, None, None, f"{stems[path.stem]} holds the same year; keep one"))
            continue
        stems[path.stem] = rel
        table = read_table(path, rel)
        problems.extend(table.problems)
        if table.frame.columns.size == 0:
            continue
        problems.extend(check_columns(table, "events"))
        tables.append(table)
    return tables


# --------------------------------------------------------------------------- checks across rows and files


def _rows_problems(frame: pd.DataFrame, mask: pd.Series, column: str, message: Callable[[pd.Series], str] | str) -> list[Problem]:
    """Problems for the rows where ``mask`` holds; ``frame`` has ``file`` and ``line`` columns."""
    rows = frame[mask.fillna(False).astype(bool)]
    out = []
    for _, row in rows.iterrows():
        text = message(row) if callable(message) else message
        out.append(Problem(row["file"], int(row["line"]), column, row.get(column, None), text))
    return out


def _with_location(table: Table) -> pd.DataFrame:
    frame = table.frame.copy()
    frame["file"] = table.file
    frame["line"] = frame.index.astype(int)
    return frame.reset_index(drop=True)


def _duplicates(frame: pd.DataFrame, column: str, what: str) -> list[Problem]:
    values = frame[column]
    present = values != ""
    dup = values.duplicated(keep="first") & present
    if not dup.any():
        return []
    first = frame[present & ~values.duplicated(keep="first")].set_index(column)
    return _rows_problems(
        frame, dup, column,
        lambda r: f"duplicate {what}, first at {first.at[r[column], 'file']}:{first.at[r[column], 'line']}",
    )


def _check_sources(frame: pd.DataFrame, sources: dict[str, Any] | None) -> list[Problem]:
    """Source keys absent from SOURCES.yaml (not checked when SOURCES.yaml itself is unusable)."""
    if "source" not in frame or sources is None:
        return []
    items = list_items(frame["source"])
    unknown = items[~items.isin(list(sources)) & (items != "")]
    if unknown.empty:
        return []
    bad = pd.Series(False, index=frame.index)
    bad[unknown.index.unique()] = True
    keys = list(sources)

    def message(row: pd.Series) -> str:
        missing = [k for k in split_list(row["source"]) if k not in sources]
        hints = {h for m in missing for h in difflib.get_close_matches(m, keys, n=2, cutoff=0.6)}
        hint = f" (did you mean {', '.join(sorted(hints))}?)" if hints else ""
        keys_text = ", ".join(repr(m) for m in missing)
        return f"source key{'s' if len(missing) > 1 else ''} {keys_text} not in SOURCES.yaml{hint}"

    return _rows_problems(frame, bad, "source", message)


def _resolve_cities(frame: pd.DataFrame, columns: Iterable[str], gaz: Gazetteer) -> tuple[dict[str, pd.Series], list[Problem]]:
    """City ids of the given columns (names resolved once each), and the rows that fail."""
    ids: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for col in columns:
        if col not in frame:
            continue
        values = frame[col]
        resolutions: dict[str, Resolution] = gaz.resolve_many(v for v in values.unique() if v != "")
        ids[col] = values.map(lambda v: resolutions[v].city_id if v in resolutions else None)
        failed = values.map(lambda v: v in resolutions and not resolutions[v].ok)
        problems += _rows_problems(frame, failed, col, lambda r, c=col: gaz.describe(resolutions[r[c]]))
    return ids, problems


def _period(value: str | None, end: bool) -> str | None:
    if not isinstance(value, str):
        return None
    return period_bounds(value)[1 if end else 0]


def _order_problems(frame: pd.DataFrame, first_dates: pd.DataFrame, second_dates: pd.DataFrame, column: str,
                    message: Callable[[pd.Series], str]) -> list[Problem]:
    """Rows whose second period (parsed dates) ends before the first one starts."""
    start = first_dates["date"].map(lambda v: _period(v, False))
    stop = second_dates["date"].map(lambda v: _period(v, True))
    both = start.notna() & stop.notna()
    mask = pd.Series(False, index=frame.index)
    mask[both] = stop[both].astype(str) < start[both].astype(str)
    return _rows_problems(frame, mask, column, message)


# --------------------------------------------------------------------------- the whole folder


def validate_raw(data_dir: str | Path = "data/raw") -> ValidationResult:
    """Check a raw-data folder; ``.data`` is the loaded :class:`RawData` when nothing is wrong."""
    data_dir = resolve(data_dir)
    if not data_dir.is_dir():
        return ValidationResult([Problem(str(data_dir), None, None, None, "data folder does not exist")], None)
    problems: list[Problem] = []
    # keys are checked against a readable SOURCES.yaml only, so one broken file is one problem
    known_sources, source_problems = read_sources(data_dir)
    problems += source_problems

    overlay = _one_table(data_dir, "cities", False, problems)
    relationships = _one_table(data_dir, "relationships", True, problems)
    city_years = _one_table(data_dir, "city_years", False, problems)
    event_tables = _event_tables(data_dir, problems)

    ov = _with_location(overlay) if overlay is not None else None
    gaz, p = _check_overlay(ov, known_sources)
    problems += p
    rel = _with_location(relationships) if relationships is not None else None
    rel_ids, p = _check_relationships(rel, gaz, known_sources) if rel is not None else ({}, [])
    problems += p
    ev = pd.concat([_with_location(t) for t in event_tables], ignore_index=True).fillna("") if event_tables else None
    ev_ids, p = _check_events(ev, rel, gaz, known_sources) if ev is not None else ({}, [])
    problems += _check_event_places(ev, ev_ids, rel, rel_ids, gaz) if ev is not None else []
    problems += p
    cy = _with_location(city_years) if city_years is not None else None
    cy_ids, p = _check_city_years(cy, gaz, known_sources) if cy is not None else ({}, [])
    problems += p
    blocks, p = read_covers(data_dir)
    problems += p
    if blocks and known_sources is not None:
        known_ids = rel["relationship_id"] if rel is not None and "relationship_id" in rel else []
        problems += check_references(blocks, gaz, known_ids, relative(sources_file(data_dir), data_dir))

    problems = sorted(set(problems), key=Problem.sort_key)
    if problems:
        return ValidationResult(problems, None)
    files = [t.file for t in [overlay, relationships, city_years, *event_tables] if t is not None]
    files.append(relative(sources_file(data_dir), data_dir))
    data = assemble(gaz, ov, rel, rel_ids, ev, ev_ids, cy, cy_ids, known_sources or {}, sorted(files))
    data.observed_years = observed_years(blocks, data.relationships, data.cities)
    warnings = outside_warnings(data.events, data.observed_years, data.relationships, data.cities, data.sources)
    return ValidationResult([], data, sorted(warnings, key=Problem.sort_key))


def _check_overlay(ov: pd.DataFrame | None, sources: dict | None) -> tuple[Gazetteer, list[Problem]]:
    """The overlay's own rules, and the gazetteer with its rows that name an id."""
    if ov is None or "city_id" not in ov:
        return build_gazetteer(), []
    problems = _duplicates(ov, "city_id", "city_id")
    if "country" in ov:
        prefixed = pd.Series([cid.startswith(f"{c}-") for cid, c in zip(ov["city_id"], ov["country"])], index=ov.index, dtype=bool)
        wrong = (ov["city_id"] != "") & (ov["country"] != "") & ~prefixed
        problems += _rows_problems(ov, wrong, "city_id", lambda r: f"a city id starts with its country code: {r['country']}-...")
    blank = pd.Series("", index=ov.index)
    unnamed = (ov.get("name_zh", blank) == "") & (ov.get("name_en", blank) == "")
    problems += _rows_problems(ov, unnamed, "name_zh", "a city needs name_zh or name_en")
    problems += _check_sources(ov, sources)
    rows = ov[ov["city_id"] != ""].drop_duplicates("city_id").drop(columns=["file", "line"])
    return build_gazetteer(rows), problems


def _check_relationships(rel: pd.DataFrame, gaz: Gazetteer, sources: dict | None) -> tuple[dict[str, pd.Series], list[Problem]]:
    ids, problems = _resolve_cities(rel, ("city_a", "city_b"), gaz)
    if "relationship_id" in rel:
        problems += _duplicates(rel, "relationship_id", "relationship_id")
    problems += _check_sources(rel, sources)
    if "city_a" in ids and "city_b" in ids:
        a, b = ids["city_a"].fillna(""), ids["city_b"].fillna("")
        same = (a != "") & (a == b)
        problems += _rows_problems(rel, same, "city_b", lambda r: f"a relationship from a city to itself (city_a is {a[r.name]})")
        if "kind" in rel:
            # the same unordered pair of cities with the same kind
            pair = pd.DataFrame({"lo": np.where(a < b, a, b), "hi": np.where(a < b, b, a), "kind": rel["kind"]}, index=rel.index)
            counted = (a != "") & (b != "") & ~same
            first = pair[counted].drop_duplicates(keep="first")
            first_row = {tuple(k): i for i, k in zip(first.index, first.itertuples(index=False))}
            dup = pair.duplicated(keep="first") & counted

            def message(r: pd.Series) -> str:
                i = first_row[tuple(pair.loc[r.name])]
                rid = rel.at[i, "relationship_id"] if "relationship_id" in rel else ""
                return f"the same two cities and kind as relationship '{rid}' (line {rel.at[i, 'line']})"

            problems += _rows_problems(rel, dup, "kind", message)
    if "established" in rel and "ended" in rel:
        problems += _order_problems(
            rel, parse_dates(rel["established"]), parse_dates(rel["ended"]), "established",
            lambda r: f"established after the relationship ended ({r['ended']})",
        )
    return ids, problems


def _check_events(ev: pd.DataFrame, rel: pd.DataFrame | None, gaz: Gazetteer, sources: dict | None) -> tuple[dict[str, pd.Series], list[Problem]]:
    ids, problems = _resolve_cities(ev, ("origin", "destination"), gaz)
    if "event_id" in ev:
        problems += _duplicates(ev, "event_id", "event_id")
    problems += _check_sources(ev, sources)
    if "date" in ev:
        dates = parse_dates(ev["date"])
        # only files named by a year (contract.EVENT_FILE) were read, so the stem is the year
        years = {f: int(PurePosixPath(f).stem) for f in ev["file"].unique()}
        file_year = ev["file"].map(years).astype(int)
        wrong_year = dates["year"].notna() & (dates["year"] != file_year)
        problems += _rows_problems(ev, wrong_year, "date", lambda r: f"date is not in {file_year[r.name]}, the year of its file")
        if "date_end" in ev:
            problems += _order_problems(
                ev, dates, parse_dates(ev["date_end"]), "date_end", lambda r: f"date_end is before date ({r['date']})"
            )
    if "relationship_id" in ev and rel is not None and "relationship_id" in rel:
        unknown = (ev["relationship_id"] != "") & ~ev["relationship_id"].isin(set(rel["relationship_id"]))
        problems += _rows_problems(ev, unknown, "relationship_id", "no relationship with this id in relationships")
    return ids, problems


def _check_event_places(ev: pd.DataFrame, ev_ids: dict[str, pd.Series], rel: pd.DataFrame | None,
                        rel_ids: dict[str, pd.Series], gaz: Gazetteer) -> list[Problem]:
    """An event from a place to itself; an event whose relationship_id names a relationship between
    two other places (a county or district matches its prefecture, as in the panel)."""
    if "origin" not in ev_ids or "destination" not in ev_ids:
        return []
    o, d = ev_ids["origin"].fillna(""), ev_ids["destination"].fillna("")
    problems = _rows_problems(ev, (o != "") & (o == d), "destination",
                              lambda r: f"an event from a place to itself (origin is {gaz.label(o[r.name])})")
    if rel is None or "relationship_id" not in ev or "relationship_id" not in rel or not {"city_a", "city_b"} <= set(rel_ids):
        return problems
    ends = {rid: (a, b) for rid, a, b in zip(rel["relationship_id"], rel_ids["city_a"], rel_ids["city_b"])
            if rid != "" and isinstance(a, str) and isinstance(b, str) and a != b}
    for rid in set(rel.loc[rel["relationship_id"].duplicated(), "relationship_id"]):  # already a problem
        ends.pop(rid, None)
    prefecture = gaz.cities["prefecture_id"]

    def stands_for(city: str) -> set[str]:
        pref = prefecture.get(city)
        return {city, pref} if isinstance(pref, str) else {city}

    def mismatch(rid: str, origin: str, destination: str) -> bool:
        if rid not in ends or origin == "" or destination == "" or origin == destination:
            return False
        a, b = ends[rid]
        so, sd = stands_for(origin), stands_for(destination)
        return not ((a in so and b in sd) or (b in so and a in sd))

    bad = pd.Series([mismatch(r, x, y) for r, x, y in zip(ev["relationship_id"], o, d)], index=ev.index, dtype=bool)

    def message(r: pd.Series) -> str:
        a, b = ends[r["relationship_id"]]
        return (f"relationship '{r['relationship_id']}' is between {gaz.label(a)} and {gaz.label(b)}; "
                f"this event is between {gaz.label(o[r.name])} and {gaz.label(d[r.name])}")

    return problems + _rows_problems(ev, bad, "relationship_id", message)


def _check_city_years(cy: pd.DataFrame, gaz: Gazetteer, sources: dict | None) -> tuple[dict[str, pd.Series], list[Problem]]:
    ids, problems = _resolve_cities(cy, ("city_id",), gaz)
    problems += _check_sources(cy, sources)
    if "city_id" in ids and "year" in cy:
        dup = pd.DataFrame({"c": ids["city_id"], "y": cy["year"]}).duplicated(keep="first") & ids["city_id"].notna()
        problems += _rows_problems(cy, dup, "year", lambda r: f"a second row for {ids['city_id'][r.name]} in this year")
    return ids, problems
