"""Time to dormancy: the relationship-years at risk of a dormancy onset and the discrete-time hazard
(complementary log-log GLM, grouped-time proportional hazards) fitted on them."""

from __future__ import annotations

import warnings as pywarnings

import numpy as np
import pandas as pd
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from scipy import stats

from analysis.models.dyadic import dyadic_vcov, standard_errors

from analysis.models.result import (
    DIVERGING_COEF,
    MIN_CLUSTERS,
    ModelResult,
    cluster_numbers,
    cluster_warning,
    empty_result,
    headline_numbers,
    missing_columns,
    never_crash,
    small_sample_rule,
    tidy_table,
    with_cluster_columns,
)
from analysis.models.separation import INTERCEPT, check_design

DURATION_TERMS = {"log": ["log_duration"], "bands": ["duration[3-5]", "duration[6-10]", "duration[11+]"]}


def dormancy_spells(panel: pd.DataFrame, dormancy_years: int = 3) -> pd.DataFrame:
    """Panel rows at risk of falling dormant, in counting-process form.

    Dormancy is a run of at least ``dormancy_years`` years without any event; the
    event is dated to the run's first year (onset), whose lagged drivers describe the
    last year with events before the silence. A silence can only begin in a year that
    follows a year with events, so only those rows (and a relationship's first year)
    are at risk; comparing onsets with rows after silent years would make "no events
    last year" predict dormancy by construction. Rows after the first onset are
    dropped; a silent run cut short by the end of the panel is unknown, so the
    relationship is censored before it. Years no source watched (``observed`` = 0, or absent
    rows) are unknown, never silent: a run cannot cross one, a run cut short by one is
    unknown like one cut short by the panel's end, and the first year after one is not at
    risk (a silence may have begun unseen). Each relationship contributes at most one row
    per year, so it is at risk once at each duration. The last ``dormancy_years`` - 1 years
    of the panel (or of an observed stretch) are censored for every relationship: an onset
    there could not be seen. Adds ``duration`` (years since
    established, the panel's ``age``; years since the first panel year when the panel
    has no ``age``) and ``dormancy`` (1 at onset).
    """
    df = panel.sort_values(["relationship_id", "year"]).reset_index(drop=True)
    if "observed" in df:
        df = df[df["observed"].astype(bool)].reset_index(drop=True)
    silent = df["events"].eq(0).fillna(False).to_numpy(dtype=bool)
    relationship = df["relationship_id"]
    # stretches of consecutive observed years: runs are counted within one
    new_stretch = df["year"].ne(df.groupby("relationship_id")["year"].shift() + 1)
    rid = relationship.astype(str) + "#" + new_stretch.cumsum().astype(str)
    after_gap = new_stretch & relationship.duplicated()
    # Forward length of the silent run starting at each row: cumulative count in reverse.
    rev = df.index[::-1]
    silent_rev = pd.Series(silent[rev], index=rev)
    block = (~silent_rev).groupby(rid.loc[rev].to_numpy()).cumsum()
    run = silent_rev.astype(int).groupby([rid.loc[rev].to_numpy(), block.to_numpy()]).cumsum()
    df["silent_run"] = run.sort_index().to_numpy()
    last_year = df.groupby(rid)["year"].transform("max")
    reaches_end = df["year"] + df["silent_run"] - 1 >= last_year
    onset = df["silent_run"] >= dormancy_years
    unknown = (df["silent_run"] > 0) & reaches_end & ~onset
    stop = onset | unknown
    # Keep rows up to and including the first onset; up to (excluding) an unknown run.
    first_stop = stop.astype(int).groupby(relationship).cumsum()
    before = first_stop.groupby(relationship).shift(fill_value=0) == 0
    # A silence can only begin after a year with events: later silent years continue it.
    after_events = ~pd.Series(silent).groupby(rid).shift(fill_value=False) & ~after_gap
    # Whether a silence beginning in a year lasts dormancy_years can be seen only up to the last year
    # minus dormancy_years - 1 (of the panel or of an observed stretch): later rows are censored for
    # every relationship, not only for those silent there (keeping the active ones, known not to be
    # onsets, while dropping the silent ones would bias the hazard towards zero).
    determinable = df["year"] + dormancy_years - 1 <= last_year
    keep = before & ~(unknown & (first_stop == 1)) & after_events & determinable
    out = df[keep].copy()
    out["dormancy"] = onset[keep].astype(int)
    base = out["age"] if "age" in out else out["year"] - out.groupby("relationship_id")["year"].transform("min")
    out["duration"] = base.astype(float)
    return out.drop(columns=["silent_run"]).reset_index(drop=True)




def duration_terms(duration: pd.Series, kind: str = "log") -> pd.DataFrame:
    """The baseline hazard's terms: ``log_duration`` = log(1 + years since established), or
    dummies for bands of 3-5, 6-10 and 11+ years (0-2 years is the reference)."""
    d = duration.to_numpy(dtype=float)
    if kind == "log":
        return pd.DataFrame({"log_duration": np.log1p(d)}, index=duration.index)
    if kind == "bands":
        return pd.DataFrame({"duration[3-5]": ((d >= 3) & (d <= 5)).astype(float),
                             "duration[6-10]": ((d >= 6) & (d <= 10)).astype(float),
                             "duration[11+]": (d >= 11).astype(float)}, index=duration.index)
    raise ValueError(f"duration must be 'log' or 'bands', not {kind!r}")


def fit_cloglog(y: np.ndarray, X: pd.DataFrame, groups: np.ndarray):
    """Binomial GLM with complementary log-log link, SEs clustered by ``groups``.

    statsmodels' cluster covariance: the sandwich with one score per cluster and the
    small-sample factor G/(G-1) (N-1)/(N-K).
    """
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        glm = GLM(y, X, family=families.Binomial(link=families.links.CLogLog()))
        return glm.fit(cov_type="cluster", cov_kwds={"groups": groups}, maxiter=200)


def _nothing_left(n_events: int, n_rows: int, n_rel: int, dropped: dict[str, str]) -> str:
    """Why no hazard ratio can be estimated, with the counts behind it."""
    return (f"{n_events} dormancy onsets in {n_rows} relationship-years at risk ({n_rel} relationships) and no "
            "term left to estimate: " + "; ".join(
                f"{', '.join(t for t in dropped if dropped[t] == why)}: {why}" for why in dict.fromkeys(dropped.values())))


def cloglog_dyadic(res, city_a, city_b) -> np.ndarray:
    """Dyadic-robust covariance of a fitted cloglog GLM: the rows' score contributions and the
    inverse observed information, every pair of rows whose relationships share a city correlated
    (which includes the rows of one relationship)."""
    model, params = res.model, res.params.to_numpy()
    bread_inv = np.linalg.pinv(-model.hessian(params, observed=True))
    return dyadic_vcov(model.score_obs(params), bread_inv, city_a, city_b)


@never_crash("time_to_dormancy")
def time_to_dormancy(
    panel: pd.DataFrame,
    dormancy_years: int = 3,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    terms: list[str] | None = None,
    duration: str = "log",
) -> ModelResult:
    """Discrete-time hazard of a dormancy onset: a complementary log-log GLM on the
    relationship-years at risk (see :func:`dormancy_spells`).

    The estimand: with yearly data the onset is only known to the year, so the model is
    the grouped-time proportional hazards model (Prentice & Gloeckler 1978):
    P(onset in year t | at risk) = 1 - exp(-exp(x'b + g(t))), whose exp(b) is the hazard
    ratio of an underlying continuous-time proportional hazards model. Years give heavy
    ties, which this handles exactly (a Cox fit would approximate them). The baseline
    g(t) is a function of duration (years since established): ``log`` (default, one
    parameter: a hazard rising or falling with age, which the few onsets of a case
    dataset can carry) or ``bands`` (a step function, closer to Cox's free baseline,
    for larger data). Standard errors are dyadic-robust (rows of relationships that share a
    city may be correlated; clustered by relationship beside them, and alone when the panel
    lacks ``city_a``/``city_b``).
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
    y = spells["dormancy"].to_numpy(dtype=float)
    X = pd.concat([spells[terms].astype(float), duration_terms(spells["duration"], duration)], axis=1)
    X.insert(0, INTERCEPT, 1.0)
    check = check_design(X, y, min_events_per_parameter, "binary", groups=spells["relationship_id"])
    warn = [w for w in check.warnings if not w.startswith("Too few events")]
    dropped = dict(check.dropped)
    # Separation (the discrete-time analogue of a monotone partial likelihood): the estimate is infinite.
    for t in check.separation.terms:
        if t != INTERCEPT:
            dropped[t] = "its hazard ratio is infinite (separation: onsets never or always happen at one level)"
    if n_lost:
        warn.append(f"{n_lost} dormancy onset(s) fall in rows without lagged drivers (first panel year) and are not used.")
    kept = [t for t in X.columns if t not in dropped]
    if kept == [INTERCEPT]:
        return empty_result(model, _nothing_left(n_events, len(spells), n_rel, dropped), len(spells), n_rel)
    n_par = len([t for t in kept if t != INTERCEPT])
    epp = n_events / max(1, n_par)
    if epp < min_events_per_parameter:
        warn.append(
            f"Too few events per parameter: {n_events} dormancy onsets for {n_par} parameters "
            f"({epp:.1f} per parameter, below the {min_events_per_parameter} required); hazard ratios are imprecise."
        )
    groups = pd.factorize(spells["relationship_id"])[0]
    res = None
    for _ in range(len(kept)):
        if kept == [INTERCEPT] or not kept:
            return empty_result(model, _nothing_left(n_events, len(spells), n_rel, dropped), len(spells), n_rel)
        res = fit_cloglog(y, X[kept], groups)
        bad = [t for t in kept if t != INTERCEPT and (abs(res.params[t]) > DIVERGING_COEF or not np.isfinite(res.bse[t]))]
        if not bad:
            break
        for t in bad:
            dropped[t] = "its hazard ratio diverges (near-separation: onsets almost never or always at one level)"
        warn.append(f"Dropped term(s) with diverging hazard ratios: {', '.join(bad)}.")
        kept = [t for t in kept if t not in bad]
    params, se_cluster = res.params.to_numpy(), res.bse.to_numpy()
    se, se_kind = se_cluster, "SEs clustered by relationship"
    if {"city_a", "city_b"} <= set(spells.columns):
        se = standard_errors(cloglog_dyadic(res, spells["city_a"], spells["city_b"]))
        se_kind = "dyadic-robust SEs (relationship-clustered beside them)"
        n_cities = len(set(spells["city_a"]) | set(spells["city_b"]))
        if n_cities < MIN_CLUSTERS:
            warn.append(f"Dyadic-robust standard errors rest on {n_cities} cities; with fewer than about "
                        f"{MIN_CLUSTERS} they are likely too small.")
    else:
        warn += cluster_warning(n_rel)
        warn.append("The panel lacks city_a/city_b: standard errors are clustered by relationship, not dyadic.")
    fit_label = f"discrete-time hazard (complementary log-log GLM, {duration} duration baseline), {se_kind}"
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(params / se))
    n_onset_rel = int(spells.loc[y == 1, "relationship_id"].nunique())
    small = small_sample_rule(n_onset_rel, "with a dormancy onset")
    warn += small
    table = tidy_table(model, kept, params, se, p, ci_level, len(spells), n_rel, fit_label, warn, dropped=dropped,
                       inference=not small)
    table = with_cluster_columns(table, kept, se_cluster, ci_level, inference=not small)
    numbers = headline_numbers(table, warn, fit_label, n_events=n_events, dormancy_years=dormancy_years,
                               events_per_parameter=epp, dropped=dropped, ratio="hazard ratio", duration=duration,
                               n_relationships_with_onset=n_onset_rel, descriptive=bool(small),
                               se_type="dyadic" if "dyadic" in se_kind else "cluster",
                               terms_cluster=cluster_numbers(table))
    return ModelResult(model, table, warn, numbers, fit_label)
