"""Finding one city in a loaded cities frame (``RawData.cities``) by id, Chinese or English name,
or Chinese name without its suffix (巴中 for 巴中市), with the gazetteer's name keys."""

from __future__ import annotations

import difflib

import pandas as pd

from analysis.data.names import NameIndex, is_chinese, key, name_index, short_name


class CityNotFound(ValueError):
    """A city name or id that matches no city, or more than one."""


def _names(cities: pd.DataFrame) -> list[tuple[str, str]]:
    """(name, id) of every Chinese and English name in the frame, row by row."""
    columns = [c for c in ("name_zh", "name_en") if c in cities]
    return [(n, cid) for row in cities[["city_id", *columns]].itertuples(index=False)
            for cid, *names in [row] for n in names if isinstance(n, str) and n]


def _short(name: str) -> str | None:
    return short_name(name) if is_chinese(name) else None


def resolve_city(cities: pd.DataFrame, name_or_id: str) -> str:
    """The ``city_id`` for an id, a Chinese or English name, or a Chinese name without 市/区/县.

    A name matches at the first tier that holds it: ids, full names, names without their
    suffix; the query is tried as written, then without its own suffix.
    """
    text = str(name_or_id).strip()
    ids = name_index((cid, cid) for cid in cities["city_id"] if isinstance(cid, str))
    names = _names(cities)
    full = name_index(names)
    short = name_index((_short(n), cid) for n, cid in names)
    queries = [key(text)] + ([key(s)] if (s := _short(text)) else [])
    tiers: list[NameIndex] = [ids, full, short]
    hits: tuple[str, ...] = next((t[q] for q in queries for t in tiers if q in t), ())
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise CityNotFound(f"city {text!r} is ambiguous: {', '.join(sorted(hits))}")
    pool = list(dict.fromkeys(n for name, _ in names for n in (name, _short(name)) if n))
    close = difflib.get_close_matches(text, pool, n=5)
    hint = f"; closest: {', '.join(close)}" if close else ""
    raise CityNotFound(f"city {text!r} is not in the cities table{hint}")
