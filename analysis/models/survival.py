"""Time to dormancy: the dormancy spells (counting-process rows at risk) and the Cox model on them."""

from __future__ import annotations

import warnings as pywarnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

from analysis.models.result import (
    DIVERGING_COEF,
    ModelResult,
    cluster_warning,
    empty_result,
    headline_numbers,
    missing_columns,
    never_crash,
    tidy_table,
)
from analysis.models.separation import unidentified_terms


def dormancy_spells(panel: pd.DataFrame, dormancy_years: int = 3) -> pd.DataFrame:
    """Panel rows at risk of falling dormant, in counting-process form.

    Dormancy is a run of at least ``dormancy_years`` years without any event; the
    event is dated to the run's first year (onset), whose lagged drivers describe the
    last year with events before the silence. A silence can only begin in a year that
    follows a year with events, so only those rows (and a relationship's first year)
    are at risk; comparing onsets with rows after silent years would make "no events
    last year" predict dormancy by construction. Rows after the first onset are
    dropped; a silent run cut short by the end of the panel is unknown, so the
    relationship is censored before it. Adds ``entry`` and ``exit`` (years since established: age, age + 1)
    and ``dormancy`` (1 at onset).
    """
    df = panel.sort_values(["relationship_id", "year"]).reset_index(drop=True)
    silent = (df["events"] == 0).to_numpy()
    rid = df["relationship_id"]
    # Forward length of the silent run starting at each row: cumulative count in reverse.
    rev = df.index[::-1]
    silent_rev = pd.Series(silent[rev], index=rev)
    block = (~silent_rev).groupby(rid.loc[rev].to_numpy()).cumsum()
    run = silent_rev.astype(int).groupby([rid.loc[rev].to_numpy(), block.to_numpy()]).cumsum()
    df["silent_run"] = run.sort_index().to_numpy()
    last_year = df.groupby("relationship_id")["year"].transform("max")
    reaches_end = df["year"] + df["silent_run"] - 1 >= last_year
    onset = df["silent_run"] >= dormancy_years
    unknown = (df["silent_run"] > 0) & reaches_end & ~onset
    stop = onset | unknown
    # Keep rows up to and including the first onset; up to (excluding) an unknown run.
    first_stop = stop.astype(int).groupby(rid).cumsum()
    before = first_stop.groupby(rid).shift(fill_value=0) == 0
    # A silence can only begin after a year with events: later silent years continue it.
    after_events = ~pd.Series(silent).groupby(rid).shift(fill_value=False)
    keep = before & ~(unknown & (first_stop == 1)) & after_events
    out = df[keep].copy()
    out["dormancy"] = onset[keep].astype(int)
    base = out["age"] if "age" in out else out["year"] - out.groupby("relationship_id")["year"].transform("min")
    out["entry"] = base.astype(float)
    out["exit"] = out["entry"] + 1.0
    return out.drop(columns=["silent_run"]).reset_index(drop=True)


def _phreg_cluster_cov(model: PHReg, params: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sandwich covariance of a Cox model with score residuals summed per relationship.

    statsmodels' own robust covariance returns NaN whenever a row's (entry, exit]
    interval holds no failure time; such a row's score residual is zero.
    """
    resid = np.nan_to_num(model.score_residuals(params))
    per_group = np.zeros((int(groups.max()) + 1, resid.shape[1]))
    np.add.at(per_group, groups, resid)
    bread = np.linalg.pinv(model.hessian(params))
    return bread @ (per_group.T @ per_group) @ bread


@never_crash("time_to_dormancy")
def time_to_dormancy(
    panel: pd.DataFrame,
    dormancy_years: int = 3,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    terms: list[str] | None = None,
) -> ModelResult:
    """Cox model (statsmodels PHReg) of the time until a relationship falls dormant.

    Time-varying covariates come from the panel rows (counting-process form, see
    :func:`dormancy_spells`); the time scale is the relationship's age, so ``age``
    itself is not a covariate. Ties (yearly data) use Efron's method; standard errors
    are robust, clustered by relationship. Hazard ratios below 1 mean a driver delays
    dormancy.
    """
    model = "time_to_dormancy"
    terms = list(terms or ["leader_visit_lag", "exchange_lag", "cooperation_lag", "log_distance", "international"])
    needed = ["events", "relationship_id", "year"] + terms
    if missing := missing_columns(panel, needed):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    spells = dormancy_spells(panel, dormancy_years)
    n_lost = int(spells.loc[spells[terms].isna().any(axis=1), "dormancy"].sum())
    spells = spells.dropna(subset=terms).reset_index(drop=True)
    n_rel = int(spells["relationship_id"].nunique())
    n_events = int(spells["dormancy"].sum())
    if n_events == 0:
        return empty_result(model, f"no relationship falls dormant ({dormancy_years} silent years) in the usable rows",
                            len(spells), n_rel)
    X = spells[terms].astype(float)
    dropped = unidentified_terms(X, intercept="")
    warn = cluster_warning(n_rel) + [f"'{t}' cannot be estimated: it {why}; dropped." for t, why in dropped.items()]
    if n_lost:
        warn.append(f"{n_lost} dormancy onset(s) fall in rows without lagged drivers (first panel year) and are not used.")
    kept = [t for t in terms if t not in dropped]
    epp = n_events / max(1, len(kept))
    if epp < min_events_per_parameter:
        warn.append(
            f"Too few events per parameter: {n_events} dormancy onsets for {len(kept)} parameters "
            f"({epp:.1f} per parameter, below the {min_events_per_parameter} required); hazard ratios are imprecise."
        )
    groups = pd.factorize(spells["relationship_id"])[0]
    for _ in range(len(kept)):
        if not kept:
            return empty_result(model, "no estimable covariate is left", len(spells), n_rel)
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            ph = PHReg(spells["exit"].to_numpy(), X[kept].to_numpy(), status=spells["dormancy"].to_numpy(),
                       entry=spells["entry"].to_numpy(), ties="efron")
            res = ph.fit()
            params = np.asarray(res.params)
            bse = np.sqrt(np.clip(np.diag(_phreg_cluster_cov(ph, params, groups)), 0, None))
        bad = [t for t, b, s in zip(kept, params, bse) if abs(b) > DIVERGING_COEF or not np.isfinite(s)]
        if not bad:
            break
        # Monotone likelihood (the Cox analogue of separation): drop and refit.
        for t in bad:
            dropped[t] = "its hazard ratio diverges (monotone likelihood: the event never or always happens at one level)"
        warn.append(f"Dropped term(s) with diverging hazard ratios (monotone likelihood): {', '.join(bad)}.")
        kept = [t for t in kept if t not in bad]
    fit_label = "Cox proportional hazards (PHReg, Efron ties), robust SEs clustered by relationship"
    with np.errstate(divide="ignore", invalid="ignore"):
        pvalues = 2 * stats.norm.sf(np.abs(params / bse))
    table = tidy_table(model, kept, params, bse, pvalues, ci_level, len(spells), n_rel, fit_label, warn,
                       dropped=dropped)
    numbers = headline_numbers(table, warn, fit_label, n_events=n_events, dormancy_years=dormancy_years,
                               events_per_parameter=epp, dropped=dropped, ratio="hazard ratio")
    return ModelResult(model, table, warn, numbers, fit_label)
