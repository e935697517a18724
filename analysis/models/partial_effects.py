"""Average partial effects (on the probability scale) of binary models, with delta-method standard
errors, and the columns they add to a tidy table (``ape``, ``ape_se``, ``ape_ci_low``, ``ape_ci_high``)."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.tools.numdiff import approx_fprime

from analysis.models.result import z_value
from analysis.models.separation import INTERCEPT

APE_COLUMNS = ["ape", "ape_se", "ape_ci_low", "ape_ci_high"]

# prob(eta, theta) -> probabilities, where eta = X @ theta[:X.shape[1]] is the linear index.
ProbFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def logit_prob(eta: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """P(y = 1) of a logit."""
    return special.expit(eta)


def is_binary(col: np.ndarray) -> bool:
    """A 0/1 column (its partial effect is a discrete change from 0 to 1)."""
    return bool(np.isin(np.unique(col), [0.0, 1.0]).all())


def ape_values(X: np.ndarray, theta: np.ndarray, prob: ProbFn, columns: list[int], binary: list[bool],
               h: float = 1e-4) -> np.ndarray:
    """The average partial effect of each column in ``columns`` at parameters ``theta``.

    A 0/1 column: the mean over the rows of P(x_j = 1) − P(x_j = 0), the other columns as
    observed. Any other column: the mean derivative dP/dx_j (per unit of x_j), by a
    central difference of step ``h`` in x_j (exact to O(h²); P is smooth).
    """
    k = X.shape[1]
    beta = theta[:k]
    eta = X @ beta
    out = np.empty(len(columns))
    for i, (j, b) in enumerate(zip(columns, binary)):
        if b:
            base = eta - X[:, j] * beta[j]
            out[i] = np.mean(prob(base + beta[j], theta) - prob(base, theta))
        else:
            out[i] = np.mean(prob(eta + h * beta[j], theta) - prob(eta - h * beta[j], theta)) / (2 * h)
    return out


def average_partial_effects(X: pd.DataFrame, theta: np.ndarray, vcov: np.ndarray, ci_level: float,
                            prob: ProbFn = logit_prob, step: float = 1e-5) -> pd.DataFrame:
    """APE of every non-intercept column of ``X`` with delta-method SEs and Wald intervals.

    Estimand: the change in the probability of the outcome, averaged over the estimation
    sample (for a random-effects model ``prob`` also averages over the relationship effect,
    i.e. the average structural function). ``vcov`` is the covariance of ``theta`` (the same
    one as the model's ``se``); the Jacobian of the APEs in ``theta`` is taken by central
    differences of relative step ``step``.
    """
    Xa = X.to_numpy(dtype=float)
    cols = [j for j, c in enumerate(X.columns) if c != INTERCEPT]
    binary = [is_binary(Xa[:, j]) for j in cols]
    theta = np.asarray(theta, dtype=float)
    ape = ape_values(Xa, theta, prob, cols, binary)
    # statsmodels halves a centred step: 2 * step * max(1, |theta|) is a step of step * max(1, |theta|)
    jac = approx_fprime(theta, lambda t: ape_values(Xa, t, prob, cols, binary),
                        epsilon=2 * step * np.maximum(1.0, np.abs(theta)), centered=True)
    jac = np.asarray(jac).reshape(len(cols), len(theta))
    var = np.einsum("ij,jk,ik->i", jac, np.asarray(vcov, dtype=float), jac)
    se = np.where(var >= 0, np.sqrt(np.clip(var, 0, None)), np.nan)
    z = z_value(ci_level)
    return pd.DataFrame({"term": [X.columns[j] for j in cols], "ape": ape, "ape_se": se,
                         "ape_ci_low": ape - z * se, "ape_ci_high": ape + z * se})


def with_ape(table: pd.DataFrame, ape: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with the APE columns (NaN for the intercept, dropped terms, or when ``ape`` is None)."""
    out = table.drop(columns=[c for c in APE_COLUMNS if c in table], errors="ignore")
    if ape is None or ape.empty:
        return out.assign(**{c: np.nan for c in APE_COLUMNS})
    return out.merge(ape[["term"] + APE_COLUMNS], on="term", how="left")


def ape_numbers(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """numbers.json entry ``ape``: per term ``{ape, se, ci_low, ci_high}``."""
    rows = table.dropna(subset=["ape"]) if "ape" in table else table.iloc[0:0]
    return {r.term: {"ape": r.ape, "se": r.ape_se, "ci_low": r.ape_ci_low, "ci_high": r.ape_ci_high}
            for r in rows.itertuples()}
