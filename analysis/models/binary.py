"""Binary outcomes: the logit with its small-sample checks (Firth/L2 fallback, shared with the
reported-status model) and the default activity logit."""

from __future__ import annotations

import warnings as pywarnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.models.firth import penalised_logit
from analysis.models.result import (
    ACTIVITY_TERMS,
    DIVERGING_COEF,
    MIN_CLUSTERS,
    ModelResult,
    cluster_warning,
    design_matrix,
    empty_result,
    headline_numbers,
    missing_columns,
    never_crash,
    tidy_table,
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


def fit_binary(
    y: np.ndarray,
    X: pd.DataFrame,
    cov_type: str,
    cov_kwds: dict | None,
    fit_label: str,
    min_events_per_parameter: int,
    penalty: str,
    ci_level: float,
) -> BinaryFit | str:
    """Logit with the small-sample checks; returns the reason as str when impossible."""
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
                res = sm.Logit(y, Xk).fit(disp=0, maxiter=200, cov_type=cov_type, cov_kwds=cov_kwds)
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
        return BinaryFit(list(Xk.columns), pf.params, pf.bse, pf.pvalues(), fit, True, warn, notes,
                          check.dropped, check.events_per_parameter, check.separation.kind)
    return BinaryFit(list(Xk.columns), res.params.to_numpy(), res.bse.to_numpy(), res.pvalues.to_numpy(),
                      f"logit, {fit_label}", False, warn, notes, check.dropped, check.events_per_parameter,
                      check.separation.kind)


@never_crash("activity_logit")
def activity_logit(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    terms: list[str] | None = None,
) -> ModelResult:
    """The default model: ``active ~ drivers + structure`` clustered by relationship.

    Adds a robustness column set (``se_twoway``, ``ci_low_twoway``, ``ci_high_twoway``,
    ``p_twoway``) with standard errors clustered two-way by ``city_a`` and ``city_b``.
    """
    model = "activity_logit"
    terms = list(terms or ACTIVITY_TERMS)
    needed = ["active", "relationship_id"] + terms + (["year"] if year_effects else [])
    if missing := missing_columns(panel, needed):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.dropna(subset=needed).reset_index(drop=True)
    n_rel = int(df["relationship_id"].nunique())
    y = df["active"].to_numpy(dtype=float)
    X = design_matrix(df, terms, year_effects)
    groups = pd.factorize(df["relationship_id"])[0]
    fit = fit_binary(y, X, "cluster", {"groups": groups}, "cluster-robust by relationship",
                     min_events_per_parameter, penalty, ci_level)
    if isinstance(fit, str):
        return empty_result(model, fit, len(df), n_rel)
    warn = cluster_warning(n_rel) + fit.warnings
    table = tidy_table(model, fit.terms, fit.params, fit.se, fit.p, ci_level, len(df), n_rel, fit.fit, warn,
                       term_notes=fit.term_notes, dropped=fit.dropped)
    # Robustness: two-way clustering by the two cities (relationships sharing a city are dependent).
    tw = pd.DataFrame({"term": fit.terms})
    tw_info = "not computed"
    if fit.penalised:
        tw_info = "not computed for a penalised fit"
    elif {"city_a", "city_b"} <= set(df.columns):
        g2 = np.column_stack([pd.factorize(df["city_a"])[0], pd.factorize(df["city_b"])[0]])
        try:
            with pywarnings.catch_warnings():
                pywarnings.simplefilter("ignore")
                r2 = sm.Logit(y, X[fit.terms]).fit(disp=0, maxiter=200, cov_type="cluster", cov_kwds={"groups": g2})
            z = z_value(ci_level)
            tw["se_twoway"] = r2.bse.to_numpy()
            tw["ci_low_twoway"] = r2.params.to_numpy() - z * tw["se_twoway"]
            tw["ci_high_twoway"] = r2.params.to_numpy() + z * tw["se_twoway"]
            tw["p_twoway"] = r2.pvalues.to_numpy()
            n_a, n_b = df["city_a"].nunique(), df["city_b"].nunique()
            tw_info = f"two-way clustered by city_a ({n_a} cities) and city_b ({n_b} cities)"
            if min(n_a, n_b) < MIN_CLUSTERS:
                warn.append(
                    f"The two-way clustered robustness columns rest on {min(n_a, n_b)} cities on one side; "
                    f"with fewer than about {MIN_CLUSTERS} clusters they are unreliable."
                )
                table["note"] = [n + " | " + warn[-1] if n else warn[-1] for n in table["note"]]
        except Exception as exc:  # noqa: BLE001
            tw_info = f"failed ({type(exc).__name__}: {exc})"
    else:
        tw_info = "not computed: the panel lacks city_a/city_b"
    table = table.merge(tw, on="term", how="left")
    for c in ["se_twoway", "ci_low_twoway", "ci_high_twoway", "p_twoway"]:
        if c not in table:
            table[c] = np.nan
    numbers = headline_numbers(table, warn, fit.fit, penalised=fit.penalised,
                               events_per_parameter=fit.events_per_parameter, separation=fit.separation,
                               dropped=fit.dropped, year_effects=year_effects, robustness=tw_info,
                               terms_twoway={r.term: {"se": r.se_twoway, "ci_low": r.ci_low_twoway,
                                                      "ci_high": r.ci_high_twoway, "p": r.p_twoway}
                                             for r in table.dropna(subset=["se_twoway"]).itertuples()})
    return ModelResult(model, table, warn, numbers, fit.fit)
