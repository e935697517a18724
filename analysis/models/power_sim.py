"""Many activity panels at once for the power analysis: the data-generating process, its
calibration to an activity rate, and one panel as the DataFrame the pipeline's models read.

The process is the simulator's (``analysis.sim``: the default activity logit with lagged
drivers, the same driver rates and structure effects) with three changes that make it a
model of the data at hand rather than of the simulator's defaults: the intercept is
calibrated so the share of active years among the model rows equals ``activity_rate``;
every relationship has a persistent effect ``relationship_sd * a_i`` (a_i ~ N(0, 1)); and
the window opens after ``burn_in`` years, so the first observed year (the model's initial
condition) depends on the relationship effect as it does in real data. Panels are
balanced: every relationship is observed in every year of the window; the first year has no
lags and is not a model row, as in the built panel.

All random numbers are drawn whatever the effect, so panels with different planted effects
share them (common random numbers); a shorter window is the first years of a longer one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from analysis.geo import great_circle_km, log_distance_km
from analysis.models.result import ACTIVITY_TERMS
from analysis.sim.network import FOREIGN_CENTRES
from analysis.sim.settings import DEFAULT_EFFECTS, DEFAULT_RATES

TESTED = "leader_visit_lag"  # the term whose effect the power analysis plants and tests
CALIBRATION_RELATIONSHIPS = 5_000  # one large panel per effect fixes the intercept (the rate to about 0.005)


@dataclass(frozen=True)
class PowerProcess:
    """What is simulated: the activity rate to match, the heterogeneity and the other effects."""

    activity_rate: float
    relationship_sd: float = 1.0
    burn_in: int = 5
    effects: dict[str, float] = field(default_factory=lambda: {k: v for k, v in DEFAULT_EFFECTS.items()
                                                              if k not in ("intercept", TESTED)})
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))

    def __post_init__(self) -> None:
        if not 0 < self.activity_rate < 1:
            raise ValueError(f"activity_rate must be strictly between 0 and 1, not {self.activity_rate}")
        if self.relationship_sd < 0:
            raise ValueError(f"relationship_sd must be >= 0, not {self.relationship_sd}")


@dataclass
class PanelBatch:
    """``reps`` balanced panels of ``n`` relationships: the window's activity and drivers, (R, n, T)."""

    active: np.ndarray
    leader_visit: np.ndarray
    cooperation: np.ndarray
    exchange: np.ndarray
    log_distance: np.ndarray  # (R, n)
    international: np.ndarray  # (R, n)
    age0: np.ndarray  # (R, n): age in the window's first year
    city_a: np.ndarray  # (R, n) integer city codes within a panel
    city_b: np.ndarray
    intercept: float

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.active.shape

    def years(self, n_years: int) -> PanelBatch:
        """The first ``n_years`` of the window (a shorter study of the same relationships)."""
        cut = lambda a: a[:, :, :n_years]
        return PanelBatch(cut(self.active), cut(self.leader_visit), cut(self.cooperation), cut(self.exchange),
                          self.log_distance, self.international, self.age0, self.city_a, self.city_b, self.intercept)

    def model_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """y (R, n, T-1) and the ACTIVITY_TERMS columns (R, n, T-1, 6) of the rows with lags."""
        R, n, T = self.shape
        ones = np.ones((R, n, T - 1))
        cols = {
            "leader_visit_lag": self.leader_visit[:, :, :-1].astype(float),
            "exchange_lag": np.log1p(self.exchange[:, :, :-1]),
            "cooperation_lag": self.cooperation[:, :, :-1].astype(float),
            "log_distance": self.log_distance[:, :, None] * ones,
            "age": self.age0[:, :, None] + np.arange(1, T)[None, None, :] * ones,
            "international": self.international[:, :, None] * ones,
        }
        return self.active[:, :, 1:].astype(float), np.stack([cols[t] for t in ACTIVITY_TERMS], axis=-1)

    def frame(self, r: int, first_year: int = 2001) -> pd.DataFrame:
        """Panel ``r`` as the pipeline's relationship-year panel (the columns the activity models read)."""
        _, n, T = self.shape
        rel = np.repeat(np.arange(n), T)
        t = np.tile(np.arange(T), n)
        lag = lambda a: np.where(t == 0, np.nan, a[r][rel, np.maximum(t - 1, 0)].astype(float))
        return pd.DataFrame({
            "relationship_id": [f"PWR-R{i:05d}" for i in rel],
            "city_a": [f"PWR-C{c:05d}" for c in self.city_a[r][rel]],
            "city_b": [f"PWR-C{c:05d}" for c in self.city_b[r][rel]],
            "year": first_year + t,
            "active": self.active[r][rel, t].astype("int64"),
            "leader_visit_lag": lag(self.leader_visit),
            "exchange_lag": np.log1p(lag(self.exchange)),
            "cooperation_lag": lag(self.cooperation),
            "log_distance": self.log_distance[r][rel],
            "age": (self.age0[r][rel] + t).astype("int64"),
            "international": self.international[r][rel],
            "observed": 1,
        })


def _network(rng: np.random.Generator, reps: int, n: int, rates: dict[str, float]):
    """Cities and relationships as :func:`analysis.sim.network.simulate_network` sizes them (vectorised;
    a pair may repeat, as pairs with several kinds of relationship do in the data)."""
    n_cn = max(12, int(2 * math.sqrt(n)) + n // 20)
    n_fx = max(4, n_cn // 3)
    centres = np.array(list(FOREIGN_CENTRES.values()))
    fx_centre = centres[rng.integers(0, len(centres), (reps, n_fx))]
    lat = np.concatenate([rng.uniform(22.0, 45.0, (reps, n_cn)), fx_centre[..., 0] + rng.uniform(-3, 3, (reps, n_fx))], 1)
    lon = np.concatenate([rng.uniform(100.0, 125.0, (reps, n_cn)), fx_centre[..., 1] + rng.uniform(-3, 3, (reps, n_fx))], 1)
    intl = rng.random((reps, n)) < rates["p_international"]
    a = rng.integers(0, n_cn, (reps, n))
    other = rng.integers(0, n_cn - 1, (reps, n))
    b_dom = other + (other >= a)  # a different Chinese city
    b = np.where(intl, n_cn + rng.integers(0, n_fx, (reps, n)), b_dom)
    pick = lambda v, i: np.take_along_axis(v, i, axis=1)
    km = great_circle_km(pick(lat, a), pick(lon, a), pick(lat, b), pick(lon, b))
    return a, b, log_distance_km(km), intl.astype(float)


def simulate_batch(n: int, n_years: int, effect: float, reps: int, seed: int, process: PowerProcess,
                   intercept: float) -> PanelBatch:
    """``reps`` panels of ``n`` relationships over ``n_years``, with log-odds ``effect`` of a top-leader
    visit last year. The stream depends on (seed, n) only, so every effect and intercept sees the same draws."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, n]))
    e, rates = process.effects, process.rates
    city_a, city_b, log_km, intl = _network(rng, reps, n, rates)
    age0 = rng.integers(process.burn_in, process.burn_in + 20, (reps, n)).astype(float)
    persistent = process.relationship_sd * rng.standard_normal((reps, n))
    fixed = intercept + e["log_distance"] * log_km + e["international"] * intl + persistent
    lv = co = np.zeros((reps, n), bool)
    ex = np.zeros((reps, n))
    out = {k: np.zeros((reps, n, n_years), dtype=np.int8 if k != "ex" else np.int16) for k in ("a", "lv", "co", "ex")}
    for step in range(process.burn_in + n_years):
        u = rng.random((4, reps, n))
        draws = rng.poisson(rates["mean_exchange"], (reps, n))
        age = age0 - process.burn_in + step
        eta = fixed + effect * lv + e["exchange_lag"] * np.log1p(ex) + e["cooperation_lag"] * co + e["age"] * age
        active = u[0] < 1.0 / (1.0 + np.exp(-eta))
        lv = active & (u[1] < rates["p_leader_visit"])
        co = active & (u[2] < rates["p_cooperation"])
        ex = np.where(active, draws, 0)
        ex = np.where(active & ~lv & ~co & (ex == 0), 1, ex)  # an active year has at least one event
        t = step - process.burn_in
        if t >= 0:
            out["a"][:, :, t], out["lv"][:, :, t], out["co"][:, :, t], out["ex"][:, :, t] = active, lv, co, ex
    return PanelBatch(out["a"], out["lv"], out["co"], out["ex"], log_km, intl, age0, city_a, city_b, intercept)


def calibrate_intercept(process: PowerProcess, effect: float, n_years: int, seed: int) -> float:
    """The intercept at which the share of active model rows is ``process.activity_rate``, from one large
    panel (common random numbers make the share a monotone function of the intercept)."""
    def gap(b0: float) -> float:
        batch = simulate_batch(CALIBRATION_RELATIONSHIPS, n_years, effect, 1, seed, process, b0)
        return float(batch.active[:, :, 1:].mean()) - process.activity_rate

    return float(optimize.brentq(gap, -20.0, 20.0, xtol=1e-3))


def observed_activity_rate(panel: pd.DataFrame) -> tuple[float, int]:
    """Share of active years among the activity model's rows (observed, with lags) and how many rows."""
    rows = panel
    if "observed" in rows:
        rows = rows[rows["observed"].astype(bool)]
    rows = rows.dropna(subset=["active"] + ACTIVITY_TERMS)
    return (float(rows["active"].astype(float).mean()) if len(rows) else float("nan")), len(rows)
