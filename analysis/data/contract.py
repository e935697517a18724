"""The raw-data contract in one place: file names, columns, vocabularies and their labels, ids.

Validation, loading, the simulator, the panel, the figures and the report all import
these names; nothing else spells out a column list, a vocabulary or a file pattern.
DESIGN.md ("Raw-data contract") is the public text of the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- files
TABLE_SUFFIXES = (".csv", ".xlsx")
SOURCES_NAMES = ("SOURCES.yaml", "SOURCES.yml")
TABLE_STEMS = ("cities", "relationships", "city_years")
EVENTS_DIR = "events"
EVENT_FILE = re.compile(r"^\d{4}$")  # the stem of an events file: its calendar year
ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order; utf-8-sig also reads plain UTF-8

# --------------------------------------------------------------------------- vocabularies
RELATIONSHIP_KINDS = (
    "sister_city", "friendly_exchange", "east_west_pairing", "counterpart_cooperation", "strategic_cooperation", "other",
)
STATUSES = ("active", "dormant", "suspended", "ended", "unknown")
EVENT_KINDS = ("visit", "agreement", "project", "cadre_exchange", "training", "promotion", "meeting", "other")
LEADER_RANKS = ("top", "senior", "official", "none")
TOPICS = (
    "economy", "industry", "investment", "innovation", "urbanization", "public_services", "education", "health",
    "culture", "tourism", "ecology", "poverty_alleviation", "talent", "governance",
)
LEVELS = ("province", "prefecture", "county", "district", "city", "foreign")
REGIONS = ("east", "central", "west", "northeast")  # NBS four economic regions

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "relationship_kind": RELATIONSHIP_KINDS,
    "status": STATUSES,
    "event_kind": EVENT_KINDS,
    "leader_rank": LEADER_RANKS,
    "topics": TOPICS,
    "level": LEVELS,
}

# Chinese labels a reader sees in figures and tables (keys are the vocabularies above).
KIND_LABELS = {
    "sister_city": "友好城市",
    "friendly_exchange": "友好交流城市",
    "east_west_pairing": "东西部协作",
    "counterpart_cooperation": "对口合作/支援",
    "strategic_cooperation": "战略合作",
    "other": "其他",
}
TOPIC_LABELS = {
    "economy": "经济", "industry": "产业", "investment": "投资", "innovation": "创新",
    "urbanization": "城镇化", "public_services": "公共服务", "education": "教育", "health": "医疗卫生",
    "culture": "文化", "tourism": "旅游", "ecology": "生态", "poverty_alleviation": "扶贫/振兴",
    "talent": "人才", "governance": "治理",
}
REGION_LABELS = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北", "abroad": "国外"}
EVENT_KIND_LABELS = {
    "visit": "考察访问", "agreement": "签约", "project": "合作项目", "cadre_exchange": "干部交流",
    "training": "培训", "promotion": "推介活动", "meeting": "会议", "other": "其他",
}
LEADER_RANK_LABELS = {"top": "主要领导", "senior": "其他领导", "official": "部门干部", "none": "无领导"}
STATUS_LABELS = {"active": "活跃", "dormant": "休眠", "suspended": "暂停", "ended": "终止", "unknown": "不详"}

# Event kinds the panel counts as concrete cooperation (DESIGN.md, "Default activity model").
COOPERATION_KINDS = ("agreement", "project")

# --------------------------------------------------------------------------- cells
SOURCE_FIELDS = ("title", "publisher", "date", "licence", "note")
LIST_SEPARATOR = re.compile(r"\s*[;；]\s*")  # topics and source keys: ';' (or the full-width '；')
CITY_ID = re.compile(r"^[A-Za-z]{2}-\S+$")  # CN-<adcode>, <ISO2>-<geonameid>, or an overlay id
# A part of a multilateral act: the act's event id followed by one letter (2023-jingjinji-medical-01a).
MULTILATERAL_PART = re.compile(r"(?<=\d)[a-z]$")


@dataclass(frozen=True)
class Rule:
    """What one column must hold. ``required``: in the header and never blank."""

    name: str
    required: bool = False
    kind: str = "text"  # text | date | year | count | whole | number | lat | lon | list | country
    vocabulary: tuple[str, ...] | None = None


TABLES: dict[str, tuple[Rule, ...]] = {
    "relationships": (
        Rule("relationship_id", True),
        Rule("city_a", True),
        Rule("city_b", True),
        Rule("kind", True, vocabulary=RELATIONSHIP_KINDS),
        Rule("established", kind="date"),
        Rule("ended", kind="date"),
        Rule("status", vocabulary=STATUSES),
        Rule("status_as_of", kind="year"),
        Rule("source", True),
        Rule("note"),
    ),
    "events": (
        Rule("event_id", True),
        Rule("date", True, kind="date"),
        Rule("date_end", kind="date"),
        Rule("origin", True),
        Rule("destination", True),
        Rule("kind", True, vocabulary=EVENT_KINDS),
        Rule("leader_rank", vocabulary=LEADER_RANKS),
        Rule("topics", kind="list", vocabulary=TOPICS),
        Rule("delegates", kind="whole"),
        Rule("amount_cny", kind="number"),
        Rule("count", kind="count"),
        Rule("relationship_id"),
        Rule("source", True),
        Rule("note"),
    ),
    "cities": (
        Rule("city_id", True),
        Rule("name_zh"),
        Rule("name_en"),
        Rule("country", True, kind="country"),
        Rule("province"),
        Rule("level", vocabulary=LEVELS),
        Rule("lat", kind="lat"),
        Rule("lon", kind="lon"),
        Rule("population", kind="whole"),
        Rule("source"),
        Rule("note"),
    ),
    "city_years": (
        Rule("city_id", True),
        Rule("year", True, kind="year"),
        Rule("population", kind="whole"),
        Rule("gdp_cny", kind="number"),
        Rule("source"),
        Rule("note"),
    ),
}
OPEN_TABLES = ("city_years",)  # may carry further yearly attributes as extra columns


def columns(table: str) -> list[str]:
    """The columns of one raw table, in contract order."""
    return [rule.name for rule in TABLES[table]]


RELATIONSHIP_COLUMNS = columns("relationships")
EVENT_COLUMNS = columns("events")
# The overlay's descriptive columns (``source`` and ``note`` are optional provenance).
CITY_COLUMNS = [c for c in columns("cities") if c not in ("source", "note")]

# --------------------------------------------------------------------------- loaded frames (RawData)
# The columns of the validated, resolved frames every later stage reads (docs/INTERFACES.md).
LOADED_CITY_COLUMNS = [
    "city_id", "name_zh", "name_en", "country", "province", "province_id", "prefecture_id", "level", "region",
    "lat", "lon", "population",
]
LOADED_RELATIONSHIP_COLUMNS = [
    "relationship_id", "city_a", "city_b", "kind", "established", "established_date", "established_precision",
    "ended", "ended_date", "status", "status_as_of", "source", "note",
]
LOADED_EVENT_COLUMNS = [
    "event_id", "date", "date_precision", "year", "month", "date_end", "origin", "destination", "kind",
    "leader_rank", "topics", "delegates", "amount_cny", "count", "relationship_id", "source", "note", "file", "line",
]
