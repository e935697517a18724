"""The random-intercept logit likelihood by Gauss–Hermite quadrature: log-likelihood, analytic
gradient, relationship-level scores, the maximiser and the average structural function."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import optimize, sparse, special

DEFAULT_NODES = 40  # Gauss–Hermite nodes (not adaptive): the log-likelihood is within 1e-6 of brute-force
# integration at sigma 1.3 (24 nodes: 5e-6), and 12, 24 and 40 nodes give estimates within 1e-3 (tests/unit/models/test_dynamic.py)
LOG_SIGMA_BOUNDS = (-7.0, 3.0)  # sigma between about 0.001 and 20
ELEMENTS = 2_000_000  # rows × nodes × parameters held at once by the Hessian (16 MB)


@functools.lru_cache(maxsize=8)
def gh_rule(n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes u and log-weights for E[f(u)], u ~ N(0, 1): Σ exp(logw) f(u) (Gauss–Hermite, rescaled).
    Kept per ``n_nodes`` (read-only arrays): the likelihood asks for the same rule at every evaluation."""
    x, w = np.polynomial.hermite.hermgauss(n_nodes)
    u, logw = np.sqrt(2.0) * x, np.log(w) - 0.5 * np.log(np.pi)
    u.flags.writeable = logw.flags.writeable = False
    return u, logw


@dataclass
class Panel:
    """y, X and the relationship of each row (``member``: a sparse G × N indicator)."""

    y: np.ndarray
    X: np.ndarray
    groups: np.ndarray  # 0..G-1 per row

    def __post_init__(self) -> None:
        n = len(self.y)
        g = int(self.groups.max()) + 1 if n else 0
        self.member = sparse.csr_matrix((np.ones(n), (self.groups, np.arange(n))), shape=(g, n))


def _pieces(theta: np.ndarray, d: Panel, u: np.ndarray, logw: np.ndarray):
    k = d.X.shape[1]
    sigma = np.exp(theta[k])
    E = (d.X @ theta[:k])[:, None] + sigma * u[None, :]
    ll_nq = d.y[:, None] * E - np.logaddexp(0.0, E)
    a = d.member @ ll_nq + logw[None, :]
    log_li = special.logsumexp(a, axis=1)
    post = np.exp(a - log_li[:, None])  # posterior weights of the nodes, per relationship
    return sigma, E, log_li, post


def loglik(theta: np.ndarray, d: Panel, n_nodes: int = DEFAULT_NODES) -> float:
    """Σ_i log ∫ Π_t Λ((2y_it − 1)(x_it β + σu)) φ(u) du, by ``n_nodes``-point Gauss–Hermite."""
    u, logw = gh_rule(n_nodes)
    return float(_pieces(theta, d, u, logw)[2].sum())


def scores(theta: np.ndarray, d: Panel, n_nodes: int = DEFAULT_NODES) -> tuple[float, np.ndarray]:
    """Log-likelihood and the relationship-level scores (G × (k + 1); the last column is d/d log σ).

    d log L_i/dθ = Σ_q π_iq Σ_t (y_it − Λ(η_itq)) dη_itq/dθ, with π_iq the posterior weight of
    node q for relationship i and η_itq = x_it β + σ u_q.
    """
    return derivatives(theta, d, n_nodes, hessian=False)[:2]


def derivatives(theta: np.ndarray, d: Panel, n_nodes: int = DEFAULT_NODES, hessian: bool = True):
    """Log-likelihood, relationship-level scores and (with ``hessian``) the analytic Hessian.

    With A_iq = d log L_iq/dθ and h_iq its second derivative, the Hessian of log L_i is
    Σ_q π_iq (h_iq + A_iq A_iqᵀ) − s_i s_iᵀ (s_i the score); h_iq has −Σ_t Λ(1 − Λ) x xᵀ in the β
    block, −σ u_q Σ_t Λ(1 − Λ) x against log σ, and Σ_t (y − Λ) σ u_q − Λ(1 − Λ) σ² u_q² for log σ.
    """
    u, logw = gh_rule(n_nodes)
    sigma, E, log_li, post = _pieces(theta, d, u, logw)
    P = special.expit(E)
    r = d.y[:, None] - P
    w = post[d.groups]  # each row gets its relationship's node weights
    g_eta = (w * r).sum(axis=1)
    g_sig = (w * r * u[None, :]).sum(axis=1) * sigma
    s = np.asarray(d.member @ np.column_stack([d.X * g_eta[:, None], g_sig]))
    if not hessian:
        return float(log_li.sum()), s, None
    k = d.X.shape[1]
    W = w * P * (1.0 - P)
    H = np.empty((k + 1, k + 1))
    H[:k, :k] = -(d.X * W.sum(axis=1)[:, None]).T @ d.X
    H[:k, k] = H[k, :k] = -sigma * (d.X.T @ (W * u[None, :]).sum(axis=1))
    H[k, k] = g_sig.sum() - sigma ** 2 * (W * (u * u)[None, :]).sum()
    Z = np.column_stack([d.X, np.ones(len(d.y))])  # dη/dθ at node q is Z with its last column times σ u_q
    block = max(1, ELEMENTS // Z.size)  # Σ_q π_iq A_iq A_iqᵀ over blocks of nodes: memory stays bounded
    for q0 in range(0, len(u), block):
        q = slice(q0, q0 + block)
        m = np.ones((len(u[q]), k + 1))
        m[:, k] = sigma * u[q]
        A = np.asarray(d.member @ (r[:, q, None] * Z[:, None, :] * m[None]).reshape(len(d.y), -1))
        A = A.reshape(len(A), -1, k + 1)  # (G, nodes, k + 1)
        H += np.einsum("gqa,gq,gqb->ab", A, post[:, q], A, optimize=True)
    H -= s.T @ s
    return float(log_li.sum()), s, (H + H.T) / 2


def solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched A⁻¹b over the first axis; a singular system gets NaN (the caller treats it as not fitted)."""
    out = np.full(b.shape, np.nan)
    ok = np.isfinite(A).all(axis=(-2, -1)) & (np.abs(np.linalg.det(A)) > 1e-300)
    if ok.any():
        try:
            out[ok] = np.linalg.solve(A[ok], b[ok][..., None])[..., 0]
        except np.linalg.LinAlgError:
            for i in np.flatnonzero(ok):
                try:
                    out[i] = np.linalg.solve(A[i], b[i])
                except np.linalg.LinAlgError:
                    pass
    return out


def uphill(H: np.ndarray) -> np.ndarray:
    """Hessians (…, k, k) shifted where needed so that a Newton step goes uphill (Levenberg–Marquardt)."""
    top = np.linalg.eigvalsh(H)[..., -1]
    shift = np.where(top > -1e-8, top + 1e-3 * np.maximum(1.0, np.abs(H).max(axis=(-2, -1))), 0.0)
    return H - shift[..., None, None] * np.eye(H.shape[-1])


@dataclass
class REFit:
    theta: np.ndarray
    loglik: float
    converged: bool
    message: str
    hessian: np.ndarray
    scores: np.ndarray  # relationship-level, at the estimate


# pieces(theta (r, k+1), panels (r,), hessian) -> log-likelihoods (r,), relationship scores (r, G, k+1) and,
# with hessian, the Hessians (r, k+1, k+1) of those panels
Pieces = Callable[[np.ndarray, np.ndarray, bool], tuple]


def gradient_ok(theta: np.ndarray, g: np.ndarray, n_rows: int) -> np.ndarray:
    """Per panel (theta and the gradient g: (R, k+1)): stationary, up to a tolerance that grows with the
    rows; at the lower bound of log σ, where the likelihood pulls σ below it, only β must be."""
    free = np.where(((theta[:, -1] <= LOG_SIGMA_BOUNDS[0] + 1e-6) & (g[:, -1] < 0))[:, None]
                    & (np.arange(g.shape[1]) == g.shape[1] - 1), 0.0, g)
    return np.isfinite(theta).all(axis=1) & (np.abs(free).max(axis=1) < 1e-4 * max(1.0, n_rows / 100))


def _bounded(theta: np.ndarray) -> np.ndarray:
    """``theta`` (R, k+1) with log σ clipped into its bounds, in place."""
    theta[:, -1] = np.clip(theta[:, -1], *LOG_SIGMA_BOUNDS)
    return theta


def maximise(pieces: Pieces, start: np.ndarray, n_rows: int, maxiter: int = 100):
    """Maximum likelihood of R random-intercept logits at once (theta = β, log σ; log σ bounded), by
    Newton steps with the analytic Hessian: shifted when not negative definite, halved while the
    likelihood falls, log σ held at its lower bound when the likelihood pulls it below. Returns theta,
    log-likelihoods, scores, Hessians, convergence (judged by the gradient) and a message per panel."""
    lo = LOG_SIGMA_BOUNDS[0]
    theta = _bounded(start.astype(float).copy())
    R, k1 = theta.shape
    ll, s, H = pieces(theta, np.arange(R), True)
    message = np.full(R, f"no convergence in {maxiter} Newton steps", dtype=object)
    active = np.ones(R, bool)
    last = np.arange(k1) == k1 - 1
    for _ in range(maxiter):
        i = np.flatnonzero(active)
        if not len(i):
            break
        g = s[i].sum(axis=1)
        at_bound = (theta[i, -1] <= lo + 1e-9) & (g[:, -1] < 0)  # the constrained maximum: β only
        Hm = H[i].copy()
        Hm[at_bound, -1, :], Hm[at_bound, :, -1] = 0.0, 0.0
        Hm[at_bound, -1, -1] = -1.0
        gm = np.where(at_bound[:, None] & last, 0.0, g)
        step = -solve(uphill(Hm), gm)
        bad = ~np.isfinite(step).all(axis=1)
        message[i[bad]] = "singular Hessian"
        step[bad] = 0.0
        new = _bounded(theta[i] + step)
        ll_new, s_new, H_new = pieces(new, i, True)
        for _ in range(40):  # halve a step that lowers the likelihood (only those panels are recomputed)
            worse = np.flatnonzero(~(ll_new >= ll[i] - 1e-9))
            if not len(worse):
                break
            step[worse] /= 2
            new[worse] = _bounded(theta[i[worse]] + step[worse])
            ll_new[worse], s_new[worse], H_new[worse] = pieces(new[worse], i[worse], True)
        stuck = ~(ll_new >= ll[i] - 1e-9)  # no step raises the likelihood: stay where it was
        message[i[stuck]] = "no Newton step raises the likelihood"
        new[stuck], ll_new[stuck], s_new[stuck], H_new[stuck] = theta[i[stuck]], ll[i[stuck]], s[i[stuck]], H[i[stuck]]
        # σ falling: where the data show no heterogeneity the likelihood is flat in log σ and Newton would
        # crawl down to the bound half a unit a step. Go there at once if it is at least as high and the
        # likelihood falls as σ leaves it (the score in log σ has the sign of the score in σ² at 0): the
        # bound is then the constrained maximum, not a point on the way to a small σ.
        falling = np.flatnonzero((new[:, -1] > lo) & (new[:, -1] < theta[i, -1]))
        if len(falling):
            bound = new[falling].copy()
            bound[:, -1] = lo
            ll_b, s_b, _ = pieces(bound, i[falling], False)
            jump = falling[(ll_b >= ll_new[falling]) & (s_b[..., -1].sum(axis=1) <= 0)]
            if len(jump):
                new[jump, -1] = lo
                ll_new[jump], s_new[jump], H_new[jump] = pieces(new[jump], i[jump], True)
        gain = ll_new - ll[i]
        theta[i], ll[i], s[i], H[i] = new, ll_new, s_new, H_new
        # a step too small to move, the Newton decrement or the likelihood's gain: nothing left to gain
        done = ((np.abs(step).max(axis=1) < 1e-9) | (np.abs(np.einsum("rk,rk->r", step, gm)) < 1e-13)
                | (np.abs(gain) < 1e-12 * np.maximum(1.0, np.abs(ll[i]))))
        message[i[done & ~bad & ~stuck]] = "Newton steps converged"
        active[i[done | bad | stuck]] = False
    return theta, ll, s, H, gradient_ok(theta, s.sum(axis=1), n_rows), message


def _newton(d: Panel, start: np.ndarray, n_nodes: int, maxiter: int = 100) -> REFit:
    """:func:`maximise` on one panel."""

    def pieces(theta, _, hessian):
        ll, s, H = derivatives(theta[0], d, n_nodes, hessian)
        return np.array([ll]), s[None], None if H is None else H[None]

    theta, ll, s, H, converged, message = maximise(pieces, start[None], len(d.y), maxiter)
    return REFit(theta[0], float(ll[0]), bool(converged[0]), message[0], H[0], s[0])


def _quasi_newton(d: Panel, start: np.ndarray, n_nodes: int) -> REFit:
    """L-BFGS-B with the analytic gradient (log σ bounded), then Newton steps: the fallback when
    Newton from the start does not converge."""

    def neg(theta):
        ll, s = scores(theta, d, n_nodes)
        return -ll, -s.sum(0)

    bounds = [(None, None)] * (len(start) - 1) + [LOG_SIGMA_BOUNDS]
    res = optimize.minimize(neg, start, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
    polished = _newton(d, res.x, n_nodes, maxiter=20)
    polished.message = f"{res.message}; {polished.message}"
    return polished


def fit_re_logit(d: Panel, start: np.ndarray, n_nodes: int = DEFAULT_NODES) -> REFit:
    """Maximum likelihood: Newton with the analytic Hessian from ``start``; L-BFGS-B first when that
    does not converge. The Hessian returned is the analytic one at the estimate."""
    fit = _newton(d, start, n_nodes)
    return fit if fit.converged else _quasi_newton(d, start, n_nodes)


def average_probability(n_nodes: int = DEFAULT_NODES):
    """prob(eta, theta) = E_u[Λ(eta + σu)] (the average structural function) for partial effects."""
    u, logw = gh_rule(n_nodes)
    w = np.exp(logw)

    def prob(eta: np.ndarray, theta: np.ndarray) -> np.ndarray:
        return special.expit(eta[:, None] + np.exp(theta[-1]) * u[None, :]) @ w

    return prob
