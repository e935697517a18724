import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.models import power, power_fit, power_pipeline, power_sim
from analysis.models.binary import logit_dyadic
from analysis.models.dyadic import dyadic_vcov, standard_errors
from analysis.models.dynamic import activity_logit
from analysis.models.firth import penalised_logit, profile_inference
from analysis.models.re_logit import Panel, fit_re_logit
from analysis.models.result import ACTIVITY_TERMS
from analysis.panel.build import PanelInputs, build_panel
from analysis.sim.simulate import simulate_dataset

MODEL_COLUMNS = ["relationship_id", "city_a", "city_b", "kind", "year", "events", "active", "leader_visit",
                 "cooperation", "exchange_count", "leader_visit_lag", "cooperation_lag", "exchange_lag",
                 "active_lag", "log_distance", "age", "international"]
PROCESS = power_sim.PowerProcess(activity_rate=0.2, relationship_sd=1.0)


def test_fast_panel_equals_the_panel_built_from_simulated_raw_data():
    # the models' tests use simulate_activity_panel: it must be the very process analysis.sim.simulate writes
    sim = simulate_dataset(120, 6, seed=9)
    cities = sim.cities.assign(prefecture_id=np.where(sim.cities["country"] == "CN", sim.cities["city_id"], None))
    built = build_panel(PanelInputs(cities, sim.relationships, sim.events))
    fast = power.simulate_activity_panel(120, 6, seed=9)
    assert list(fast.columns) == MODEL_COLUMNS
    key = ["relationship_id", "year"]
    built = built.sort_values(key).reset_index(drop=True)[MODEL_COLUMNS]
    fast = fast.sort_values(key).reset_index(drop=True)
    for c in MODEL_COLUMNS:
        if pd.api.types.is_numeric_dtype(fast[c]):
            assert np.allclose(built[c].astype(float), fast[c].astype(float), equal_nan=True), c
        else:
            assert (built[c].astype(str) == fast[c].astype(str)).all(), c


def test_effects_are_planted():
    strong = power.simulate_activity_panel(300, 8, {"leader_visit_lag": 3.0}, seed=1)
    none = power.simulate_activity_panel(300, 8, {"leader_visit_lag": -3.0}, seed=1)
    after_visit = lambda p: p.loc[p["leader_visit_lag"] == 1, "active"].mean()
    assert after_visit(strong) > 0.9 > 0.2 > after_visit(none)
    assert power.model_terms({"intercept": 1.0, "age": 2.0}) == {"Intercept": 1.0, "age": 2.0}


@pytest.mark.parametrize("rate", [0.02, 0.3])
def test_the_simulated_activity_rate_follows_the_parameter(rate):
    # the old power analysis simulated an active share near 0.47 whatever the data held
    process = power_sim.PowerProcess(rate, relationship_sd=1.0)
    b0 = power_sim.calibrate_intercept(process, 0.5, 6, seed=1)
    batch = power_sim.simulate_batch(2000, 6, 0.5, 2, 99, process, b0)  # other draws than the calibration's
    y, _ = batch.model_rows()
    assert abs(y.mean() - rate) < max(0.1 * rate, 0.006)
    frame = batch.frame(0)
    assert power_sim.observed_activity_rate(frame)[0] == pytest.approx(y[0].mean())
    assert frame.groupby("relationship_id")["year"].count().eq(6).all()


def test_activity_rate_is_taken_from_the_panel_or_the_parameter(tmp_path):
    panel = pd.DataFrame({"relationship_id": list("aabbcc"), "year": [1, 2] * 3, "active": [1, 0, 1, 1, 0, 0],
                          "observed": [1, 1, 1, 1, 1, 0], **{t: [np.nan, 1.0] * 3 for t in ACTIVITY_TERMS}})
    path = tmp_path / "panel.parquet"
    panel.to_parquet(path)
    rate, source = power.activity_rate(None, path)
    assert rate == 0.5 and "1 active of 2" in source  # the unobserved and the lag-less rows are not model rows
    assert power.activity_rate(0.05, path) == (0.05, "the parameter power_activity_rate = 0.05")
    panel.assign(observed=0).to_parquet(path)
    with pytest.raises(ValueError, match="panel.parquet.*set power_activity_rate"):
        power.activity_rate(None, path)


def _dynamic_design(batch):
    y, terms = batch.model_rows()
    return y, power_pipeline.dynamic_design(y, terms, batch.active[:, :, 0].astype(float))


def test_batched_random_effects_logit_matches_the_pipelines_fit_and_dyadic_se():
    batch = power_sim.simulate_batch(40, 5, 0.5, 2, 3, PROCESS, 0.7)
    y, X = _dynamic_design(batch)
    R, G, S, k = X.shape
    start, ok = power_fit.pooled_logit(y.reshape(R, -1), X.reshape(R, -1, k))
    theta, scores, H, converged = power_fit.re_logit(y, X, np.column_stack([start, np.zeros(R)]), 40)
    assert ok.all() and converged.all()
    se = power_fit.dyadic_se(scores, -H, batch.city_a, batch.city_b)
    for r in range(len(theta)):
        ref = fit_re_logit(Panel(y[r].ravel(), X[r].reshape(-1, k), np.repeat(np.arange(G), S)),
                           np.append(start[r], np.log(0.5)), 40)
        assert np.allclose(theta[r], ref.theta, atol=1e-6)
        v = dyadic_vcov(ref.scores, np.linalg.inv(-ref.hessian), batch.city_a[r], batch.city_b[r])
        assert np.allclose(se[r], standard_errors(v), rtol=1e-6)  # two analytic Hessians: batched, and by sparse sums


def test_batched_pooled_and_firth_logits_match_statsmodels_and_the_pipelines_firth():
    batch = power_sim.simulate_batch(50, 4, 0.5, 3, 5, PROCESS, 0.0)
    y, terms = batch.model_rows()
    R = len(y)
    X = np.concatenate([np.ones(terms.shape[:-1] + (1,)), terms], axis=-1).reshape(R, -1, 7)
    yf = y.reshape(R, -1)
    b, ok = power_fit.pooled_logit(yf, X)
    scores, info = power_fit.logit_scores(yf, X, b)
    se = power_fit.dyadic_se(scores, info, np.repeat(batch.city_a, 3, 1), np.repeat(batch.city_b, 3, 1))
    est, p, converged = power_fit.firth_lr_p(yf, X, 1)
    for r in range(R):
        ml = sm.Logit(yf[r], X[r]).fit(disp=0)
        assert ok[r] and np.allclose(b[r], ml.params, atol=1e-6)
        v = logit_dyadic(yf[r], X[r], b[r], batch.city_a[r].repeat(3), batch.city_b[r].repeat(3))
        assert np.allclose(se[r], standard_errors(v), rtol=1e-6)
        fit = penalised_logit(yf[r], X[r])
        assert converged[r] and np.allclose(est[r], fit.params, atol=1e-6)
        assert p[r] == pytest.approx(profile_inference(yf[r], X[r], fit)[1][1], abs=1e-6)


def test_a_separated_panel_is_analysed_by_firth_not_counted_as_a_rejection():
    # 80 relationships, 4 years: too few events for maximum likelihood and every year after a top-leader visit
    # inactive, so its estimate is -infinity (the old grid counted beta = -21 with p < 0.05 as a rejection)
    batch = power_sim.simulate_batch(80, 5, -4.0, 6, 11, PROCESS, 0.5)
    y, terms = batch.model_rows()
    separated = np.flatnonzero([(terms[r][..., 0] == 1).any() and not y[r][terms[r][..., 0] == 1].any()
                                for r in range(len(y))])
    assert len(separated)
    r = separated[0]
    out = power_pipeline.pipeline_outcomes(y[r:r + 1], terms[r:r + 1], batch.active[r:r + 1, :, 0].astype(float),
                                           batch.city_a[r:r + 1], batch.city_b[r:r + 1])
    assert not out.descriptive[0]
    assert out.estimator[0] == power_pipeline.FIRTH and -10 < out.estimate[0] < 0
    ref = activity_logit(batch.frame(r)).table.set_index("term").loc["leader_visit_lag"]
    assert out.estimate[0] == pytest.approx(ref["estimate"], abs=1e-6)
    assert out.p[0] == pytest.approx(ref["p"], abs=1e-6)


def test_type_one_error_at_effect_zero_is_near_the_level():
    # the old grid rejected a true null in about half of such panels (separated fits counted as rejections)
    grid = power.power_grid(0.0, [60], [5], replications=200, seed=7, activity_rate=0.2)
    assert grid["effect"].tolist() == [0.0]
    row = grid.iloc[0]
    assert 0.02 <= row["power"] <= 0.10
    assert row["mc_se"] == pytest.approx(np.sqrt(row["power"] * (1 - row["power"]) / 200))
    assert row[[f"n_{k}" for k in power.ESTIMATOR_KEYS]].sum() == 200
    assert abs(row["active_share"] - 0.2) < 0.02


def test_panels_without_a_p_value_are_counted_apart_and_never_rejections():
    grid = power.power_grid(3.0, [15], [25], replications=10, seed=2, activity_rate=0.5)
    assert sorted(grid["effect"]) == [0.0, 3.0]  # effect 0 is always in the grid
    # enough events for maximum likelihood, but only 15 relationships with an active year: descriptive, as
    # activity_logit reports it (no p-value), and never a rejection however large the effect
    assert (grid["n_descriptive"] == 10).all() and (grid["no_p_value"] == 10).all() and (grid["power"] == 0).all()
    # a Firth fallback keeps its likelihood-ratio p-value whatever the number of relationships (as the pipeline)
    few = power.power_grid(3.0, [15], [6], replications=10, seed=2, activity_rate=0.3)
    assert (few["n_firth"] > 0).all() and few.loc[few["effect"] == 3.0, "power"].iloc[0] > 0


def test_grid_is_reproducible_and_cells_share_their_draws():
    a = power.power_grid(0.8, [40], [4, 6], replications=12, seed=11, activity_rate=0.25)
    b = power.power_grid(0.8, [40], [4, 6], replications=12, seed=11, activity_rate=0.25)
    assert a.to_csv() == b.to_csv()
    longer = power_sim.simulate_batch(40, 6, 0.8, 3, 11, PROCESS, 0.3)
    shorter = power_sim.simulate_batch(40, 4, 0.8, 3, 11, PROCESS, 0.3)
    assert np.array_equal(longer.years(4).active, shorter.active)


def test_relationships_needed_summary_and_figure():
    grid = pd.DataFrame({"relationships": [50, 100] * 4, "years": [5, 5, 10, 10] * 2,
                         "effect": [0.0] * 4 + [0.5] * 4, "replications": 100,
                         "power": [0.05, 0.06, 0.04, 0.12, 0.3, 0.6, 0.7, 0.9], "mc_se": 0.02,
                         "power_ci_low": 0.0, "power_ci_high": 1.0, "no_p_value": 0, "estimator": "x",
                         "n_dynamic": 100, "n_firth": 0, "activity_rate": 0.02, "relationship_sd": 1.0, "level": 0.05})
    need = power.relationships_needed(grid, 0.8)
    assert need["years"].tolist() == [5, 10]
    assert need["relationships_needed"].isna().tolist() == [True, False]
    assert need["relationships_needed"].iloc[1] == 100
    text = power.power_summary(grid, activity_source="the data")
    assert "0.02" in text and "between 0.04 and 0.12" in text and "100 relationships over 10 years" in text
    numbers = power.power_numbers(grid, seed=1)
    assert numbers["cells"][3]["type_i_error"] == 0.12 and numbers["type_i_error_max"] == 0.12
    fig = power.power_figure(grid)
    assert len(fig.axes[0].lines) >= 4  # power and type I error per panel length


@pytest.mark.slow
@pytest.mark.parametrize("n, years, rate", [(100, 5, 0.2), (60, 10, 0.2)])
def test_every_panel_gets_what_the_pipeline_reports(n, years, rate):
    process = power_sim.PowerProcess(rate, 1.0)
    batch = power_sim.simulate_batch(n, years, 0.5, 4, 3, process, power_sim.calibrate_intercept(process, 0.5, years, 3))
    y, terms = batch.model_rows()
    out = power_pipeline.pipeline_outcomes(y, terms, batch.active[:, :, 0].astype(float), batch.city_a, batch.city_b)
    for r in range(len(y)):
        res = activity_logit(batch.frame(r))
        ref = res.table.set_index("term").loc["leader_visit_lag"]
        used = power_pipeline.DYNAMIC if res.numbers.get("dynamic") else None
        assert used is None or out.estimator[r] == used
        assert out.estimate[r] == pytest.approx(ref["estimate"], abs=5e-3)  # 12 quadrature nodes away from the cutoff
        assert (out.p[r] < 0.05) == (ref["p"] < 0.05) or out.descriptive[r]
