"""Models of what keeps an inter-city relationship active.

Each model takes the relationship-year panel (DESIGN.md "Default activity model")
and returns a :class:`ModelResult`: a tidy table, plain-English warnings and the
numbers that go to ``results/numbers.json``. Small samples are handled honestly:
unidentified terms are dropped with a note, separation or too few events per
parameter switch a logit to a penalised fit (Firth or L2), and a model that cannot
be fitted at all returns an empty table with a warning saying why. Every row of a
table carries the model's warnings in its ``note``, so no coefficient is shown
without them.
"""

from __future__ import annotations

import functools
import warnings as pywarnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.discrete.conditional_models import ConditionalLogit
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.proportion import proportion_confint

from analysis.models.firth import penalised_logit
from analysis.models.separation import INTERCEPT, check_design, unidentified_terms

DRIVERS = ["leader_visit_lag", "exchange_lag", "cooperation_lag"]
STRUCTURE = ["log_distance", "age", "international"]
ACTIVITY_TERMS = DRIVERS + STRUCTURE

LABELS = {
    INTERCEPT: "intercept (baseline log-odds)",
    "leader_visit_lag": "top-leader visit last year",
    "exchange_lag": "other exchanges last year (log 1 + count)",
    "cooperation_lag": "agreement or project last year",
    "log_distance": "distance between the cities (log km)",
    "age": "years since the relationship was established",
    "international": "international (city abroad)",
    "active_lag": "active last year",
    "alpha": "overdispersion (negative binomial alpha)",
    "leader_visit_share": "share of years with a top-leader visit",
    "exchange_mean": "other exchanges per year (log 1 + mean count)",
    "cooperation_share": "share of years with an agreement or project",
}

TABLE_COLUMNS = [
    "model", "term", "label", "estimate", "ratio", "se", "ci_low", "ci_high",
    "ratio_ci_low", "ratio_ci_high", "p", "n_obs", "n_relationships", "fit", "note",
]

# Below this many clusters, cluster-robust standard errors are too small.
MIN_CLUSTERS = 50
# A maximum-likelihood coefficient beyond this (log scale) signals a diverging fit.
DIVERGING_COEF = 10.0


@dataclass
class ModelResult:
    """One fitted model: tidy table, warnings in plain English, numbers for numbers.json."""

    model: str
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    fit: str = ""

    @property
    def ok(self) -> bool:
        return not self.table.empty


def label(term: str) -> str:
    if term.startswith("year[") and term.endswith("]"):
        return f"year {term[5:-1]}"
    return LABELS.get(term, term.replace("_", " "))


def empty_result(model: str, reason: str, n_obs: int = 0, n_relationships: int = 0) -> ModelResult:
    """A model that could not be fitted: no coefficients, one warning saying why."""
    msg = f"{model} could not be fitted: {reason}"
    numbers = {"terms": {}, "n_obs": n_obs, "n_relationships": n_relationships, "warnings": [msg], "fitted": False}
    return ModelResult(model, pd.DataFrame(columns=TABLE_COLUMNS), [msg], numbers, "not fitted")


def never_crash(model: str) -> Callable:
    """Turn any unexpected error of a model function into an empty result with a warning."""

    def wrap(fn: Callable[..., ModelResult]) -> Callable[..., ModelResult]:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> ModelResult:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the point is to never crash a report
                return empty_result(model, f"{type(exc).__name__}: {exc}")

        return inner

    return wrap


# --------------------------------------------------------------------------- helpers


def _z(ci_level: float) -> float:
    return float(stats.norm.ppf(0.5 + ci_level / 2))


def _missing_columns(df: pd.DataFrame, cols: list[str]) -> list[str]:
    return [c for c in cols if c not in df.columns]


def design_matrix(
    df: pd.DataFrame, terms: list[str], year_effects: bool = False, intercept: bool = True
) -> pd.DataFrame:
    """Float design matrix: intercept, ``terms`` and (optionally) year dummies.

    Year dummies are named ``year[YYYY]`` with the first year as the reference.
    """
    X = df[terms].astype(float)
    if intercept:
        X.insert(0, INTERCEPT, 1.0)
    if year_effects:
        years = sorted(df["year"].unique())
        for y in years[1:]:
            X[f"year[{int(y)}]"] = (df["year"] == y).astype(float)
    return X


def _cluster_warning(n_clusters: int, what: str = "relationships") -> list[str]:
    if n_clusters < MIN_CLUSTERS:
        return [
            f"Only {n_clusters} {what} (clusters): cluster-robust standard errors need about {MIN_CLUSTERS} "
            "or more and are likely too small here."
        ]
    return []


def _tidy(
    model: str,
    terms: list[str],
    params: np.ndarray,
    se: np.ndarray,
    p: np.ndarray,
    ci_level: float,
    n_obs: int,
    n_relationships: int,
    fit: str,
    warnings: list[str],
    ratio: bool = True,
    term_notes: dict[str, str] | None = None,
    dropped: dict[str, str] | None = None,
    no_ratio: tuple[str, ...] = ("alpha",),
) -> pd.DataFrame:
    """The tidy table; dropped terms appear as rows without estimates."""
    term_notes = term_notes or {}
    z = _z(ci_level)
    rows = []
    for t, b, s, pv in zip(terms, params, se, p):
        lo, hi = b - z * s, b + z * s
        r = ratio and t not in no_ratio
        rows.append(
            dict(term=t, estimate=b, se=s, ci_low=lo, ci_high=hi, p=pv,
                 ratio=np.exp(b) if r else np.nan,
                 ratio_ci_low=np.exp(lo) if r else np.nan,
                 ratio_ci_high=np.exp(hi) if r else np.nan)
        )
    for t, why in (dropped or {}).items():
        rows.append(dict(term=t))
        term_notes = {**term_notes, t: f"not estimated: {why}"}
    table = pd.DataFrame(rows, columns=["term", "estimate", "ratio", "se", "ci_low", "ci_high", "ratio_ci_low", "ratio_ci_high", "p"])
    table.insert(0, "model", model)
    table.insert(2, "label", [label(t) for t in table["term"]])
    table["n_obs"] = int(n_obs)
    table["n_relationships"] = int(n_relationships)
    table["fit"] = fit
    table["note"] = [" | ".join([x for x in [term_notes.get(t, "")] + list(warnings) if x]) for t in table["term"]]
    for c in ["estimate", "ratio", "se", "ci_low", "ci_high", "ratio_ci_low", "ratio_ci_high", "p"]:
        table[c] = table[c].astype(float)
    return table[TABLE_COLUMNS]


def _numbers(table: pd.DataFrame, warnings: list[str], fit: str, **extra: Any) -> dict[str, Any]:
    est = table.dropna(subset=["estimate"])
    terms = {
        r.term: {"coef": r.estimate, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high, "p": r.p}
        for r in est.itertuples()
    }
    n_obs = int(table["n_obs"].iloc[0]) if len(table) else 0
    n_rel = int(table["n_relationships"].iloc[0]) if len(table) else 0
    return {"terms": terms, "n_obs": n_obs, "n_relationships": n_rel, "warnings": list(warnings), "fit": fit,
            "fitted": bool(len(est)), **extra}


def _statsmodels_messages(caught: list) -> list[str]:
    out = []
    for w in caught:
        text = str(w.message).strip().splitlines()[0]
        if text and text not in out:
            out.append(text)
    return out


# --------------------------------------------------------------------------- binary outcomes


@dataclass
class _BinaryFit:
    terms: list[str]
    params: np.ndarray
    se: np.ndarray
    p: np.ndarray
    fit: str
    penalised: bool
    warnings: list[str]
    term_notes: dict[str, str]
    dropped: dict[str, str]
    events_per_parameter: float
    separation: str


def _fit_binary(
    y: np.ndarray,
    X: pd.DataFrame,
    cov_type: str,
    cov_kwds: dict | None,
    fit_label: str,
    min_events_per_parameter: int,
    penalty: str,
    ci_level: float,
) -> _BinaryFit | str:
    """Logit with the small-sample checks; returns the reason as str when impossible."""
    if len(y) == 0:
        return "no usable rows (every row lacks the outcome or a driver)"
    if np.all(y == y[0]):
        return f"the outcome takes a single value ({int(y[0])}) in all {len(y)} rows, so nothing can be compared"
    check = check_design(X, y, min_events_per_parameter, "binary")
    warn = list(check.warnings)
    Xk = X[check.kept]
    notes = {t: "separated: maximum-likelihood estimate is infinite; penalised estimate shown" for t in check.separation.terms}
    use_penalty = check.needs_penalty
    res = None
    if not use_penalty:
        with pywarnings.catch_warnings(record=True) as caught:
            pywarnings.simplefilter("always")
            try:
                res = sm.Logit(y, Xk).fit(disp=0, maxiter=200, cov_type=cov_type, cov_kwds=cov_kwds)
            except Exception as exc:  # noqa: BLE001 - e.g. singular Hessian
                warn.append(f"Maximum-likelihood logit failed ({type(exc).__name__}: {exc}).")
                res = None
        if res is not None:
            converged = bool(res.mle_retvals.get("converged", True))
            diverging = [t for t, b in res.params.items() if abs(b) > DIVERGING_COEF]
            if not converged or diverging or not np.all(np.isfinite(res.bse)):
                warn.append(
                    "Maximum-likelihood logit did not settle"
                    + (f" (diverging: {', '.join(diverging)})" if diverging else "")
                    + "; treated as separation."
                    + (f" statsmodels said: {'; '.join(_statsmodels_messages(caught))}" if caught else "")
                )
                notes.update({t: "diverging under maximum likelihood; penalised estimate shown" for t in diverging})
                res = None
        use_penalty = res is None
    if use_penalty:
        pf = penalised_logit(y, Xk.to_numpy(), penalty=penalty, intercept_col=0 if INTERCEPT in Xk else None)
        what = "Firth penalised likelihood" if penalty == "firth" else "L2 (ridge, alpha=1) penalised likelihood"
        fit = f"logit, {what}, model-based SEs, Wald CIs"
        warn.append(
            f"Fitted by {what} instead of maximum likelihood because of the problems above; "
            "standard errors are model-based (not clustered) and Wald intervals may be too narrow."
        )
        if not pf.converged:
            warn.append(f"The penalised fit did not converge after {pf.n_iter} iterations; treat its estimates as unreliable.")
        return _BinaryFit(list(Xk.columns), pf.params, pf.bse, pf.pvalues(), fit, True, warn, notes,
                          check.dropped, check.events_per_parameter, check.separation.kind)
    return _BinaryFit(list(Xk.columns), res.params.to_numpy(), res.bse.to_numpy(), res.pvalues.to_numpy(),
                      f"logit, {fit_label}", False, warn, notes, check.dropped, check.events_per_parameter,
                      check.separation.kind)


@never_crash("activity_logit")
def activity_logit(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    terms: list[str] | None = None,
) -> ModelResult:
    """The default model: ``active ~ drivers + structure`` clustered by relationship.

    Adds a robustness column set (``se_twoway``, ``ci_low_twoway``, ``ci_high_twoway``,
    ``p_twoway``) with standard errors clustered two-way by ``city_a`` and ``city_b``.
    """
    model = "activity_logit"
    terms = list(terms or ACTIVITY_TERMS)
    needed = ["active", "relationship_id"] + terms + (["year"] if year_effects else [])
    if missing := _missing_columns(panel, needed):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.dropna(subset=needed).reset_index(drop=True)
    n_rel = int(df["relationship_id"].nunique())
    y = df["active"].to_numpy(dtype=float)
    X = design_matrix(df, terms, year_effects)
    groups = pd.factorize(df["relationship_id"])[0]
    fit = _fit_binary(y, X, "cluster", {"groups": groups}, "cluster-robust by relationship",
                      min_events_per_parameter, penalty, ci_level)
    if isinstance(fit, str):
        return empty_result(model, fit, len(df), n_rel)
    warn = _cluster_warning(n_rel) + fit.warnings
    table = _tidy(model, fit.terms, fit.params, fit.se, fit.p, ci_level, len(df), n_rel, fit.fit, warn,
                  term_notes=fit.term_notes, dropped=fit.dropped)
    # Robustness: two-way clustering by the two cities (relationships sharing a city are dependent).
    tw = pd.DataFrame({"term": fit.terms})
    tw_info = "not computed"
    if fit.penalised:
        tw_info = "not computed for a penalised fit"
    elif {"city_a", "city_b"} <= set(df.columns):
        g2 = np.column_stack([pd.factorize(df["city_a"])[0], pd.factorize(df["city_b"])[0]])
        try:
            with pywarnings.catch_warnings():
                pywarnings.simplefilter("ignore")
                r2 = sm.Logit(y, X[fit.terms]).fit(disp=0, maxiter=200, cov_type="cluster", cov_kwds={"groups": g2})
            z = _z(ci_level)
            tw["se_twoway"] = r2.bse.to_numpy()
            tw["ci_low_twoway"] = r2.params.to_numpy() - z * tw["se_twoway"]
            tw["ci_high_twoway"] = r2.params.to_numpy() + z * tw["se_twoway"]
            tw["p_twoway"] = r2.pvalues.to_numpy()
            n_a, n_b = df["city_a"].nunique(), df["city_b"].nunique()
            tw_info = f"two-way clustered by city_a ({n_a} cities) and city_b ({n_b} cities)"
            if min(n_a, n_b) < MIN_CLUSTERS:
                warn.append(
                    f"The two-way clustered robustness columns rest on {min(n_a, n_b)} cities on one side; "
                    f"with fewer than about {MIN_CLUSTERS} clusters they are unreliable."
                )
                table["note"] = [n + " | " + warn[-1] if n else warn[-1] for n in table["note"]]
        except Exception as exc:  # noqa: BLE001
            tw_info = f"failed ({type(exc).__name__}: {exc})"
    else:
        tw_info = "not computed: the panel lacks city_a/city_b"
    table = table.merge(tw, on="term", how="left")
    for c in ["se_twoway", "ci_low_twoway", "ci_high_twoway", "p_twoway"]:
        if c not in table:
            table[c] = np.nan
    numbers = _numbers(table, warn, fit.fit, penalised=fit.penalised,
                       events_per_parameter=fit.events_per_parameter, separation=fit.separation,
                       dropped=fit.dropped, year_effects=year_effects, robustness=tw_info,
                       terms_twoway={r.term: {"se": r.se_twoway, "ci_low": r.ci_low_twoway,
                                               "ci_high": r.ci_high_twoway, "p": r.p_twoway}
                                     for r in table.dropna(subset=["se_twoway"]).itertuples()})
    return ModelResult(model, table, warn, numbers, fit.fit)


# --------------------------------------------------------------------------- counts


@never_crash("event_counts")
def event_counts(
    panel: pd.DataFrame,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    terms: list[str] | None = None,
) -> ModelResult:
    """Negative binomial (NB2) of yearly event counts on the drivers; IRRs, clustered SEs.

    Terms whose estimates are infinite (count-data separation) are dropped with a note;
    when the negative binomial does not converge a Poisson GLM with the same clustered
    standard errors is reported instead.
    """
    model = "event_counts"
    terms = list(terms or ACTIVITY_TERMS)
    needed = ["events", "relationship_id"] + terms + (["year"] if year_effects else [])
    if missing := _missing_columns(panel, needed):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.dropna(subset=needed).reset_index(drop=True)
    n_rel = int(df["relationship_id"].nunique())
    y = df["events"].to_numpy(dtype=float)
    if len(y) == 0 or (y == 0).all():
        return empty_result(model, "no usable rows with events", len(df), n_rel)
    X = design_matrix(df, terms, year_effects)
    check = check_design(X, y, min_events_per_parameter, "count")
    warn = _cluster_warning(n_rel) + list(check.warnings)
    dropped = dict(check.dropped)
    for t in check.separation.terms:
        if t != INTERCEPT:
            dropped[t] = "its count-model estimate is infinite (separation: no events wherever it points)"
    if check.separation.found:
        warn.append(f"Dropped term(s) with infinite estimates: {', '.join(t for t in check.separation.terms if t != INTERCEPT)}.")
    kept = [c for c in X.columns if c not in dropped]
    Xk = X[kept]
    groups = pd.factorize(df["relationship_id"])[0]
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    res, fit_label = None, ""
    with pywarnings.catch_warnings(record=True):
        pywarnings.simplefilter("always")
        try:
            nb = sm.NegativeBinomial(y, Xk, loglike_method="nb2")
            res = nb.fit(disp=0, maxiter=500, method="bfgs", **cov)
            if not res.mle_retvals.get("converged", True) or not np.all(np.isfinite(res.bse)):
                res = nb.fit(start_params=res.params, disp=0, maxiter=100, method="newton", **cov)
            if not res.mle_retvals.get("converged", True) or not np.all(np.isfinite(res.bse)):
                res = None
            fit_label = "negative binomial (NB2), cluster-robust by relationship"
        except Exception:  # noqa: BLE001
            res = None
        if res is None:
            warn.append("The negative binomial did not converge; a Poisson model with cluster-robust SEs is reported.")
            res = sm.GLM(y, Xk, family=sm.families.Poisson()).fit(**cov)
            fit_label = "Poisson GLM, cluster-robust by relationship"
    names = list(res.params.index)
    table = _tidy(model, names, res.params.to_numpy(), res.bse.to_numpy(), np.asarray(res.pvalues), ci_level,
                  len(df), n_rel, fit_label, warn, dropped=dropped)
    numbers = _numbers(table, warn, fit_label, events_per_parameter=check.events_per_parameter,
                       dropped=dropped, ratio="incidence rate ratio")
    return ModelResult(model, table, warn, numbers, fit_label)


# --------------------------------------------------------------------------- time to dormancy


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
    if missing := _missing_columns(panel, needed):
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
    warn = _cluster_warning(n_rel) + [f"'{t}' cannot be estimated: it {why}; dropped." for t, why in dropped.items()]
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
    table = _tidy(model, kept, params, bse, pvalues, ci_level, len(spells), n_rel, fit_label, warn,
                  dropped=dropped)
    numbers = _numbers(table, warn, fit_label, n_events=n_events, dormancy_years=dormancy_years,
                       events_per_parameter=epp, dropped=dropped, ratio="hazard ratio")
    return ModelResult(model, table, warn, numbers, fit_label)


# --------------------------------------------------------------------------- within relationship


def _conditional_logit_robust_cov(model: ConditionalLogit, params: np.ndarray) -> np.ndarray:
    """Sandwich covariance with one score per relationship (the conditioning groups)."""
    bread = np.linalg.pinv(-model.hessian(params))
    scores = np.array([model.score_grp(g, params) for g in range(len(model._endog_grp))])
    return bread @ (scores.T @ scores) @ bread


@never_crash("within_relationship")
def within_relationship(
    panel: pd.DataFrame,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    terms: list[str] | None = None,
) -> ModelResult:
    """Conditional (fixed-effects) logit of ``active``, grouped by relationship.

    Compares a relationship's active and inactive years with each other, so anything
    constant within a relationship (distance, international, kind) drops out. Only
    relationships that switch between active and inactive years identify it. The
    lagged outcome is left out: with relationship effects it would be biased (Nickell).
    Standard errors are robust with one score per relationship.
    """
    model = "within_relationship"
    terms = list(terms or DRIVERS + ["age"])
    needed = ["active", "relationship_id"] + terms
    if missing := _missing_columns(panel, needed):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.dropna(subset=needed).reset_index(drop=True)
    n_total = int(df["relationship_id"].nunique())
    varies = df.groupby("relationship_id")["active"].transform("nunique") > 1
    df = df[varies].reset_index(drop=True)
    n_rel = int(df["relationship_id"].nunique())
    if n_rel == 0:
        return empty_result(model, f"none of the {n_total} relationships switches between active and inactive years",
                            0, 0)
    X = df[terms].astype(float)
    # Within-relationship variation only: demeaned terms that are all zero cannot be estimated.
    demeaned = X - X.groupby(df["relationship_id"]).transform("mean")
    dropped = unidentified_terms(demeaned.round(12), intercept="")
    dropped = {t: (why if "single value" not in why else "does not vary within any relationship") for t, why in dropped.items()}
    kept = [t for t in terms if t not in dropped]
    ident = f"Identified by {n_rel} of {n_total} relationships (those that switch between active and inactive years)."
    warn = [ident] + _cluster_warning(n_rel, "switching relationships")
    warn += [f"'{t}' cannot be estimated: it {why}; dropped." for t, why in dropped.items()]
    y = df["active"].to_numpy(dtype=float)
    n_events = int(min((y == 1).sum(), (y == 0).sum()))
    epp = n_events / max(1, len(kept))
    if epp < min_events_per_parameter:
        warn.append(
            f"Too few events per parameter: {n_events} events (the rarer outcome, within switching relationships) for "
            f"{len(kept)} parameters ({epp:.1f} per parameter, below the {min_events_per_parameter} required)."
        )
    if not kept:
        return empty_result(model, "no term varies within relationships", len(df), n_rel)
    groups = pd.factorize(df["relationship_id"])[0]
    notes: dict[str, str] = {}
    for _ in range(len(kept) + 1):
        if not kept:
            return empty_result(model, "every term diverges (separation within relationships)", len(df), n_rel)
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            cl = ConditionalLogit(y, X[kept].to_numpy(), groups=groups)
            params = np.asarray(cl.fit(method="bfgs", maxiter=1000).params)
            cov = _conditional_logit_robust_cov(cl, params)
            # Newton step still to go: a settled fit has essentially none left.
            remaining = np.abs(np.linalg.pinv(-cl.hessian(params)) @ cl.score(params)).max()
        diverging = [t for t, b in zip(kept, params) if abs(b) > DIVERGING_COEF]
        if not diverging:
            break
        # Separation within relationships: the term's estimate is infinite; drop it and refit.
        for t in diverging:
            dropped[t] = "its estimate diverges (separation within relationships)"
        warn.append(f"Dropped term(s) whose estimates diverge (separation within relationships): {', '.join(diverging)}.")
        kept = [t for t in kept if t not in diverging]
    if not remaining < 1e-3:
        warn.append("The conditional likelihood did not settle; these estimates are not reliable.")
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(params / se))
    fit_label = "conditional logit (relationship fixed effects), robust SEs by relationship"
    table = _tidy(model, kept, params, se, p, ci_level, len(df), n_rel, fit_label, warn, term_notes=notes,
                  dropped=dropped)
    numbers = _numbers(table, warn, fit_label, n_relationships_total=n_total, events_per_parameter=epp,
                       dropped=dropped)
    return ModelResult(model, table, warn, numbers, fit_label)


# --------------------------------------------------------------------------- transitions


@never_crash("transitions")
def transitions(panel: pd.DataFrame, ci_level: float = 0.95, n_boot: int = 1000, seed: int = 0) -> ModelResult:
    """Year-to-year transition probabilities between active and inactive years.

    ``ci_low``/``ci_high`` are Wilson intervals (they treat years as independent);
    ``boot_ci_low``/``boot_ci_high`` resample whole relationships (seeded percentile
    bootstrap), which respects that a relationship's years are dependent.
    """
    model = "transitions"
    if missing := _missing_columns(panel, ["active", "relationship_id", "year"]):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.sort_values(["relationship_id", "year"])
    prev = df["active_lag"] if "active_lag" in df else df.groupby("relationship_id")["active"].shift()
    df = df.assign(prev=prev).dropna(subset=["prev", "active"])
    n_rel = int(df["relationship_id"].nunique())
    if df.empty:
        return empty_result(model, "no relationship has two consecutive years")
    df["from_active"] = df["prev"].astype(int)
    df["to_active"] = df["active"].astype(int)
    states = {1: "active", 0: "inactive"}
    cells = [(1, 1), (1, 0), (0, 1), (0, 0)]
    # Per-relationship counts of each transition, for the cluster bootstrap.
    counts = (
        df.groupby(["relationship_id", "from_active", "to_active"]).size()
        .unstack(["from_active", "to_active"], fill_value=0)
        .reindex(columns=pd.MultiIndex.from_tuples(cells), fill_value=0)
    )
    C = counts.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(C), size=(n_boot, len(C)))
    boot = C[draws].sum(axis=1)  # n_boot x 4
    alpha = 1 - ci_level
    rows, warn = [], []
    for j, (a, b) in enumerate(cells):
        from_cols = [k for k, (aa, _) in enumerate(cells) if aa == a]
        n_from = int(C[:, from_cols].sum())
        k = int(C[:, j].sum())
        if n_from == 0:
            rows.append(dict(term=f"{states[a]} -> {states[b]}", n_obs=0, count=0))
            warn.append(f"No year follows an {states[a]} year, so transitions from {states[a]} cannot be estimated.")
            continue
        lo, hi = proportion_confint(k, n_from, alpha=alpha, method="wilson")
        with np.errstate(invalid="ignore", divide="ignore"):
            bp = boot[:, j] / boot[:, from_cols].sum(axis=1)
        bp = bp[np.isfinite(bp)]
        blo, bhi = (np.quantile(bp, [alpha / 2, 1 - alpha / 2]) if len(bp) else (np.nan, np.nan))
        rows.append(dict(term=f"{states[a]} -> {states[b]}", estimate=k / n_from, ci_low=lo, ci_high=hi,
                         boot_ci_low=blo, boot_ci_high=bhi, n_obs=n_from, count=k))
    if n_rel < MIN_CLUSTERS:
        warn.append(f"Only {n_rel} relationships: the bootstrap intervals rest on few relationships and are rough.")
    table = pd.DataFrame(rows)
    table.insert(0, "model", model)
    table.insert(2, "label", [f"probability that a year after an {t.split(' -> ')[0]} year is {t.split(' -> ')[1]}"
                              for t in table["term"]])
    for c in ["estimate", "ci_low", "ci_high", "boot_ci_low", "boot_ci_high"]:
        table[c] = table.get(c, np.nan)
        table[c] = table[c].astype(float)
    table["ratio"] = np.nan
    table["se"] = np.sqrt(table["estimate"] * (1 - table["estimate"]) / table["n_obs"].where(table["n_obs"] > 0))
    table["ratio_ci_low"] = np.nan
    table["ratio_ci_high"] = np.nan
    table["p"] = np.nan
    table["n_relationships"] = n_rel
    fit_label = f"transition proportions, Wilson CIs; cluster bootstrap by relationship ({n_boot} draws, seed {seed})"
    table["fit"] = fit_label
    table["note"] = " | ".join(["Wilson intervals treat years as independent; the bootstrap columns resample relationships."] + warn)
    table = table[TABLE_COLUMNS + ["count", "boot_ci_low", "boot_ci_high"]]
    numbers = {
        "terms": {r.term: {"coef": r.estimate, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high, "p": None,
                           "boot_ci_low": r.boot_ci_low, "boot_ci_high": r.boot_ci_high, "count": int(r.count),
                           "n": int(r.n_obs)}
                  for r in table.dropna(subset=["estimate"]).itertuples()},
        "n_obs": int(table["n_obs"].sum()), "n_relationships": n_rel, "warnings": warn, "fit": fit_label,
        "fitted": True, "seed": seed,
    }
    return ModelResult(model, table, warn, numbers, fit_label)


# --------------------------------------------------------------------------- reported status

REPORTED_ACTIVE = {"active"}
REPORTED_INACTIVE = {"dormant", "suspended", "ended"}
STATUS_TERMS = ["leader_visit_share", "exchange_mean", "cooperation_share", "log_distance", "international"]


def status_features(panel: pd.DataFrame, relationships: pd.DataFrame) -> pd.DataFrame:
    """One row per relationship with a reported status: outcome and panel summaries.

    ``reported_active`` is 1 for status ``active`` and 0 for dormant/suspended/ended
    (``unknown`` and blanks are left out). The drivers are summarised over the panel
    years up to ``status_as_of`` (all years when it is blank): share of years with a
    top-leader visit, with an agreement or project, and log(1 + mean yearly count of
    other exchanges).
    """
    rel = relationships[["relationship_id", "status"] + (["status_as_of"] if "status_as_of" in relationships else [])]
    rel = rel.assign(status=rel["status"].astype("string").str.strip().str.lower())
    rel = rel[rel["status"].isin(REPORTED_ACTIVE | REPORTED_INACTIVE)].copy()
    if "status_as_of" not in rel:
        rel["status_as_of"] = np.nan
    rel["status_as_of"] = pd.to_numeric(rel["status_as_of"], errors="coerce")
    df = panel.merge(rel[["relationship_id", "status_as_of"]], on="relationship_id")
    df = df[df["status_as_of"].isna() | (df["year"] <= df["status_as_of"])]
    g = df.groupby("relationship_id")
    feats = pd.DataFrame({
        "leader_visit_share": g["leader_visit"].mean(),
        "exchange_mean": np.log1p(g["exchange_count"].mean()),
        "cooperation_share": g["cooperation"].mean(),
        "log_distance": g["log_distance"].first(),
        "international": g["international"].first(),
        "n_years": g.size(),
    }).reset_index()
    out = rel.merge(feats, on="relationship_id", how="left")
    out["reported_active"] = out["status"].isin(REPORTED_ACTIVE).astype(int)
    return out.sort_values("relationship_id").reset_index(drop=True)


def read_reported_status(data_dir) -> pd.DataFrame:
    """``relationship_id, status, status_as_of`` from ``relationships.csv``/``.xlsx`` in ``data_dir``.

    Only the status fields are read (no gazetteer), so the model of reported status
    does not wait for city resolution; validation (notebook 00) checks the rest.
    ``status_as_of`` keeps the year of values such as ``2023`` or ``2023年``.
    """
    from pathlib import Path

    from analysis.data.files import read_table, table_files

    frames = [read_table(p, p.name).frame for p in table_files(Path(data_dir), "relationships")]
    frames = [f for f in frames if "relationship_id" in f.columns]
    if not frames:
        return pd.DataFrame(columns=["relationship_id", "status", "status_as_of"])
    rel = pd.concat(frames, ignore_index=True)
    for c in ("status", "status_as_of"):
        if c not in rel:
            rel[c] = ""
    year = rel["status_as_of"].astype("string").str.extract(r"(\d{4})")[0]
    return pd.DataFrame({
        "relationship_id": rel["relationship_id"].astype("string").str.strip(),
        "status": rel["status"].astype("string").str.strip().str.lower(),
        "status_as_of": pd.to_numeric(year, errors="coerce").astype("Int64"),
    })


@never_crash("reported_status")
def reported_status(
    panel: pd.DataFrame,
    relationships: pd.DataFrame | None,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    terms: list[str] | None = None,
) -> ModelResult:
    """Cross-sectional logit of the reported status (active vs dormant/suspended/ended).

    Descriptive: the drivers are measured over the same years the status describes,
    so this says which relationships sources call active, not what keeps them so.
    Heteroskedasticity-robust (HC1) standard errors, one row per relationship.
    """
    model = "reported_status"
    terms = list(terms or STATUS_TERMS)
    if relationships is None or "status" not in getattr(relationships, "columns", []):
        return empty_result(model, "no relationships table with a status column was given")
    if missing := _missing_columns(panel, ["relationship_id", "year", "leader_visit", "exchange_count",
                                           "cooperation", "log_distance", "international"]):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    feats = status_features(panel, relationships)
    n_status = len(feats)
    feats = feats.dropna(subset=terms).reset_index(drop=True)
    warn = []
    if n_status == 0:
        return empty_result(model, "no relationship has a reported status of active, dormant, suspended or ended")
    if len(feats) < n_status:
        warn.append(f"{n_status - len(feats)} relationship(s) with a reported status have no panel years before it; left out.")
    y = feats["reported_active"].to_numpy(dtype=float)
    X = design_matrix(feats, terms)
    fit = _fit_binary(y, X, "HC1", None, "HC1 robust SEs", min_events_per_parameter, penalty, ci_level)
    if isinstance(fit, str):
        return empty_result(model, fit, len(feats), len(feats))
    warn = warn + fit.warnings
    table = _tidy(model, fit.terms, fit.params, fit.se, fit.p, ci_level, len(feats), len(feats), fit.fit, warn,
                  term_notes=fit.term_notes, dropped=fit.dropped)
    numbers = _numbers(table, warn, fit.fit, penalised=fit.penalised, events_per_parameter=fit.events_per_parameter,
                       separation=fit.separation, dropped=fit.dropped,
                       n_reported_active=int(y.sum()), n_reported_inactive=int(len(y) - y.sum()))
    return ModelResult(model, table, warn, numbers, fit.fit)


# --------------------------------------------------------------------------- all together


def fit_all(
    panel: pd.DataFrame,
    relationships: pd.DataFrame | None = None,
    year_effects: bool = False,
    ci_level: float = 0.95,
    min_events_per_parameter: int = 10,
    penalty: str = "firth",
    dormancy_years: int = 3,
    seed: int = 0,
) -> dict[str, ModelResult]:
    """Every model of notebook 30, keyed by its numbers.json key."""
    common = dict(ci_level=ci_level, min_events_per_parameter=min_events_per_parameter)
    return {
        "activity_logit": activity_logit(panel, year_effects=year_effects, penalty=penalty, **common),
        "event_counts": event_counts(panel, year_effects=year_effects, **common),
        "time_to_dormancy": time_to_dormancy(panel, dormancy_years=dormancy_years, **common),
        "within_relationship": within_relationship(panel, **common),
        "transitions": transitions(panel, ci_level=ci_level, seed=seed),
        "reported_status": reported_status(panel, relationships, penalty=penalty, **common),
    }


def support_summary(panel: pd.DataFrame, results: dict[str, ModelResult], min_events_per_parameter: int = 10) -> str:
    """Plain-English markdown: what these data can and cannot support, model by model."""
    n_rel = panel["relationship_id"].nunique() if "relationship_id" in panel else 0
    lines = [
        f"The panel holds **{len(panel)} relationship-years** of **{n_rel} relationships**"
        + (f" ({int(panel['year'].min())}–{int(panel['year'].max())})" if len(panel) else "")
        + (f", of which {int(panel['active'].sum())} are active years." if "active" in panel else "."),
        "",
    ]
    trouble = []
    for name, r in results.items():
        n = r.numbers
        if not r.ok:
            lines.append(f"- **{name}**: not fitted — {r.warnings[0] if r.warnings else 'no reason given'}")
            trouble.append(name)
            continue
        bits = [r.fit]
        epp = n.get("events_per_parameter")
        if epp is not None and np.isfinite(epp):
            bits.append(f"{epp:.1f} events per parameter")
        if n.get("dropped"):
            bits.append("not estimable: " + ", ".join(n["dropped"]))
        lines.append(f"- **{name}**: " + "; ".join(bits) + f" ({len(r.warnings)} warning(s)).")
        if n.get("penalised") or n.get("dropped") or (epp is not None and epp < min_events_per_parameter):
            trouble.append(name)
    lines.append("")
    main = results.get("activity_logit")
    if main is not None and main.ok and "activity_logit" not in trouble:
        lines.append(
            "**Can support:** the default activity logit has enough events per parameter and identifies every "
            "term, so its confidence intervals and tests can be read at face value (mind any warnings above)."
        )
    else:
        lines.append(
            "**Cannot support:** firm conclusions about which driver keeps a relationship active. The default "
            "model is short of events (or separated), so its estimates are penalised or partial: read their "
            "signs as descriptive hints, not as tests of the three drivers. The power analysis (notebook 50) "
            "shows how many relationships and years a confirmatory test needs."
        )
        lines.append(
            "**Can support:** describing what happened — which relationships were active when, the transition "
            "shares between active and inactive years, and the cases behind each estimate."
        )
    if trouble:
        lines.append("")
        lines.append("Models with small-sample problems: " + ", ".join(trouble) + ".")
    return "\n".join(lines)
