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

Standard errors are model-based, from the inverse (penalised) information, and
intervals are Wald intervals. Heinze & Schemper recommend profile penalised
likelihood intervals for Firth; Wald intervals can be too narrow near separation,
which the models state in their notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats


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
