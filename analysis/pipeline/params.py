"""Run parameters: the typed schema (with each parameter's one default), layered sources, validation.

Parameters come from the schema defaults, then ``params/default.yaml`` (the same defaults
written out for users to read and copy; a test keeps the two equal), then ``--params FILE``,
then ``--set KEY=VALUE``. Everything is checked against :data:`SCHEMA` before a notebook
starts; every problem is reported at once, naming the parameter.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from analysis.paths import DEFAULT_PARAMS


class ParameterError(ValueError):
    """One or more parameters are unknown, of the wrong type or out of range."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid parameters:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Spec:
    type: type | tuple[type, ...]
    help: str
    default: Any  # the one place a parameter's default is written
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    item_type: type | None = None  # for lists
    min_items: int = 0
    check: Callable[[Any], str | None] | None = field(default=None, compare=False)


SCHEMA: dict[str, Spec] = {
    "start_year": Spec(int, "first panel year (null: year of establishment)", None, nullable=True, min=1900, max=2100),
    "end_year": Spec(int, "last panel year (null: last year in the events)", None, nullable=True, min=1900, max=2100),
    "min_events": Spec(int, "events in a year that make it active", 1, min=1, max=1000),
    "dormancy_years": Spec(int, "years without events that make a relationship dormant", 3, min=1, max=50),
    "engine": Spec(str, "panel aggregation engine", "duckdb", choices=("duckdb", "spark")),
    "panel_unit": Spec(str, "the panel's unit: a city pair (each event counted once) or each relationship", "pair",
                       choices=("pair", "relationship")),
    "year_effects": Spec(bool, "year fixed effects in the activity logit", False),
    "ci_level": Spec(float, "confidence level of intervals", 0.95, min=0.5, max=0.999),
    "min_events_per_parameter": Spec(int, "events per parameter below which a penalised fit is used", 10,
                                     min=1, max=100),
    "penalty": Spec(str, "fallback fit for small or separated samples", "firth", choices=("firth", "l2")),
    "seed": Spec(int, "random seed", 20240601, min=0, max=2**32 - 1),
    "focal_city": Spec(str, "city whose partners are mapped", "巴中市"),
    "typology_min_visits": Spec(int, "visits below which a city is isolated", 1, min=0, max=10**6),
    "typology_ratio": Spec(float, "received/sent ratio that makes a star (its inverse a sponge)", 3.0,
                           min=1.0, max=1000.0),
    "power_effect": Spec(float, "log-odds effect the power analysis looks for", 0.5, min=-10.0, max=10.0),
    "power_relationships": Spec(list, "numbers of relationships in the power grid", [50, 100, 200, 400],
                                item_type=int, min_items=1, min=2),
    "power_years": Spec(list, "numbers of years in the power grid", [5, 10], item_type=int, min_items=1, min=2),
    "power_replications": Spec(int, "simulations per power-grid cell", 100, min=10, max=100000),
    "power_activity_rate": Spec(float, "share of active years simulated (null: that of the data's activity model rows)",
                                None, nullable=True, min=0.001, max=0.999),
    "power_relationship_sd": Spec(float, "SD of the persistent relationship effect simulated (log-odds)", 1.0,
                                  min=0.0, max=10.0),
    "cell_timeout_s": Spec(int, "seconds a cell may run", 600, min=1, max=86400),
}

# Parameters the runner itself supplies to notebooks; a user cannot set them.
RUNTIME_NAMES = ("data_dir", "out_dir", "year")


def load_yaml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ParameterError([f"parameter file {path} does not exist"]) from None
    except yaml.YAMLError as exc:
        raise ParameterError([f"parameter file {path} is not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ParameterError([f"parameter file {path} must hold a mapping of name: value"])
    return data


def parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE parsed as YAML (so ints, floats, bools, lists, null work)."""
    if "=" not in text:
        raise ParameterError([f"--set {text!r}: expected KEY=VALUE"])
    key, raw = text.split("=", 1)
    key = key.strip()
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    # A comma-separated value for a list parameter: 50,100,200
    spec = SCHEMA.get(key)
    if spec is not None and spec.type is list and isinstance(value, str) and "," in value:
        value = [yaml.safe_load(v) for v in value.split(",")]
    return key, value


def suggest(name: str) -> list[str]:
    return difflib.get_close_matches(name, list(SCHEMA), n=3, cutoff=0.6)


def _type_name(t: type | tuple[type, ...]) -> str:
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return t.__name__


def _coerce(name: str, spec: Spec, value: Any, problems: list[str]) -> Any:
    if value is None:
        if not spec.nullable:
            problems.append(f"parameter '{name}': must not be null")
        return None
    t = spec.type
    if t is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if t is int and isinstance(value, float) and value.is_integer():
        problems.append(f"parameter '{name}': expected int, got float {value!r}")
        return value
    if (t is int and isinstance(value, bool)) or not isinstance(value, t):
        problems.append(f"parameter '{name}': expected {_type_name(t)}, got {type(value).__name__} {value!r}")
        return value
    if t is list:
        if len(value) < spec.min_items:
            problems.append(f"parameter '{name}': needs at least {spec.min_items} item(s)")
        for i, item in enumerate(value):
            if spec.item_type and (not isinstance(item, spec.item_type) or isinstance(item, bool)):
                problems.append(
                    f"parameter '{name}': item {i} expected {spec.item_type.__name__}, got {type(item).__name__} {item!r}"
                )
            elif spec.min is not None and item < spec.min:
                problems.append(f"parameter '{name}': item {i} = {item!r} is below the minimum {spec.min}")
        return value
    if spec.choices is not None and value not in spec.choices:
        problems.append(f"parameter '{name}': {value!r} is not one of {', '.join(map(str, spec.choices))}")
    if spec.min is not None and value < spec.min:
        problems.append(f"parameter '{name}': {value!r} is below the minimum {spec.min}")
    if spec.max is not None and value > spec.max:
        problems.append(f"parameter '{name}': {value!r} is above the maximum {spec.max}")
    return value


def validate(params: dict[str, Any]) -> dict[str, Any]:
    """Return the checked parameters or raise :class:`ParameterError` listing every problem."""
    problems: list[str] = []
    out: dict[str, Any] = {}
    for name, value in params.items():
        spec = SCHEMA.get(name)
        if spec is None:
            hint = suggest(name)
            extra = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
            problems.append(f"unknown parameter '{name}'{extra}")
            continue
        out[name] = _coerce(name, spec, value, problems)
    missing = [n for n in SCHEMA if n not in params]
    for name in missing:
        problems.append(f"parameter '{name}': no value")
    if not problems and out.get("start_year") and out.get("end_year") and out["start_year"] > out["end_year"]:
        problems.append(f"parameter 'start_year': {out['start_year']} is after end_year {out['end_year']}")
    if problems:
        raise ParameterError(problems)
    return out


def resolve_params(
    params_file: str | Path | None = None,
    assignments: list[str] | None = None,
    defaults_file: str | Path = DEFAULT_PARAMS,
) -> dict[str, Any]:
    """Schema defaults, then ``defaults_file``, a parameter file, KEY=VALUE assignments; validated."""
    merged = defaults()
    merged.update(load_yaml(defaults_file))
    if params_file is not None:
        merged.update(load_yaml(params_file))
    for text in assignments or []:
        key, value = parse_assignment(text)
        merged[key] = value
    return validate(merged)


def defaults() -> dict[str, Any]:
    """Every parameter's default, from the schema (a fresh copy: list defaults may be changed)."""
    return {name: copy.deepcopy(spec.default) for name, spec in SCHEMA.items()}
