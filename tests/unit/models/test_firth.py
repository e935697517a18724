import numpy as np
import pytest
import statsmodels.api as sm

from analysis.models.firth import penalised_logit


def table_design(a, b, c, d):
    """Rows of a 2x2 table: x=1 with a events / b non-events, x=0 with c / d."""
    x = np.r_[np.ones(a + b), np.zeros(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    return y, np.column_stack([np.ones_like(x), x])


@pytest.mark.parametrize("cells", [(5, 3, 2, 6), (4, 0, 3, 5), (7, 2, 0, 9)])
def test_firth_on_a_2x2_table_adds_one_half_to_each_cell(cells):
    # Known result: for a saturated 2x2 logit, Firth's estimate is the log odds ratio of
    # the table with 0.5 added to every cell, finite even with an empty cell.
    a, b, c, d = cells
    y, X = table_design(a, b, c, d)
    fit = penalised_logit(y, X, "firth")
    expected = np.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5)))
    assert fit.converged
    assert fit.params[1] == pytest.approx(expected, abs=1e-6)
    assert np.all(np.isfinite(fit.bse))


def test_firth_is_close_to_maximum_likelihood_in_large_samples():
    rng = np.random.default_rng(5)
    X = sm.add_constant(rng.normal(size=(4000, 2)))
    y = (rng.random(4000) < 1 / (1 + np.exp(-X @ [0.3, 0.8, -0.5]))).astype(float)
    mle = sm.Logit(y, X).fit(disp=0)
    fit = penalised_logit(y, X, "firth")
    assert np.allclose(fit.params, mle.params, atol=0.01)
    assert np.allclose(fit.bse, mle.bse, rtol=0.02)
    lo, hi = fit.conf_int(0.95).T
    assert np.all(lo < fit.params) and np.all(fit.params < hi)


def test_l2_shrinks_slopes_but_not_the_intercept():
    y, X = table_design(6, 2, 2, 6)
    mle = sm.Logit(y, X).fit(disp=0)
    ridge = penalised_logit(y, X, "l2", alpha=1.0)
    assert ridge.converged
    assert 0 < ridge.params[1] < mle.params[1]
    only_intercept = penalised_logit(y, X[:, :1], "l2", alpha=5.0)
    assert only_intercept.params[0] == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-6)


def test_unknown_penalty_is_refused():
    y, X = table_design(2, 2, 2, 2)
    with pytest.raises(ValueError, match="firth"):
        penalised_logit(y, X, "lasso")
