"""Yearly event counts as a hurdle: a logit for any event in a year and a zero-truncated negative
binomial (NB2) for how many when there are some; dyadic-robust SEs, relationship-clustered beside them."""

from __future__ import annotations

import warnings as pywarnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.truncated_model import TruncatedLFNegativeBinomialP, TruncatedLFPoisson

from analysis.models.binary import fit_binary, logit_dyadic
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
    z_value,
)
from analysis.models.separation import INTERCEPT, unidentified_terms

ANY, COUNT = "any:", "count:"  # term prefixes of the two parts


def _fit(model, start, cov):
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        try:
            res = model.fit(start_params=start, disp=0, maxiter=2000, method="bfgs", **cov)
            res = model.fit(start_params=res.params, disp=0, maxiter=100, method="newton", **cov)
        except Exception:  # noqa: BLE001 - e.g. a singular Hessian on a handful of counts
            return None
    ok = res.mle_retvals.get("converged", True) and np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.bse))
    return res if ok else None


def fit_zero_truncated_nb(y: np.ndarray, X: pd.DataFrame, groups: np.ndarray):
    """Zero-truncated NB2 of positive counts, SEs clustered by ``groups``: (result, label) or (None, "").

    P(Y = y | Y > 0) = NB2(y; mu, alpha) / (1 - NB2(0; mu, alpha)), mu = exp(x'b), Var = mu + alpha mu^2
    before truncation (statsmodels ``TruncatedLFNegativeBinomialP``, p = 2, truncation at 0), started
    from the zero-truncated Poisson. When the NB does not converge (typically alpha at its boundary 0:
    counts no more dispersed than Poisson) the zero-truncated Poisson is returned.
    """
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    poisson = _fit(TruncatedLFPoisson(y, X, truncation=0), None, cov)
    start = np.r_[poisson.params.to_numpy(), 0.5] if poisson is not None else None
    nb = _fit(TruncatedLFNegativeBinomialP(y, X, p=2, truncation=0), start, cov)
    if nb is not None:
        return nb, "zero-truncated NB2, cluster-robust by relationship"
    if poisson is not None:
        return poisson, "zero-truncated Poisson, cluster-robust by relationship"
    return None, ""


@never_crash("event_hurdle")
def event_hurdle(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    terms: list[str] | None = None,
) -> ModelResult:
    """Hurdle model of yearly event counts: ``any:`` terms are log-odds of any event (logit, with the
    small-sample fallbacks of :func:`analysis.models.binary.fit_binary`), ``count:`` terms are log
    rate ratios of the number of events in years with some (zero-truncated NB2, ``count:alpha`` its
    overdispersion). The likelihood factors into the two parts, so fitting them apart is the joint
    maximum likelihood. ``se`` is dyadic-robust (rows of relationships that share a city may be
    correlated), ``se_cluster`` clustered by relationship beside it (alone when the panel lacks
    ``city_a``/``city_b``); a Firth any-event part has model-based SEs, profile-likelihood intervals
    and likelihood-ratio p-values.
    """
    model = "event_hurdle"
    terms = list(terms or ACTIVITY_TERMS)
    rows = model_rows(panel, model, "events", terms, year_effects)
    if isinstance(rows, ModelResult):
        return rows
    df, y, n_rel = rows.df, rows.y, rows.n_rel
    if len(y) == 0 or (y == 0).all():
        return empty_result(model, "no usable rows with events", len(df), n_rel)
    X, groups = rows.X, rows.groups
    n_event_rel = int(df.loc[y > 0, "relationship_id"].nunique())
    small = small_sample_rule(n_event_rel, "with any event")
    warn = cluster_warning(n_rel)
    dyadic = {"city_a", "city_b"} <= set(df.columns)
    if dyadic:
        warn += dyadic_warning(df["city_a"], df["city_b"])
    else:
        warn.append("The panel lacks city_a/city_b: standard errors are clustered by relationship, not dyadic.")
    names, params, se, se_cl, p, ci, dropped, notes = [], [], [], [], [], [], {}, {}
    z = z_value(ci_level)

    def wald(b, s):
        with np.errstate(divide="ignore", invalid="ignore"):
            return list(2 * stats.norm.sf(np.abs(b / s))), [(bi - z * si, bi + z * si) for bi, si in zip(b, s)]

    # Part 1: any event (logit).
    fit = fit_binary((y > 0).astype(float), X, "cluster", {"groups": groups}, "cluster-robust by relationship",
                     min_events_per_parameter, penalty, ci_level)
    if isinstance(fit, str):
        warn.append(f"Any-event part not fitted: {fit}")
        fit_any = "not fitted"
    else:
        warn += [f"Any-event part: {w}" for w in fit.warnings]
        names += [ANY + t for t in fit.terms]
        params += list(fit.params)
        if fit.penalised:  # model-based SEs; profile intervals and LR p-values when Firth
            se += list(fit.se)
            se_cl += [np.nan] * len(fit.terms)
            p += list(fit.p)
            ci += list(fit.ci) if fit.ci is not None else wald(fit.params, fit.se)[1]
        else:
            any_se = standard_errors(logit_dyadic((y > 0).astype(float), X[fit.terms].to_numpy(), fit.params,
                                                  df["city_a"], df["city_b"])) if dyadic else fit.se
            se += list(any_se)
            se_cl += list(fit.se)
            any_p, any_ci = wald(fit.params, any_se)
            p += any_p
            ci += any_ci
        dropped.update({ANY + t: why for t, why in fit.dropped.items()})
        notes.update({ANY + t: n for t, n in fit.term_notes.items()})
        fit_any = fit.fit
    # Part 2: how many, given any (zero-truncated NB2).
    pos = y > 0
    Xp = X[pos]
    cdrop = unidentified_terms(Xp)
    kept = [c for c in Xp.columns if c not in cdrop]
    dropped.update({COUNT + t: f"{why} among years with events" for t, why in cdrop.items()})
    n_pos = int(pos.sum())
    n_par = len([c for c in kept if c != INTERCEPT]) + 1  # slopes and alpha
    if n_pos / n_par < min_events_per_parameter:
        warn.append(f"Count part: too few years with events: {n_pos} for {n_par} parameters "
                    f"({n_pos / n_par:.1f} per parameter, below the {min_events_per_parameter} required).")
    res, fit_count = fit_zero_truncated_nb(y[pos], Xp[kept], pd.factorize(df.loc[pos, "relationship_id"])[0]) \
        if n_pos > len(kept) + 1 else (None, "")
    if res is None:
        warn.append(f"Count part not fitted: neither a zero-truncated negative binomial nor a Poisson converged on "
                    f"{n_pos} years with events.")
        fit_count = "not fitted"
    else:
        if "Poisson" in fit_count:
            warn.append("Count part: the zero-truncated negative binomial did not converge (typically because the "
                        "counts are no more dispersed than Poisson: alpha at its boundary 0); a zero-truncated "
                        "Poisson is reported.")
        names += [COUNT + str(t) for t in res.params.index]
        b = res.params.to_numpy()
        params += list(b)
        count_se = standard_errors(likelihood_dyadic(res.model, b, df.loc[pos, "city_a"], df.loc[pos, "city_b"])) \
            if dyadic else res.bse.to_numpy()
        se += list(count_se)
        se_cl += list(res.bse.to_numpy())
        count_p, count_ci = wald(b, count_se)
        p += count_p
        ci += count_ci
    if not names:
        return empty_result(model, "neither part could be fitted: " + " ".join(warn), len(df), n_rel)
    warn += small
    fit_label = f"hurdle: any event by {fit_any}; how many by {fit_count}"
    if dyadic:
        fit_label = fit_label.replace("cluster-robust by relationship", "dyadic-robust SEs")
        fit_label += " (relationship-clustered SEs beside them)"
    table = tidy_table(model, names, np.array(params), np.array(se), np.array(p), ci_level, len(df), n_rel,
                       fit_label, warn, term_notes=notes, dropped=dropped, no_ratio=(COUNT + "alpha",),
                       inference=not small, ci=np.array(ci))
    table = with_cluster_columns(table, names, np.array(se_cl), ci_level, inference=not small)
    table.insert(3, "part", ["any event" if t.startswith(ANY) else "how many" for t in table["term"]])
    alpha = float(res.params["alpha"]) if res is not None and "alpha" in res.params else None
    numbers = headline_numbers(table, warn, fit_label, n_years_with_events=n_pos,
                               n_relationships_with_events=n_event_rel, alpha=alpha, dropped=dropped,
                               descriptive=bool(small), penalised=bool(not isinstance(fit, str) and fit.penalised),
                               se_type="dyadic" if dyadic else "cluster", terms_cluster=cluster_numbers(table))
    return ModelResult(model, table, warn, numbers, fit_label)
