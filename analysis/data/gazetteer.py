"""Name resolution over the package gazetteer plus a data folder's ``cities.csv`` overlay:
a name resolves to one city id, or is ambiguous or unknown with candidates to list.

The overlay is applied last: its rows replace the package values they fill in and
add cities the packages lack; its ids are taken as given. A name resolves when
exactly one city carries it at the first matching tier (id, overlay name, full
name, name without its administrative suffix, alternate name); several cities at
that tier is an ambiguity that lists them, never a guess.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.data.contract import CITY_ID, LOADED_CITY_COLUMNS
from analysis.data.gazetteer_data import NBS_REGIONS, alternate_index, name_pool, package_cities
from analysis.data.names import COUNTRY_QUALIFIER, EN_SUFFIX, is_chinese, key, name_index, short_name


@dataclass(frozen=True)
class Resolution:
    """Outcome of resolving one name: ``status`` is ok, ambiguous or unknown."""

    query: str
    status: str
    city_id: str | None = None
    candidates: tuple[str, ...] = ()  # ids: the ambiguous matches, or close names when unknown

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Gazetteer:
    """Cities (a frame indexed by ``city_id``) and name resolution over them."""

    def __init__(self, overlay: pd.DataFrame | None = None):
        base = package_cities()
        self._base = base
        self.cities = _apply_overlay(base.cities, overlay)
        self._overlay_names = name_index(
            []
            if overlay is None or overlay.empty
            else [
                (n, cid)
                for col in ("name_zh", "name_en")
                if col in overlay
                for n, cid in zip(overlay[col], overlay["city_id"])
            ]
        )
        self._overlay_short = name_index(
            []
            if overlay is None or overlay.empty or "name_zh" not in overlay
            else [(short_name(n), cid) for n, cid in zip(overlay["name_zh"], overlay["city_id"]) if isinstance(n, str) and short_name(n)]
        )
        self._countries = set(self.cities["country"].dropna())
        self._cache: dict[str, Resolution] = {}

    # -- lookups
    def canonical_id(self, text: str) -> str | None:
        t = unicodedata.normalize("NFKC", str(text)).strip()
        if not CITY_ID.match(t):
            return None
        t = t[:2].upper() + t[2:]
        t = self._base.aliases.get(t, t)
        return t if t in self.cities.index else None

    def label(self, city_id: str) -> str:
        """``name (id)`` as error messages list candidates."""
        row = self.cities.loc[city_id]
        name = row["name_zh"] if isinstance(row["name_zh"], str) and row["name_zh"] else row["name_en"]
        return f"{name} ({city_id})"

    def _order(self, ids: Iterable[str]) -> tuple[str, ...]:
        ids = list(dict.fromkeys(ids))
        pop = self.cities["population"].reindex(ids).fillna(-1).to_numpy()
        return tuple(i for _, i in sorted(zip(-pop, ids), key=lambda t: (t[0], t[1])))

    def _match(self, text: str) -> tuple[str, ...]:
        """Ids at the first tier where the name matches anything (empty when none)."""
        k = key(text)
        for tier in (self._overlay_names, self._base.full, self._overlay_short, self._base.short):
            if k in tier:
                return tier[k]
        if not is_chinese(text):
            stem = EN_SUFFIX.sub("", k)
            if stem != k and stem in self._base.full:
                return self._base.full[stem]
        if is_chinese(text):
            qualified = self._match_qualified(text)
            if qualified:
                return qualified
        return alternate_index().get(k, ())

    def _match_qualified(self, text: str) -> tuple[str, ...]:
        """四川省巴中市, 北京市朝阳区: a parent's name, then a unit inside it."""
        found: list[str] = []
        for cut in range(2, len(text) - 1):
            parents = [p for p in self._base.full.get(key(text[:cut]), ()) + self._base.short.get(key(text[:cut]), ()) if p.startswith("CN-")]
            if not parents:
                continue
            rest = key(text[cut:])
            children = self._base.full.get(rest) or self._base.short.get(rest) or ()
            for child in children:
                row = self.cities.loc[child]
                if child not in parents and (row["province_id"] in parents or row["prefecture_id"] in parents):
                    found.append(child)
        return tuple(dict.fromkeys(found))

    def resolve(self, name: str) -> Resolution:
        """Resolve an id or a name (Chinese with or without suffix, English, ``Name, CC``)."""
        if name in self._cache:
            return self._cache[name]
        text = unicodedata.normalize("NFKC", str(name)).strip()
        cid = self.canonical_id(text)
        if cid:
            result = Resolution(name, "ok", cid)
        else:
            m = COUNTRY_QUALIFIER.match(text)
            country = m.group(2).upper() if m else None
            if country and country in self._countries:
                # "Gladstone, AU": the name within one country
                ids = tuple(i for i in self._match(m.group(1)) if self.cities.at[i, "country"] == country)
            else:
                ids = self._match(text)
            ids = tuple(i for i in ids if i in self.cities.index)
            if len(ids) == 1:
                result = Resolution(name, "ok", ids[0])
            elif ids:
                result = Resolution(name, "ambiguous", None, self._order(ids))
            else:
                result = Resolution(name, "unknown", None, self.suggest(text))
        self._cache[name] = result
        return result

    def resolve_many(self, names: Iterable[str]) -> dict[str, Resolution]:
        return {n: self.resolve(n) for n in dict.fromkeys(names)}

    def suggest(self, text: str, n: int = 5) -> tuple[str, ...]:
        """Ids of the cities whose names are closest to an unknown name."""
        import difflib

        k = key(text)
        chinese = is_chinese(text)
        pool = self._suggestion_pool(chinese)
        # one character off in a two-character Chinese name is a ratio of 0.5
        close = difflib.get_close_matches(k, pool, n=n * 6, cutoff=0.5 if chinese else 0.6)
        matcher = difflib.SequenceMatcher(b=k)
        scored = []
        for c in close:
            matcher.set_seq1(c)
            prefix = len(os.path.commonprefix([c, k]))
            ids = self._overlay_names.get(c, ()) + self._overlay_short.get(c, ()) + self._base.full.get(c, ()) + self._base.short.get(c, ())
            for cid in ids:
                pop = self.cities["population"].get(cid, np.nan)
                scored.append((-matcher.ratio(), -prefix, -(0 if pd.isna(pop) else pop), cid))
        return tuple(dict.fromkeys(cid for *_, cid in sorted(scored)))[:n]

    def _suggestion_pool(self, chinese: bool) -> list[str]:
        names = list(self._overlay_names) + list(self._overlay_short)
        names += name_pool(chinese)
        return names

    def describe(self, resolution: Resolution) -> str:
        """The error text for a failed resolution."""
        listed = ", ".join(self.label(i) for i in resolution.candidates[:10])
        more = len(resolution.candidates) - 10
        if more > 0:
            listed += f", and {more} more"
        if resolution.status == "ambiguous":
            return f"ambiguous, candidates: {listed} (write the city id, or qualify the name: 'Name, CC' or 北京市朝阳区)"
        if listed:
            return f"unknown city; closest names: {listed}"
        return "unknown city; no similar name (add it to cities.csv)"


def _apply_overlay(cities: pd.DataFrame, overlay: pd.DataFrame | None) -> pd.DataFrame:
    """Overlay rows replace the package values they fill in and add new cities."""
    if overlay is None or overlay.empty:
        return cities
    ov = overlay.copy()
    ov = ov.replace("", np.nan).set_index("city_id")
    for col in ("lat", "lon", "population"):
        if col in ov:
            ov[col] = pd.to_numeric(ov[col], errors="coerce")
    ov = ov[[c for c in ov.columns if c in cities.columns]]
    new_ids = ov.index.difference(cities.index)
    out = pd.concat([cities, pd.DataFrame(index=new_ids, columns=cities.columns)])
    out.index.name = "city_id"
    for col in ov.columns:
        vals = ov[col].dropna()
        if len(vals):
            out[col] = out[col].astype(object)
            out.loc[vals.index, col] = vals
    for col in ("lat", "lon", "population"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    # parents and region of new cities: from the adcode when the id is one, else the stated province
    base = cities
    for cid in new_ids:
        row = out.loc[cid]
        code = cid[3:] if cid.startswith("CN-") else ""
        if re.fullmatch(r"\d{6}", code):
            prov, pref = f"CN-{code[:2]}0000", f"CN-{code[:4]}00"
            out.at[cid, "province_id"] = prov
            out.at[cid, "prefecture_id"] = pref if pref in base.index else cid
        elif isinstance(row["province"], str):
            prov_rows = base.index[(base["name_zh"] == row["province"]) & (base["level"] == "province")]
            if len(prov_rows):
                out.at[cid, "province_id"] = prov_rows[0]
        if out.at[cid, "country"] == "CN":
            if not isinstance(out.at[cid, "prefecture_id"], str):
                out.at[cid, "prefecture_id"] = cid
            prov = out.at[cid, "province_id"]
            if isinstance(prov, str):
                out.at[cid, "region"] = NBS_REGIONS.get(prov[3:5])
                if not isinstance(row["province"], str) and prov in base.index:
                    out.at[cid, "province"] = base.at[prov, "name_zh"]
        if not isinstance(out.at[cid, "level"], str):
            out.at[cid, "level"] = "city" if out.at[cid, "country"] == "CN" else "foreign"
    return out


def build_gazetteer(overlay: pd.DataFrame | None = None) -> Gazetteer:
    """The package gazetteer with an optional ``cities.csv`` overlay (string frame).

    Equal overlays give the same (cached) gazetteer: treat it as read-only.
    """
    if overlay is None or overlay.empty:
        return _cached_gazetteer(None)
    frame = overlay.astype(str)
    return _cached_gazetteer((tuple(frame.columns), tuple(map(tuple, frame.itertuples(index=False)))))


@functools.lru_cache(maxsize=8)
def _cached_gazetteer(overlay_rows: tuple | None) -> Gazetteer:
    if overlay_rows is None:
        return Gazetteer(None)
    columns, rows = overlay_rows
    return Gazetteer(pd.DataFrame(list(rows), columns=list(columns), dtype="str"))


def city_table(gazetteer: Gazetteer, ids: Iterable[str]) -> pd.DataFrame:
    """Rows of the given ids as a frame with ``LOADED_CITY_COLUMNS``."""
    ids = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
    out = gazetteer.cities.reindex(ids).reset_index().rename(columns={"index": "city_id"})
    out = out[LOADED_CITY_COLUMNS]
    return out
