"""The dynamic random-effects logit: its quadrature likelihood against brute-force integration,
stability in the number of nodes, agreement with a derivative-free maximiser, and its fallback."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import integrate, optimize, special
from statsmodels.tools.numdiff import approx_fprime

from analysis.models import re_logit
from analysis.models.dynamic import activity_logit
from analysis.models.result import ACTIVITY_TERMS


def small_re_data(n_rel=60, n_t=6, sigma=1.0, seed=4):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_rel), n_t)
    x = rng.normal(size=len(g))
    X = np.column_stack([np.ones(len(g)), x])
    c = rng.normal(0, sigma, n_rel)
    y = (rng.random(len(g)) < special.expit(-0.3 + 0.8 * x + c[g])).astype(float)
    return re_logit.Panel(y, X, g)


def test_quadrature_loglik_equals_brute_force_integration():
    d = small_re_data(n_rel=15, n_t=5)
    theta = np.array([-0.2, 0.7, np.log(1.3)])
    sigma = np.exp(theta[-1])
    eta = d.X @ theta[:2]
    brute = 0.0
    for i in range(15):
        rows = d.groups == i

        def f(u, rows=rows):
            e = eta[rows] + sigma * u
            return np.exp(np.sum(d.y[rows] * e - np.logaddexp(0, e))) * np.exp(-u * u / 2) / np.sqrt(2 * np.pi)

        brute += np.log(integrate.quad(f, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12)[0])
    assert abs(re_logit.loglik(theta, d, re_logit.DEFAULT_NODES) - brute) < 1e-6
    assert abs(re_logit.loglik(theta, d, 12) - brute) < 1e-4  # fewer nodes: coarser


def test_analytic_gradient_equals_numerical_gradient():
    d = small_re_data(n_rel=20, n_t=4)
    theta = np.array([0.1, 0.5, np.log(0.8)])
    _, s = re_logit.scores(theta, d)
    num = optimize.approx_fprime(theta, lambda t: re_logit.loglik(t, d), 1e-7)
    assert np.allclose(s.sum(0), num, atol=1e-4)


@pytest.mark.parametrize("log_sigma", [np.log(0.8), np.log(2.5), -6.0])
def test_analytic_hessian_equals_central_differences_of_the_gradient(log_sigma):
    d = small_re_data(n_rel=25, n_t=5, sigma=1.5)
    theta = np.array([0.1, 0.5, log_sigma])
    ll, s, H = re_logit.derivatives(theta, d)
    assert ll == re_logit.loglik(theta, d) and np.array_equal(s, re_logit.scores(theta, d)[1])
    num = approx_fprime(theta, lambda t: re_logit.scores(t, d)[1].sum(0), epsilon=1e-5, centered=True)
    assert np.allclose(H, H.T) and np.allclose(H, num, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sigma, seed, n_rel", [(0.7, 9, 60), (0.2, 2, 300)])
def test_newton_and_quasi_newton_reach_the_same_maximum(sigma, seed, n_rel):
    # the second: a small σ inside the bounds (log σ about -2), which Newton must not mistake for the bound
    d = small_re_data(n_rel=n_rel, sigma=sigma, seed=seed)
    start = np.array([0.0, 0.0, np.log(0.5)])
    newton, quasi = re_logit._newton(d, start, 24), re_logit._quasi_newton(d, start, 24)
    assert newton.converged and quasi.converged
    assert np.max(np.abs(newton.theta - quasi.theta)) < 1e-6 and abs(newton.loglik - quasi.loglik) < 1e-9
    assert newton.theta[-1] > re_logit.LOG_SIGMA_BOUNDS[0] + 3


def test_without_heterogeneity_sigma_stops_at_its_lower_bound_and_beta_is_the_pooled_logit():
    rng = np.random.default_rng(2)
    g = np.repeat(np.arange(80), 5)
    X = np.column_stack([np.ones(len(g)), rng.normal(size=len(g))])
    y = (rng.random(len(g)) < special.expit(0.2 + 0.6 * X[:, 1])).astype(float)
    d = re_logit.Panel(y, X, g)
    fit = re_logit.fit_re_logit(d, np.array([0.0, 0.0, np.log(0.5)]))
    assert fit.converged and fit.theta[-1] == re_logit.LOG_SIGMA_BOUNDS[0]  # this draw's maximum is at σ → 0
    pooled = sm.Logit(y, X).fit(disp=0)
    assert np.allclose(fit.theta[:-1], pooled.params, atol=1e-4)


def test_estimates_stop_moving_with_more_nodes_and_agree_with_nelder_mead():
    d = small_re_data()
    start = np.array([0.0, 0.0, np.log(0.5)])
    f12 = re_logit.fit_re_logit(d, start, 12)
    f24 = re_logit.fit_re_logit(d, start, 24)
    f40 = re_logit.fit_re_logit(d, start, re_logit.DEFAULT_NODES)
    assert f12.converged and f24.converged and f40.converged
    assert np.max(np.abs(f12.theta - f24.theta)) < 1e-3
    assert np.max(np.abs(f24.theta - f40.theta)) < 1e-4
    nm = optimize.minimize(lambda t: -re_logit.loglik(t, d, 24), start, method="Nelder-Mead",
                           options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 20000, "maxfev": 20000})
    assert np.max(np.abs(nm.x - f24.theta)) < 2e-3  # a derivative-free route to the same maximum
    assert f24.loglik >= -nm.fun - 1e-8
    assert 0.6 < np.exp(f24.theta[-1]) < 1.6  # sigma planted at 1


def test_activity_logit_reports_sigma_dyadic_ses_and_partial_effects(panel):
    r = activity_logit(panel)
    assert r.ok and r.numbers["dynamic"] is True and r.numbers["se_type"] == "dyadic"
    t = r.table.set_index("term")
    assert {"active_first", "age_mean", "sigma_relationship"} <= set(t.index)
    assert list(t.index[: 1 + len(ACTIVITY_TERMS)]) == ["Intercept"] + ACTIVITY_TERMS
    assert np.isnan(t.loc["sigma_relationship", "ratio"]) and t.loc["sigma_relationship", "estimate"] >= 0
    assert t.loc[ACTIVITY_TERMS, ["se_cluster", "ape", "ape_se"]].notna().all().all()
    assert r.numbers["n_nodes"] == re_logit.DEFAULT_NODES
    # no heterogeneity planted in this panel: the dynamic and pooled estimates agree closely
    from analysis.models.binary import activity_logit_pooled
    pooled = activity_logit_pooled(panel).table.set_index("term")
    for term in ACTIVITY_TERMS:
        assert abs(t.loc[term, "estimate"] - pooled.loc[term, "estimate"]) < 2 * pooled.loc[term, "se"]


def test_small_data_fall_back_to_the_pooled_penalised_fit_with_a_note(tiny):
    r = activity_logit(tiny)
    assert r.ok and r.numbers["dynamic"] is False and r.numbers["fallback"] == "activity_logit_pooled"
    assert "not estimable" in r.warnings[0] and "Firth" in r.fit
    assert r.table["note"].str.contains("not estimable", regex=False).all()
    assert (r.table["model"] == "activity_logit").all()


def test_activity_logit_says_why_it_cannot_be_fitted(panel):
    r = activity_logit(panel.drop(columns=["exchange_lag"]))
    assert not r.ok and "exchange_lag" in r.warnings[0]


def test_under_the_null_with_heterogeneity_dynamic_drivers_stay_near_zero_and_pooled_do_not():
    from analysis.models.binary import activity_logit_pooled
    from analysis.models.power import simulate_activity_panel
    from analysis.models.result import DRIVERS
    null = {d: 0.0 for d in DRIVERS}
    df = simulate_activity_panel(300, 8, effects=null, seed=1, rates={"relationship_sd": 1.0, "city_sd": 0.5})
    fit = activity_logit(df)
    dyn = fit.table.set_index("term").loc[DRIVERS]
    pooled = activity_logit_pooled(df).table.set_index("term").loc[DRIVERS]
    z_dyn, z_pooled = dyn["estimate"] / dyn["se"], pooled["estimate"] / pooled["se"]
    assert (z_dyn.abs() < 3).all(), z_dyn.to_dict()        # measured: 0.36, 0.56, -0.53
    assert (z_pooled.abs() > 3).any(), z_pooled.to_dict()  # measured: 1.6, 5.3, 1.0
    assert (pooled["estimate"] > dyn["estimate"]).all()   # persistence credited to the drivers
    assert 0.5 < fit.numbers["sigma"] < 1.6  # relationship sd 1 and two city effects of sd 0.5


def test_firth_fallback_shows_profile_intervals_and_lr_pvalues_and_the_start_traces_no_profile(tiny, monkeypatch):
    # Old behaviour: the fallback showed Wald intervals and Wald p-values of the Firth fit, and the
    # pooled start traced profiles that nothing used.
    from analysis.models import binary
    from analysis.models.firth import penalised_logit, profile_inference
    from analysis.models.result import design_matrix

    calls = []
    monkeypatch.setattr(binary, "profile_inference", lambda *a, **k: calls.append(1) or profile_inference(*a, **k))
    r = activity_logit(tiny)
    assert r.numbers["dynamic"] is False and "profile-likelihood CIs" in r.fit
    assert len(calls) == 1  # the fallback's own fit only
    t = r.table.dropna(subset=["estimate"]).set_index("term")
    df = tiny.dropna(subset=ACTIVITY_TERMS).reset_index(drop=True)
    X = design_matrix(df, ACTIVITY_TERMS)[list(t.index)]
    y = df["active"].to_numpy(float)
    ci, p = profile_inference(y, X.to_numpy(), penalised_logit(y, X.to_numpy(), "firth"), 0.95)
    assert np.allclose(t[["ci_low", "ci_high"]].to_numpy(), ci, atol=1e-6)
    assert np.allclose(t["p"], p, atol=1e-8)
    wald_half = 1.959964 * t["se"]
    assert not np.allclose(t["ci_high"] - t["estimate"], wald_half, rtol=1e-3)


def test_fewer_than_20_relationships_with_an_active_year_make_the_dynamic_model_descriptive():
    # Old behaviour: dyadic p-values and intervals from 16 cities and 19 relationships.
    from analysis.models.power import simulate_activity_panel

    few = activity_logit(simulate_activity_panel(19, 25, seed=6))
    assert few.numbers["dynamic"] is True and few.numbers["descriptive"] is True
    assert few.numbers["n_relationships_active"] < 20
    t = few.table.dropna(subset=["estimate"])
    assert len(t) > 5 and t[["se", "ci_low", "ci_high", "p", "se_cluster", "p_cluster", "ape_se"]].isna().all().all()
    assert t["ape"].notna().sum() >= 3 and few.table["note"].str.contains("Descriptive only").all()
    enough = activity_logit(simulate_activity_panel(24, 25, seed=4))
    assert enough.numbers["dynamic"] is True and enough.numbers["descriptive"] is False
    assert enough.table.dropna(subset=["estimate"])["se"].notna().all()


def test_under_the_null_with_city_year_shocks_or_windows_dynamic_stays_near_zero_and_pooled_does_not():
    from analysis.models.binary import activity_logit_pooled
    from analysis.models.observed import observed_rows
    from analysis.models.result import DRIVERS
    from analysis.sim.worlds import world_panel

    null, het = {d: 0.0 for d in DRIVERS}, {"relationship_sd": 1.0, "city_sd": 0.5}
    for options in ({"city_year_sd": 0.5}, {"windows": True}):
        df = observed_rows(world_panel(300, 8, 1, effects=null, rates=het, **options))[0]
        dyn = activity_logit(df).table.set_index("term").loc[DRIVERS]
        pooled = activity_logit_pooled(df).table.set_index("term").loc[DRIVERS]
        assert ((dyn["estimate"] / dyn["se"]).abs() < 3).all(), options  # measured |z| <= 1.2
        assert ((pooled["estimate"] / pooled["se"]).abs() > 3).any(), options  # measured: exchange 4.6, 4.5
