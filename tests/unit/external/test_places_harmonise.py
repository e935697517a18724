"""Names of the two lists resolved through the gazetteer (with the lists' coordinates), and the
harmonised rows: tiers kept, kinds mapped, unresolved names listed with candidates."""


import numpy as np
import pandas as pd
import pytest

from analysis.data.contract import RELATIONSHIP_COLUMNS
from analysis.data.gazetteer import build_gazetteer
from analysis.external import harmonise
from analysis.external.places import PlaceResolver, country_code, pinyin_keys
from tests.unit.external.conftest import CROSSWALK, GERMAN, TWIN


@pytest.fixture(scope="module")
def resolver(tmp_path_factory):
    cw = tmp_path_factory.mktemp("crosswalk")
    for name, text in CROSSWALK.items():
        (cw / name).write_text(text, encoding="utf-8")
    return PlaceResolver(build_gazetteer(), cw)


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    d = tmp_path_factory.mktemp("lists")
    (d / "tw.csv").write_text(TWIN, encoding="utf-8")
    (d / "de.csv").write_text(GERMAN, encoding="utf-8")
    return pd.concat([harmonise.read_twin_cities(d / "tw.csv"), harmonise.read_german(d / "de.csv")], ignore_index=True)


@pytest.mark.parametrize("name, iso", [("Spanien", "ES"), ("England, United Kingdom", "GB"), ("Frankreich", "FR"),
                                       ("Czech Republic", "CZ"), ("Tschech. Republik", "CZ"), ("Deutschland", "DE"),
                                       ("Großbritannien", "GB")])
def test_country_names_in_english_and_german(name, iso):
    assert country_code(name) == iso


def test_pinyin_keys_cover_both_readings_of_a_polyphonic_character():
    assert {"chaoyang", "zhaoyang"} <= set(pinyin_keys("朝阳"))


@pytest.mark.parametrize("name, country, lat, lon, want", [
    ("Suzhou – Wujiang", "China", 31.16, 120.64, "CN-320509"),
    ("Yinzhou (Ningbo)", "China", 29.80, 121.55, "CN-330212"),
    ("Suzhou", "China", 33.64, 116.98, "CN-341300"),       # 宿州, not 苏州: the coordinates decide
    ("Suzhou", "China", 31.30, 120.62, "CN-320500"),
    ("Ningbo", "China", np.nan, np.nan, "CN-330200"),
])
def test_chinese_names_resolve_to_adcode_units(resolver, name, country, lat, lon, want):
    assert resolver.resolve(name, country, lat, lon).city_id == want


def test_a_historical_name_resolves_through_the_crosswalk(resolver):
    assert "CN-420600" in resolver.chinese_index["xiangfan"]


def test_coordinates_outside_the_stated_country_are_ignored(resolver):
    m = resolver.resolve("Berlin", "Deutschland", 41.34, -82.51)  # the German list puts Berlin in Ohio
    assert m.status == "ok" and m.city_id == "DE-2950159" and m.method == "name"


def test_a_place_far_from_the_lists_coordinates_is_not_taken(resolver):
    m = resolver.resolve("Paris", "France", 45.0, 3.0)  # a "Paris" 400 km from the French capital
    assert m.status == "distant" and m.city_id is None and m.candidates


def test_harmonised_rows_keep_the_tier_and_list_what_did_not_resolve(resolver, pairs):
    resolved = harmonise.resolve_places(harmonise.places(pairs), resolver)
    rels = harmonise.relationships(pairs, resolved, pd.Series(dtype=float))
    assert list(rels.columns[: len(RELATIONSHIP_COLUMNS)]) == RELATIONSHIP_COLUMNS
    de = rels[rels["dataset"] == harmonise.GERMAN].set_index("name_b")
    assert de.loc["Toledo", ["kind", "tier", "established"]].tolist() == ["sister_city", "partnership", 1985]
    assert de.loc["Ningbo", ["kind", "tier"]].tolist() == ["friendly_exchange", "friendship"]
    assert de.loc["Lille", ["kind", "tier", "iso_b"]].tolist() == ["other", "contact", "FR"]
    wp = rels[rels["dataset"] == harmonise.WIKIPEDIA]
    assert (wp["kind"] == "sister_city").all() and wp["established"].isna().all()
    assert wp["relationship_id"].tolist()[:2] == ["WP00001", "WP00002"]
    manchester = wp[wp["name_b"] == "Manchester"].iloc[0]
    assert manchester["iso_b"] == "GB" and manchester["city_b"].startswith("GB-")
    unresolved = harmonise.unresolved(resolved)
    row = unresolved.set_index("name").loc["Qwxzville"]
    assert row["status"] == "unknown" and "(FR-" in row["candidates"]  # the nearest French places
    share = harmonise.resolved_share(resolved)[harmonise.WIKIPEDIA]
    assert share["places_resolved"] == share["places"] - (resolved["dataset"].eq(harmonise.WIKIPEDIA)
                                                          & resolved["status"].ne("ok")).sum()


def test_a_bad_tier_is_refused_naming_file_line_and_value(tmp_path):
    path = tmp_path / "de.csv"
    path.write_text(GERMAN.replace('"1958","k"', '"1958","x"'), encoding="utf-8")
    with pytest.raises(ValueError, match=r"de\.csv.*'form'.*line 4: 'x'"):
        harmonise.read_german(path)


def test_read_relationships_round_trips_blank_ids(tmp_path):
    frame = pd.DataFrame({c: [""] for c in RELATIONSHIP_COLUMNS}).assign(
        relationship_id="WP00001", city_a="DE-1", established=pd.array([pd.NA], dtype="Int64"), lat_a=np.nan)
    frame.to_csv(tmp_path / "r.csv", index=False)
    back = harmonise.read_relationships(tmp_path / "r.csv")
    assert back.loc[0, "city_b"] == "" and back.loc[0, "city_a"] == "DE-1" and pd.isna(back.loc[0, "established"])
