"""What the sources watched, and reported status beside observed activity (issue 10)."""

import pandas as pd

from analysis.describe.windows import agreement_counts, status_against_activity, watched_by_source, year_spans


def test_year_spans():
    assert year_spans([2020, 2015, 2016, 2017, 2017]) == "2015–2017, 2020" and year_spans([]) == ""


def test_watched_by_source_lists_sources_with_covers_only():
    obs = pd.DataFrame({"relationship_id": ["R1", "R1", "R2", "R3"], "year": [2018, 2019, 2018, 2023],
                        "source": ["a", "a", "a", "b"]})
    sources = {"a": {"title": "A", "covers": [{"years": "2018-2019"}]}, "b": {"title": "B", "covers": []},
               "c": {"title": "C"}}
    t = watched_by_source(obs, None, sources).set_index("source")
    assert list(t.index) == ["a", "b"]
    assert (t.loc["a", "relationships"], t.loc["a", "years"], t.loc["a", "relationship_years"]) == (2, "2018–2019", 3)


def test_reported_status_beside_observed_activity():
    panel = pd.DataFrame({
        "relationship_id": ["R1"] * 3 + ["R2"] * 3 + ["R3"] * 3 + ["R4"] * 3,
        "year": [2017, 2018, 2019] * 4,
        "observed": [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1],
        "active": pd.array([0, 1, 0, 0, 0, 0, None, None, None, 0, None, 0], dtype="Int64"),
    })
    rel = pd.DataFrame({"relationship_id": ["R1", "R2", "R3", "R4", "R5"],
                        "status": ["active", "active", "active", "dormant", "unknown"],
                        "status_as_of": pd.array([2019, 2019, 2019, 2019, 2019], dtype="Int64")})
    t = status_against_activity(panel, rel, years=3).set_index("relationship_id")
    assert list(t.index) == ["R1", "R2", "R3", "R4"]  # an unknown status is not compared
    assert t.loc["R1", "observed_activity"] == "active" and bool(t.loc["R1", "agrees"])
    assert t.loc["R2", "observed_activity"] == "silent" and not bool(t.loc["R2", "agrees"])
    assert t.loc["R3", "observed_activity"] == "not watched" and pd.isna(t.loc["R3", "agrees"])
    assert (t.loc["R4", "observed_years"], t.loc["R4", "observed_activity"], bool(t.loc["R4", "agrees"])) == (2, "silent", True)
    counts = agreement_counts(t.reset_index()).set_index("reported status")
    assert counts.loc["active"].tolist() == [1, 1, 1, 3] and counts.loc["dormant"].tolist() == [0, 1, 0, 1]
