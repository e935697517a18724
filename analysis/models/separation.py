"""Checks that say whether a regression's data can identify its coefficients.

Small case datasets break maximum likelihood quietly: a binary driver that is 1
only in active years makes its log-odds infinite (separation), a term that never
varies cannot be estimated, and a handful of events spread over many parameters
gives estimates that are mostly noise. These functions find such problems before a
model is fitted so the models can say so and fall back to a penalised fit or drop
the term.

Separation is detected with the linear program of Konis (2007), as used by the R
package ``detectseparation``: the maximum likelihood estimate of a logit is
infinite exactly when some direction b != 0 satisfies (2y - 1) x'b >= 0 for every
row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

INTERCEPT = "Intercept"

# Relative tolerance under which a linear-programme optimum counts as zero.
_LP_TOL = 1e-7


@dataclass
class SeparationResult:
    """``kind`` is "none", "quasi" or "complete"; ``terms`` those with infinite estimates."""

    kind: str
    terms: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.kind != "none"


@dataclass
class DesignCheck:
    """What a design matrix and outcome can support, in plain words."""

    kept: list[str]
    dropped: dict[str, str]  # term -> why it cannot be estimated
    separation: SeparationResult
    n_obs: int
    n_events: int  # the rarer outcome (binary) or non-zero counts (counts)
    n_parameters: int  # estimated slopes, intercept excluded
    min_events_per_parameter: int
    warnings: list[str] = field(default_factory=list)
    # relationships with an event (the rarer outcome, or any non-zero count); None without groups
    n_event_relationships: int | None = None

    @property
    def events_per_parameter(self) -> float:
        return self.n_events / self.n_parameters if self.n_parameters else float("inf")

    @property
    def relationships_per_parameter(self) -> float:
        """Events counted in relationships (one per relationship however many years it has)."""
        if self.n_event_relationships is None or not self.n_parameters:
            return float("inf")
        return self.n_event_relationships / self.n_parameters

    @property
    def too_few_events(self) -> bool:
        return min(self.events_per_parameter, self.relationships_per_parameter) < self.min_events_per_parameter

    @property
    def needs_penalty(self) -> bool:
        return self.separation.found or self.too_few_events


def _scaled(X: np.ndarray) -> np.ndarray:
    """Columns divided by their largest absolute value (keeps which entries are zero)."""
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    return X / scale


def constant_terms(X: pd.DataFrame, intercept: str = INTERCEPT) -> list[str]:
    """Non-intercept columns that take a single value (no variation to estimate from)."""
    return [c for c in X.columns if c != intercept and X[c].nunique(dropna=True) <= 1]


def collinear_terms(X: pd.DataFrame, intercept: str = INTERCEPT) -> list[str]:
    """Columns that are exact linear combinations of earlier ones (pivoted QR).

    The intercept and columns listed first are preferred, so the terms named are the
    later, redundant ones.
    """
    if X.shape[1] == 0 or X.shape[0] == 0:
        return []
    A = _scaled(X.to_numpy(dtype=float))
    # Greedy: add columns in order and keep those that raise the rank.
    kept: list[int] = []
    redundant: list[str] = []
    for j in range(A.shape[1]):
        sv = np.linalg.svd(A[:, kept + [j]], compute_uv=False)
        if sv.min() > 1e-9 * max(sv.max(), 1.0):
            kept.append(j)
        else:
            redundant.append(str(X.columns[j]))
    return redundant


def unidentified_terms(X: pd.DataFrame, intercept: str = INTERCEPT) -> dict[str, str]:
    """Term -> reason for every column that cannot be estimated at all."""
    dropped = {c: "takes a single value in the data used" for c in constant_terms(X, intercept)}
    rest = X.drop(columns=list(dropped))
    for c in collinear_terms(rest, intercept):
        dropped[c] = "is an exact linear combination of other terms"
    return dropped


def detect_separation(X: pd.DataFrame, y: pd.Series | np.ndarray) -> SeparationResult:
    """Perfect ("complete") or quasi-complete separation of a binary outcome.

    Solves max sum_i s_i x_i'b subject to s_i x_i'b >= 0 and -1 <= b <= 1 with
    s_i = 2 y_i - 1; a positive optimum is a direction along which the likelihood
    keeps rising, so some estimates are infinite. The terms with non-zero b are those
    involved.
    """
    y = np.asarray(y, dtype=float)
    A = _scaled(X.to_numpy(dtype=float))
    if A.shape[0] == 0 or A.shape[1] == 0:
        return SeparationResult("none")
    if np.all(y == y[0]):
        return SeparationResult("complete", [str(c) for c in X.columns])
    S = (2 * y - 1)[:, None] * A
    n, p = S.shape
    res = optimize.linprog(
        c=-S.sum(axis=0), A_ub=-S, b_ub=np.zeros(n), bounds=[(-1, 1)] * p, method="highs"
    )
    if res.status != 0 or -res.fun <= _LP_TOL * max(1.0, n):
        return SeparationResult("none")
    b = res.x
    terms = [str(c) for c, v in zip(X.columns, b) if abs(v) > 1e-6]
    # Complete separation when some direction makes every margin strictly positive.
    res2 = optimize.linprog(
        c=np.r_[np.zeros(p), -1.0],
        A_ub=np.c_[-S, np.ones(n)],
        b_ub=np.zeros(n),
        bounds=[(-1, 1)] * p + [(None, 1)],
        method="highs",
    )
    complete = res2.status == 0 and -res2.fun > _LP_TOL
    return SeparationResult("complete" if complete else "quasi", terms)


def detect_count_separation(X: pd.DataFrame, y: pd.Series | np.ndarray) -> SeparationResult:
    """Terms whose count-model (Poisson / negative binomial) estimates are infinite.

    Santos Silva & Tenreyro (2010): the estimate does not exist when some b makes
    x'b = 0 wherever y > 0 and x'b <= 0 wherever y = 0, strictly for some rows.
    """
    y = np.asarray(y, dtype=float)
    A = _scaled(X.to_numpy(dtype=float))
    if A.shape[0] == 0 or A.shape[1] == 0:
        return SeparationResult("none")
    pos, zero = A[y > 0], A[y == 0]
    if len(pos) == 0:
        return SeparationResult("complete", [str(c) for c in X.columns])
    if len(zero) == 0:
        return SeparationResult("none")
    p = A.shape[1]
    res = optimize.linprog(
        c=zero.sum(axis=0),  # minimise sum of x'b over zeros = maximise its negative
        A_ub=zero,
        b_ub=np.zeros(len(zero)),
        A_eq=pos,
        b_eq=np.zeros(len(pos)),
        bounds=[(-1, 1)] * p,
        method="highs",
    )
    if res.status != 0 or -res.fun <= _LP_TOL * max(1.0, len(zero)):
        return SeparationResult("none")
    terms = [str(c) for c, v in zip(X.columns, res.x) if abs(v) > 1e-6]
    return SeparationResult("quasi", terms)


def check_design(
    X: pd.DataFrame,
    y: pd.Series | np.ndarray,
    min_events_per_parameter: int = 10,
    outcome: str = "binary",
    intercept: str = INTERCEPT,
    groups: np.ndarray | pd.Series | None = None,
) -> DesignCheck:
    """Everything that limits what ``y ~ X`` can say, with plain-English warnings.

    ``outcome`` is "binary" (logit: events are the rarer outcome) or "count"
    (events are the non-zero counts). Unidentified terms are listed in ``dropped``
    and excluded before separation is looked for. With ``groups`` (the relationship of
    each row) events are also counted in relationships: years of one relationship are not
    independent events, so the rule needs enough of both.
    """
    y = np.asarray(y, dtype=float)
    dropped = unidentified_terms(X, intercept)
    kept = [c for c in X.columns if c not in dropped]
    Xk = X[kept]
    warnings = [f"'{t}' cannot be estimated: it {why}; dropped." for t, why in dropped.items()]
    if outcome == "binary":
        n_events = int(min((y == 1).sum(), (y == 0).sum()))
        separation = detect_separation(Xk, y)
        event_word = "events (the rarer outcome)"
    elif outcome == "count":
        n_events = int((y > 0).sum())
        separation = detect_count_separation(Xk, y)
        event_word = "non-zero counts"
    else:
        raise ValueError(f"outcome must be 'binary' or 'count', not {outcome!r}")
    n_parameters = len([c for c in kept if c != intercept])
    n_event_rel = None
    if groups is not None:
        g = np.asarray(groups)
        if outcome == "binary":
            rare = 1.0 if (y == 1).sum() <= (y == 0).sum() else 0.0
            n_event_rel = len(set(g[y == rare]))
        else:
            n_event_rel = len(set(g[y > 0]))
    check = DesignCheck(kept, dropped, separation, len(y), n_events, n_parameters, min_events_per_parameter, warnings,
                        n_event_rel)
    if separation.kind == "complete":
        warnings.append(
            "Complete separation: the drivers predict the outcome perfectly, so maximum-likelihood "
            f"estimates are infinite (terms involved: {', '.join(separation.terms)})."
        )
    elif separation.kind == "quasi":
        warnings.append(
            "Quasi-complete separation: for some terms the outcome never varies in part of the data, "
            f"so their maximum-likelihood estimates are infinite (terms involved: {', '.join(separation.terms)})."
        )
    if n_parameters and check.events_per_parameter < min_events_per_parameter:
        warnings.append(
            f"Too few events per parameter: {n_events} {event_word} for {n_parameters} parameters "
            f"({check.events_per_parameter:.1f} per parameter, below the {min_events_per_parameter} required); "
            "estimates are imprecise and biased away from zero."
        )
    elif n_parameters and check.too_few_events:
        warnings.append(
            f"Too few events per parameter counted in relationships: {n_event_rel} relationships with {event_word} "
            f"for {n_parameters} parameters ({check.relationships_per_parameter:.1f} per parameter, below the "
            f"{min_events_per_parameter} required); estimates are imprecise and biased away from zero."
        )
    return check
