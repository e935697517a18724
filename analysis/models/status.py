"""The status the sources report: per-relationship features from the panel and the cross-sectional logit.
The status comes from the validated relationships table (``status``, ``status_as_of``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.binary import binary_ape, fit_binary
from analysis.models.partial_effects import ape_numbers, with_ape
from analysis.models.result import (
    ModelResult,
    design_matrix,
    empty_result,
    headline_numbers,
    missing_columns,
    never_crash,
    tidy_table,
)

REPORTED_ACTIVE = {"active"}
REPORTED_INACTIVE = {"dormant", "suspended", "ended"}
STATUS_TERMS = ["leader_visit_share", "exchange_mean", "cooperation_share", "log_distance", "international"]


def status_features(panel: pd.DataFrame, relationships: pd.DataFrame) -> pd.DataFrame:
    """One row per relationship with a reported status: outcome and panel summaries.

    ``reported_active`` is 1 for status ``active`` and 0 for dormant/suspended/ended
    (``unknown`` and blanks are left out). The drivers are summarised over the panel
    observed years up to ``status_as_of`` (all years when it is blank): share of years with a
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
    if "observed" in df:  # the observed years only: a year no source watched says nothing
        df = df[df["observed"].astype(bool)]
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
    if missing := missing_columns(panel, ["relationship_id", "year", "leader_visit", "exchange_count",
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
    fit = fit_binary(y, X, "HC1", None, "HC1 robust SEs", min_events_per_parameter, penalty, ci_level)
    if isinstance(fit, str):
        return empty_result(model, fit, len(feats), len(feats))
    warn = warn + fit.warnings
    table = tidy_table(model, fit.terms, fit.params, fit.se, fit.p, ci_level, len(feats), len(feats), fit.fit, warn,
                       ci=fit.ci,
                       term_notes=fit.term_notes, dropped=fit.dropped)
    table = with_ape(table, binary_ape(X, fit, fit.cov, ci_level))  # delta method with the HC1 (or penalised) covariance
    numbers = headline_numbers(table, warn, fit.fit, penalised=fit.penalised, events_per_parameter=fit.events_per_parameter,
                               separation=fit.separation, dropped=fit.dropped, ape=ape_numbers(table),
                               n_reported_active=int(y.sum()), n_reported_inactive=int(len(y) - y.sum()))
    return ModelResult(model, table, warn, numbers, fit.fit)
