from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data.load import load_validated
from analysis.models.power import simulate_activity_panel
from analysis.models.status import STATUS_TERMS, reported_status, status_features
from analysis.paths import ProjectPaths
from tests.unit.models.conftest import assert_every_row_carries_the_warnings

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "valid"


def test_reported_status_features_and_fit(panel):
    ids = panel["relationship_id"].unique()
    rng = np.random.default_rng(0)
    statuses = rng.choice(["active", "dormant", "suspended", "ended", "unknown"], size=len(ids), p=[.5, .2, .1, .1, .1])
    as_of = int(panel["year"].max()) - 2
    rel = pd.DataFrame({"relationship_id": ids, "status": statuses, "status_as_of": as_of})
    feats = status_features(panel, rel)
    assert set(feats["status"]) <= {"active", "dormant", "suspended", "ended"}
    one = feats.dropna(subset=["leader_visit_share"]).iloc[0]
    rows = panel[(panel["relationship_id"] == one["relationship_id"]) & (panel["year"] <= as_of)]
    assert one["leader_visit_share"] == pytest.approx(rows["leader_visit"].mean())
    assert one["exchange_mean"] == pytest.approx(np.log1p(rows["exchange_count"].mean()))
    r = reported_status(panel, rel)
    usable = feats.dropna(subset=STATUS_TERMS)
    assert r.ok and r.numbers["n_obs"] == len(usable) < len(feats)  # some start after as_of
    assert r.numbers["n_reported_active"] == int((usable["status"] == "active").sum())
    assert "no panel years before it" in r.warnings[0]


def test_reported_status_small_or_missing():
    small = simulate_activity_panel(20, 4, seed=8)
    rel = pd.DataFrame({"relationship_id": small["relationship_id"].unique(),
                        "status": ["active", "dormant"] * 10, "status_as_of": [None] * 20})
    r = reported_status(small, rel)
    assert r.ok and "Firth" in r.fit
    assert_every_row_carries_the_warnings(r)
    assert not reported_status(small, None).ok
    none = rel.assign(status="unknown")
    assert "no relationship has a reported status" in reported_status(small, none).warnings[0]


def test_validated_relationships_carry_what_the_model_reads(tmp_path):
    # notebook 30 passes these as loaded: blank statuses are "unknown", status_as_of is a year
    rel = load_validated(ProjectPaths.from_params(VALID, tmp_path)).relationships
    assert {"relationship_id", "status", "status_as_of"} <= set(rel.columns)
    assert rel.loc[rel["relationship_id"] == "R4", "status_as_of"].item() == 2020
    assert pd.api.types.is_numeric_dtype(rel["status_as_of"])


def test_status_features_read_the_validated_shape_like_a_plain_frame(panel):
    ids = list(panel["relationship_id"].unique()[:40])
    statuses = ["active", "dormant", "unknown", "suspended"] * 10
    years = [2015, None, 2016, 2017] * 10
    plain = pd.DataFrame({"relationship_id": ids, "status": statuses, "status_as_of": years})
    validated = pd.DataFrame({  # string ids, nullable integer years, extra columns
        "relationship_id": pd.array(ids, dtype="string"), "city_a": "x", "status": statuses,
        "status_as_of": pd.array(years, dtype="Int64"), "source": "s"})
    a, b = status_features(panel, plain), status_features(panel, validated)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert "unknown" not in set(b["status"]) and len(b) == 30
    pd.testing.assert_frame_equal(reported_status(panel, plain).table, reported_status(panel, validated).table)
