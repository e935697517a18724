"""Readings of model tables: the sentence follows the numbers and the model's registered ratio."""

from __future__ import annotations

import pandas as pd

from analysis.report.readings import read_model_table, term_reading
from tests.unit.report.conftest import tidy


def test_reading_follows_the_numbers():
    text = read_model_table(tidy())
    assert "odds ratio 2.46" in text and "1.36 to 4.44" in text and "p = 0.003" in text
    assert "the odds of an active year rise: multiplied by 2.46" in text
    assert "400 observations" in text and "50 relationships" in text
    lower = read_model_table(tidy(estimate=-0.9, ratio=0.41, ratio_ci_low=0.23, ratio_ci_high=0.74,
                                  ci_low=-1.49, ci_high=-0.31))
    assert "fall" in lower and "0.41" in lower
    null = read_model_table(tidy(ratio_ci_low=0.5, ratio_ci_high=3.0, p=0.4))
    assert "cannot tell" in null and "rise" not in null


def test_reading_uses_coefficient_ci_when_no_ratio_ci():
    t = tidy().drop(columns=["ratio_ci_low", "ratio_ci_high"])
    assert "1.36 to 4.44" in read_model_table(t)


def test_reading_lists_model_warnings_once():
    w = "Too few events per parameter"
    t = pd.concat([tidy(note=w), tidy(term="age", label="age", note=f"separated | {w}")])
    text = read_model_table(t, {"activity_logit": {"warnings": [w]}})
    assert text.count(w) == 1 and "Note: separated" in text


def test_each_model_reads_its_own_ratio_and_outcome():
    counts = term_reading(tidy(model="event_counts").iloc[0], "event_counts")
    assert "rate ratio 2.46" in counts and "the expected number of events rises" in counts
    dormancy = term_reading(tidy(model="time_to_dormancy").iloc[0], "time_to_dormancy")
    assert "hazard ratio 2.46" in dormancy and "the risk of falling dormant rises" in dormancy
    status = term_reading(tidy(model="reported_status").iloc[0], "reported_status")
    assert "the odds of the outcome rise" in status


def test_a_model_without_ratios_reads_its_estimate():
    row = tidy(model="transitions", estimate=0.07, ratio=float("nan"), ci_low=0.02, ci_high=0.22,
               p=float("nan")).iloc[0]
    text = term_reading(row, "transitions")
    assert text == "- **top-leader visit last year**: estimate 0.07 (95% CI 0.02 to 0.22)."


def test_an_unregistered_table_is_not_read_as_ratios():
    text = term_reading(tidy(model="my_logit").iloc[0], "my_logit")
    assert "odds ratio" not in text and "estimate 0.9" in text and "positive" in text


def test_a_term_not_estimated_says_why():
    row = tidy(estimate=float("nan"), note="not estimated: infinite | Too few").iloc[0]
    assert term_reading(row, "activity_logit", model_warnings=["Too few"]) == \
        "- **top-leader visit last year**: not estimated: infinite."


def test_report_reading_leaves_header_warnings_and_notes_to_the_table():
    w = "Too few events per parameter"
    t = tidy(note=f"separated | {w}")
    text = read_model_table(t, {"activity_logit": {"warnings": [w]}}, header=False, warnings=False, notes=False)
    assert text.startswith("**Reading.**") and w not in text and "separated" not in text
