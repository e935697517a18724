"""What every model returns (ModelResult, the tidy table, the numbers for numbers.json) and the
helpers the models share: term names and labels, the design matrix, empty results that say why."""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models.separation import INTERCEPT

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
    "log_duration": "duration (log 1 + years since established)",
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
# Below this many relationships contributing variation a model is descriptive (no p-values or intervals).
MIN_VARYING_RELATIONSHIPS = 20
# A maximum-likelihood coefficient beyond this (log scale) signals a diverging fit.
DIVERGING_COEF = 10.0


@dataclass
class ModelResult:
    """One fitted model: tidy table, warnings in plain English, numbers for numbers.json.

    Small samples are handled honestly: unidentified terms are dropped with a note,
    separation or too few events per parameter switch a logit to a penalised fit
    (Firth or L2), and a model that cannot be fitted at all returns an empty table with
    a warning saying why. Every row of a table carries the model's warnings in its
    ``note``, so no coefficient is shown without them.
    """

    model: str
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    fit: str = ""

    @property
    def ok(self) -> bool:
        return not self.table.empty


def label(term: str) -> str:
    """Plain-English label of a model term (year dummies ``year[YYYY]`` become ``year YYYY``)."""
    if term.startswith("year[") and term.endswith("]"):
        return f"year {term[5:-1]}"
    for prefix, words in (("any:", "any event"), ("count:", "how many")):  # the two parts of a hurdle model
        if term.startswith(prefix):
            return f"{words}: {label(term[len(prefix):])}"
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


def frame_digest(df: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and values (row order matters, the index does not)."""
    h = hashlib.sha256(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def reuse_fits(maxsize: int = 64) -> Callable:
    """Keep the last ``maxsize`` results of a model function ``(panel, ...) -> ModelResult`` in memory,
    keyed by the panel's contents (:func:`frame_digest`) and every argument (defaults filled in), and
    hand out deep copies. The same fit is asked for several times in one run (the dynamic model's pooled
    fallback is the pooled model's own fit; the multiverse repeats the registry's fits), and a Firth fit
    with its profile intervals is not cheap. ``fn.cache_clear()`` empties the store."""

    def wrap(fn: Callable[..., ModelResult]) -> Callable[..., ModelResult]:
        store: OrderedDict[tuple, ModelResult] = OrderedDict()
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(panel: pd.DataFrame, *args: Any, **kwargs: Any) -> ModelResult:
            try:
                bound = signature.bind(panel, *args, **kwargs)
                bound.apply_defaults()
                options = tuple((k, repr(v)) for k, v in list(bound.arguments.items())[1:])
                key = (frame_digest(panel), options)
            except (TypeError, ValueError):  # e.g. an unhashable column: fit without reuse
                return fn(panel, *args, **kwargs)
            if key not in store:
                store[key] = fn(panel, *args, **kwargs)
                if len(store) > maxsize:
                    store.popitem(last=False)
            store.move_to_end(key)
            return copy.deepcopy(store[key])

        inner.cache_clear = store.clear  # type: ignore[attr-defined]
        return inner

    return wrap


# --------------------------------------------------------------------------- shared by the model modules


def z_value(ci_level: float) -> float:
    """Normal quantile of a two-sided interval at ``ci_level`` (1.96 for 0.95)."""
    return float(stats.norm.ppf(0.5 + ci_level / 2))


def missing_columns(df: pd.DataFrame, cols: list[str]) -> list[str]:
    """The columns of ``cols`` that ``df`` lacks, in order."""
    return [c for c in cols if c not in df.columns]


@dataclass
class ModelRows:
    """The rows a panel model is fitted on: complete in the outcome, the terms and (with year effects)
    the year; ``y`` the outcome, ``n_rel`` the relationships they come from, ``groups`` their codes."""

    df: pd.DataFrame
    y: np.ndarray
    n_rel: int
    terms: list[str]
    year_effects: bool

    @functools.cached_property
    def X(self) -> pd.DataFrame:
        return design_matrix(self.df, self.terms, self.year_effects)

    @property
    def groups(self) -> np.ndarray:
        return pd.factorize(self.df["relationship_id"])[0]


def model_rows(panel: pd.DataFrame, model: str, outcome: str, terms: list[str],
               year_effects: bool) -> ModelRows | ModelResult:
    """The rows to fit ``model`` on, or an empty result naming the columns the panel lacks."""
    needed = [outcome, "relationship_id"] + terms + (["year"] if year_effects else [])
    if missing := missing_columns(panel, needed):
        return empty_result(model, f"the panel lacks column(s) {', '.join(missing)}")
    df = panel.dropna(subset=needed).reset_index(drop=True)
    return ModelRows(df, df[outcome].to_numpy(dtype=float), int(df["relationship_id"].nunique()), terms, year_effects)


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


def cluster_warning(n_clusters: int, what: str = "relationships") -> list[str]:
    """A warning when there are too few clusters for cluster-robust standard errors, else none."""
    if n_clusters < MIN_CLUSTERS:
        return [
            f"Only {n_clusters} {what} (clusters): cluster-robust standard errors need about {MIN_CLUSTERS} "
            "or more and are likely too small here."
        ]
    return []


def small_sample_rule(n_varying: int, what: str) -> list[str]:
    """The warning that makes a model descriptive when fewer than ``MIN_VARYING_RELATIONSHIPS``
    relationships contribute variation (``what`` says which, e.g. "with any event"), else none.

    Cluster-robust (and dyadic) standard errors from so few clusters are too small and their
    t-statistics far from normal, so such a model gets no p-values or intervals."""
    if n_varying < MIN_VARYING_RELATIONSHIPS:
        return [f"Descriptive only: {n_varying} relationship(s) {what} contribute variation, fewer than "
                f"{MIN_VARYING_RELATIONSHIPS}; cluster-robust standard errors from so few clusters are unreliable, "
                "so no standard errors, intervals or p-values are shown."]
    return []


def tidy_table(
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
    inference: bool = True,
    ci: np.ndarray | None = None,
) -> pd.DataFrame:
    """The tidy table; dropped terms appear as rows without estimates.

    ``inference=False`` (a descriptive model: see :func:`small_sample_rule`) keeps the
    estimates and ratios but leaves SE, intervals and p-values empty. ``ci`` (k x 2, e.g.
    profile likelihood intervals) replaces the Wald intervals estimate +- z SE."""
    term_notes = term_notes or {}
    z = z_value(ci_level)
    if not inference:
        se = np.full(len(params), np.nan)
        p = np.full(len(params), np.nan)
    rows = []
    if ci is None or not inference:
        ci = np.column_stack([np.asarray(params) - z * np.asarray(se), np.asarray(params) + z * np.asarray(se)])
    for t, b, s, pv, (lo, hi) in zip(terms, params, se, p, np.asarray(ci, dtype=float)):
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


def headline_numbers(table: pd.DataFrame, warnings: list[str], fit: str, **extra: Any) -> dict[str, Any]:
    """A model's numbers.json entry: estimated terms, counts, warnings, fit and any ``extra`` keys."""
    est = table.dropna(subset=["estimate"])
    terms = {
        r.term: {"coef": r.estimate, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high, "p": r.p}
        for r in est.itertuples()
    }
    n_obs = int(table["n_obs"].iloc[0]) if len(table) else 0
    n_rel = int(table["n_relationships"].iloc[0]) if len(table) else 0
    return {"terms": terms, "n_obs": n_obs, "n_relationships": n_rel, "warnings": list(warnings), "fit": fit,
            "fitted": bool(len(est)), **extra}


def with_cluster_columns(table: pd.DataFrame, terms: list[str], se_cluster: np.ndarray, ci_level: float,
                         inference: bool = True) -> pd.DataFrame:
    """``table`` with the relationship-clustered columns beside the default (dyadic) ones: ``se_cluster``,
    ``ci_low_cluster``, ``ci_high_cluster`` (Wald) and ``p_cluster``; all empty for a descriptive model."""
    se = np.asarray(se_cluster, dtype=float) if inference else np.full(len(terms), np.nan)
    out = table.merge(pd.DataFrame({"term": terms, "se_cluster": se}), on="term", how="left")
    z = z_value(ci_level)
    out["ci_low_cluster"] = out["estimate"] - z * out["se_cluster"]
    out["ci_high_cluster"] = out["estimate"] + z * out["se_cluster"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["p_cluster"] = 2 * stats.norm.sf(np.abs(out["estimate"] / out["se_cluster"]))
    return out


def cluster_numbers(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """numbers.json ``terms_cluster``: per term the relationship-clustered ``se``, interval and ``p``."""
    if "se_cluster" not in table:
        return {}
    return {r.term: {"se": r.se_cluster, "ci_low": r.ci_low_cluster, "ci_high": r.ci_high_cluster, "p": r.p_cluster}
            for r in table.dropna(subset=["se_cluster"]).itertuples()}


def dyadic_warning(city_a, city_b) -> list[str]:
    """A warning when dyadic-robust SEs rest on fewer than ``MIN_CLUSTERS`` cities, else none."""
    n_cities = len(set(city_a) | set(city_b))
    if n_cities < MIN_CLUSTERS:
        return [f"Dyadic-robust standard errors rest on {n_cities} cities; with fewer than about {MIN_CLUSTERS} "
                "they are likely too small."]
    return []
