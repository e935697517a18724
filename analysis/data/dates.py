"""Dates as written in the sources, normalised with their precision kept.

The documents give some facts to the day, some to the month and some only to the
year; the data keep exactly that. Accepted forms (full-width digits and inner
spaces are tolerated)::

    2023年3月17日  2023年3月17号  2023年3月  2023年
    2023-03-17     2023-3-7       2023-03    2023
    2023/3/17      2023/3         2023.3.17  2023.3

Each parses to a normalised string (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) and a
precision (``day``, ``month`` or ``year``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from typing import NamedTuple

import pandas as pd

PRECISIONS = ("day", "month", "year")

# One pattern per notation; groups are year, month (optional), day (optional).
_PATTERNS = (
    re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})[日号])?)?$"),
    re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})(?:/(\d{1,2}))?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})(?:\.(\d{1,2}))?$"),
)


class ParsedDate(NamedTuple):
    value: str  # YYYY-MM-DD | YYYY-MM | YYYY
    precision: str  # day | month | year
    year: int
    month: int | None
    day: int | None


def _clean(text: str) -> str:
    # NFKC turns full-width digits and punctuation (２０２３／３) into ASCII.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def parse_date(text: str) -> ParsedDate:
    """Parse one date; raise ``ValueError`` naming the problem when it is not a date."""
    cleaned = _clean(text)
    for pattern in _PATTERNS:
        m = pattern.match(cleaned)
        if m:
            break
    else:
        raise ValueError(
            "not a date (use YYYY-MM-DD, YYYY-MM, YYYY or 2023年3月17日, 2023年3月, 2023年)"
        )
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} is not between 1 and 12")
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"day {day} does not exist in {year}-{month:02d}")
        return ParsedDate(f"{year:04d}-{month:02d}-{day:02d}", "day", year, month, day)
    if month is not None:
        return ParsedDate(f"{year:04d}-{month:02d}", "month", year, month, None)
    return ParsedDate(f"{year:04d}", "year", year, None, None)


def normalise_date(text: str) -> tuple[str, str]:
    """``(normalised string, precision)`` of one date."""
    parsed = parse_date(text)
    return parsed.value, parsed.precision


def parse_dates(values: pd.Series) -> pd.DataFrame:
    """Parse a column of dates, each distinct value once.

    Returns a frame on the same index with ``date``, ``precision``, ``year``,
    ``month`` (Int64, NA when unknown) and ``error`` (None when the value parsed;
    blank values give NA everywhere and no error).
    """
    values = values.astype("string").fillna("").str.strip()
    parsed: dict[str, tuple] = {}
    for v in values.unique():
        if v == "":
            parsed[v] = (None, None, None, None, None)
            continue
        try:
            p = parse_date(v)
            parsed[v] = (p.value, p.precision, p.year, p.month, None)
        except ValueError as exc:
            parsed[v] = (None, None, None, None, str(exc))
    table = pd.DataFrame.from_dict(
        parsed, orient="index", columns=["date", "precision", "year", "month", "error"]
    )
    out = table.reindex(values.to_numpy())
    out.index = values.index
    out["year"] = out["year"].astype("Int64")
    out["month"] = out["month"].astype("Int64")
    return out


def period_bounds(value: str) -> tuple[str, str]:
    """First and last day (ISO strings) of a normalised date at its precision."""
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 3:
        return value, value
    if len(parts) == 2:
        month = int(parts[1])
        return f"{value}-01", f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return f"{value}-01-01", f"{value}-12-31"
