"""A whole simulated dataset: event ids, reported statuses, the truth, and planted effects a plain logit gets back."""

import numpy as np
import pandas as pd
import pytest

from analysis.data.contract import CITY_COLUMNS, RELATIONSHIP_COLUMNS
from analysis.panel.build import PanelInputs, build_panel
from analysis.sim.dataset import finish_statuses, planted_truth, simulate_dataset
from analysis.sim.settings import DEFAULT_EFFECTS, DEFAULT_RATES


def with_prefectures(cities: pd.DataFrame) -> pd.DataFrame:
    return cities.assign(prefecture_id=np.where(cities["level"] == "prefecture", cities["city_id"], None))


def test_dataset_has_the_contracts_columns_and_numbered_events_in_year_order():
    sim = simulate_dataset(80, 5, seed=3)
    assert list(sim.cities.columns) == CITY_COLUMNS
    assert list(sim.relationships.columns) == RELATIONSHIP_COLUMNS
    assert sim.events["event_id"].tolist() == [f"SIM-E{i:09d}" for i in range(1, len(sim.events) + 1)]
    assert sim.events["year"].is_monotonic_increasing
    assert sim.events["year"].between(2020, 2024).all()
    assert sim.truth == planted_truth(80, 5, 3, DEFAULT_EFFECTS, DEFAULT_RATES, 2024)


def test_statuses_say_ended_active_or_dormant_where_one_is_reported():
    rels = pd.DataFrame({
        "relationship_id": ["R1", "R2", "R3", "R4", "R5"], "city_a": ["A", "C", "E", "G", "I"],
        "city_b": ["B", "D", "F", "H", "J"], "kind": "other",
        "established": pd.array([2015] * 5, dtype="Int64"), "ended": pd.array([2020, pd.NA, pd.NA, pd.NA, pd.NA], dtype="Int64"),
        "status": "", "status_as_of": pd.array([pd.NA] * 5, dtype="Int64"), "source": "simulated", "note": "",
        "_has_status": [True, True, True, True, False],
    })
    events = pd.DataFrame({"year": [2023, 2024, 2020, 2024], "origin": ["C", "F", "G", "I"],
                           "destination": ["D", "E", "H", "J"], "relationship_id": ["R2", "", "", "R5"]})
    out = finish_statuses(rels, events, last_year=2024)
    assert list(out.columns) == RELATIONSHIP_COLUMNS
    # R2 named in 2023, R3 matched by its pair written the other way round, R4 only long ago
    assert out["status"].tolist() == ["ended", "active", "active", "dormant", ""]
    assert out["status_as_of"].tolist()[:4] == [2024] * 4 and out["status_as_of"].isna().tolist()[4]
    assert "_has_status" in rels.columns                      # the input is left as it was


def test_unknown_effect_names_are_refused():
    with pytest.raises(ValueError, match="leader_lag"):
        simulate_dataset(10, 3, seed=1, effects={"leader_lag": 1.0})


def test_planted_coefficients_are_recovered_by_a_plain_logit():
    import statsmodels.api as sm

    sim = simulate_dataset(3000, 12, seed=2024)
    panel = build_panel(PanelInputs(with_prefectures(sim.cities), sim.relationships, sim.events))
    d = panel.dropna(subset=["leader_visit_lag"])
    terms = ["leader_visit_lag", "exchange_lag", "cooperation_lag", "log_distance", "age", "international"]
    fit = sm.Logit(d["active"], sm.add_constant(d[terms])).fit(disp=0)
    truth = sim.truth["coefficients"]
    for term in terms:
        z = (fit.params[term] - truth[term]) / fit.bse[term]
        assert abs(z) < 3.5, f"{term}: estimate {fit.params[term]:.3f}, truth {truth[term]}, z {z:.2f}"
