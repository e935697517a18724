"""The simulator's defaults: the planted effects, the rates of the generative model, the
last year and the block size that fixes what a seed means."""

from __future__ import annotations

DEFAULT_EFFECTS: dict[str, float] = {
    "intercept": 1.5,
    "leader_visit_lag": 1.0,
    "exchange_lag": 0.6,
    "cooperation_lag": 0.8,
    "log_distance": -0.25,
    "age": -0.05,
    "international": -0.4,
}
DEFAULT_RATES: dict[str, float] = {
    "p_initial_active": 0.8,   # first year (signing year)
    "p_leader_visit": 0.35,    # P(top-led visit | active)
    "p_cooperation": 0.4,      # P(agreement or project | active)
    "mean_exchange": 1.5,      # Poisson mean of other events | active
    "p_named": 0.5,            # event row names its relationship_id
    "p_collapsed": 0.25,       # exchanges written as one row with count > 1
    "p_international": 0.3,    # partner abroad
    "p_ended": 0.05,           # relationship ends before the last year
    "p_status": 0.6,           # a reported status exists
    "relationship_sd": 0.0,    # SD of a persistent relationship effect on the log-odds of activity
    "city_sd": 0.0,            # SD of a persistent effect of each city (both cities of a relationship add)
}
LAST_YEAR = 2024
BLOCK_SIZE = 5_000  # relationships per event-generation block (fixed: part of the seed's meaning)


def merge_settings(base: dict[str, float], given: dict[str, float] | None, name: str) -> dict[str, float]:
    """``base`` updated with ``given``; a name ``base`` does not know is refused (a typo would be ignored)."""
    unknown = sorted(set(given or {}) - set(base))
    if unknown:
        raise ValueError(f"unknown {name}: {', '.join(unknown)} (known: {', '.join(base)})")
    return {**base, **(given or {})}
