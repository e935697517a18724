"""The random-intercept logit likelihood by Gauss–Hermite quadrature: log-likelihood, analytic
gradient, relationship-level scores, the maximiser and the average structural function."""

from __future__ import annotations

import functools
from dataclasses import dataclass

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
    Z = np.column_stack([d.X, np.ones(len(d.y))])  # dη/dθ, with the log σ column still to be scaled by σ u_q
    scale = np.append(np.ones(k), 0.0)
    block = max(1, ELEMENTS // Z.size)  # Σ_q π_iq A_iq A_iqᵀ over blocks of nodes: memory stays bounded
    for q0 in range(0, len(u), block):
        q = slice(q0, q0 + block)
        m = scale[None, :] + (1.0 - scale)[None, :] * sigma * u[q, None]  # (nodes, k + 1)
        A = np.asarray(d.member @ (r[:, q, None] * Z[:, None, :] * m[None]).reshape(len(d.y), -1))
        A = A.reshape(len(A), -1, k + 1)  # (G, nodes, k + 1)
        H += np.einsum("gqa,gq,gqb->ab", A, post[:, q], A, optimize=True)
    H -= s.T @ s
    return float(log_li.sum()), s, (H + H.T) / 2


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


def _gradient_ok(theta: np.ndarray, g: np.ndarray, n_rows: int) -> bool:
    on_bound = theta[-1] <= LOG_SIGMA_BOUNDS[0] + 1e-6
    free = g[:-1] if on_bound and g[-1] < 0 else g  # at the lower bound only β must be stationary
    return bool(np.all(np.isfinite(theta)) and np.max(np.abs(free)) < 1e-4 * max(1.0, n_rows / 100))


def _newton(d: Panel, start: np.ndarray, n_nodes: int, maxiter: int = 100) -> REFit:
    """Newton steps with the analytic Hessian (shifted when not negative definite, halved while the
    likelihood falls; log σ held at its lower bound when the likelihood pulls it below)."""
    lo, hi = LOG_SIGMA_BOUNDS
    theta = start.astype(float).copy()
    theta[-1] = np.clip(theta[-1], lo, hi)
    ll, s, H = derivatives(theta, d, n_nodes)
    message = f"no convergence in {maxiter} Newton steps"
    for _ in range(maxiter):
        g = s.sum(axis=0)
        Hm, gm = H.copy(), g.copy()
        if theta[-1] <= lo + 1e-9 and g[-1] < 0:  # the constrained maximum: β only
            Hm[-1, :], Hm[:, -1], Hm[-1, -1], gm[-1] = 0.0, 0.0, -1.0, 0.0
        try:
            step = -np.linalg.solve(uphill(Hm), gm)
        except np.linalg.LinAlgError:
            message = "singular Hessian"
            break
        if not np.all(np.isfinite(step)):
            message = "non-finite Newton step"
            break
        for _ in range(40):
            new = theta + step
            new[-1] = np.clip(new[-1], lo, hi)
            ll_new, s_new, H_new = derivatives(new, d, n_nodes)
            if np.isfinite(ll_new) and ll_new >= ll - 1e-9:
                break
            step = step / 2
        else:
            message = "no Newton step raises the likelihood"
            break
        if lo < new[-1] < theta[-1]:
            # σ falling: where the data show no heterogeneity the likelihood is flat in log σ and Newton
            # would crawl down to the bound half a unit a step. Go there at once if it is at least as high
            # and the likelihood falls as σ leaves it (the score in log σ has the sign of the score in σ²
            # at 0): the bound is then the constrained maximum, not a point on the way to a small σ.
            at_bound = np.append(new[:-1], lo)
            if loglik(at_bound, d, n_nodes) >= ll_new:
                bound = derivatives(at_bound, d, n_nodes)
                if bound[1][:, -1].sum() <= 0:
                    new, (ll_new, s_new, H_new) = at_bound, bound
        gain = ll_new - ll
        theta, ll, s, H = new, ll_new, s_new, H_new
        # a step too small to move, the Newton decrement or the likelihood's gain: nothing left to gain
        # (whether it converged is judged by the gradient below, not here)
        if np.max(np.abs(step)) < 1e-9 or abs(step @ gm) < 1e-13 or abs(gain) < 1e-12 * max(1.0, abs(ll)):
            message = "Newton steps converged"
            break
    return REFit(theta, ll, _gradient_ok(theta, s.sum(axis=0), len(d.y)), message, H, s)


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
