"""Run parameters: the schema's defaults, params/default.yaml, layering and validation."""

import dataclasses

import pytest
import yaml

from analysis.paths import DEFAULT_PARAMS
from analysis.pipeline.params import (
    SCHEMA, ParameterError, Spec, defaults, parse_assignment, resolve_params, validate,
)


def test_every_spec_has_a_valid_default():
    assert validate(defaults()) == defaults()
    with pytest.raises(TypeError):
        Spec(int, "a parameter without a default")  # noqa - the default is required


def test_default_yaml_names_every_parameter_with_the_schema_default():
    written = yaml.safe_load(DEFAULT_PARAMS.read_text(encoding="utf-8"))
    assert list(written) == list(SCHEMA), "params/default.yaml: same names, in the schema's order"
    for name, spec in SCHEMA.items():
        assert written[name] == spec.default, f"params/default.yaml: {name}={written[name]!r}, schema {spec.default!r}"
        assert type(written[name]) is type(spec.default), f"params/default.yaml: {name} has another type"


def test_defaults_are_fresh_copies():
    first = defaults()
    first["power_years"].append(99)
    assert defaults()["power_years"] == SCHEMA["power_years"].default
    assert 99 not in SCHEMA["power_years"].default


def test_resolve_without_overrides_is_the_schema_defaults():
    assert resolve_params() == defaults()


def test_a_defaults_file_missing_a_name_falls_back_to_the_schema(tmp_path):
    f = tmp_path / "d.yaml"
    f.write_text("min_events: 4\n", encoding="utf-8")
    p = resolve_params(defaults_file=f)
    assert p["min_events"] == 4 and p["dormancy_years"] == SCHEMA["dormancy_years"].default


def test_validate_reports_a_missing_name():
    partial = defaults()
    del partial["seed"]
    with pytest.raises(ParameterError, match="'seed': no value"):
        validate(partial)


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


def test_start_after_end_is_refused(default_params):
    with pytest.raises(ParameterError, match="start_year.*after end_year"):
        validate(dict(default_params, start_year=2020, end_year=2019))


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


def test_spec_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SCHEMA["seed"].default = 1  # type: ignore[misc]
