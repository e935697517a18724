"""The default activity model: a dynamic random-effects logit with Wooldridge (2005) initial
conditions, dyadic-robust standard errors and average partial effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.binary import activity_logit_pooled, fit_binary
from analysis.models.dyadic import cluster_vcov, dyadic_vcov, standard_errors
from analysis.models.partial_effects import ape_numbers, average_partial_effects, with_ape
from analysis.models.re_logit import DEFAULT_NODES, Panel, average_probability, fit_re_logit
from analysis.models.result import (
    ACTIVITY_TERMS, DRIVERS, ModelResult, cluster_numbers, cluster_warning, design_matrix, dyadic_warning,
    empty_result, headline_numbers, missing_columns, never_crash, reuse_fits, small_sample_rule, tidy_table,
    with_cluster_columns, z_value,
)

MODEL = "activity_logit"
SIGMA = "sigma_relationship"
INITIAL = "active_first"
EXTRA_LABELS = {
    SIGMA: "SD of the relationship effect (sigma)",
    INITIAL: "active in the first observed year (initial condition)",
}


def initial_conditions(panel: pd.DataFrame, used: pd.DataFrame, terms: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """``used`` with the Wooldridge terms: ``active_first`` (activity in the relationship's first
    observed panel year, the row without lags) and ``<x>_mean`` (the relationship mean, over the
    estimation rows, of each time-varying exogenous term: those that are not drivers and vary
    within some relationship)."""
    first = panel.sort_values(["relationship_id", "year"]).groupby("relationship_id")["active"].first()
    out = used.assign(**{INITIAL: used["relationship_id"].map(first).astype(float)})
    varying = [t for t in terms if t not in DRIVERS and (used.groupby("relationship_id")[t].nunique() > 1).any()]
    extra = [INITIAL]
    for t in varying:
        out[f"{t}_mean"] = used.groupby("relationship_id")[t].transform("mean")
        extra.append(f"{t}_mean")
    return out, extra


def _fallback(panel, year_effects, ci_level, min_events_per_parameter, penalty, terms, profile_terms,
              partial_effects, why: str) -> ModelResult:
    """The pooled (penalised) logit in the default's place, saying so on every row."""
    r = activity_logit_pooled(panel, year_effects, ci_level, min_events_per_parameter, penalty, terms,
                              profile_terms=profile_terms, partial_effects=partial_effects)
    msg = (f"The dynamic random-effects logit is not estimable on these data ({why}); shown instead: the pooled "
           "logit, which does not separate persistent differences between relationships from the drivers, so "
           "its driver estimates are biased away from zero where relationships differ.")
    if not r.ok:
        return empty_result(MODEL, f"{why}; the pooled fallback could not be fitted either")
    table = r.table.assign(model=MODEL)
    table["note"] = [msg + (" | " + n if n else "") for n in table["note"]]
    warn = [msg] + r.warnings
    numbers = {**r.numbers, "warnings": warn, "dynamic": False, "fallback": "activity_logit_pooled"}
    return ModelResult(MODEL, table, warn, numbers, "pooled fallback: " + r.fit)


@reuse_fits()
@never_crash(MODEL)
def activity_logit(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    terms: list[str] | None = None,
    n_nodes: int = DEFAULT_NODES,
    profile_terms: list[str] | None = None,
    partial_effects: bool = True,
) -> ModelResult:
    """P(active_it) = Λ(x_it β + c_i), c_i = ψ·active_first_i + ξ·x̄_i + σ a_i, a_i ~ N(0, 1).

    x_it: the lagged drivers, structure and (optionally) year effects. Conditioning the
    relationship effect on the first observed year (Wooldridge 2005) handles the initial
    conditions of the dynamic drivers; β is then the effect of last year's events on this
    year's activity for a relationship of given persistent propensity. The integral over a_i
    uses ``n_nodes`` Gauss–Hermite nodes. ``se`` is dyadic-robust from relationship-level
    scores (relationships sharing a city may be correlated); ``se_cluster`` beside it. When
    the pooled logit on the same design needs a penalty (separation, too few events per
    parameter), the random effect cannot be estimated: the pooled penalised fit is shown
    instead, with a note saying so (``numbers["dynamic"] = False``; a Firth fallback carries its
    profile-likelihood intervals and likelihood-ratio p-values). With fewer than
    ``MIN_VARYING_RELATIONSHIPS`` relationships with an active year the model is descriptive: no
    dyadic or clustered SEs, intervals or p-values (the note says so). ``partial_effects=False``
    leaves the partial-effect columns empty (the multiverse reads the coefficients only).
    """
    given_terms, terms = terms, list(terms or ACTIVITY_TERMS)
    needed = ["active", "relationship_id", "year"] + terms
    if missing := missing_columns(panel, needed):
        return empty_result(MODEL, f"the panel lacks column(s) {', '.join(missing)}")
    if "observed" in panel:
        panel = panel[panel["observed"].astype(bool)]
    opts = (year_effects, ci_level, min_events_per_parameter, penalty, given_terms, profile_terms, partial_effects)
    df = panel.dropna(subset=needed).sort_values(["relationship_id", "year"]).reset_index(drop=True)
    n_rel = int(df["relationship_id"].nunique())
    if df.empty or df["active"].nunique() < 2:
        return empty_result(MODEL, "no usable rows, or the outcome takes a single value", len(df), n_rel)
    df, extra = initial_conditions(panel, df, terms)
    X = design_matrix(df, terms + extra, year_effects)
    y = df["active"].to_numpy(dtype=float)
    # only a start (or the test whether a penalty is needed): no profile intervals, which cost many refits
    pooled = fit_binary(y, X, "nonrobust", None, "pooled start", min_events_per_parameter, penalty, ci_level,
                        profile=False)
    if isinstance(pooled, str):
        return empty_result(MODEL, pooled, len(df), n_rel)
    if pooled.penalised:
        return _fallback(panel, *opts, why="the pooled logit with the initial-condition terms needs a penalised "
                         f"fit: {pooled.events_per_parameter:.1f} events per parameter, separation {pooled.separation}")
    Xk = X[pooled.terms]
    d = Panel(y, Xk.to_numpy(), pd.factorize(df["relationship_id"])[0])
    fit = fit_re_logit(d, np.append(pooled.params, np.log(0.5)), n_nodes)
    if not fit.converged:
        return _fallback(panel, *opts, why=f"the quadrature likelihood did not converge ({fit.message})")
    try:
        bread_inv = np.linalg.inv(-fit.hessian)
    except np.linalg.LinAlgError:
        return _fallback(panel, *opts, why="the information matrix is singular")
    rel = df.groupby("relationship_id", sort=False)[[c for c in ("city_a", "city_b") if c in df]].first()
    warn = list(pooled.warnings)
    v_cluster = cluster_vcov(fit.scores, bread_inv, np.arange(len(fit.scores)))
    if {"city_a", "city_b"} <= set(df.columns):
        vcov, se_type = dyadic_vcov(fit.scores, bread_inv, rel["city_a"], rel["city_b"]), "dyadic"
        warn += dyadic_warning(rel["city_a"], rel["city_b"])
    else:
        vcov, se_type = v_cluster, "cluster"
        warn += cluster_warning(n_rel) + ["The panel lacks city_a/city_b: SEs are clustered by relationship."]
    names = list(Xk.columns) + [SIGMA]
    theta, sigma = fit.theta, float(np.exp(fit.theta[-1]))
    se, se_cl = standard_errors(vcov), standard_errors(v_cluster)
    est = np.append(theta[:-1], sigma)
    se_rep, se_cl_rep = np.append(se[:-1], sigma * se[-1]), np.append(se_cl[:-1], sigma * se_cl[-1])
    if theta[-1] <= -6.9:
        warn.append("The relationship effect's SD is at its lower bound (about 0): the data show no persistent "
                    "differences beyond the initial condition, and the model is the pooled logit with it.")
    p = 2 * stats.norm.sf(np.abs(est / se_rep))
    p[-1] = np.nan  # sigma >= 0: a Wald test of sigma = 0 is on the boundary and not reported
    n_active_rel = int(df.loc[y == 1, "relationship_id"].nunique())
    small = small_sample_rule(n_active_rel, "with an active year")
    warn += small
    fit_label = f"random-effects logit, Wooldridge initial conditions, {n_nodes}-node Gauss-Hermite, {se_type} SEs"
    table = tidy_table(MODEL, names, est, se_rep, p, ci_level, len(df), n_rel, fit_label, warn,
                       term_notes=pooled.term_notes, dropped=pooled.dropped, no_ratio=(SIGMA,), inference=not small)
    z = z_value(ci_level)
    is_sig = table["term"] == SIGMA
    if not small:
        table.loc[is_sig, "ci_low"] = np.exp(theta[-1] - z * se[-1])  # interval on the log scale, mapped back
        table.loc[is_sig, "ci_high"] = np.exp(theta[-1] + z * se[-1])
    table["label"] = [EXTRA_LABELS.get(t, lab) for t, lab in zip(table["term"], table["label"])]
    table = with_cluster_columns(table, names, se_cl_rep, ci_level, inference=not small)
    table.loc[is_sig.to_numpy(), ["p_cluster", "ci_low_cluster", "ci_high_cluster"]] = np.nan
    table = with_ape(table, average_partial_effects(Xk, theta, vcov, ci_level, prob=average_probability(n_nodes))
                     if partial_effects else None)
    if small:
        table[["ape_se", "ape_ci_low", "ape_ci_high"]] = np.nan
    numbers = headline_numbers(table, warn, fit_label, penalised=False, dynamic=True, se_type=se_type,
                               sigma=sigma, n_nodes=n_nodes, loglik=fit.loglik, initial_conditions=extra,
                               events_per_parameter=pooled.events_per_parameter, separation=pooled.separation,
                               dropped=pooled.dropped, year_effects=year_effects,
                               n_relationships_active=n_active_rel, descriptive=bool(small),
                               terms_cluster=cluster_numbers(table),
                               ape=ape_numbers(table))
    return ModelResult(MODEL, table, warn, numbers, fit_label)
