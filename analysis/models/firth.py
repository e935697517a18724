"""Penalised logistic regression for small or separated samples.

No maintained Firth implementation is installed (statsmodels has none), so this
module implements the two fallbacks the models use:

- ``firth``: Firth's (1993) bias-reducing penalised likelihood, l(b) + 1/2 log|I(b)|
  (a Jeffreys prior). Its estimates are finite under separation. Fitted by Newton
  iterations on the modified score U*(b) = X'(y - p + h (1/2 - p)), with h the
  diagonal of the hat matrix W^1/2 X I^-1 X' W^1/2, and step halving on the
  penalised log-likelihood (Heinze & Schemper 2002).
- ``l2``: ridge, l(b) - alpha/2 * sum of squared slopes (intercept unpenalised),
  i.e. a normal prior N(0, 1/alpha) on each log-odds ratio.

Standard errors are model-based, from the inverse (penalised) information. For Firth
fits, :func:`profile_inference` gives what Heinze & Schemper (2002) recommend instead
of Wald: profile penalised likelihood intervals and penalised likelihood-ratio
p-values (the penalty keeps the full model's information matrix, as R's logistf).
firthmodels (PyPI) does the same but needs scikit-learn, which nothing else here uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats


@dataclass
class PenalisedFit:
    params: np.ndarray
    cov: np.ndarray
    converged: bool
    n_iter: int
    penalised_loglik: float
    penalty: str

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.cov), 0, None))

    def pvalues(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = self.params / self.bse
        return 2 * stats.norm.sf(np.abs(z))

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        q = stats.norm.ppf(0.5 + level / 2)
        se = self.bse
        return np.column_stack([self.params - q * se, self.params + q * se])


def _loglik(y: np.ndarray, eta: np.ndarray) -> float:
    # log p = -log(1 + e^-eta), log(1-p) = -log(1 + e^eta), computed stably
    return float(-(y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta)).sum())


def _penalised(y, X, b, penalty, alpha, penalise):
    eta = X @ b
    p = special.expit(eta)
    w = p * (1 - p)
    info = (X * w[:, None]).T @ X
    ll = _loglik(y, eta)
    if penalty == "firth":
        sign, logdet = np.linalg.slogdet(info)
        ll += 0.5 * logdet if sign > 0 else -np.inf
    else:
        info = info + alpha * np.diag(penalise)
        ll -= 0.5 * alpha * float((penalise * b * b).sum())
    return ll, p, w, info


def penalised_logit(
    y: np.ndarray,
    X: np.ndarray,
    penalty: str = "firth",
    alpha: float = 1.0,
    intercept_col: int | None = 0,
    maxiter: int = 200,
    tol: float = 1e-8,
) -> PenalisedFit:
    """Fit a Firth (``penalty="firth"``) or ridge (``"l2"``) logistic regression.

    ``X`` includes the intercept column (index ``intercept_col``, left unpenalised by
    ridge). Never raises on separated data; ``converged`` says whether the
    iterations settled.
    """
    if penalty not in ("firth", "l2"):
        raise ValueError(f"penalty must be 'firth' or 'l2', not {penalty!r}")
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    penalise = np.ones(k)
    if intercept_col is not None:
        penalise[intercept_col] = 0.0
    b = np.zeros(k)
    ll, p, w, info = _penalised(y, X, b, penalty, alpha, penalise)
    converged = False
    it = 0
    for it in range(1, maxiter + 1):
        info_inv = np.linalg.pinv(info)
        if penalty == "firth":
            A = X * np.sqrt(w)[:, None]
            h = np.einsum("ij,jk,ik->i", A, info_inv, A)
            score = X.T @ (y - p + h * (0.5 - p))
        else:
            score = X.T @ (y - p) - alpha * penalise * b
        step = info_inv @ score
        # Cap huge first steps (Firth's recommendation: at most 5 per iteration).
        biggest = np.abs(step).max()
        if biggest > 5:
            step *= 5 / biggest
        for _ in range(30):  # step halving until the penalised likelihood does not fall
            b_new = b + step
            ll_new, p_new, w_new, info_new = _penalised(y, X, b_new, penalty, alpha, penalise)
            if ll_new >= ll - 1e-10:
                break
            step /= 2
        b, ll, p, w, info = b_new, ll_new, p_new, w_new, info_new
        if np.abs(step).max() < tol and np.abs(score).max() < 1e-6 * max(1.0, n):
            converged = True
            break
    return PenalisedFit(b, np.linalg.pinv(info), converged, it, ll, penalty)


def _solve(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A^-1 B, by least squares when A is singular (a near-separated constrained fit)."""
    try:
        return np.linalg.solve(A, B)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(A, B, rcond=None)[0]


def _fit_fixed(y, X, j, value, b0, maxiter=100, tol=1e-7):
    """Maximum of the Firth penalised log-likelihood with coefficient ``j`` held at ``value``."""
    b = np.array(b0, dtype=float)
    b[j] = value
    free = np.array([i for i in range(X.shape[1]) if i != j])
    block = np.ix_(free, free)  # once, not per iteration (it was a fifth of the profile's time)
    ll, p, w, info = _penalised(y, X, b, "firth", 0.0, None)
    for _ in range(maxiter):
        A = X * np.sqrt(w)[:, None]
        h = np.einsum("ij,ji->i", A, _solve(info, A.T))
        score = (X.T @ (y - p + h * (0.5 - p)))[free]
        step = _solve(info[block], score)
        if np.abs(step).max() > 5:
            step *= 5 / np.abs(step).max()
        for _ in range(30):
            b_new = b.copy()
            b_new[free] += step
            ll_new, p_new, w_new, info_new = _penalised(y, X, b_new, "firth", 0.0, None)
            if ll_new >= ll - 1e-10:
                break
            step /= 2
        gain = ll_new - ll
        b, ll, p, w, info = b_new, ll_new, p_new, w_new, info_new
        # the profile needs the maximum's value, not its place: stop when the likelihood no longer gains
        # (where the others drift towards separation the steps shrink slowly, the likelihood hardly moves)
        if np.abs(step).max() < tol or gain < 1e-10:
            break
    return ll, b


def profile_inference(y: np.ndarray, X: np.ndarray, fit: PenalisedFit, level: float = 0.95,
                      which: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Profile penalised likelihood intervals (k x 2) and likelihood-ratio p-values (k) of a Firth fit.

    For coefficient j the profile is pl_j(c) = max over the others of the penalised
    log-likelihood with b_j = c; the p-value of b_j = 0 is P(chi2_1 > 2 (pl_max - pl_j(0)))
    and the interval is where 2 (pl_max - pl_j(c)) <= chi2_1 quantile at ``level``. A bound
    beyond 50 log units from the estimate is reported as infinite. ``which`` (column indices) traces
    only those profiles (each is computed on its own, so theirs are the same as in a full call); the
    other rows are NaN.
    """
    if fit.penalty != "firth":
        raise ValueError("profile inference is for Firth fits")
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    crit = stats.chi2.ppf(level, 1)
    ci = np.full((k, 2), np.nan)
    pvals = np.full(k, np.nan)
    se = fit.bse
    for j in range(k) if which is None else which:
        warm = {"b": fit.params}  # each constrained fit starts from the last one (the profile is smooth)
        traced: dict[float, float] = {}  # the bracket's ends are asked for again (by the loop and by brentq)

        def dev(c, j=j, warm=warm, traced=traced):
            if c not in traced:
                ll, warm["b"] = _fit_fixed(y, X, j, c, warm["b"])
                traced[c] = 2 * (fit.penalised_loglik - ll) - crit
            return traced[c]

        try:
            pvals[j] = stats.chi2.sf(max(0.0, dev(0.0) + crit), 1)
            b = fit.params[j]
            step = max(se[j], 0.1) if np.isfinite(se[j]) else 1.0
            for side, sign in ((0, -1), (1, 1)):
                warm["b"] = fit.params
                inner, outer = b, b + sign * step
                while dev(outer) < 0 and abs(outer - b) < 50:
                    inner, outer = outer, b + 2 * (outer - b)
                if dev(outer) < 0:
                    ci[j, side] = sign * np.inf
                else:
                    warm["b"] = fit.params
                    ci[j, side] = optimize.brentq(dev, min(inner, outer), max(inner, outer), xtol=1e-7)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError):
            continue  # a profile that cannot be traced (e.g. a degenerate constrained fit): left NaN
    return ci, pvals
