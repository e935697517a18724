"""Binary outcomes: the logit with its small-sample checks (Firth/L2 fallback, shared with the
reported-status model) and the pooled activity logit with dyadic-robust standard errors."""

from __future__ import annotations

import warnings as pywarnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
# the modules, not statsmodels.api: it imports time series, graphics and datasets too (1 s per process)
from statsmodels.discrete.discrete_model import Logit
from scipy import stats

from analysis.models.dyadic import dyadic_vcov, standard_errors
from analysis.models.firth import penalised_logit, profile_inference
from analysis.models.partial_effects import average_partial_effects, ape_numbers, with_ape
from analysis.models.result import (
    ACTIVITY_TERMS,
    DIVERGING_COEF,
    MIN_CLUSTERS,
    ModelResult,
    cluster_numbers,
    cluster_warning,
    empty_result,
    headline_numbers,
    model_rows,
    never_crash,
    reuse_fits,
    small_sample_rule,
    tidy_table,
    with_cluster_columns,
    z_value,
)
from analysis.models.separation import INTERCEPT, check_design


def _statsmodels_messages(caught: list) -> list[str]:
    """The distinct first lines of the warnings statsmodels raised during a fit."""
    out = []
    for w in caught:
        text = str(w.message).strip().splitlines()[0]
        if text and text not in out:
            out.append(text)
    return out


@dataclass
class BinaryFit:
    """A logit fitted by :func:`fit_binary`: estimates, how they were obtained, and what went wrong."""

    terms: list[str]
    params: np.ndarray
    se: np.ndarray
    p: np.ndarray
    fit: str
    penalised: bool
    warnings: list[str]
    term_notes: dict[str, str]
    dropped: dict[str, str]
    events_per_parameter: float
    separation: str
    cov: np.ndarray | None = None  # covariance behind ``se`` (for partial effects)
    ci: np.ndarray | None = None  # k x 2 profile penalised likelihood intervals of a Firth fit (None: Wald from se)


def fit_binary(
    y: np.ndarray,
    X: pd.DataFrame,
    cov_type: str,
    cov_kwds: dict | None,
    fit_label: str,
    min_events_per_parameter: int,
    penalty: str,
    ci_level: float,
    profile: bool = True,
    profile_terms: list[str] | None = None,
) -> BinaryFit | str:
    """Logit with the small-sample checks; returns the reason as str when impossible.

    A Firth fit comes with profile penalised likelihood intervals (``ci``) and penalised
    likelihood-ratio p-values (``p``), not Wald ones, unless ``profile`` is False (start values).
    ``profile_terms`` limits the profiles to those terms (the others keep Wald intervals and p-values):
    a caller that reads only the drivers need not trace the rest."""
    if len(y) == 0:
        return "no usable rows (every row lacks the outcome or a driver)"
    if np.all(y == y[0]):
        return f"the outcome takes a single value ({int(y[0])}) in all {len(y)} rows, so nothing can be compared"
    check = check_design(X, y, min_events_per_parameter, "binary")
    warn = list(check.warnings)
    Xk = X[check.kept]
    notes = {t: "separated: maximum-likelihood estimate is infinite; penalised estimate shown" for t in check.separation.terms}
    use_penalty = check.needs_penalty
    res = None
    if not use_penalty:
        with pywarnings.catch_warnings(record=True) as caught:
            pywarnings.simplefilter("always")
            try:
                res = Logit(y, Xk).fit(disp=0, maxiter=200, cov_type=cov_type, cov_kwds=cov_kwds)
            except Exception as exc:  # noqa: BLE001 - e.g. singular Hessian
                warn.append(f"Maximum-likelihood logit failed ({type(exc).__name__}: {exc}).")
                res = None
        if res is not None:
            converged = bool(res.mle_retvals.get("converged", True))
            diverging = [t for t, b in res.params.items() if abs(b) > DIVERGING_COEF]
            if not converged or diverging or not np.all(np.isfinite(res.bse)):
                warn.append(
                    "Maximum-likelihood logit did not settle"
                    + (f" (diverging: {', '.join(diverging)})" if diverging else "")
                    + "; treated as separation."
                    + (f" statsmodels said: {'; '.join(_statsmodels_messages(caught))}" if caught else "")
                )
                notes.update({t: "diverging under maximum likelihood; penalised estimate shown" for t in diverging})
                res = None
        use_penalty = res is None
    if use_penalty:
        pf = penalised_logit(y, Xk.to_numpy(), penalty=penalty, intercept_col=0 if INTERCEPT in Xk else None)
        what = "Firth penalised likelihood" if penalty == "firth" else "L2 (ridge, alpha=1) penalised likelihood"
        fit = f"logit, {what}, model-based SEs, Wald CIs"
        warn.append(
            f"Fitted by {what} instead of maximum likelihood because of the problems above; "
            "standard errors are model-based (not clustered) and Wald intervals may be too narrow."
        )
        if not pf.converged:
            warn.append(f"The penalised fit did not converge after {pf.n_iter} iterations; treat its estimates as unreliable.")
        pvalues, ci = pf.pvalues(), None
        if penalty == "firth" and profile and pf.converged:
            which = None if profile_terms is None else [i for i, t in enumerate(Xk.columns) if t in profile_terms]
            ci, pvalues = profile_inference(y, Xk.to_numpy(), pf, ci_level, which)
            fit = f"logit, {what}, model-based SEs, profile-likelihood CIs, likelihood-ratio p-values"
            if which is not None:
                rest = np.ones(len(ci), bool)
                rest[which] = False
                ci[rest], pvalues[rest] = pf.conf_int(ci_level)[rest], pf.pvalues()[rest]
                fit += f" (for {', '.join(Xk.columns[which])}; Wald for the other terms)"
            warn[-1] = (f"Fitted by {what} instead of maximum likelihood because of the problems above; standard "
                        "errors are model-based (not clustered); intervals are profile penalised likelihood intervals "
                        "and p-values penalised likelihood-ratio tests (Heinze & Schemper 2002), not Wald.")
        return BinaryFit(list(Xk.columns), pf.params, pf.bse, pvalues, fit, True, warn, notes,
                          check.dropped, check.events_per_parameter, check.separation.kind, pf.cov, ci)
    return BinaryFit(list(Xk.columns), res.params.to_numpy(), res.bse.to_numpy(), res.pvalues.to_numpy(),
                      f"logit, {fit_label}", False, warn, notes, check.dropped, check.events_per_parameter,
                      check.separation.kind, np.asarray(res.cov_params()))


def logit_dyadic(y: np.ndarray, X: np.ndarray, params: np.ndarray, city_a, city_b) -> np.ndarray:
    """Dyadic-robust covariance of a maximum-likelihood logit: observation scores (y − p)x and
    bread X'WX, every pair of relationship-years whose relationships share a city correlated."""
    p = 1.0 / (1.0 + np.exp(-(X @ params)))
    scores = (y - p)[:, None] * X
    bread = X.T @ (X * (p * (1 - p))[:, None])
    return dyadic_vcov(scores, np.linalg.pinv(bread), city_a, city_b)


def binary_ape(X: pd.DataFrame, fit: BinaryFit, cov: np.ndarray | None, ci_level: float) -> pd.DataFrame | None:
    """Partial effects of a fitted logit, or None when there is no covariance to carry them."""
    if cov is None:
        return None
    return average_partial_effects(X[fit.terms], fit.params, cov, ci_level)


@reuse_fits()
@never_crash("activity_logit_pooled")
def activity_logit_pooled(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    terms: list[str] | None = None,
    profile_terms: list[str] | None = None,
    partial_effects: bool = True,
) -> ModelResult:
    """The pooled logit ``active ~ drivers + structure`` (no relationship effect).

    ``se`` is dyadic-robust (:func:`analysis.models.dyadic.dyadic_vcov`: relationship-years
    whose relationships share a city may be correlated); beside it ``se_cluster`` (clustered
    by relationship, as statsmodels computes it) and ``se_twoway`` (two-way by city_a and
    city_b). A penalised (Firth/L2) fallback has model-based SEs only; a Firth fit reports profile
    penalised likelihood intervals and likelihood-ratio p-values. A maximum-likelihood fit with
    fewer than ``MIN_VARYING_RELATIONSHIPS`` relationships with an active year is descriptive (no
    cluster-robust or dyadic SEs, intervals or p-values). It credits the drivers with persistent
    differences between relationships; the default is the dynamic model. ``partial_effects=False``
    leaves the partial-effect columns empty.
    """
    model = "activity_logit_pooled"
    terms = list(terms or ACTIVITY_TERMS)
    rows = model_rows(panel, model, "active", terms, year_effects)
    if isinstance(rows, ModelResult):
        return rows
    df, y, n_rel, X, groups = rows.df, rows.y, rows.n_rel, rows.X, rows.groups
    fit = fit_binary(y, X, "cluster", {"groups": groups}, "cluster-robust by relationship",
                     min_events_per_parameter, penalty, ci_level, profile_terms=profile_terms)
    if isinstance(fit, str):
        return empty_result(model, fit, len(df), n_rel)
    warn = list(fit.warnings)
    se_cluster = np.full(len(fit.terms), np.nan) if fit.penalised else fit.se  # a penalised fit: model-based only
    cov, se_type, fit_label = fit.cov, "model-based", fit.fit
    has_cities = {"city_a", "city_b"} <= set(df.columns)
    if not fit.penalised and has_cities:
        cov = logit_dyadic(y, X[fit.terms].to_numpy(), fit.params, df["city_a"], df["city_b"])
        se_type, fit_label = "dyadic", "logit, dyadic-robust SEs (relationship-clustered beside them)"
        n_cities = len(set(df["city_a"]) | set(df["city_b"]))
        if n_cities < MIN_CLUSTERS:
            warn.append(f"Dyadic-robust standard errors rest on {n_cities} cities; with fewer than about "
                        f"{MIN_CLUSTERS} they are likely too small.")
    elif not fit.penalised:
        se_type = "cluster"
        warn = cluster_warning(n_rel) + warn
        warn.append("The panel lacks city_a/city_b: standard errors are clustered by relationship, not dyadic.")
    else:
        warn = cluster_warning(n_rel) + warn
    se = standard_errors(cov) if se_type == "dyadic" else fit.se
    if fit.penalised:  # LR p-values and profile intervals of a Firth fit (Wald for L2), not recomputed from se
        p, ci = fit.p, fit.ci
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            p, ci = 2 * stats.norm.sf(np.abs(fit.params / se)), None
    n_active_rel = int(df.loc[y == 1, "relationship_id"].nunique())
    small = [] if fit.penalised else small_sample_rule(n_active_rel, "with an active year")
    warn += small
    table = tidy_table(model, fit.terms, fit.params, se, p, ci_level, len(df), n_rel, fit_label, warn,
                       term_notes=fit.term_notes, dropped=fit.dropped, inference=not small, ci=ci)
    table = with_cluster_columns(table, fit.terms, se_cluster, ci_level, inference=not small)
    tw, tw_info = _twoway(y, X, fit, df, ci_level, warn, table) if not small else (pd.DataFrame({"term": fit.terms}),
                                                                                   "not computed: descriptive")
    table = table.merge(tw, on="term", how="left")
    for c in ["se_twoway", "ci_low_twoway", "ci_high_twoway", "p_twoway"]:
        if c not in table:
            table[c] = np.nan
    table = with_ape(table, binary_ape(X, fit, cov, ci_level) if partial_effects else None)
    if small:
        table[["ape_se", "ape_ci_low", "ape_ci_high"]] = np.nan
    numbers = headline_numbers(table, warn, fit_label, penalised=fit.penalised, se_type=se_type,
                               events_per_parameter=fit.events_per_parameter, separation=fit.separation,
                               dropped=fit.dropped, year_effects=year_effects, robustness=tw_info,
                               n_relationships_active=n_active_rel, descriptive=bool(small),
                               terms_cluster=cluster_numbers(table),
                               terms_twoway={r.term: {"se": r.se_twoway, "ci_low": r.ci_low_twoway,
                                                      "ci_high": r.ci_high_twoway, "p": r.p_twoway}
                                             for r in table.dropna(subset=["se_twoway"]).itertuples()},
                               ape=ape_numbers(table))
    return ModelResult(model, table, warn, numbers, fit_label)


def _twoway(y, X, fit: BinaryFit, df: pd.DataFrame, ci_level: float, warn: list[str], table: pd.DataFrame):
    """Robustness columns clustered two-way by city_a and city_b (statsmodels), and what was done."""
    tw = pd.DataFrame({"term": fit.terms})
    if fit.penalised:
        return tw, "not computed for a penalised fit"
    if not {"city_a", "city_b"} <= set(df.columns):
        return tw, "not computed: the panel lacks city_a/city_b"
    g2 = np.column_stack([pd.factorize(df["city_a"])[0], pd.factorize(df["city_b"])[0]])
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            r2 = Logit(y, X[fit.terms]).fit(disp=0, maxiter=200, cov_type="cluster", cov_kwds={"groups": g2})
    except Exception as exc:  # noqa: BLE001
        return tw, f"failed ({type(exc).__name__}: {exc})"
    z = z_value(ci_level)
    tw["se_twoway"] = r2.bse.to_numpy()
    tw["ci_low_twoway"] = r2.params.to_numpy() - z * tw["se_twoway"]
    tw["ci_high_twoway"] = r2.params.to_numpy() + z * tw["se_twoway"]
    tw["p_twoway"] = r2.pvalues.to_numpy()
    n_a, n_b = df["city_a"].nunique(), df["city_b"].nunique()
    if min(n_a, n_b) < MIN_CLUSTERS:
        warn.append(f"The two-way clustered robustness columns rest on {min(n_a, n_b)} cities on one side; "
                    f"with fewer than about {MIN_CLUSTERS} clusters they are unreliable.")
        table["note"] = [n + " | " + warn[-1] if n else warn[-1] for n in table["note"]]
    return tw, f"two-way clustered by city_a ({n_a} cities) and city_b ({n_b} cities)"
