import subprocess
import sys

import pytest

from analysis.pipeline.params import SCHEMA, ParameterError, parse_assignment, resolve_params, validate
from analysis.paths import PROJECT_ROOT


def test_defaults_validate(default_params):
    assert set(default_params) == set(SCHEMA)
    assert default_params["min_events"] == 1


def test_unknown_name_suggests_closest(default_params):
    bad = dict(default_params, end_yaer=2024)
    with pytest.raises(ParameterError) as err:
        validate(bad)
    msg = str(err.value)
    assert "end_yaer" in msg and "end_year" in msg


def test_wrong_type_and_out_of_range_reported_together(default_params):
    bad = dict(default_params, min_events="many", ci_level=1.5, year_effects="yes")
    with pytest.raises(ParameterError) as err:
        validate(bad)
    assert len(err.value.problems) == 3
    text = str(err.value)
    assert "'min_events'" in text and "expected int" in text
    assert "'ci_level'" in text and "above the maximum" in text
    assert "'year_effects'" in text and "expected bool" in text


def test_choice_and_list_items(default_params):
    with pytest.raises(ParameterError, match="engine"):
        validate(dict(default_params, engine="sqlite"))
    with pytest.raises(ParameterError, match="power_relationships.*item 1"):
        validate(dict(default_params, power_relationships=[50, "x"]))


@pytest.mark.parametrize("text, expected", [
    ("min_events=3", ("min_events", 3)),
    ("ci_level=0.9", ("ci_level", 0.9)),
    ("year_effects=true", ("year_effects", True)),
    ("end_year=null", ("end_year", None)),
    ("power_years=[5,10]", ("power_years", [5, 10])),
    ("power_years=5,10,20", ("power_years", [5, 10, 20])),
    ("focal_city=金华市", ("focal_city", "金华市")),
])
def test_assignments_parse_to_declared_types(text, expected):
    assert parse_assignment(text) == expected


def test_layering_file_then_set(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("min_events: 2\ndormancy_years: 4\n", encoding="utf-8")
    p = resolve_params(f, ["min_events=5"])
    assert p["min_events"] == 5 and p["dormancy_years"] == 4


def test_cli_refuses_bad_parameter_before_any_notebook(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--set", "end_yaer=2024", "--out", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "end_yaer" in proc.stderr and "end_year" in proc.stderr
    assert not out.exists()  # nothing ran, nothing was written
