"""The model registry: one entry per model, which drives ``fit_all``, notebook 30 and the report.

Adding a model means writing its function in its own module and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from analysis.models import fit as _fit
from analysis.models.fit import ModelResult

ODDS, RATE, HAZARD = "odds ratio", "rate ratio", "hazard ratio"


@dataclass(frozen=True)
class ModelSpec:
    """What the pipeline and the report need to know about one model."""

    name: str  # key in numbers.json, file name under results/tables/
    fit: Callable[[pd.DataFrame, pd.DataFrame | None, dict[str, Any]], ModelResult]
    title: str  # heading in notebook 30 and the report
    ratio: str | None  # what the table's ``ratio`` column is: ODDS, RATE, HAZARD or None
    outcome: str  # what the ratio multiplies, in words ("the odds of an active year")
    columns: tuple[str, ...] | None = None  # columns shown in notebook 30 (None: the default set)


def _common(options: dict[str, Any]) -> dict[str, Any]:
    return {"ci_level": options.get("ci_level", 0.95),
            "min_events_per_parameter": options.get("min_events_per_parameter", 10)}


REGISTRY: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec(
        "activity_logit",
        lambda panel, rel, o: _fit.activity_logit(panel, year_effects=o.get("year_effects", False),
                                                  penalty=o.get("penalty", "firth"), **_common(o)),
        "Is a relationship active in a year? Logit", ODDS, "the odds of an active year",
        ("term", "label", "estimate", "ratio", "ratio_ci_low", "ratio_ci_high", "p", "se", "se_twoway", "p_twoway"),
    ),
    ModelSpec(
        "event_counts",
        lambda panel, rel, o: _fit.event_counts(panel, year_effects=o.get("year_effects", False), **_common(o)),
        "How many events a relationship has in a year: negative binomial", RATE, "the expected number of events",
    ),
    ModelSpec(
        "time_to_dormancy",
        lambda panel, rel, o: _fit.time_to_dormancy(panel, dormancy_years=o.get("dormancy_years", 3), **_common(o)),
        "Time until a relationship falls dormant: Cox model", HAZARD, "the risk of falling dormant",
    ),
    ModelSpec(
        "within_relationship",
        lambda panel, rel, o: _fit.within_relationship(panel, **_common(o)),
        "Active and inactive years within a relationship: conditional logit", ODDS, "the odds of an active year",
    ),
    ModelSpec(
        "transitions",
        lambda panel, rel, o: _fit.transitions(panel, ci_level=o.get("ci_level", 0.95), seed=o.get("seed", 0)),
        "Year-to-year transitions between active and inactive years", None, "the outcome",
        ("term", "label", "estimate", "ci_low", "ci_high", "n_obs", "count"),
    ),
    ModelSpec(
        "reported_status",
        lambda panel, rel, o: _fit.reported_status(panel, rel, penalty=o.get("penalty", "firth"), **_common(o)),
        "Status the sources report (active vs dormant, suspended or ended): logit", ODDS, "the odds of the outcome",
    ),
)}


def get(name: str) -> ModelSpec | None:
    """The entry of a model, or None for a table that is not a registered model."""
    return REGISTRY.get(name)


def fit_all(panel: pd.DataFrame, relationships: pd.DataFrame | None = None, **options: Any) -> dict[str, ModelResult]:
    """Every registered model, in registry order, keyed by its numbers.json key."""
    return {name: spec.fit(panel, relationships, options) for name, spec in REGISTRY.items()}
