"""The misspecified benchmark worlds: exactly the simulator's panel without misspecification, and each
option changing only what it says."""

import numpy as np
import pandas as pd

from analysis.models.power import simulate_activity_panel
from analysis.sim.worlds import city_year_shocks, world_panel

HET = {"relationship_sd": 1.0, "city_sd": 0.5}


def test_without_misspecification_the_world_is_the_simulators_panel():
    for rates in ({}, HET):
        want = simulate_activity_panel(150, 7, seed=9, rates=rates)
        got = world_panel(150, 7, seed=9, rates=rates)
        pd.testing.assert_frame_equal(got[list(want.columns)].astype(want.dtypes.to_dict()), want)
        assert (got["observed"] == 1).all() and (got["established_known"] == 1).all()


def test_city_year_shocks_are_the_sum_of_the_two_cities_shocks_of_that_year():
    from analysis.sim.network import simulate_network

    cities, rel = simulate_network(120, 6, seed=2)
    s = city_year_shocks(rel, cities, 6, seed=2, sd=0.7)
    assert s.shape == (120, 6) and np.allclose(city_year_shocks(rel, cities, 6, seed=2, sd=0.0), 0)
    # each relationship-year is exactly (incidence of its two cities) @ (the cities' shocks that year)
    ids = pd.Index(sorted(set(rel["city_a"]) | set(rel["city_b"])))
    M = np.zeros((len(rel), len(ids)))
    M[np.arange(len(rel)), ids.get_indexer(rel["city_a"])] += 1
    M[np.arange(len(rel)), ids.get_indexer(rel["city_b"])] += 1
    shocks, *_ = np.linalg.lstsq(M, s, rcond=None)
    assert np.allclose(M @ shocks, s, atol=1e-10)
    assert 0.5 < np.std(s) / np.sqrt(2) < 0.9  # two independent shocks of sd 0.7
    # the shocks change which years are active (same seed otherwise)
    base, shocked = world_panel(200, 6, 2, rates=HET), world_panel(200, 6, 2, rates=HET, city_year_sd=1.0)
    assert not base["active"].equals(shocked["active"])


def test_windows_leave_unwatched_rows_missing_and_lags_after_them_missing():
    w = world_panel(200, 8, seed=4, rates=HET, windows=True)
    full = world_panel(200, 8, seed=4, rates=HET)
    assert len(w) == len(full) and 0.3 < w["observed"].mean() < 0.95
    unwatched = w["observed"] == 0
    assert w.loc[unwatched, ["active", "events"]].isna().all().all()
    assert w.loc[unwatched, "exchange_lag"].isna().all()
    watched = w[~unwatched]
    assert (watched["active"].astype(int).to_numpy() == full.loc[~unwatched, "active"].to_numpy()).all()
    first_watched = watched.groupby("relationship_id")["year"].transform("min") == watched["year"]
    assert watched.loc[first_watched, "leader_visit_lag"].isna().all()  # nothing seen the year before
    assert watched.loc[~first_watched, "leader_visit_lag"].notna().all()


def test_unknown_establishment_enters_at_the_first_year_with_age_from_there():
    u = world_panel(300, 8, seed=6, rates=HET, share_unknown_established=0.4)
    known = u.groupby("relationship_id")["established_known"].first()
    assert 0.45 < known.mean() < 0.75
    unknown = u[u["established_known"] == 0]
    first = unknown.groupby("relationship_id")["year"].min()
    assert (first == u["year"].min()).all()
    assert (unknown["age"] == unknown["year"] - u["year"].min()).all()
    # years before a late establishment are rows without activity
    full = world_panel(300, 8, seed=6, rates=HET)
    est = full.groupby("relationship_id")["year"].min()
    late = unknown[unknown["year"] < unknown["relationship_id"].map(est)]
    assert len(late) > 0 and (late["active"] == 0).all()
