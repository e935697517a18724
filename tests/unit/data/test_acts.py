"""A multilateral act recorded once per pair of parties counts once in descriptive counts."""

import pandas as pd

from analysis.data.acts import act_ids, one_row_per_act


def test_act_ids_strip_only_a_part_letter_after_a_number():
    ids = pd.Series(["2023-jingjinji-medical-01a", "2023-jingjinji-medical-01b", "2023-beijing-hebei-01",
                     "2019-hangzhou-oulu-02", "2020-x-abc"])
    assert act_ids(ids).tolist() == ["2023-jingjinji-medical-01", "2023-jingjinji-medical-01",
                                     "2023-beijing-hebei-01", "2019-hangzhou-oulu-02", "2020-x-abc"]


def test_one_row_per_act_keeps_the_first_part_and_every_bilateral_row():
    ev = pd.DataFrame({"event_id": ["a-01a", "a-01b", "a-01c", "b-01", "b-02"], "count": [1, 1, 1, 2, 1]})
    kept = one_row_per_act(ev)
    assert kept["event_id"].tolist() == ["a-01a", "b-01", "b-02"]
    assert kept["count"].sum() == 4


def test_the_default_data_count_the_trilateral_notice_once(default_raw=None):
    from analysis.data.load import load_raw
    from analysis.paths import DEFAULT_DATA_DIR

    ev = load_raw(DEFAULT_DATA_DIR).events
    parts = ev[ev["event_id"].str.startswith("2023-jingjinji-medical-01")]
    assert len(parts) == 3
    assert len(one_row_per_act(parts)) == 1
