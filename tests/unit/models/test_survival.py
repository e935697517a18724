import numpy as np

from analysis.models.survival import dormancy_spells, time_to_dormancy
from tests.unit.models.conftest import spell_panel


def test_dormancy_spells_onset_censoring_and_risk_set():
    p = spell_panel({"A": [1, 0, 0, 0, 1], "B": [1, 0, 0], "C": [1, 0, 1, 0, 0, 0], "D": [2, 1, 1]})
    s = dormancy_spells(p, dormancy_years=3)
    got = {rid: list(zip(g["year"] - 2010, g["dormancy"])) for rid, g in s.groupby("relationship_id")}
    assert got["A"] == [(0, 0), (1, 1)]  # silence of 3 years starts in year 1
    assert got["B"] == [(0, 0)]  # a 2-year silence at the end: unknown, censored before it
    assert got["C"] == [(0, 0), (1, 0), (3, 1)]  # year 2 follows a silent year: not at risk
    assert got["D"] == [(0, 0), (1, 0), (2, 0)]
    assert (s["exit"] - s["entry"] == 1).all()


def test_time_to_dormancy_hazard_ratios(panel):
    r = time_to_dormancy(panel, dormancy_years=3)
    assert r.ok and "PHReg" in r.fit
    t = r.table.set_index("term")
    assert "age" not in t.index  # age is the time scale
    assert np.allclose(t["ratio"], np.exp(t["estimate"]))
    assert t.loc["leader_visit_lag", "ratio"] < 1  # leader visits delay dormancy in the simulation
    assert r.numbers["n_events"] > 0 and r.numbers["dormancy_years"] == 3


def test_time_to_dormancy_without_any_dormancy_says_so(panel):
    r = time_to_dormancy(panel.assign(events=1))
    assert not r.ok and "no relationship falls dormant" in r.warnings[0]
