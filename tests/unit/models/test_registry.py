"""The registry drives fit_all: a model is its own module plus one entry."""

import pandas as pd
import pytest

from analysis.models import registry
from analysis.models.registry import (
    HAZARD,
    ODDS,
    RATE,
    REGISTRY,
    ModelSpec,
    fit_all,
    get,
)
from analysis.models.result import ModelResult

MODELS = ["activity_logit", "activity_logit_pooled", "event_counts", "event_hurdle", "time_to_dormancy", "within_relationship", "transitions",
          "reported_status"]


def test_fit_all_fits_exactly_the_registered_models_in_registry_order(tiny):
    results = fit_all(tiny, None, dormancy_years=2, seed=1)
    assert list(results) == list(REGISTRY) == MODELS
    for name, r in results.items():
        assert r.model == name
        assert r.ok or r.warnings  # a model that did not fit says why


def test_fit_all_passes_the_options_on(panel, monkeypatch):
    # only the entries that read an option are kept, so the check stays quick
    keep = ("activity_logit", "time_to_dormancy", "transitions")
    monkeypatch.setattr(registry, "REGISTRY", {k: REGISTRY[k] for k in keep})
    results = registry.fit_all(panel, None, year_effects=True, dormancy_years=2, seed=7, penalty="l2")
    assert results["activity_logit"].numbers["year_effects"] is True
    assert results["time_to_dormancy"].numbers["dormancy_years"] == 2
    assert results["transitions"].numbers["seed"] == 7


def test_a_model_registered_in_a_new_entry_is_fitted_without_touching_other_modules(tiny, monkeypatch):
    seen = {}

    def share_active(panel, relationships, options):
        seen["options"] = options
        table = pd.DataFrame({"model": ["share_active"], "term": ["share"], "estimate": [panel["active"].mean()]})
        return ModelResult("share_active", table, [], {"share": float(panel["active"].mean())}, "mean")

    entry = ModelSpec("share_active", share_active, "Share of active years", None, "the share",
                      description="A one-line model.")
    monkeypatch.setattr(registry, "REGISTRY", {**REGISTRY, entry.name: entry})
    results = registry.fit_all(tiny, None, seed=5)
    assert list(results) == MODELS + ["share_active"]
    assert results["share_active"].numbers["share"] == pytest.approx(tiny["active"].mean())
    assert seen["options"] == {"seed": 5}
    assert registry.get("share_active") is entry


def test_every_entry_says_what_its_ratio_is_and_how_to_read_it():
    for name, spec in REGISTRY.items():
        assert spec.name == name and get(name) is spec
        assert spec.ratio in (ODDS, RATE, HAZARD, None)
        assert spec.title and spec.outcome and spec.description
    assert get("descriptives") is None


def test_shown_columns_exist_in_the_fitted_tables(panel):
    results = fit_all(panel, None)
    for name, spec in REGISTRY.items():
        if spec.columns and results[name].ok:
            assert set(spec.columns) <= set(results[name].table.columns), name


def test_fit_all_refuses_an_unknown_option_instead_of_ignoring_it(tiny):
    with pytest.raises(TypeError, match="dormancy_year"):
        fit_all(tiny, None, dormancy_year=2)
