import numpy as np
import pandas as pd
import pytest

from analysis.models.result import (
    TABLE_COLUMNS,
    ModelResult,
    design_matrix,
    empty_result,
    headline_numbers,
    label,
    never_crash,
    tidy_table,
    z_value,
)


def test_labels_read_as_words():
    assert label("leader_visit_lag") == "top-leader visit last year"
    assert label("year[2019]") == "year 2019"
    assert label("some_new_term") == "some new term"


def test_empty_result_says_why_and_has_the_table_columns():
    r = empty_result("m", "no rows", n_obs=3, n_relationships=2)
    assert not r.ok and r.warnings == ["m could not be fitted: no rows"]
    assert list(r.table.columns) == TABLE_COLUMNS
    assert r.numbers == {"terms": {}, "n_obs": 3, "n_relationships": 2, "warnings": r.warnings, "fitted": False}


def test_never_crash_turns_an_error_into_an_empty_result():
    @never_crash("boom")
    def broken(panel):
        raise KeyError("year")

    r = broken(pd.DataFrame())
    assert isinstance(r, ModelResult) and not r.ok
    assert r.warnings == ["boom could not be fitted: KeyError: 'year'"]


def test_design_matrix_has_intercept_terms_and_year_dummies():
    df = pd.DataFrame({"x": [1, 2, 3, 4], "year": [2020, 2021, 2021, 2022]})
    X = design_matrix(df, ["x"], year_effects=True)
    assert list(X.columns) == ["Intercept", "x", "year[2021]", "year[2022]"]  # first year is the reference
    assert X["year[2021]"].tolist() == [0, 1, 1, 0] and (X["Intercept"] == 1).all()
    assert list(design_matrix(df, ["x"], intercept=False).columns) == ["x"]


def test_tidy_table_intervals_ratios_dropped_terms_and_notes():
    t = tidy_table("m", ["Intercept", "x", "alpha"], np.array([0.5, 1.0, 0.3]), np.array([0.1, 0.2, 0.05]),
                   np.array([0.01, 0.02, 0.5]), 0.95, 100, 10, "logit", ["small sample"],
                   term_notes={"x": "separated"}, dropped={"z": "it never varies"})
    assert list(t.columns) == TABLE_COLUMNS and list(t["term"]) == ["Intercept", "x", "alpha", "z"]
    x = t.set_index("term").loc["x"]
    assert x["ci_low"] == pytest.approx(1.0 - z_value(0.95) * 0.2)
    assert x["ratio"] == pytest.approx(np.exp(1.0)) and x["ratio_ci_high"] == pytest.approx(np.exp(x["ci_high"]))
    assert x["note"] == "separated | small sample"
    assert np.isnan(t.set_index("term").loc["alpha", "ratio"])  # overdispersion is not a ratio
    z = t.set_index("term").loc["z"]
    assert np.isnan(z["estimate"]) and z["note"] == "not estimated: it never varies | small sample"
    numbers = headline_numbers(t, ["small sample"], "logit", extra=1)
    assert set(numbers["terms"]) == {"Intercept", "x", "alpha"}  # the dropped term has no numbers
    assert numbers["n_obs"] == 100 and numbers["n_relationships"] == 10 and numbers["extra"] == 1
    assert numbers["fitted"] is True


def test_reuse_fits_refits_only_a_new_panel_or_new_options_and_hands_out_copies():
    import pandas as pd

    from analysis.models.result import ModelResult, frame_digest, reuse_fits

    calls = []

    @reuse_fits(maxsize=2)
    def model(panel, level=0.95, terms=None):
        calls.append(level)
        return ModelResult("m", pd.DataFrame({"term": ["x"], "estimate": [panel["y"].sum() * level]}))

    df = pd.DataFrame({"y": [1.0, 2.0]})
    first = model(df)
    first.table.loc[0, "estimate"] = -1.0  # a caller editing its copy does not edit the kept result
    again = model(df.copy(), level=0.95)  # equal contents, default written out: reused
    assert len(calls) == 1 and again.table["estimate"].iloc[0] == 3 * 0.95
    model(df, 0.9)
    model(df.assign(y=[1.0, 3.0]))
    assert len(calls) == 3
    model(df)  # evicted (maxsize 2): refitted
    assert len(calls) == 4
    assert frame_digest(df) != frame_digest(df.astype({"y": "float32"})) != frame_digest(df.iloc[::-1])
    model.cache_clear()
    model(df)
    assert len(calls) == 5
