import numpy as np
import pandas as pd

from analysis.models import power
from analysis.panel.build import PanelInputs, build_panel
from analysis.sim.simulate import simulate_dataset

MODEL_COLUMNS = ["relationship_id", "city_a", "city_b", "kind", "year", "events", "active", "leader_visit",
                 "cooperation", "exchange_count", "leader_visit_lag", "cooperation_lag", "exchange_lag",
                 "active_lag", "log_distance", "age", "international"]


def test_fast_panel_equals_the_panel_built_from_simulated_raw_data():
    # the power analysis must use the very process that analysis.sim.simulate writes
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
    after_visit = lambda p: p.loc[p["leader_visit_lag"] == 1, "active"].mean()  # noqa: E731
    assert after_visit(strong) > 0.9 > 0.2 > after_visit(none)
    assert power.model_terms({"intercept": 1.0, "age": 2.0}) == {"Intercept": 1.0, "age": 2.0}


def test_power_grid_rises_with_data_and_holds_size_under_the_null():
    grid = power.power_grid(0.8, [30, 400], [6], replications=40, seed=3)
    assert list(grid.columns[:5]) == ["relationships", "years", "effect", "replications", "power"]
    small, large = grid["power"]
    assert large > 0.9 and large > small
    assert ((grid["power_ci_low"] <= grid["power"]) & (grid["power"] <= grid["power_ci_high"])).all()
    null = power.power_grid(0.0, [200], [6], replications=60, seed=4)
    assert null["power"].iloc[0] <= 0.15  # rejects about 5% when there is no effect


def test_power_grid_is_seeded_per_cell():
    a = power.power_grid(0.5, [40], [5], replications=10, seed=11)
    b = power.power_grid(0.5, [40, 60], [5], replications=10, seed=11)
    pd.testing.assert_frame_equal(a, b.iloc[:1])


def test_relationships_needed_and_figure():
    grid = pd.DataFrame({"relationships": [50, 100, 50, 100], "years": [5, 5, 10, 10], "effect": 0.5,
                         "power": [0.3, 0.6, 0.7, 0.9], "power_ci_low": 0.0, "power_ci_high": 1.0})
    need = power.relationships_needed(grid, 0.8)
    assert need["years"].tolist() == [5, 10]
    assert need["relationships_needed"].isna().tolist() == [True, False]
    assert need["relationships_needed"].iloc[1] == 100
    fig = power.power_figure(grid)
    assert len(fig.axes[0].lines) >= 2
