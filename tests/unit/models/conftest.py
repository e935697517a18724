"""Shared panels and helpers for the model tests."""

import pandas as pd
import pytest

from analysis.models.power import simulate_activity_panel


@pytest.fixture(scope="session")
def panel():
    """400 relationships x 8 years: enough for every model to fit by maximum likelihood."""
    return simulate_activity_panel(400, 8, seed=11)


@pytest.fixture(scope="session")
def tiny():
    """12 relationships x 5 years: too small, so the small-sample fallbacks are used."""
    return simulate_activity_panel(12, 5, seed=3)


def assert_every_row_carries_the_warnings(result):
    for w in result.warnings:
        assert result.table["note"].str.contains(w, regex=False).all(), w


def spell_panel(events_by_rel):
    """A panel from yearly event counts per relationship (years from 2010, age from 0)."""
    rows = []
    for rid, events in events_by_rel.items():
        for i, e in enumerate(events):
            rows.append(dict(relationship_id=rid, year=2010 + i, events=e, age=i))
    return pd.DataFrame(rows)


def brute_force_dyadic_se(scores, bread_inv, city_a, city_b):
    """SEs of B⁻¹ M B⁻¹ with the meat summed by a double loop over every pair of observations
    (i, j), i = j included, whose relationships share a city (either side)."""
    import numpy as np

    a, b = list(map(str, city_a)), list(map(str, city_b))
    n = len(a)
    share = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if {a[i], b[i]} & {a[j], b[j]}:
                share[i, j] = 1.0
    meat = scores.T @ share @ scores  # = Σ_i Σ_j share_ij s_i s_jᵀ
    return np.sqrt(np.diag(bread_inv @ meat @ bread_inv.T))


def numerical_scores_and_bread(loglik_obs, params, step=1e-6):
    """Observation scores by central differences of ``loglik_obs(params) -> n`` and the bread, the
    inverse of minus the Hessian of their sum by central differences of the summed scores."""
    import numpy as np

    params = np.asarray(params, dtype=float)

    def scores(t):
        out = []
        for m in range(len(t)):
            h = step * max(1.0, abs(t[m]))
            up, dn = t.copy(), t.copy()
            up[m] += h
            dn[m] -= h
            out.append((loglik_obs(up) - loglik_obs(dn)) / (2 * h))
        return np.column_stack(out)

    k = len(params)
    H = np.empty((k, k))
    for m in range(k):
        h = 1e-4 * max(1.0, abs(params[m]))
        up, dn = params.copy(), params.copy()
        up[m] += h
        dn[m] -= h
        H[:, m] = (scores(up).sum(0) - scores(dn).sum(0)) / (2 * h)
    return scores(params), np.linalg.inv(-(H + H.T) / 2)


@pytest.fixture(autouse=True)
def fresh_fit_store():
    """Each test fits its own models: the in-memory reuse of fits (``result.reuse_fits``) would otherwise
    hand one test another's result and hide what a monkeypatched helper was asked to do."""
    from analysis.models.binary import activity_logit_pooled
    from analysis.models.dynamic import activity_logit

    activity_logit.cache_clear()
    activity_logit_pooled.cache_clear()
    yield
