"""Column rules from the contract: each failing cell is located, with the message of its rule."""

from pathlib import Path

import pandas as pd

from analysis.data.checks import check_columns, list_items, split_list
from analysis.data.contract import TABLES
from analysis.data.files import read_table


def _problems(tmp_path: Path, stem: str, text: str) -> list[tuple]:
    path = tmp_path / f"{stem}.csv"
    path.write_text(text, encoding="utf-8")
    return [(p.line, p.column, p.value, p.message) for p in check_columns(read_table(path, path.name), stem)]


def test_a_valid_table_has_no_problems(tmp_path):
    header = ",".join(rule.name for rule in TABLES["relationships"])
    assert _problems(tmp_path, "relationships", f"{header}\nR1,巴中市,虹口区,sister_city,2013年,,active,2023,s,\n") == []


def test_header_rules(tmp_path):
    found = _problems(tmp_path, "relationships", "relationship_id,city_a,city_b,source,remarks\nR1,a,b,s,x\n")
    assert (1, "kind", None, "required column is missing from the header") in found
    assert (1, "remarks", None, "unexpected column (the columns are: relationship_id, city_a, city_b, kind, established, "
            "ended, status, status_as_of, source, note)") in found
    assert _problems(tmp_path, "city_years", "city_id,year,gdp_per_head\nCN-511900,2022,1\n") == []  # an open table


def test_cell_rules_name_line_column_value_and_reason(tmp_path):
    found = _problems(tmp_path, "events", (
        "event_id,date,origin,destination,kind,topics,delegates,amount_cny,count,source\n"
        "E1,2023年13月,a,b,visit,culture；sports,12,5000万,0,s\n"
        "E2,2023,,b,secondment,economy,twelve,,2,s\n"
    ))
    # in rule order here; validate_raw sorts every problem by file and line
    assert sorted(found) == sorted([
        (2, "date", "2023年13月", "month 13 is not between 1 and 12"),
        (2, "topics", "culture；sports", "'sports' not among the allowed values: " + ", ".join(TABLES["events"][7].vocabulary)
         + " (separate several with ';')"),
        (2, "amount_cny", "5000万", "not a number of 0 or more"),
        (2, "count", "0", "count must be a whole number of 1 or more (blank means 1)"),
        (3, "origin", "", "required value is empty"),
        (3, "kind", "secondment", "not one of the allowed values: visit, agreement, project, cadre_exchange, training, "
         "promotion, meeting, other"),
        (3, "delegates", "twelve", "must be a whole number (0 or more)"),
    ])


def test_country_and_coordinate_rules(tmp_path):
    found = _problems(tmp_path, "cities", "city_id,country,lat,lon\nXX-1,XX,91,180\nDE-1,DE,-90,-181\n")
    assert [(line, column) for line, column, *_ in found] == [(2, "country"), (2, "lat"), (3, "lon")]


def test_lists_split_on_either_semicolon():
    assert split_list(" economy ;culture；; talent ") == ["economy", "culture", "talent"]
    items = list_items(pd.Series(["a;b", "", "c"], index=[10, 11, 12]))
    assert list(items.index) == [10, 10, 12] and list(items) == ["a", "b", "c"]
