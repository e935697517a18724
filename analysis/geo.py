"""Great-circle distances between cities, vectorised over arrays."""

from __future__ import annotations

import numpy as np

# Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088

# Distances below this are floored before taking the log: a county and its own
# prefecture, or two records of one place, would otherwise give log(0) = -inf.
MIN_DISTANCE_KM = 1.0


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km; NaN where any coordinate is missing."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype="float64")) for x in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    # clip: rounding can push h a hair above 1 for antipodal points
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def log_distance_km(km, floor_km: float = MIN_DISTANCE_KM) -> np.ndarray:
    """log(km) with distances under ``floor_km`` set to ``floor_km`` (so zero gives 0, not -inf)."""
    km = np.asarray(km, dtype="float64")
    return np.log(np.maximum(km, floor_km))  # maximum propagates NaN (fmax would not)
