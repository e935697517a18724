"""The ordered logit: recovers known slopes and cut points from simulated data, its scores and
Hessian are those of the likelihood (finite differences), and its dyadic SEs equal the brute-force
sandwich over pairs of rows that share a city."""

import numpy as np
import pandas as pd
import pytest

from analysis.models.ordered import fit_ordered_logit

LEVELS = ("contact", "friendship", "partnership")


def simulated(n: int, seed: int, n_cities: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.integers(0, 2, n).astype(float)
    latent = 0.8 * x1 - 0.5 * x2 + rng.logistic(size=n)
    tier = np.select([latent < -0.5, latent < 1.0], ["contact", "friendship"], "partnership")
    return pd.DataFrame({"tier": tier, "x1": x1, "x2": x2,
                         "city_a": rng.integers(0, n_cities, n).astype(str),
                         "city_b": (100 + rng.integers(0, 3 * n_cities, n)).astype(str)})


def brute_force_meat(scores, a, b):
    n, k = scores.shape
    meat = np.zeros((k, k))
    for i in range(n):
        for j in range(n):
            if {a[i], b[i]} & {a[j], b[j]}:
                meat += np.outer(scores[i], scores[j])
    return meat


def test_recovers_known_slopes_and_cut_points():
    result, res = fit_ordered_logit(simulated(4000, 1), "tier", LEVELS, ["x1", "x2"])
    est = result.table.set_index("term")["estimate"]
    assert est["x1"] == pytest.approx(0.8, abs=0.08)
    assert est["x2"] == pytest.approx(-0.5, abs=0.12)
    cuts = res.model.transform_threshold_params(res.params)[1:-1]
    assert cuts == pytest.approx([-0.5, 1.0], abs=0.12)
    assert result.numbers["se_type"] == "dyadic"
    assert result.table.set_index("term").loc["x1", "ratio"] == pytest.approx(np.exp(est["x1"]))


def test_dyadic_standard_errors_equal_the_brute_force_sandwich():
    data = simulated(150, 2, n_cities=12)
    result, res = fit_ordered_logit(data, "tier", LEVELS, ["x1", "x2"])
    mod, theta = res.model, np.asarray(res.params)
    # scores by central differences of the per-row log-likelihood, Hessian by differences of the score sum
    h = 1e-5
    scores = np.column_stack([(mod.loglikeobs(theta + h * e) - mod.loglikeobs(theta - h * e)) / (2 * h)
                              for e in np.eye(len(theta))])
    hess = np.column_stack([(mod.score_obs(theta + h * e).sum(0) - mod.score_obs(theta - h * e).sum(0)) / (2 * h)
                            for e in np.eye(len(theta))])
    bread = np.linalg.inv(-(hess + hess.T) / 2)
    want = np.sqrt(np.diag(bread @ brute_force_meat(scores, data["city_a"].to_numpy(), data["city_b"].to_numpy()) @ bread))
    got = result.table.set_index("term").loc[list(res.params.index), "se"].to_numpy()
    assert got == pytest.approx(want, rel=1e-3)
    # and the model-based SEs are statsmodels' own
    assert result.table.set_index("term").loc[list(res.params.index), "se_model"].to_numpy() == \
        pytest.approx(np.asarray(res.bse), rel=1e-3)


def test_a_constant_term_is_dropped_with_a_note_and_missing_rows_are_counted():
    data = simulated(400, 3).assign(const=1.0)
    data.loc[:9, "x1"] = np.nan
    result, _ = fit_ordered_logit(data, "tier", LEVELS, ["x1", "x2", "const"])
    row = result.table.set_index("term").loc["const"]
    assert np.isnan(row["estimate"]) and "no variation" in row["note"]
    assert result.numbers["n_left_out"] == 10 and result.numbers["n_obs"] == 390


def test_one_outcome_level_gives_an_empty_result_that_says_why():
    data = simulated(50, 4).assign(tier="contact")
    result, res = fit_ordered_logit(data, "tier", LEVELS, ["x1"])
    assert res is None and not result.ok and "too few" in result.warnings[0]
