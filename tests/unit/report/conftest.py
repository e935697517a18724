"""Shared inputs of the report tests: a one-row tidy model table to vary, and the default raw data."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.load import load_raw
from analysis.paths import DEFAULT_DATA_DIR


def tidy(**over) -> pd.DataFrame:
    """One term of a tidy model table (the activity logit unless ``model`` says otherwise)."""
    row = dict(model="activity_logit", term="leader_visit_lag", label="top-leader visit last year",
               estimate=0.9, ratio=2.46, se=0.3, ci_low=0.31, ci_high=1.49, ratio_ci_low=1.36, ratio_ci_high=4.44,
               p=0.003, n_obs=400, n_relationships=50, fit="logit, maximum likelihood", note="")
    row.update(over)
    return pd.DataFrame([row])


@pytest.fixture(scope="session")
def raw():
    return load_raw(DEFAULT_DATA_DIR)
