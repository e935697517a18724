"""Within relationships: the conditional (fixed-effects) logit of active years, a descriptive check
(no standard errors, intervals or p-values: biased in short panels, see ``DESCRIPTIVE_NOTE``)."""

from __future__ import annotations

import warnings as pywarnings

import numpy as np
import pandas as pd
from statsmodels.discrete.conditional_models import ConditionalLogit

from analysis.models.result import (
    DIVERGING_COEF,
    DRIVERS,
    ModelResult,
    empty_result,
    headline_numbers,
    missing_columns,
    never_crash,
    tidy_table,
)
from analysis.models.separation import unidentified_terms

DESCRIPTIVE_NOTE = (
    "Descriptive check, not inference: the lagged drivers add up to last year's activity (a year with a visit, "
    "exchange or project is an active year), so within a relationship they depend on its earlier shocks and the "
    "conditional logit is biased in short panels (in the project's simulator its driver estimates come out about "
    "half their true size). No standard errors, intervals or p-values are given; read the dynamic model for tests."
)


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
    relationships that switch between active and inactive years identify it. It is a
    descriptive check only: leaving the lagged outcome out does not avoid the short-panel
    bias, because the lagged drivers add up to it (see ``DESCRIPTIVE_NOTE`` and the test
    on simulated data), so the table carries estimates and odds ratios without standard
    errors, intervals or p-values.
    """
    model = "within_relationship"
    terms = list(terms or DRIVERS + ["age"])
    needed = ["active", "relationship_id"] + terms
    if missing := missing_columns(panel, needed):
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
    warn = [DESCRIPTIVE_NOTE, ident]
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
    nan = np.full(len(kept), np.nan)
    fit_label = "conditional logit (relationship fixed effects), descriptive: no SEs, intervals or p-values"
    table = tidy_table(model, kept, params, nan, nan, ci_level, len(df), n_rel, fit_label, warn, term_notes=notes,
                       dropped=dropped, inference=False)
    numbers = headline_numbers(table, warn, fit_label, n_relationships_total=n_total, events_per_parameter=epp,
                               dropped=dropped, descriptive=True)
    return ModelResult(model, table, warn, numbers, fit_label)
