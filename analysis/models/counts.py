"""Yearly event counts: negative binomial (Poisson when it does not converge), rate ratios, dyadic-robust
standard errors with relationship-clustered ones beside them."""

from __future__ import annotations

import warnings as pywarnings

import numpy as np
import pandas as pd
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from scipy import stats

from analysis.models.dyadic import likelihood_dyadic, standard_errors
from analysis.models.result import (
    ACTIVITY_TERMS,
    ModelResult,
    cluster_numbers,
    cluster_warning,
    dyadic_warning,
    empty_result,
    headline_numbers,
    model_rows,
    never_crash,
    small_sample_rule,
    tidy_table,
    with_cluster_columns,
)

# An NB2 alpha above this means the variance is dominated by a few very large counts.
LARGE_ALPHA = 10.0
from analysis.models.separation import INTERCEPT, check_design


@never_crash("event_counts")
def event_counts(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    terms: list[str] | None = None,
) -> ModelResult:
    """Negative binomial (NB2) of yearly event counts on the drivers; IRRs.

    ``se`` is dyadic-robust (rows of relationships that share a city may be correlated:
    :func:`analysis.models.dyadic.dyadic_vcov` on the observation scores and the inverse
    Hessian); ``se_cluster`` (clustered by relationship, statsmodels' CR1) beside it, and alone
    when the panel lacks ``city_a``/``city_b``. Terms whose estimates are infinite (count-data
    separation) are dropped with a note; when the negative binomial does not converge a Poisson
    GLM with the same standard errors is reported instead.
    """
    model = "event_counts"
    terms = list(terms or ACTIVITY_TERMS)
    rows = model_rows(panel, model, "events", terms, year_effects)
    if isinstance(rows, ModelResult):
        return rows
    df, y, n_rel = rows.df, rows.y, rows.n_rel
    if len(y) == 0 or (y == 0).all():
        return empty_result(model, "no usable rows with events", len(df), n_rel)
    X = rows.X
    check = check_design(X, y, min_events_per_parameter, "count", groups=df["relationship_id"])
    warn = cluster_warning(n_rel) + list(check.warnings)
    dropped = dict(check.dropped)
    for t in check.separation.terms:
        if t != INTERCEPT:
            dropped[t] = "its count-model estimate is infinite (separation: no events wherever it points)"
    if check.separation.found:
        warn.append(f"Dropped term(s) with infinite estimates: {', '.join(t for t in check.separation.terms if t != INTERCEPT)}.")
    kept = [c for c in X.columns if c not in dropped]
    Xk = X[kept]
    groups = rows.groups
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    res, fit_label = None, ""
    with pywarnings.catch_warnings(record=True):
        pywarnings.simplefilter("always")
        try:
            nb = NegativeBinomial(y, Xk, loglike_method="nb2")
            res = nb.fit(disp=0, maxiter=500, method="bfgs", **cov)
            if not res.mle_retvals.get("converged", True) or not np.all(np.isfinite(res.bse)):
                res = nb.fit(start_params=res.params, disp=0, maxiter=100, method="newton", **cov)
            if not res.mle_retvals.get("converged", True) or not np.all(np.isfinite(res.bse)):
                res = None
            fit_label = "negative binomial (NB2), cluster-robust by relationship"
        except Exception:  # noqa: BLE001
            res = None
        if res is None:
            warn.append("The negative binomial did not converge; a Poisson model with cluster-robust SEs is reported.")
            res = GLM(y, Xk, family=families.Poisson()).fit(**cov)
            fit_label = "Poisson GLM, cluster-robust by relationship"
    names = list(res.params.index)
    alpha = float(res.params["alpha"]) if "alpha" in res.params else None
    if alpha is not None and alpha > LARGE_ALPHA:
        warn.append(
            f"The overdispersion is very large (alpha = {alpha:.1f}, above {LARGE_ALPHA:g}): a few relationship-years "
            "hold most events and the rest are zeros, so one negative binomial describes neither well; a hurdle "
            "model (whether there is any event, then how many) would separate the two."
        )
    params, se_cluster = res.params.to_numpy(), res.bse.to_numpy()
    se, se_type = se_cluster, "cluster"
    if {"city_a", "city_b"} <= set(df.columns):
        se = standard_errors(likelihood_dyadic(res.model, params, df["city_a"], df["city_b"]))
        se_type, fit_label = "dyadic", fit_label.replace("cluster-robust by relationship",
                                                         "dyadic-robust SEs (relationship-clustered beside them)")
        warn += dyadic_warning(df["city_a"], df["city_b"])
    else:
        warn.append("The panel lacks city_a/city_b: standard errors are clustered by relationship, not dyadic.")
    n_event_rel = check.n_event_relationships or 0
    small = small_sample_rule(n_event_rel, "with any event")
    warn += small
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(params / se))
    table = tidy_table(model, names, params, se, p, ci_level, len(df), n_rel, fit_label, warn, dropped=dropped,
                       inference=not small)
    table = with_cluster_columns(table, names, se_cluster, ci_level, inference=not small)
    numbers = headline_numbers(table, warn, fit_label, events_per_parameter=check.events_per_parameter,
                               dropped=dropped, ratio="incidence rate ratio", alpha=alpha, se_type=se_type,
                               n_relationships_with_events=n_event_rel, descriptive=bool(small),
                               terms_cluster=cluster_numbers(table))
    return ModelResult(model, table, warn, numbers, fit_label)
