"""The model registry: one entry per model, which drives ``fit_all``, notebook 30 and the report.

Adding a model means writing its function in its own module and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from analysis.models.binary import activity_logit_pooled
from analysis.models.counts import event_counts
from analysis.models.dynamic import activity_logit
from analysis.models.hurdle import event_hurdle
from analysis.models.observed import observed_rows, with_observation
from analysis.models.result import ModelResult
from analysis.models.status import reported_status
from analysis.models.survival import time_to_dormancy
from analysis.models.transitions import transitions
from analysis.models.within import within_relationship

# Run parameters a model may read from the options passed to fit_all.
FIT_OPTIONS = ("year_effects", "ci_level", "min_events_per_parameter", "penalty", "dormancy_years", "seed")
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
    description: str = ""  # markdown paragraph under the title in notebook 30: what the model compares, how to read it


def _common(options: dict[str, Any]) -> dict[str, Any]:
    """The options every likelihood model takes."""
    return {"ci_level": options.get("ci_level", 0.95),
            "min_events_per_parameter": options.get("min_events_per_parameter", 10)}


REGISTRY: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec(
        "activity_logit",
        lambda panel, rel, o: activity_logit(panel, year_effects=o.get("year_effects", False),
                                             penalty=o.get("penalty", "firth"), **_common(o)),
        "Is a relationship active in a year? Dynamic random-effects logit", ODDS, "the odds of an active year",
        ("term", "label", "estimate", "ratio", "ratio_ci_low", "ratio_ci_high", "p", "se", "se_cluster",
         "ape", "ape_ci_low", "ape_ci_high"),
        description=(
            "The default model: `active ~ leader_visit_lag + exchange_lag + cooperation_lag + log_distance + age + "
            "international` (plus year effects when `year_effects` is true) with a normal relationship effect whose "
            "mean depends on whether the relationship was active in its first observed year (`active_first`) and on "
            "its mean age (Wooldridge 2005), integrated by Gauss-Hermite quadrature. It asks what keeps a given "
            "relationship active, not which relationships are always active: persistent differences go to the "
            "relationship effect (its SD is `sigma_relationship`), not to last year's events. Odds ratios above 1 "
            "mean the term goes with a higher chance of an active year; `ape` is the average partial effect, the "
            "change in the probability of an active year. Standard errors are dyadic-robust (relationships that "
            "share a city may be correlated); `se_cluster` clusters by relationship only. When the data are too "
            "few for a random effect the pooled penalised logit is shown instead (Firth: profile-likelihood "
            "intervals and likelihood-ratio p-values), and every row says so. With fewer than 20 relationships "
            "with an active year the table is descriptive: estimates without standard errors, intervals or "
            "p-values."
        ),
    ),
    ModelSpec(
        "activity_logit_pooled",
        lambda panel, rel, o: activity_logit_pooled(panel, year_effects=o.get("year_effects", False),
                                                    penalty=o.get("penalty", "firth"), **_common(o)),
        "Is a relationship active in a year? Pooled logit", ODDS, "the odds of an active year",
        ("term", "label", "estimate", "ratio", "ratio_ci_low", "ratio_ci_high", "p", "se", "se_cluster",
         "se_twoway", "ape", "ape_ci_low", "ape_ci_high"),
        description=(
            "The same terms without a relationship effect. Because last year's events happen only in active years, "
            "this model credits the drivers with whatever makes some relationships persistently more active; read "
            "it beside the default, as the comparison referees ask for. `se` is dyadic-robust; `se_cluster` "
            "clusters by relationship and `se_twoway` two-way by both cities."
        ),
    ),
    ModelSpec(
        "event_counts",
        lambda panel, rel, o: event_counts(panel, year_effects=o.get("year_effects", False), **_common(o)),
        "How many events a relationship has in a year: negative binomial", RATE, "the expected number of events",
        ("term", "label", "estimate", "ratio", "ratio_ci_low", "ratio_ci_high", "p", "se", "se_cluster"),
        description=(
            "A negative binomial model of the number of events per year on the same drivers; ratios are "
            "incidence-rate ratios. Terms whose estimates would be infinite (for instance a driver never followed "
            "by any event) are dropped with a note. An overdispersion alpha above 10 is warned about: then a few "
            "busy years and many empty ones are better read in the hurdle model below. Standard errors are "
            "dyadic-robust (relationships sharing a city may be correlated); `se_cluster` clusters by relationship."
        ),
    ),
    ModelSpec(
        "event_hurdle",
        lambda panel, rel, o: event_hurdle(panel, year_effects=o.get("year_effects", False),
                                           penalty=o.get("penalty", "firth"), **_common(o)),
        "How many events a relationship has in a year: hurdle model", None,
        "the log-odds of any event (`any:` terms) or the log expected number of events in a year with some "
        "(`count:` terms)",
        ("term", "label", "part", "estimate", "ratio", "ratio_ci_low", "ratio_ci_high", "p", "se", "se_cluster"),
        description=(
            "The counts in two parts, beside the negative binomial: a logit for whether a relationship has any "
            "event in a year (`any:` terms, whose `ratio` is an odds ratio; Firth when the events are too few "
            "or separated) and a zero-truncated negative binomial for how many events a year with some has "
            "(`count:` terms, whose `ratio` is a rate ratio; `count:alpha` its overdispersion; a zero-truncated "
            "Poisson when the counts are no more dispersed than that). A single negative binomial forced to describe both the many zero years and "
            "the few busy ones shows a huge alpha; the hurdle separates them. Standard errors are dyadic-robust "
            "(relationships sharing a city may be correlated); `se_cluster` clusters by relationship."
        ),
    ),
    ModelSpec(
        "time_to_dormancy",
        lambda panel, rel, o: time_to_dormancy(panel, dormancy_years=o.get("dormancy_years", 3), **_common(o)),
        "Time until a relationship falls dormant: discrete-time hazard", HAZARD, "the risk of falling dormant",
        description=(
            "A discrete-time hazard model (complementary log-log GLM) of the year a relationship starts a silence "
            "of at least `dormancy_years` years. Rows are the relationship-years at risk, each relationship once a "
            "year: a silence can begin only after a year with events, so the drivers describe that last active "
            "year; rows after the onset are not at risk. The baseline hazard is a function of duration (log of 1 + "
            "years since establishment). Because years are grouped time, exp(coefficient) is the hazard ratio of "
            "the grouped-time proportional hazards model (the hazard ratio of an underlying continuous-time "
            "proportional hazards model). Hazard ratios below 1 mean the driver delays dormancy. Standard errors "
            "are dyadic-robust (relationships sharing a city may be correlated)."
        ),
    ),
    ModelSpec(
        "within_relationship",
        lambda panel, rel, o: within_relationship(panel, **_common(o)),
        "Active and inactive years within a relationship: conditional logit (descriptive)", ODDS,
        "the odds of an active year",
        description=(
            "Descriptive, not inference. A conditional (fixed-effects) logit compares each relationship's active and "
            "inactive years with each other, so what never changes within a relationship drops out, and only "
            "relationships that switch between active and inactive years identify it. The lagged drivers add up to "
            "last year's activity, so within a relationship they depend on earlier shocks and the estimates are "
            "biased in short panels (about half the true size in the project's simulator). The table therefore has "
            "no standard errors, intervals or p-values; the dynamic model answers the question it was meant for."
        ),
    ),
    ModelSpec(
        "transitions",
        lambda panel, rel, o: transitions(panel, ci_level=o.get("ci_level", 0.95), seed=o.get("seed", 0)),
        "Year-to-year transitions between active and inactive years", None, "the outcome",
        ("term", "label", "estimate", "ci_low", "ci_high", "n_obs", "count"),
        description=(
            "Shares of years that follow an active (or inactive) year and are active (or not). Wilson intervals "
            "treat years as independent; the bootstrap columns of the saved table resample whole relationships "
            "(seeded)."
        ),
    ),
    ModelSpec(
        "reported_status",
        lambda panel, rel, o: reported_status(panel, rel, penalty=o.get("penalty", "firth"), **_common(o)),
        "Status the sources report (active vs dormant, suspended or ended): logit", ODDS, "the odds of the outcome",
        description=(
            "For relationships whose sources report a status, a cross-sectional logit of *active* against "
            "*dormant, suspended or ended* on the share of years with a top-leader visit or with cooperation, the "
            "mean number of other exchanges, distance and partner abroad, measured up to the year the status "
            "describes. It is descriptive: it says which relationships sources call active, not what keeps them so."
        ),
    ),
)}


def get(name: str) -> ModelSpec | None:
    """The entry of a model, or None for a table that is not a registered model."""
    return REGISTRY.get(name)


def fit_all(panel: pd.DataFrame, relationships: pd.DataFrame | None = None, **options: Any) -> dict[str, ModelResult]:
    """Every registered model, in registry order, keyed by its numbers.json key.

    ``options`` are run parameters (``FIT_OPTIONS``); an unknown name is refused rather than
    silently ignored, so a misspelt option cannot fall back to a default unnoticed. Every model
    sees the observed relationship-years only; each result says how many were left out.
    """
    unknown = sorted(set(options) - set(FIT_OPTIONS))
    if unknown:
        raise TypeError(f"fit_all: unknown option(s) {', '.join(unknown)}; known: {', '.join(FIT_OPTIONS)}")
    rows, observation = observed_rows(panel)
    return {name: with_observation(spec.fit(rows, relationships, options), observation) for name, spec in REGISTRY.items()}
