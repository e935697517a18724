import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analysis.models.separation import INTERCEPT
from analysis.models.survival import dormancy_spells, duration_terms, fit_cloglog, time_to_dormancy
from tests.unit.models.conftest import spell_panel


def test_dormancy_spells_onset_censoring_and_risk_set():
    p = spell_panel({"A": [1, 0, 0, 0, 1], "B": [1, 0, 0], "C": [1, 0, 1, 0, 0, 0], "D": [2, 1, 1]})
    s = dormancy_spells(p, dormancy_years=3)
    got = {rid: list(zip(g["year"] - 2010, g["dormancy"])) for rid, g in s.groupby("relationship_id")}
    assert got["A"] == [(0, 0), (1, 1)]  # silence of 3 years starts in year 1
    assert got["B"] == [(0, 0)]  # a 2-year silence at the end: unknown, censored before it
    assert got["C"] == [(0, 0), (1, 0), (3, 1)]  # year 2 follows a silent year: not at risk
    # Years 1 and 2 of D are active, so not onsets, but an onset there could not have been seen
    # (the panel ends before 3 silent years): censored like every relationship's last 2 years.
    # (Before: kept, which left only non-onsets at risk at the panel's end and biased the hazard.)
    assert got["D"] == [(0, 0)]
    assert (s["duration"] == s["age"]).all()


def _survival_panel(n, seed, beta=0.7, shape=1.5, scale=6.0, years=12):
    """Relationships with yearly events until a continuous-time Weibull PH failure time, then silent.

    The world is not the fitted model: continuous time with a Weibull baseline, grouped into years."""
    rng = np.random.default_rng(seed)
    x = rng.binomial(1, 0.5, n).astype(float)
    t = scale * (rng.exponential(size=n) * np.exp(-beta * x)) ** (1 / shape)
    rows = []
    for i in range(n):
        for a in range(years):
            rows.append(dict(relationship_id=f"r{i}", year=2000 + a, age=a, events=int(a < t[i]), x=x[i]))
    return pd.DataFrame(rows)


def test_risk_sets_count_each_relationship_once_per_year():
    # With a saturated duration baseline the fitted yearly hazard is the life-table hazard
    # d_t / n_t; the old Cox fit (PHReg with entry) counted rows at risk twice at every event time.
    p = _survival_panel(300, seed=4)
    s = dormancy_spells(p, dormancy_years=3)
    assert not s.duplicated(["relationship_id", "duration"]).any()
    d = s["duration"].astype(int)
    X = pd.get_dummies(d, prefix="t", dtype=float)
    res = fit_cloglog(s["dormancy"].to_numpy(float), X, pd.factorize(s["relationship_id"])[0])
    by_t = s.groupby(d)["dormancy"].agg(["sum", "size"])
    # Relationships at risk at t, counted by hand: in this world a relationship has events every
    # year until it fails, so it is at risk at t when it had events in t - 1 (or t is its first year)
    # and t is not among the panel's last 2 years (an onset there could not be seen: censored).
    years = 12
    assert by_t.index.max() == years - 3
    for t, row in by_t.iterrows():
        n_t = sum(1 for _, g in p.groupby("relationship_id") if t == 0 or g["events"].iloc[t - 1] > 0)
        assert row["size"] == n_t
        if 0 < row["sum"] < row["size"]:
            hazard = 1 - np.exp(-np.exp(res.params[f"t_{t}"]))
            assert hazard == pytest.approx(row["sum"] / row["size"], abs=1e-6)


def test_cloglog_fit_matches_the_likelihood_maximised_directly():
    p = _survival_panel(200, seed=7)
    s = dormancy_spells(p, dormancy_years=3)
    X = pd.concat([s[["x"]], duration_terms(s["duration"])], axis=1)
    X.insert(0, INTERCEPT, 1.0)
    y = s["dormancy"].to_numpy(float)
    g = pd.factorize(s["relationship_id"])[0]
    res = fit_cloglog(y, X, g)
    A = X.to_numpy()

    def negll(b):  # Bernoulli likelihood with P = 1 - exp(-exp(eta)), written out
        eta = A @ b
        log_surv = -np.exp(eta)
        return -(y * np.log(-np.expm1(log_surv)) + (1 - y) * log_surv).sum()

    direct = optimize.minimize(negll, np.zeros(A.shape[1]), method="BFGS", options={"gtol": 1e-9})
    assert np.allclose(res.params.to_numpy(), direct.x, atol=1e-4)
    # Clustered sandwich by hand: score per relationship, bread = inverse observed information.
    b = res.params.to_numpy()
    eta = A @ b
    mu = -np.expm1(-np.exp(eta))
    dmu = np.exp(eta - np.exp(eta))
    score = A * ((y - mu) * dmu / (mu * (1 - mu)))[:, None]
    per = np.zeros((g.max() + 1, A.shape[1]))
    np.add.at(per, g, score)
    h = optimize.approx_fprime(b, lambda bb: optimize.approx_fprime(bb, negll, 1e-6), 1e-5)
    bread = np.linalg.inv((h + h.T) / 2)
    n, k, G = len(y), A.shape[1], g.max() + 1
    cov = bread @ per.T @ per @ bread * G / (G - 1) * (n - 1) / (n - k)
    assert np.allclose(res.bse.to_numpy(), np.sqrt(np.diag(cov)), rtol=1e-3)


def test_time_to_dormancy_recovers_a_continuous_time_hazard_ratio():
    # Grouped continuous-time proportional hazards: exp(cloglog coefficient) is the hazard ratio.
    p = _survival_panel(1500, seed=2, beta=0.7)
    for kind in ("log", "bands"):
        r = time_to_dormancy(p, terms=["x"], duration=kind)
        t = r.table.set_index("term")
        assert r.ok and "complementary log-log" in r.fit
        assert abs(t.loc["x", "estimate"] - 0.7) < 3 * t.loc["x", "se"] + 0.05, kind
        assert t.loc["x", "ci_low"] < 0.7 < t.loc["x", "ci_high"] or kind == "log"


def test_dyadic_standard_errors_equal_clustered_ones_when_no_city_is_shared():
    # With every relationship on its own two cities the dyadic meat is the relationship-clustered
    # meat; statsmodels' clustered SEs add the factor G/(G-1) (N-1)/(N-K), the dyadic ones do not.
    p = _survival_panel(300, seed=3)
    r0 = time_to_dormancy(p, terms=["x"])
    ids = p["relationship_id"]
    r1 = time_to_dormancy(p.assign(city_a=ids + "-a", city_b=ids + "-b"), terms=["x"])
    t0, t1 = r0.table.set_index("term"), r1.table.set_index("term")
    assert "clustered by relationship" in r0.fit and "dyadic" in r1.fit
    assert np.allclose(t0["estimate"], t1["estimate"])
    n, k, g = r1.numbers["n_obs"], len(t1), r1.numbers["n_relationships"]
    factor = np.sqrt(g / (g - 1) * (n - 1) / (n - k))
    assert np.allclose(t1["se"] * factor, t1["se_cluster"], rtol=1e-4)
    # Sharing cities changes them: relationships on one city are no longer independent.
    r2 = time_to_dormancy(p.assign(city_a="hub", city_b=ids), terms=["x"])
    assert not np.allclose(r2.table["se"], r1.table["se"], rtol=1e-3)


def test_time_to_dormancy_hazard_ratios(panel):
    r = time_to_dormancy(panel, dormancy_years=3)
    assert r.ok
    t = r.table.set_index("term")
    assert "age" not in t.index and "log_duration" in t.index  # duration is the time scale
    assert np.allclose(t["ratio"].dropna(), np.exp(t["estimate"].dropna()))
    assert t.loc["leader_visit_lag", "ratio"] < 1  # leader visits delay dormancy in the simulation
    assert r.numbers["n_events"] > 0 and r.numbers["dormancy_years"] == 3


def test_fewer_than_20_relationships_with_an_onset_make_the_hazard_descriptive():
    failing = _survival_panel(15, seed=5, scale=3.0)  # nearly all of these fall dormant
    lasting = _survival_panel(200, seed=6, scale=1e6).assign(relationship_id=lambda d: "L" + d["relationship_id"])
    r = time_to_dormancy(pd.concat([failing, lasting], ignore_index=True), terms=["x"])
    t = r.table.dropna(subset=["estimate"])
    assert r.ok and r.numbers["n_relationships_with_onset"] <= 15 and r.numbers["descriptive"] is True
    assert t[["se", "p", "ci_low", "ci_high", "ratio_ci_low"]].isna().all().all()
    assert np.allclose(t["ratio"], np.exp(t["estimate"]))
    assert r.table["note"].str.contains("Descriptive only").all()
    many = time_to_dormancy(_survival_panel(300, seed=5), terms=["x"])
    assert many.numbers["descriptive"] is False and many.table["p"].notna().all()


def test_time_to_dormancy_says_when_separation_leaves_nothing():
    p = spell_panel({f"r{i}": [1, 1, 0, 0, 0] for i in range(6)} | {"z": [1, 1, 1, 1, 1]})
    p["leader_visit_lag"] = p.groupby("relationship_id")["events"].shift()
    r = time_to_dormancy(p, terms=["leader_visit_lag"])
    assert not r.ok and "separation" in r.warnings[0]


def test_time_to_dormancy_without_any_dormancy_says_so(panel):
    r = time_to_dormancy(panel.assign(events=1))
    assert not r.ok and "no relationship falls dormant" in r.warnings[0]


def test_unknown_duration_baseline_is_refused():
    with pytest.raises(ValueError, match="bands"):
        duration_terms(pd.Series([1.0]), "spline")
