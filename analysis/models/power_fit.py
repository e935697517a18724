"""The pipeline's activity estimators fitted to many panels at once, for the power analysis.

Each function fits R same-shaped panels in one set of array operations and reaches the same
optimum as the pipeline's own routine (tested against it): the pooled maximum-likelihood
logit (``statsmodels`` Logit in ``binary.fit_binary``), the Firth logit with its penalised
likelihood-ratio p-value (``firth.penalised_logit`` + ``profile_inference``), the
random-intercept logit by Gauss–Hermite quadrature (``re_logit.fit_re_logit``: the same Newton
steps, ``re_logit.maximise``, with the likelihood on balanced arrays instead of sparse relationship
sums) and the
dyadic-robust sandwich (``dyadic.dyadic_vcov``). Arrays: X (R, N, k) or (R, G, S, k) with
S years per relationship; y likewise without k.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from analysis.models.re_logit import gh_rule, maximise, solve
from analysis.models.result import DIVERGING_COEF


def _xtwx(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """X'WX per panel (R, k, k), by matmul."""
    return np.matmul(X.transpose(0, 2, 1), X * w[..., None])


def _xb(X: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.matmul(X, b[..., None])[..., 0]


def pooled_logit(y: np.ndarray, X: np.ndarray, maxiter: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logits (Newton, as statsmodels): params (R, k) and whether each settled
    finitely (converged with no coefficient beyond ``DIVERGING_COEF``, the pipeline's separation signal)."""
    R, _, k = X.shape
    b = np.zeros((R, k))
    active = np.ones(R, bool)
    for _ in range(maxiter):
        i = np.flatnonzero(active)
        if not len(i):
            break
        p = special.expit(_xb(X[i], b[i]))
        g = np.matmul(X[i].transpose(0, 2, 1), (y[i] - p)[..., None])[..., 0]
        step = solve(_xtwx(X[i], p * (1 - p)), g)
        stop = ~np.isfinite(step).all(axis=1)
        b[i] += np.nan_to_num(step)
        stop |= (np.abs(step).max(axis=1) < 1e-10) | (np.abs(b[i]).max(axis=1) > 50)
        active[i[stop]] = False
    p = special.expit(_xb(X, b))
    grad = np.abs(np.matmul(X.transpose(0, 2, 1), (y - p)[..., None])[..., 0]).max(axis=1)
    ok = np.isfinite(b).all(axis=1) & (np.abs(b).max(axis=1) <= DIVERGING_COEF) & (grad < 1e-6 * max(1, X.shape[1]))
    return b, ok


def logit_scores(y: np.ndarray, X: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observation scores (R, N, k) and the information X'WX (R, k, k) of fitted logits."""
    p = special.expit(_xb(X, b))
    return (y - p)[..., None] * X, _xtwx(X, p * (1 - p))


def dyadic_se(scores: np.ndarray, information: np.ndarray, city_a: np.ndarray, city_b: np.ndarray) -> np.ndarray:
    """Dyadic-robust SEs (R, k) from unit scores (R, U, k) and integer cities (R, U) (a ≠ b), as
    ``dyadic_vcov``: meat Σ_c S_c S_cᵀ − Σ_d S_d S_dᵀ over cities c and unordered city pairs d."""
    R, U, k = scores.shape
    n_c = int(max(city_a.max(), city_b.max())) + 1
    offset = (np.arange(R) * n_c)[:, None]
    by_city = np.zeros((R * n_c, k))
    np.add.at(by_city, (city_a + offset).ravel(), scores.reshape(-1, k))
    np.add.at(by_city, (city_b + offset).ravel(), scores.reshape(-1, k))
    pair = (np.arange(R)[:, None] * n_c + np.minimum(city_a, city_b)) * n_c + np.maximum(city_a, city_b)
    _, dyad = np.unique(pair.ravel(), return_inverse=True)
    by_dyad = np.zeros((dyad.max() + 1, k))
    np.add.at(by_dyad, dyad, scores.reshape(-1, k))
    owner = np.zeros(len(by_dyad), int)
    owner[dyad] = np.repeat(np.arange(R), U)
    by_city = by_city.reshape(R, n_c, k)
    meat = np.einsum("rck,rcl->rkl", by_city, by_city)
    np.add.at(meat, owner, np.einsum("dk,dl->dkl", by_dyad, by_dyad) * -1)
    try:
        bread = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        bread = np.linalg.pinv(information)
    var = np.einsum("rkj,rjl,rkl->rk", bread, meat, bread)
    return np.where(var >= 0, np.sqrt(np.clip(var, 0, None)), np.nan)


def wald_p(estimate: np.ndarray, se: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return 2 * stats.norm.sf(np.abs(estimate / se))


# --------------------------------------------------------------------------- Firth


def _firth_pieces(y, X, b):
    eta = _xb(X, b)
    p = special.expit(eta)
    w = p * (1 - p)
    info = _xtwx(X, w)
    sign, logdet = np.linalg.slogdet(info)
    ll = -(y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta)).sum(axis=1)
    return np.where(sign > 0, ll + 0.5 * logdet, -np.inf), p, w, info


def _firth_newton(y, X, b, free: np.ndarray, tol: float, maxiter: int, score_tol: bool):
    """Firth Newton steps on the ``free`` coefficients (the full information in the hat matrix), a
    step capped at 5 and halved while the penalised likelihood falls, as ``firth.penalised_logit``."""
    R, n, k = X.shape
    b = b.copy()
    pl, p, w, info = _firth_pieces(y, X, b)
    active = np.ones(R, bool)
    converged = np.zeros(R, bool)
    for _ in range(maxiter):
        i = np.flatnonzero(active)
        if not len(i):
            break
        Xi = X[i]
        A = Xi * np.sqrt(w[i])[..., None]
        h = (np.matmul(A, np.linalg.pinv(info[i])) * A).sum(axis=2)
        score = np.matmul(Xi.transpose(0, 2, 1), (y[i] - p[i] + h * (0.5 - p[i]))[..., None])[..., 0]
        step = np.zeros((len(i), k))
        step[:, free] = np.matmul(np.linalg.pinv(info[i][:, free][:, :, free]), score[:, free, None])[..., 0]
        big = np.abs(step).max(axis=1)
        step *= np.where(big > 5, 5 / np.maximum(big, 1e-300), 1.0)[:, None]
        new = b[i] + step
        pl_new, p_new, w_new, info_new = _firth_pieces(y[i], Xi, new)
        for _ in range(30):
            worse = np.flatnonzero(pl_new < pl[i] - 1e-10)
            if not len(worse):
                break
            step[worse] /= 2
            new[worse] = b[i[worse]] + step[worse]
            parts = _firth_pieces(y[i[worse]], Xi[worse], new[worse])
            pl_new[worse], p_new[worse], w_new[worse], info_new[worse] = parts
        stuck = pl_new < pl[i] - 1e-10  # 30 halvings did not help: later steps (2^-30 of a Newton step) move nothing
        b[i], pl[i], p[i], w[i], info[i] = new, pl_new, p_new, w_new, info_new
        small = np.abs(step).max(axis=1) < tol
        if score_tol:
            small &= np.abs(score[:, free]).max(axis=1) < 1e-6 * max(1.0, n)
        converged[i[small]] = True
        active[i[small | stuck]] = False
    return b, pl, converged, info


def firth_lr_p(y: np.ndarray, X: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Firth estimates (R, k), the p-value of coefficient ``j`` = 0 (R) and whether each fit converged:
    ``penalised_logit`` then, as ``fit_binary``, the penalised likelihood-ratio test of ``profile_inference``
    for a converged fit and the Wald test from the inverse information for one that did not converge."""
    R, _, k = X.shape
    everything = np.arange(k)
    b, pl_max, ok, info = _firth_newton(y, X, np.zeros((R, k)), everything, 1e-8, 200, True)
    start = b.copy()
    start[:, j] = 0.0
    _, pl_0, _, _ = _firth_newton(y, X, start, everything[everything != j], 1e-7, 100, False)
    with np.errstate(invalid="ignore"):  # a degenerate profile (-inf) gives NaN: no p-value, as profile_inference
        lr = stats.chi2.sf(np.maximum(0.0, 2 * (pl_max - pl_0)), 1)
        wald = wald_p(b[:, j], np.sqrt(np.clip(np.linalg.pinv(info)[:, j, j], 0, None)))
    return b, np.where(ok, lr, wald), ok


# --------------------------------------------------------------------------- random-intercept logit


def _gram(A: np.ndarray, B: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """Σ over all but the first and last axes of weight·a bᵀ, per panel: (R, ..., k) → (R, k, l), by matmul."""
    R = A.shape[0]
    a = A.reshape(R, -1, A.shape[-1])
    if weight is not None:
        a = a * weight.reshape(R, -1, 1)
    return np.matmul(a.transpose(0, 2, 1), B.reshape(R, -1, B.shape[-1]))


def _re_pieces(theta, y, X, u, logw, hessian: bool):
    """Log-likelihood (R), relationship scores (R, G, k+1) and, with ``hessian``, the Hessian (R, k+1, k+1)."""
    k = X.shape[-1]
    sigma = np.exp(theta[:, k])
    eta = np.matmul(X, theta[:, None, :k, None])[..., 0]  # (R, G, S)
    # e^(eta + sigma u) = e^eta e^(sigma u): one exponential per row and one per node, not one per row-node
    odds = np.exp(eta)[..., None] * np.exp(sigma[:, None, None, None] * u)  # (R, G, S, Q)
    L = np.log1p(odds)
    # sum_s y (eta + sigma u) - L, with the y terms summed before they meet the nodes
    a = ((y * eta).sum(axis=2)[..., None] + sigma[:, None, None] * u * y.sum(axis=2)[..., None]
         - L.sum(axis=2) + logw)  # (R, G, Q)
    top = a.max(axis=2, keepdims=True)
    weight = np.exp(a - top)
    total = weight.sum(axis=2, keepdims=True)
    log_li = (top + np.log(total))[..., 0]
    post = weight / total  # posterior weights of the nodes, per relationship
    P = odds / (1.0 + odds)
    resid = y[..., None] - P
    A_beta = np.matmul(resid.transpose(0, 1, 3, 2), X)  # (R, G, Q, k): d ll_gq / d beta
    A_sig = resid.sum(axis=2) * u * sigma[:, None, None]  # (R, G, Q)
    A = np.concatenate([A_beta, A_sig[..., None]], axis=3)
    s = (post[..., None] * A).sum(axis=2)
    if not hessian:
        return log_li.sum(axis=1), s, None
    W = P * (1 - P)
    PW = post[:, :, None, :] * W  # (R, G, S, Q)
    H = np.zeros((len(theta), k + 1, k + 1))
    H[:, :k, :k] = -_gram(X, X, PW.sum(axis=3))
    cross = -np.einsum("rgsk,rgs->rk", X, (PW * u).sum(axis=3)) * sigma[:, None]
    H[:, :k, k], H[:, k, :k] = cross, cross
    H[:, k, k] = (post * (A_sig - sigma[:, None, None] ** 2 * u ** 2 * W.sum(axis=2))).sum(axis=(1, 2))
    H += _gram(A, A, post) - _gram(s, s)
    return log_li.sum(axis=1), s, H


def _pieces_chunked(theta, y, X, u, logw, hessian: bool, elements: int = 100_000):
    """:func:`_re_pieces` over chunks of panels small enough to stay in cache."""
    R, G, S = y.shape
    size = max(1, elements // (G * S * len(u)))
    parts = [_re_pieces(theta[c:c + size], y[c:c + size], X[c:c + size], u, logw, hessian) for c in range(0, R, size)]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]) if hessian else None)


def re_logit(y: np.ndarray, X: np.ndarray, start: np.ndarray, n_nodes: int, maxiter: int = 60):
    """Maximum likelihood of R random-intercept logits (theta = β, log σ), by the pipeline's own
    Newton steps (``re_logit.maximise``) on these balanced arrays: theta (R, k+1), relationship scores
    (R, G, k+1), Hessian and convergence."""
    u, logw = gh_rule(n_nodes)

    def pieces(theta, panels, hessian):
        return _pieces_chunked(theta, y[panels], X[panels], u, logw, hessian)

    theta, _, s, H, converged, _ = maximise(pieces, start, y[0].size, maxiter)
    return theta, s, H, converged
