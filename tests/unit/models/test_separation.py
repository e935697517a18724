import numpy as np
import pandas as pd
import pytest

from analysis.models.separation import (
    INTERCEPT,
    check_design,
    collinear_terms,
    constant_terms,
    detect_count_separation,
    detect_separation,
    unidentified_terms,
)


def design(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({INTERCEPT: np.ones(n), **{k: np.asarray(v, float) for k, v in cols.items()}})


def test_complete_separation_is_found_with_its_term():
    X = design(x=[0, 0, 0, 1, 1, 1])
    sep = detect_separation(X, [0, 0, 0, 1, 1, 1])
    assert sep.kind == "complete"
    assert "x" in sep.terms


def test_quasi_separation_when_one_level_never_varies():
    # x = 1 only in active rows; x = 0 rows are mixed
    X = design(x=[0, 0, 0, 0, 1, 1], z=[0.3, -1.2, 0.5, 1.1, 0.2, -0.4])
    sep = detect_separation(X, [0, 1, 0, 1, 1, 1])
    assert sep.kind == "quasi"
    assert "x" in sep.terms


def test_no_separation_in_overlapping_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(float)
    assert detect_separation(design(x=x), y).kind == "none"


def test_constant_and_collinear_terms_are_named():
    X = design(a=[1, 2, 3, 4, 5], b=[0, 1, 0, 1, 1], c=[1, 3, 3, 5, 6], k=[2, 2, 2, 2, 2])
    assert constant_terms(X) == ["k"]
    assert collinear_terms(X.drop(columns="k")) == ["c"]  # c = a + b
    assert set(unidentified_terms(X)) == {"k", "c"}


def test_check_design_reports_events_per_parameter_and_drops():
    rng = np.random.default_rng(2)
    n = 60
    X = design(x1=rng.normal(size=n), x2=rng.normal(size=n), const=np.zeros(n))
    y = np.zeros(n)
    y[:12] = 1
    check = check_design(X, y, min_events_per_parameter=10)
    assert check.dropped == {"const": "takes a single value in the data used"}
    assert check.n_events == 12 and check.n_parameters == 2
    assert check.events_per_parameter == pytest.approx(6.0)
    assert check.too_few_events and check.needs_penalty
    text = " ".join(check.warnings)
    assert "6.0 per parameter" in text and "'const' cannot be estimated" in text


def test_check_design_quiet_when_data_are_fine():
    rng = np.random.default_rng(3)
    x = rng.normal(size=1000)
    y = (rng.random(1000) < 1 / (1 + np.exp(-0.5 * x))).astype(float)
    check = check_design(design(x=x), y)
    assert check.warnings == [] and not check.needs_penalty


def test_count_separation_finds_term_with_only_zero_counts():
    X = design(x=[0, 0, 0, 0, 1, 1, 1], z=[1.0, 2.0, 0.5, 3.0, 1.0, 2.0, 0.1])
    y = [0, 2, 1, 3, 0, 0, 0]
    sep = detect_count_separation(X, y)
    assert sep.found and "x" in sep.terms
    assert not detect_count_separation(design(x=[0, 0, 1, 1]), [0, 1, 0, 2]).found


def test_unknown_outcome_kind_is_refused():
    with pytest.raises(ValueError, match="binary"):
        check_design(design(x=[0, 1]), [0, 1], outcome="ordinal")


def test_events_are_counted_in_relationships_too():
    from analysis.models.separation import check_design as cd
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"Intercept": 1.0, "x": rng.normal(size=400)})
    y = np.zeros(400)
    y[:40] = 1  # 40 events, all in 4 relationships of 10 years each
    groups = np.repeat(np.arange(40), 10)
    rows_only = cd(X, y, 10, "binary")
    assert not rows_only.too_few_events  # 40 events for 1 parameter
    by_rel = cd(X, y, 10, "binary", groups=groups)
    assert by_rel.n_event_relationships == 4 and by_rel.too_few_events
    assert any("counted in relationships: 4 relationships" in w for w in by_rel.warnings)
