"""Sandwich covariances from score contributions: dyadic-robust (Aronow, Samii & Assenova 2015)
and one-way clustered, shared by the binary, dynamic and partial-effect code."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _sandwich(bread_inv: np.ndarray, meat: np.ndarray) -> np.ndarray:
    v = bread_inv @ meat @ bread_inv.T
    return (v + v.T) / 2


def dyadic_vcov(scores: np.ndarray, bread_inv: np.ndarray, city_a, city_b) -> np.ndarray:
    """Dyadic-robust covariance ``B⁻¹ M B⁻¹`` (Aronow, Samii & Assenova 2015, eq. 4).

    ``scores`` are the units' score contributions (n × k): one row per observation, or per
    relationship (its observations' scores summed) when the likelihood factors by
    relationship. ``bread_inv`` is the inverse of minus the Hessian of the log-likelihood
    (k × k). ``city_a``, ``city_b`` are each unit's two cities. The meat is

        M = Σ_i Σ_j 1[i and j share a city] s_i s_jᵀ   (i = j included),

    i.e. every pair of units with a city in common is allowed to be correlated, whichever
    side of the relationship the city is on. Computed without the n² loop as
    ``Σ_c S_c S_cᵀ − Σ_d S_d S_dᵀ``: S_c sums the scores of the units that involve city c
    and S_d those of units on the same (unordered) pair of cities d, so a pair sharing both
    cities (and a unit with itself) is counted once, not twice. A unit whose two cities are
    the same is counted once under its city. No finite-sample correction is applied; M need
    not be positive definite, so a variance can come out negative (returned as is: the
    caller reports NaN).
    """
    s = np.asarray(scores, dtype=float)
    a = pd.Series(city_a).astype(str).to_numpy()
    b = pd.Series(city_b).astype(str).to_numpy()
    if s.ndim != 2 or len(a) != len(s) or len(b) != len(s):
        raise ValueError("scores must be n × k with one city_a and one city_b per row")
    codes, uniques = pd.factorize(np.concatenate([a, b]))
    ca, cb = codes[: len(s)], codes[len(s):]
    n_cities = len(uniques)
    by_city = np.zeros((n_cities, s.shape[1]))
    np.add.at(by_city, ca, s)
    np.add.at(by_city, cb[cb != ca], s[cb != ca])
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
    dyad = pd.factorize(lo.astype(np.int64) * n_cities + hi)[0]
    by_dyad = np.zeros((dyad.max() + 1 if len(dyad) else 0, s.shape[1]))
    np.add.at(by_dyad, dyad, s)
    # units whose two cities coincide were added once above, so their dyad is not subtracted
    same = np.zeros(len(by_dyad), bool)
    same[dyad[ca == cb]] = True
    meat = by_city.T @ by_city - by_dyad[~same].T @ by_dyad[~same]
    return _sandwich(bread_inv, meat)


def cluster_vcov(scores: np.ndarray, bread_inv: np.ndarray, groups, correction: bool = True) -> np.ndarray:
    """One-way cluster-robust covariance; with ``correction`` the G/(G−1) factor (as Stata's CR1 without
    the (n−1)/(n−k) term, which is one for relationship-level scores)."""
    s = np.asarray(scores, dtype=float)
    g = pd.factorize(pd.Series(groups).astype(str))[0]
    by = np.zeros((g.max() + 1, s.shape[1]))
    np.add.at(by, g, s)
    G = len(by)
    factor = G / (G - 1) if correction and G > 1 else 1.0
    return _sandwich(bread_inv, factor * (by.T @ by))


def standard_errors(vcov: np.ndarray) -> np.ndarray:
    """Square roots of the diagonal; NaN where a (non positive-definite) sandwich gives a negative variance."""
    d = np.diag(vcov).astype(float)
    return np.where(d >= 0, np.sqrt(np.clip(d, 0, None)), np.nan)


def likelihood_pieces(model, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observation scores (n × k) and the bread (inverse of minus the Hessian) of a fitted statsmodels
    likelihood model (NB2, Poisson GLM, zero-truncated count models, GLMs with the observed Hessian)."""
    params = np.asarray(params, dtype=float)
    try:
        hess = model.hessian(params, observed=True)  # GLM: observed, not expected, information
    except TypeError:
        hess = model.hessian(params)
    return np.asarray(model.score_obs(params), dtype=float), np.linalg.pinv(-np.asarray(hess, dtype=float))


def likelihood_dyadic(model, params: np.ndarray, city_a, city_b) -> np.ndarray:
    """Dyadic-robust covariance of a fitted statsmodels likelihood model (see :func:`likelihood_pieces`)."""
    scores, bread_inv = likelihood_pieces(model, params)
    return dyadic_vcov(scores, bread_inv, city_a, city_b)
