"""What the pipeline would report for the top-leader-visit term on each of many simulated panels.

The default ``activity_logit`` (``analysis.models.dynamic``) decides, panel by panel:

1. the pooled logit on the dynamic design (drivers, structure, ``active_first`` and the
   relationship mean of ``age``) needs a penalty — fewer than ``min_events_per_parameter``
   events (the rarer outcome) per slope, or separation (maximum likelihood does not settle) —
   → step 3; else
2. the random-intercept logit by Gauss–Hermite quadrature with a dyadic-robust Wald test; if it
   does not converge or its information is singular → step 3;
3. the pooled fallback (``activity_logit_pooled``) on the drivers and structure only: maximum
   likelihood with a dyadic-robust Wald test when it has enough events per slope and settles,
   else the Firth logit with a penalised likelihood-ratio p-value (an L2 fit with a Wald
   p-value when ``penalty="l2"``).

Then the small-sample rule (``result.MIN_VARYING_RELATIONSHIPS``): a maximum-likelihood fit
(dynamic or pooled) from fewer relationships with an active year is descriptive and reports no
p-value; such a panel is counted apart and is never a rejection (a Firth fallback keeps its
likelihood-ratio p-value, as in the pipeline). Each panel's estimator is returned with its
p-value, so a power table can say which estimator each grid cell used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis.models import power_fit
from analysis.models.firth import penalised_logit
from analysis.models.re_logit import DEFAULT_NODES
from analysis.models.result import MIN_VARYING_RELATIONSHIPS

DYNAMIC, POOLED, FIRTH, L2 = "dynamic RE logit", "pooled logit", "pooled Firth logit", "pooled L2 logit"
NOT_ESTIMABLE = "term not estimable"  # the tested term takes one value in the panel: dropped
DESCRIPTIVE = "descriptive (no p-value)"  # an ML fit from too few relationships with an active year: no p-value
SEARCH_NODES = 12  # quadrature nodes of the first fit; the pipeline's DEFAULT_NODES where the decision is close
POLISH_BAND = 0.25  # |z - critical value| below which a panel is refitted with DEFAULT_NODES
TESTED_COLUMN = 1  # leader_visit_lag follows the intercept in ACTIVITY_TERMS order


@dataclass
class PanelOutcomes:
    """Per panel: the estimator used, estimate, SE, p-value (NaN: none reported) and whether descriptive."""

    estimator: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    p: np.ndarray
    descriptive: np.ndarray


def dynamic_design(y: np.ndarray, terms: np.ndarray, first_active: np.ndarray) -> np.ndarray:
    """Intercept, the six terms, ``active_first`` and (when age varies within a relationship) ``age_mean``."""
    R, G, S, _ = terms.shape
    cols = [np.ones((R, G, S, 1)), terms, np.broadcast_to(first_active[:, :, None, None], (R, G, S, 1))]
    if S >= 2:  # initial_conditions adds the mean of a term only when it varies within some relationship
        age = terms[..., 4]
        cols.append(np.broadcast_to(age.mean(axis=2)[:, :, None, None], (R, G, S, 1)))
    return np.concatenate(cols, axis=3)


def _enough_events(y: np.ndarray, n_slopes: int, min_events_per_parameter: int) -> np.ndarray:
    """Panels (rows of y: R, N) with at least ``min_events_per_parameter`` events per slope."""
    ones = y.sum(axis=1)
    return np.minimum(ones, y.shape[1] - ones) / n_slopes >= min_events_per_parameter


def pipeline_outcomes(y: np.ndarray, terms: np.ndarray, first_active: np.ndarray, city_a: np.ndarray,
                      city_b: np.ndarray, min_events_per_parameter: int = 10, penalty: str = "firth",
                      n_nodes: int = DEFAULT_NODES, search_nodes: int | None = SEARCH_NODES,
                      alpha: float = 0.05) -> PanelOutcomes:
    """The pipeline's report on the tested term for R panels: y (R, G, S), terms (R, G, S, 6) in
    ACTIVITY_TERMS order, first_active (R, G), cities (R, G) as integer codes.

    The random-intercept logit is first fitted with ``search_nodes`` quadrature nodes; a panel whose
    test statistic lies within ``POLISH_BAND`` of the critical value at level ``alpha`` (where the node
    count could change the decision) is then refitted from there with the pipeline's ``n_nodes``.
    Elsewhere the decision is that of ``n_nodes`` (bench/power_calibration.py measures the largest
    difference in the statistic, far inside the band); ``search_nodes=None`` fits every panel with
    ``n_nodes``."""
    R, G, S, _ = terms.shape
    out = PanelOutcomes(np.full(R, NOT_ESTIMABLE, dtype=object), *(np.full(R, np.nan) for _ in range(3)),
                        np.zeros(R, bool))
    flat_y = y.reshape(R, -1)
    todo = np.ones(R, bool)
    Xd = dynamic_design(y, terms, first_active)
    for i, kept in _by_kept_columns(Xd, todo):
        i = i[_enough_events(flat_y[i], len(kept) - 1, min_events_per_parameter)]
        if TESTED_COLUMN not in kept or not len(i):
            continue
        X = Xd[i][..., kept]
        start, settled = power_fit.pooled_logit(flat_y[i], X.reshape(len(i), -1, len(kept)))
        i, X, start = i[settled], X[settled], start[settled]
        if not len(i):
            continue
        theta, scores, H, converged = _re_fit(y[i], X, _start(start),
                                              kept.index(TESTED_COLUMN), city_a[i], city_b[i], n_nodes,
                                              search_nodes, alpha)
        finite = np.isfinite(H).all(axis=(1, 2))
        ok = converged & finite
        ok[ok] = np.abs(np.linalg.det(H[ok])) > 1e-300  # a singular information: the pipeline falls back
        i, theta, scores, H = i[ok], theta[ok], scores[ok], H[ok]
        if len(i):
            j = kept.index(TESTED_COLUMN)
            se = power_fit.dyadic_se(scores, -H, city_a[i], city_b[i])
            _store(out, i, DYNAMIC, theta[:, j], se[:, j])
            todo[i] = False

    Xp = np.concatenate([np.ones((R, G, S, 1)), terms], axis=3).reshape(R, -1, 7)
    for i, kept in _by_kept_columns(Xp, todo):
        j = kept.index(TESTED_COLUMN) if TESTED_COLUMN in kept else None
        if j is None:
            todo[i] = False  # the tested term takes one value: dropped, nothing to test (NOT_ESTIMABLE)
            continue
        X = Xp[i][..., kept]
        enough = _enough_events(flat_y[i], len(kept) - 1, min_events_per_parameter)
        b, settled = power_fit.pooled_logit(flat_y[i], X)
        ml = enough & settled
        if ml.any():
            m = i[ml]
            scores, info = power_fit.logit_scores(flat_y[m], X[ml], b[ml])
            # each row carries its relationship's cities
            se = power_fit.dyadic_se(scores, info, np.repeat(city_a[m], S, axis=1), np.repeat(city_b[m], S, axis=1))
            _store(out, m, POOLED, b[ml, j], se[:, j])
        rest = ~ml
        if rest.any() and penalty == "firth":
            f = i[rest]
            est, p, _ = power_fit.firth_lr_p(flat_y[f], X[rest], j)
            out.estimator[f], out.estimate[f], out.p[f] = FIRTH, est[:, j], p
        elif rest.any():
            for r, x in zip(i[rest], X[rest]):
                fit = penalised_logit(flat_y[r], x, penalty="l2")
                out.estimator[r], out.estimate[r] = L2, fit.params[j]
                out.se[r], out.p[r] = fit.bse[j], fit.pvalues()[j]
        todo[i] = False

    # the small-sample rule of activity_logit and activity_logit_pooled: a maximum-likelihood fit (dynamic or
    # pooled) from fewer than MIN_VARYING_RELATIONSHIPS relationships with an active year reports no p-value;
    # a penalised (Firth or L2) fallback keeps its own
    few = (y == 1).any(axis=2).sum(axis=1) < MIN_VARYING_RELATIONSHIPS
    out.descriptive = few & np.isin(out.estimator, [DYNAMIC, POOLED])
    out.estimator[out.descriptive] = DESCRIPTIVE
    out.p[out.descriptive] = np.nan
    return out


def _start(pooled: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """Start values of the random-intercept logit: the pooled slopes scaled up by the usual attenuation
    factor sqrt(1 + 0.346 σ²) (the pooled logit estimates β / that factor) and σ. Only the number of
    Newton steps depends on it, not the maximum (the pipeline starts from the pooled slopes and σ = 0.5)."""
    return np.column_stack([pooled * np.sqrt(1 + 0.346 * sigma ** 2), np.full(len(pooled), np.log(sigma))])


def _re_fit(y, X, start, j, city_a, city_b, n_nodes, search_nodes, alpha):
    """The random-intercept logit with ``n_nodes`` wherever the decision on term ``j`` could depend on it."""
    if search_nodes is None or search_nodes >= n_nodes:
        return power_fit.re_logit(y, X, start, n_nodes)
    theta, scores, H, converged = power_fit.re_logit(y, X, start, search_nodes)
    with np.errstate(all="ignore"):
        se = power_fit.dyadic_se(scores, -H, city_a, city_b)[:, j]
        z = np.abs(theta[:, j] / se)
    near = ~np.isfinite(z) | (np.abs(z - stats.norm.isf(alpha / 2)) < POLISH_BAND) | ~converged
    if near.any():
        polished = power_fit.re_logit(y[near], X[near], theta[near], n_nodes)
        for whole, part in zip((theta, scores, H, converged), polished):
            whole[near] = part
    return theta, scores, H, converged


def _by_kept_columns(X: np.ndarray, panels: np.ndarray):
    """(panel indices, kept columns) groups: the pipeline drops a slope column that takes a single value."""
    flat = X.reshape(X.shape[0], -1, X.shape[-1])
    constant = np.ptp(flat, axis=1) == 0
    constant[:, 0] = False  # the intercept
    idx = np.flatnonzero(panels)
    patterns = {}
    for r in idx:
        patterns.setdefault(tuple(np.flatnonzero(~constant[r])), []).append(r)
    return [(np.array(rs), list(kept)) for kept, rs in sorted(patterns.items())]


def _store(out: PanelOutcomes, i: np.ndarray, estimator: str, estimate: np.ndarray, se: np.ndarray) -> None:
    out.estimator[i], out.estimate[i], out.se[i] = estimator, estimate, se
    out.p[i] = power_fit.wald_p(estimate, se)
