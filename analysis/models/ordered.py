"""Ordered logit (statsmodels ``OrderedModel``) with dyadic-robust standard errors, for an ordinal
outcome on pairs of cities, where pairs that share a city are not independent.

The outcome is e.g. the tier of a partnership: contact < friendship < partnership.

The slopes are log cumulative odds ratios (of a deeper tier against every shallower one), the same
at every cut; ``ratio`` is their odds ratio. The cut points follow (statsmodels parameterises the
second and later as the log of the increment; the table reports them as statsmodels does). The
default standard errors are dyadic-robust (Aronow, Samii & Assenova 2015, ``dyadic.dyadic_vcov``
on the observations' scores and the observed Hessian); ``se_model`` (inverse Hessian) and
``se_cluster`` (clustered by ``city_a``) stand beside them.
"""

from __future__ import annotations

import warnings as pywarnings

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.dyadic import cluster_vcov, dyadic_vcov, standard_errors
from analysis.models.result import (ModelResult, dyadic_warning, empty_result, headline_numbers, tidy_table,
                                    with_cluster_columns)

MODEL = "ordered_logit"


def _analytic_model():
    """``OrderedModel`` (logit) with the analytic score: statsmodels differentiates numerically, which
    is most of the fitting time on thousands of rows. Parameters are statsmodels' own: slopes, then
    the first cut point and the logs of the increments between the next ones."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class AnalyticOrderedLogit(OrderedModel):
        def score_obs(self, params):
            params = np.asarray(params, dtype=float)
            k = self.exog.shape[1]
            cuts = self.transform_threshold_params(params)  # -inf, t_1, ..., t_J-1, +inf
            xb = self.exog @ params[:k]
            y = np.asarray(self.endog, dtype=int)
            low, upp = cuts[y] - xb, cuts[y + 1] - xb
            f_low = np.where(np.isfinite(low), stats.logistic.pdf(low), 0.0)
            f_upp = np.where(np.isfinite(upp), stats.logistic.pdf(upp), 0.0)
            prob = np.clip(stats.logistic.cdf(upp) - stats.logistic.cdf(low), 1e-300, None)
            n_cut = len(cuts) - 2
            # d t_m / d theta_l: 1 for l = 1 (all m >= 1); exp(theta_l) for 2 <= l <= m
            dt = np.zeros((n_cut + 2, n_cut))
            for m in range(1, n_cut + 1):
                dt[m, 0] = 1.0
                for l in range(1, m):
                    dt[m, l] = np.exp(params[k + l])
            d_cut = (f_upp[:, None] * dt[y + 1] - f_low[:, None] * dt[y]) / prob[:, None]
            return np.column_stack([(-(f_upp - f_low) / prob)[:, None] * self.exog, d_cut])

        def score(self, params):
            return self.score_obs(params).sum(0)

        def hessian(self, params):
            from statsmodels.tools.numdiff import approx_fprime

            h = approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)
            return (h + h.T) / 2

    return AnalyticOrderedLogit


def fit_ordered_logit(data: pd.DataFrame, outcome: str, levels: tuple[str, ...], terms: list[str],
                      city_a: str = "city_a", city_b: str = "city_b", ci_level: float = 0.95,
                      model: str = MODEL):
    """Fit; return ``(ModelResult, statsmodels results)`` (the results are None when nothing was fitted).

    Rows missing the outcome, a term or a city are left out (their number is in the note); a term
    without variation in the rows kept is dropped with a note, never fitted."""
    used = data.dropna(subset=[outcome, *terms, city_a, city_b])
    used = used[used[outcome].isin(levels)]
    left_out = len(data) - len(used)
    dropped = {t: "no variation in the rows fitted" for t in terms if used[t].nunique() < 2}
    kept = [t for t in terms if t not in dropped]
    present = [lv for lv in levels if (used[outcome] == lv).any()]
    if len(present) < 2 or not kept or len(used) <= len(kept) + len(levels):
        return empty_result(model, f"too few rows or outcome levels to fit ({len(used)} rows, levels {present})"), None
    y = pd.Series(pd.Categorical(used[outcome], categories=list(present), ordered=True), index=used.index)
    x = used[kept].astype(float)
    mod = _analytic_model()(y, x, distr="logit")
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        res = mod.fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
        scores = np.asarray(mod.score_obs(res.params), dtype=float)
        bread_inv = np.linalg.pinv(-np.asarray(mod.hessian(res.params), dtype=float))
    params = np.asarray(res.params, dtype=float)
    names = list(res.params.index)
    a, b = used[city_a].astype(str).to_numpy(), used[city_b].astype(str).to_numpy()
    se = standard_errors(dyadic_vcov(scores, bread_inv, a, b))
    se_model = standard_errors(bread_inv)
    se_cluster = standard_errors(cluster_vcov(scores, bread_inv, a))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(params / se))
    warns = dyadic_warning(a, b)
    if not res.mle_retvals.get("converged", True):
        warns.append("The optimiser did not report convergence; read the estimates with care.")
    n_cut = len(present) - 1
    notes = {n: "cut point" for n in names[len(names) - n_cut:]}
    fit = (f"ordered logit (statsmodels OrderedModel), {len(used)} rows, levels {' < '.join(present)}; "
           f"{left_out} rows left out (missing values)")
    table = tidy_table(model, names, params, se, p, ci_level, len(used), len(set(a) | set(b)), fit, warns,
                       term_notes=notes, dropped=dropped, no_ratio=tuple(notes))
    table = with_cluster_columns(table, names, se_cluster, ci_level)
    table = table.merge(pd.DataFrame({"term": names, "se_model": se_model}), on="term", how="left")
    numbers = headline_numbers(table, warns, fit, se_type="dyadic", levels=list(present), n_left_out=left_out,
                               loglik=float(res.llf))
    return ModelResult(model, table, warns, numbers, fit), res
