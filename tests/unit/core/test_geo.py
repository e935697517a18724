"""Great-circle distance against known city pairs and edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.geo import great_circle_km, log_distance_km


def test_shanghai_chengdu_is_about_1660_km():
    km = great_circle_km(31.2304, 121.4737, 30.5728, 104.0668)
    assert km == pytest.approx(1660, abs=10)


def test_vectorised_and_symmetric():
    lat1 = np.array([39.9042, 31.2304, 0.0])
    lon1 = np.array([116.4074, 121.4737, 0.0])
    lat2 = np.array([31.2304, 39.9042, 0.0])
    lon2 = np.array([121.4737, 116.4074, 180.0])
    km = great_circle_km(lat1, lon1, lat2, lon2)
    assert km.shape == (3,)
    assert km[0] == pytest.approx(km[1])            # Beijing-Shanghai both ways
    assert km[0] == pytest.approx(1067, abs=10)
    assert km[2] == pytest.approx(np.pi * 6371.0088)  # antipodes on the equator: half the circumference


def test_missing_coordinates_give_nan_not_a_number():
    km = great_circle_km([30.0, np.nan], [100.0, 100.0], [31.0, 31.0], [101.0, np.nan])
    assert np.isfinite(km[0]) and np.isnan(km[1])


def test_log_distance_floors_zero_and_keeps_nan():
    out = log_distance_km([0.0, 0.4, np.e, np.nan])
    assert out[0] == 0.0 and out[1] == 0.0
    assert out[2] == pytest.approx(1.0)
    assert np.isnan(out[3])
