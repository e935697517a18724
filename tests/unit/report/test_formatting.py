"""Numbers, p-values and intervals as the report writes them; tables without an index."""

from __future__ import annotations

import math

import pandas as pd

from analysis.report import formatting


def test_numbers_keep_two_decimals_or_two_significant_digits():
    assert formatting.fmt_number(0.000778) == "0.00078"
    assert formatting.fmt_number(4873780.0) == "4,873,780"
    assert formatting.fmt_number(2.0048) == "2.00" and formatting.fmt_number(0) == "0.00"
    assert formatting.fmt_number(float("nan")) == "—" and formatting.fmt_number("x") == "—"
    assert formatting.fmt_number(math.inf) == "∞" and formatting.fmt_number(-math.inf) == "−∞"


def test_p_values_in_cells_and_in_sentences():
    assert formatting.fmt_p(0.0004) == "<0.001" and formatting.fmt_p(0.5241) == "0.524"
    assert formatting.fmt_p(None) == "—"
    assert formatting.format_p(0.0004) == "p < 0.001" and formatting.format_p(0.012) == "p = 0.012"
    assert formatting.format_p(float("nan")) == "p not available"


def test_intervals():
    assert formatting.fmt_interval(2.0048, 0.2358, 17.041) == "2.00 [0.24, 17.04]"
    assert formatting.fmt_interval(2.0, float("nan"), 3.0) == "2.00"
    assert formatting.fmt_interval(float("nan"), 1, 2) == "—"
    assert formatting.fmt_bracket(0.02, 0.22) == "[0.02, 0.22]" and formatting.fmt_bracket(None, 1) == "—"


def test_plural():
    assert formatting.plural(1, "record") == "1 record" and formatting.plural(3, "record") == "3 records"
    assert formatting.plural(2, "relationship has", "relationships have") == "2 relationships have"


def test_styled_table_has_no_index_and_left_aligns_text():
    df = pd.DataFrame({"name": ["a<b", "c"], "n": [1.23456, 2.0]})
    html = formatting.styled_table(df).to_html()
    body = html.split("</thead>")[1]
    assert "<th" not in body  # no index cells
    assert "a&lt;b" in html and "1.235" in html and "1.23456" not in html
    assert "text-align: left" in html
