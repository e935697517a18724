"""Which tables are models, what their ratios mean (from the model registry), and term notes."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.models import registry
from analysis.report import tidy
from tests.unit.report.conftest import tidy as tidy_row


@pytest.mark.parametrize("name, ratio", [("activity_logit", "odds ratio"), ("event_counts", "rate ratio"),
                                         ("time_to_dormancy", "hazard ratio"), ("within_relationship", "odds ratio"),
                                         ("reported_status", "odds ratio"), ("transitions", None)])
def test_ratio_kind_comes_from_the_model_registry(name, ratio):
    assert tidy.ratio_kind(name) == ratio == registry.get(name).ratio


def test_no_ratio_is_guessed_for_a_table_that_is_not_a_registered_model():
    # the old word guessing would have called these odds and rate ratios
    assert tidy.ratio_kind("power") is None
    assert tidy.ratio_kind("my_logit") is None and tidy.ratio_kind("count_poisson") is None
    assert tidy.outcome_words("my_logit") == "the outcome"


def test_outcome_words_come_from_the_model_registry():
    assert tidy.outcome_words("activity_logit") == "the odds of an active year"
    assert tidy.outcome_words("reported_status") == "the odds of the outcome"
    assert tidy.outcome_words("event_counts") == "the expected number of events"
    assert tidy.outcome_words("time_to_dormancy") == "the risk of falling dormant"


def test_model_tables_are_the_csvs_with_terms_and_estimates(tmp_path):
    tidy_row().to_csv(tmp_path / "activity_logit.csv", index=False)
    pd.DataFrame({"relationships": [50], "power": [0.2]}).to_csv(tmp_path / "power.csv", index=False)
    pd.DataFrame({"model": ["m"], "term": ["t"], "estimate_new": [1.0]}).to_csv(tmp_path / "what_changed.csv",
                                                                                index=False)
    (tmp_path / "activity_logit.tex").write_text("x")
    assert list(tidy.load_model_tables(tmp_path)) == ["activity_logit"]
    assert list(tidy.other_tables(tmp_path)) == ["power"]  # what_changed.csv has its own section


def test_tables_of_the_external_chapter_are_not_repeated_among_model_or_other_tables(tmp_path):
    tidy_row().to_csv(tmp_path / "activity_logit.csv", index=False)
    tidy_row().to_csv(tmp_path / "external_ordered_logit.csv", index=False)
    pd.DataFrame({"name": ["Berlin"], "candidates": [""]}).to_csv(tmp_path / "external_unresolved.csv", index=False)
    assert list(tidy.load_model_tables(tmp_path)) == ["activity_logit"]
    assert list(tidy.other_tables(tmp_path)) == []


def test_term_notes_leave_out_model_warnings_and_marks_are_per_note():
    w = "Too few events per parameter"
    t = pd.concat([tidy_row(note=w), tidy_row(term="age", note=f"separated | {w}"),
                   tidy_row(term="intl", note=f"separated | {w}"), tidy_row(term="x", note="other.")])
    assert tidy.shared_notes(t) == []  # "other." is not shared by every row
    notes = tidy.term_notes(t, [w])
    assert notes == {"age": "separated", "intl": "separated", "x": "other"}
    assert tidy.note_marks(notes) == {"separated": "†", "other": "‡"}
    assert tidy.shared_notes(t.iloc[:3]) == [w]


def test_first_value_and_labels():
    t = pd.concat([tidy_row(n_obs=None), tidy_row(n_obs=12)])
    assert tidy.first(t, "n_obs") == 12 and tidy.first(t, "missing") is None
    assert tidy.model_name(t) == "activity_logit"
    assert tidy.term_label(tidy_row(label=float("nan")).iloc[0]) == "leader_visit_lag"
    assert tidy.is_intercept("Intercept") and tidy.is_intercept("const") and not tidy.is_intercept("age")
