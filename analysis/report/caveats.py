"""The report's caveats, written from the data and the fitted models: what the data can and cannot support."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analysis.report.formatting import plural
from analysis.report.power_table import power_caveat
from analysis.report.summary import source_windows


def caveats(raw: Any, numbers: dict | None = None, min_relationships: int = 100,
            power: pd.DataFrame | None = None, min_events_per_parameter: float = 10) -> list[str]:
    """Caveats written from the data: what the data are, sources and their windows,
    aggregates, dates, status, how the models were fitted, and what all this can support.

    ``power`` is the power grid (``results/tables/power.csv``) when there is one."""
    numbers = {k: v for k, v in (numbers or {}).items() if isinstance(v, dict)}
    rel, ev = raw.relationships, raw.events
    n_rel = len(rel)
    sources = getattr(raw, "sources", {}) or {}
    small = "A small case dataset" if n_rel < min_relationships else "A case dataset"
    out = [f"**{small}.** {plural(n_rel, 'relationship')} and {plural(len(ev), 'event record')}, "
           f"transcribed from {plural(len(sources), 'document')}. They are the cases these documents chose "
           "to report, not a sample of Chinese cities' partnerships: nothing here estimates how common "
           "anything is among Chinese cities at large, and a few relationships can move any estimate."]
    windows = source_windows(raw)
    if len(windows):
        out.append(_windows_caveat(windows))
    if len(ev):
        out += _event_caveats(ev)
    n_unknown = int((rel["status"].fillna("unknown") == "unknown").sum())
    if n_unknown:
        out.append(f"**Status.** {plural(n_unknown, 'relationship has', 'relationships have')} no reported status.")
    out += _model_caveats(numbers, min_events_per_parameter)
    out.append(_support(numbers, n_rel, power))
    return out


def _windows_caveat(windows: pd.DataFrame) -> str:
    spans = []
    for w in windows.itertuples(index=False):
        if pd.isna(w.first_year):
            span = "no event records"
        else:
            years = f"{w.first_year}" if w.first_year == w.last_year else f"{w.first_year}–{w.last_year}"
            span = f"events {years} ({plural(w.event_records, 'record')})"
        spans.append(f"{w.name}: {span}, {plural(w.relationships, 'relationship')}")
    return ("**A quiet year may be an unreported year.** Each source covers its own window: "
            + "; ".join(spans) + ". No source follows every relationship every year, so a relationship "
            "with no record in a year may simply not have been written about; inactivity and dormancy "
            "are measured with error, and differences between years partly reflect which source covers "
            "them.")


def _event_caveats(ev: pd.DataFrame) -> list[str]:
    """Aggregate records and coarse dates."""
    out = []
    count = pd.to_numeric(ev["count"], errors="coerce").fillna(1)
    agg = count > 1
    if agg.any():
        out.append(f"**Aggregates.** {int(agg.sum())} of {len(ev)} event records are counts of several events "
                   f"({int(count[agg].sum())} events in all, e.g. cumulative secondments or a year's "
                   "delegations); each is placed at the date of its record, so per-year and per-month counts "
                   "bunch these events together, and their leaders and topics are those of the record.")
    if "date_precision" in ev:
        coarse = ev["date_precision"].isin(["year", "month"])
        if coarse.any():
            out.append(f"**Dates.** {int(coarse.sum())} of {len(ev)} event records are dated to the month or "
                       "year only; the by-month figure leaves out those without a month.")
    return out


def _model_caveats(numbers: dict, min_epp: float) -> list[str]:
    """How the models were fitted, one sentence per kind of problem (details under each table)."""
    out = []
    penalised = [m for m, e in sorted(numbers.items()) if e.get("penalised")]
    if penalised:
        out.append(f"**Firth fallback.** {', '.join(f'`{m}`' for m in penalised)} "
                   f"{'was' if len(penalised) == 1 else 'were'} fitted by Firth penalised likelihood instead of "
                   "maximum likelihood, because the outcome separates (some maximum-likelihood estimates are "
                   "infinite) and there are too few events per parameter. Penalised estimates are finite and "
                   "shrunk towards zero; their intervals are profile-likelihood intervals and their p-values "
                   "likelihood-ratio tests, both model-based: they assume relationships (and cities) independent, "
                   "so they may be too narrow when relationships share a city.")
    short = [(m, e["events_per_parameter"]) for m, e in sorted(numbers.items())
             if isinstance(e.get("events_per_parameter"), (int, float)) and math.isfinite(e["events_per_parameter"])
             and e["events_per_parameter"] < min_epp]
    if short:
        out.append(f"**Too few events.** Rules of thumb ask for about {min_epp:g} events per parameter; here: "
                   + ", ".join(f"`{m}` {v:.1f}" for m, v in short)
                   + ". Estimates are imprecise and tend to exaggerate effects.")
    dropped = [(m, sorted(e["dropped"])) for m, e in sorted(numbers.items()) if e.get("dropped")]
    if dropped:
        out.append("**Terms not estimated** (their estimates are infinite in these data): "
                   + "; ".join(f"`{m}`: {', '.join(terms)}" for m, terms in dropped) + ".")
    few = [(m, int(e["n_relationships"])) for m, e in sorted(numbers.items())
           if isinstance(e.get("n_relationships"), (int, float)) and 0 < e["n_relationships"] < 50
           and any(k in str(e.get("fit", "")).lower() for k in ("cluster", "robust"))]
    if few:
        out.append("**Few clusters.** " + ", ".join(f"`{m}` rests on {plural(n, 'relationship')}" for m, n in few)
                   + "; cluster-robust standard errors need about 50 and are likely too small here.")
    failed = [m for m, e in sorted(numbers.items()) if e.get("fitted") is False]
    if failed:
        out.append("**Not fitted:** " + ", ".join(f"`{m}`" for m in failed) + " (see the warnings under each table).")
    return out


def _support(numbers: dict, n_rel: int, power: pd.DataFrame | None) -> str:
    """What the data can and cannot support, with the power analysis when there is one."""
    text = ("**What these data can and cannot support.** They can support a description of these cases: "
            "which relationships the documents record as active in which years, who visited whom, and how "
            "relationships drifted between active and quiet spells. They cannot support firm conclusions about "
            "what keeps a relationship active: the models are short of events and relationships, and even a "
            "clear association would not be causal (an active relationship may attract leaders' visits rather "
            "than the reverse). Read the model estimates as descriptions of these cases and their signs as hints "
            "for a larger study.")
    if power is not None:
        sentence = power_caveat(power, n_rel)
        text += (" " + sentence) if sentence else ""
    return text
