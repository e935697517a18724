"""Descriptive tables on hand-made frames with known answers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest

from analysis.describe import figures  # noqa: E402
from analysis.describe import tables as describe  # noqa: E402

CITIES = pd.DataFrame({
    "city_id": ["CN-511900", "CN-310109", "CN-330700", "CN-621200", "DE-1", "CN-511921"],
    "name_zh": ["巴中市", "虹口区", "金华市", "陇南市", None, "通江县"],
    "name_en": ["Bazhong", "Hongkou", "Jinhua", "Longnan", "Dannenberg", "Tongjiang"],
    "country": ["CN", "CN", "CN", "CN", "DE", "CN"],
    "province": ["四川省", "上海市", "浙江省", "甘肃省", None, "四川省"],
    "region": ["west", "east", "east", "west", None, "west"],
    "lat": [31.9, 31.3, 29.1, 33.4, 53.1, 31.9], "lon": [106.7, 121.5, 119.6, 104.9, 11.1, 107.2],
})
RELS = pd.DataFrame({
    "relationship_id": ["r1", "r2", "r3", "r4", "r5"],
    "city_a": ["CN-511900", "CN-330700", "CN-511900", "CN-511900", "CN-310109"],
    "city_b": ["CN-310109", "CN-511900", "CN-621200", "DE-1", "CN-330700"],
    "kind": ["sister_city", "east_west_pairing", "sister_city", "friendly_exchange", "other"],
    "established": pd.array([2013, 2021, 2006, None, 2013], dtype="Int64"),
    "status": ["active", "active", "dormant", "suspended", "active"],
})


def panel_rows(rid, events_by_year):
    return [{"relationship_id": rid, "year": y, "events": e, "active": int(e > 0)} for y, e in events_by_year.items()]


PANEL = pd.DataFrame(
    panel_rows("r1", {2013: 2, 2014: 1, 2015: 0, 2016: 0, 2017: 0, 2018: 3})  # hot-cold-hot, active at end
    + panel_rows("r2", {2017: 0, 2018: 0})  # observed 2 years: not judged with dormancy_years=3
    + panel_rows("r3", {2013: 1, 2014: 0, 2015: 0, 2016: 0, 2017: 0, 2018: 0})  # dormant
    + panel_rows("r4", {2016: 0, 2017: 0, 2018: 0})  # dormant, no signing year
    + panel_rows("r5", {2013: 0, 2014: 0, 2015: 0, 2016: 1, 2017: 0, 2018: 0})  # event 2016 is within last 3
)


def test_focal_city_falls_back_to_the_busiest_city():
    # finding the city by name is analysis.data.city_lookup's (tests/unit/data/test_city_lookup.py)
    assert describe.focal_city_id(CITIES, RELS, "巴中") == ("CN-511900", "")
    focal, note = describe.focal_city_id(CITIES, RELS, "Nowhere")
    assert note == ("city 'Nowhere' is not in the cities table; showing CN-511900, "
                    "the city with the most relationships (4), instead.")
    assert focal == "CN-511900"
    focal, note = describe.focal_city_id(CITIES, RELS, "通江县")  # known city, no relationship
    assert focal == "CN-511900" and "no relationship" in note


def test_partners_of_focal_city_by_region():
    p = describe.partners_of(RELS, CITIES, "CN-511900")
    assert sorted(p["partner_id"]) == ["CN-310109", "CN-330700", "CN-621200", "DE-1"]
    assert p.set_index("partner_id").loc["DE-1", "region"] == "abroad"
    assert p.set_index("partner_id").loc["DE-1", "name"] == "Dannenberg"  # no Chinese name: English
    by = describe.partners_by_province(p).set_index("province")
    assert by.loc["上海市", "partners"] == 1 and by.loc["DE", "region"] == "abroad"


def test_established_by_year_fills_empty_years():
    t = describe.established_by_year(RELS)
    assert list(t.index) == list(range(2006, 2022))
    assert t.loc[2013, "sister_city"] == 1 and t.loc[2013, "other"] == 1 and t.loc[2010].sum() == 0
    assert int(t.to_numpy().sum()) == 4  # r4 has no year


def test_activity_matrix_labels_rows_and_cuts_years_before_records():
    m = describe.activity_matrix(PANEL, RELS, CITIES)
    assert list(m.columns) == list(range(2013, 2019))
    row = m.loc["巴中市–虹口区（友好城市）"]
    assert list(row) == [2, 1, 0, 0, 0, 3]  # hot, cold, hot
    assert pd.isna(m.loc["金华市–巴中市（东西部协作）", 2013])  # outside its span
    assert len(describe.activity_matrix(PANEL, RELS, CITIES, max_rows=2)) == 2


def test_dormancy_status_and_shares():
    s = describe.dormancy_status(PANEL, dormancy_years=3).set_index("relationship_id")
    assert s.loc["r1", "dormant"] == False  # noqa: E712
    assert pd.isna(s.loc["r2", "dormant"])
    assert s.loc["r3", "dormant"] == True  # noqa: E712
    assert s.loc["r5", "dormant"] == False  # noqa: E712
    by_kind = describe.dormant_share(s.reset_index(), RELS, by="kind").set_index("group")
    assert by_kind.loc["sister_city", "share"] == pytest.approx(0.5)
    assert by_kind.loc["east_west_pairing", "not_judged"] == 1
    assert pd.isna(by_kind.loc["east_west_pairing", "share"])
    by_cohort = describe.dormant_share(s.reset_index(), RELS, by="cohort").set_index("group")
    assert by_cohort.loc["2000–2009", "dormant"] == 1 and by_cohort.loc["unknown", "dormant"] == 1
    assert by_cohort.loc["2010–2019", "relationships"] == 2 and by_cohort.loc["2010–2019", "dormant"] == 0


def windowed_panel() -> pd.DataFrame:
    """PANEL with windows: r1 (巴中–虹口) not watched in 2015-2016, r3 not watched in its last year."""
    p = PANEL.copy()
    p["observed"] = 1
    hidden = ((p["relationship_id"] == "r1") & p["year"].isin([2015, 2016])) | (
        (p["relationship_id"] == "r3") & (p["year"] == p.loc[p["relationship_id"] == "r3", "year"].max()))
    p.loc[hidden, "observed"] = 0
    p["events"] = p["events"].astype("Int64").mask(hidden)
    return p


def test_activity_matrix_has_three_states():
    m = describe.activity_matrix(windowed_panel(), RELS, CITIES)
    row = m.loc["巴中市–虹口区（友好城市）"]
    assert list(row) == [2, 1, describe.UNWATCHED, describe.UNWATCHED, 0, 3]  # exchange, unwatched, watched-silent
    assert pd.isna(m.loc["金华市–巴中市（东西部协作）", 2013])  # outside its span stays NaN
    fig = figures.activity_heatmap_figure(m)
    assert "not watched" in fig.axes[0].get_title()
    plt.close(fig)


def test_dormancy_is_judged_over_watched_years_only():
    plain = describe.dormancy_status(PANEL, dormancy_years=3).set_index("relationship_id")
    windowed = describe.dormancy_status(windowed_panel(), dormancy_years=3).set_index("relationship_id")
    # r1's last three years (2016-2018) hold the unwatched 2016: not judged (it was judged active before)
    assert plain.loc["r1", "dormant"] == False and pd.isna(windowed.loc["r1", "dormant"])  # noqa: E712
    # r3's last year was not watched: judged on 2015-2017, all watched and silent
    r3 = PANEL[PANEL["relationship_id"] == "r3"]
    assert windowed.loc["r3", "last_year"] == r3["year"].max() - 1 and windowed.loc["r3", "dormant"] == True  # noqa: E712
    assert windowed.loc["r3", "years_observed"] == len(r3) - 1
