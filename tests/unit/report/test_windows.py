"""The report's "what the sources watched" part (issue 10)."""

from types import SimpleNamespace

import pandas as pd

from analysis.report.windows import sources_watched, status_check


def test_without_covers_the_report_says_no_record_means_no_exchange():
    raw = SimpleNamespace(sources={"a": {"title": "A"}}, relationships=pd.DataFrame(),
                          observed_years=pd.DataFrame(columns=["relationship_id", "year", "source"]))
    text, table = sources_watched(raw)
    assert table is None and "no record means no exchange" in text


def test_with_covers_the_table_lists_each_source():
    obs = pd.DataFrame({"relationship_id": ["R1", "R2"], "year": [2018, 2019], "source": ["a", "a"]})
    raw = SimpleNamespace(sources={"a": {"title": "A", "covers": [{"years": "2018-2019"}]}, "b": {"title": "B"}},
                          relationships=pd.DataFrame(), observed_years=obs)
    text, table = sources_watched(raw)
    assert table[["source", "relationships", "years"]].values.tolist() == [["a", 2, "2018–2019"]]
    assert "1 of 2 sources" in text and "(b)" in text


def test_status_check_counts_agreement(tmp_path):
    assert status_check(tmp_path) == ("", None)
    pd.DataFrame({"relationship_id": ["R1", "R2", "R3"], "status": ["active", "active", "dormant"],
                  "status_as_of": 2019, "observed_years": [3, 0, 2], "active_years": [1, 0, 0],
                  "observed_activity": ["active", "not watched", "silent"], "agrees": [True, None, True]}
                 ).to_csv(tmp_path / "status_agreement.csv", index=False)
    text, table = status_check(tmp_path)
    assert "For 2 of them" in text and "agrees with the reported status for 2 of these 2" in text
    assert table.set_index("reported status").loc["active", "not watched"] == 1
