"""Chinese and ISO dates keep the precision the source gives."""

import pandas as pd
import pytest

from analysis.data.dates import normalise_date, parse_date, parse_dates, period_bounds


@pytest.mark.parametrize(
    "text, value, precision",
    [
        ("2023年3月17日", "2023-03-17", "day"),
        ("2023年3月17号", "2023-03-17", "day"),
        ("2023年03月07日", "2023-03-07", "day"),
        ("2023年3月", "2023-03", "month"),
        ("2023年", "2023", "year"),
        ("2023-03-17", "2023-03-17", "day"),
        ("2023-3-7", "2023-03-07", "day"),
        ("2023-03", "2023-03", "month"),
        ("2023", "2023", "year"),
        ("2023/3/17", "2023-03-17", "day"),
        ("2023/3", "2023-03", "month"),
        ("2023.3.17", "2023-03-17", "day"),
        ("2023.3", "2023-03", "month"),
        ("２０２３年３月", "2023-03", "month"),  # full-width digits
        (" 2023 年 3 月 ", "2023-03", "month"),
        ("2024-02-29", "2024-02-29", "day"),  # leap day
    ],
)
def test_dates_parse_with_their_precision(text, value, precision):
    assert normalise_date(text) == (value, precision)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("2023年13月", "month 13"),
        ("2023-02-29", "day 29"),
        ("2023-04-31", "day 31"),
        ("2023年3月32日", "day 32"),
        ("17/03/2023", "not a date"),
        ("March 2023", "not a date"),
        ("23年3月", "not a date"),
        ("2023-03-17 10:00", "not a date"),
        ("", "not a date"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_date(text)


def test_parsed_date_parts():
    parsed = parse_date("2023年3月")
    assert (parsed.year, parsed.month, parsed.day) == (2023, 3, None)


def test_parse_dates_column_keeps_index_and_flags_errors():
    s = pd.Series(["2023年3月17日", "", "2022", "2023年13月", "2023年3月17日"], index=[5, 6, 7, 8, 9])
    out = parse_dates(s)
    assert list(out.index) == [5, 6, 7, 8, 9]
    assert out.loc[5, "date"] == "2023-03-17" and out.loc[9, "precision"] == "day"
    assert pd.isna(out.loc[6, "date"]) and pd.isna(out.loc[6, "error"])  # blank: no date, no error
    assert out.loc[7, "precision"] == "year" and pd.isna(out.loc[7, "month"])
    assert "month 13" in out.loc[8, "error"] and pd.isna(out.loc[8, "year"])
    assert str(out["year"].dtype) == "Int64" and str(out["month"].dtype) == "Int64"


@pytest.mark.parametrize(
    "value, bounds",
    [
        ("2023", ("2023-01-01", "2023-12-31")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023-03-17", ("2023-03-17", "2023-03-17")),
    ],
)
def test_period_bounds(value, bounds):
    assert period_bounds(value) == bounds
