"""The report's section per model table: heading, caption line, compact display table, notes, reading.

Headings and what each model's ratio is come from :mod:`analysis.models.registry`."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from analysis.models import registry
from analysis.report import power_table
from analysis.report.formatting import fmt_bracket, fmt_interval, fmt_number, fmt_p, num, styled_table
from analysis.report.readings import read_model_table
from analysis.report.tidy import (first, has_values, is_intercept, model_name, note_marks, ratio_kind,
                                  shared_notes, term_label, term_notes)

# Headings of the tables that are not registered models.
OTHER_TABLE_TITLES = {power_table.NAME: power_table.TITLE}
INTERCEPT_LABELS = {"odds ratio": "intercept (baseline log-odds)", "rate ratio": "intercept (baseline log rate)"}
ESTIMATE_SCALES = {"odds ratio": "log-odds", "rate ratio": "log rate", "hazard ratio": "log hazard"}


def model_title(name: str) -> str:
    """A heading for a model table that still names its file (``results/tables/<name>.csv``)."""
    spec = registry.get(name)
    title = spec.title if spec else OTHER_TABLE_TITLES.get(name)
    return f"{title} (`{name}`)" if title else f"`{name}`"


def display_label(row: pd.Series, model: str = "") -> str:
    """The label a reader sees; the intercept says what scale it is on for this model.

    (The tidy tables carry one label per term for every model; an intercept is a
    log-odds only in a logit, a log rate in a count model.)"""
    if not is_intercept(row["term"]):
        return term_label(row)
    return INTERCEPT_LABELS.get(ratio_kind(model or str(row.get("model", ""))) or "", "intercept")


def display_table(tidy: pd.DataFrame, level: float = 0.95, model_warnings: list[str] | None = None) -> pd.DataFrame:
    """A compact, publication-style table of one tidy model table (one model).

    Columns: Term (plain label), Variable (term name), Estimate, SE, SE (two-way) when
    computed, '<Odds|Rate|Hazard> ratio [95% CI]' (or '95% CI' for a model without
    ratios), bootstrap CI and count when present, p when any. Terms with a note of their
    own carry a mark (†, ‡, ...) explained by :func:`table_notes`. No index to show:
    the rows are in the tidy table's order.
    """
    t = tidy.reset_index(drop=True)
    model = model_name(t)
    kind = ratio_kind(model)
    pct = f"{level:.0%}"
    notes = term_notes(t, model_warnings)
    marks = note_marks(notes)
    rows = []
    for _, row in t.iterrows():
        term = str(row["term"])
        est = num(row.get("estimate"))
        label = display_label(row, model) + (f" {marks[notes[term]]}" if term in notes else "")
        out = {"Term": label, "Variable": term}
        out["Estimate"] = "not estimated" if math.isnan(est) else fmt_number(est)
        out["SE"] = fmt_number(row.get("se"))
        if has_values(t, "se_twoway"):
            out["SE (two-way)"] = fmt_number(row.get("se_twoway"))
        if kind is not None:
            ratio, lo, hi = row.get("ratio"), row.get("ratio_ci_low"), row.get("ratio_ci_high")
            if math.isnan(num(lo)) and not math.isnan(num(row.get("ci_low"))):
                lo, hi = math.exp(num(row.get("ci_low"))), math.exp(num(row.get("ci_high")))
            # exp(intercept) is a baseline odds or rate, not a ratio; a parameter such as the
            # NB alpha has no ratio at all
            out[f"{kind.capitalize()} [{pct} CI]"] = "—" if is_intercept(term) else fmt_interval(ratio, lo, hi)
        else:
            out[f"{pct} CI"] = fmt_bracket(row.get("ci_low"), row.get("ci_high"))
        if has_values(t, "ape"):  # average partial effect, in percentage points of the probability
            pp = [100 * num(row.get(c)) for c in ("ape", "ape_ci_low", "ape_ci_high")]
            out[f"Partial effect, pp [{pct} CI]"] = fmt_interval(*pp)
        if has_values(t, "boot_ci_low"):
            out[f"Bootstrap {pct} CI"] = fmt_bracket(row.get("boot_ci_low"), row.get("boot_ci_high"))
        if "n_obs" in t and t["n_obs"].nunique(dropna=True) > 1:  # e.g. transitions: N differs by row
            out["N"] = "—" if math.isnan(num(row.get("n_obs"))) else f"{int(num(row.get('n_obs')))}"
        if has_values(t, "count"):
            out["Count"] = "—" if math.isnan(num(row.get("count"))) else f"{int(num(row.get('count')))}"
        if has_values(t, "p"):
            out["p"] = fmt_p(row.get("p"))
        if has_values(t, "p_twoway"):
            out["p (two-way)"] = fmt_p(row.get("p_twoway"))
        rows.append(out)
    return pd.DataFrame(rows)


def table_caption(tidy: pd.DataFrame, entry: dict | None = None, level: float = 0.95) -> str:
    """One line under a model heading: N, the fit method, and what the numbers are."""
    entry = entry or {}
    fit = str(first(tidy, "fit") or entry.get("fit") or "")
    kind = ratio_kind(model_name(tidy))
    size = []
    n_obs, n_rel = first(tidy, "n_obs"), first(tidy, "n_relationships")
    if n_obs is not None and tidy["n_obs"].nunique(dropna=True) == 1:
        size.append(f"N = {int(n_obs)} observations")
    if n_rel is not None:
        size.append(f"{int(n_rel)} relationships")
    parts = ([", ".join(size)] if size else []) + ([f"fit: {fit}"] if fit else [])
    if kind in ESTIMATE_SCALES:
        parts.append(f"estimates are {ESTIMATE_SCALES[kind]} coefficients")
    if "se_twoway" in tidy and not has_values(tidy, "se_twoway") and entry.get("robustness"):
        parts.append(f"two-way clustered SEs: {entry['robustness']}")
    if entry.get("se_type") == "dyadic":
        parts.append("SEs are dyadic-robust (relationships that share a city may be correlated)")
    if has_values(tidy, "ape"):
        parts.append("partial effects are average changes in the probability, in percentage points")
    if kind is not None:
        parts.append(f"intervals are {level:.0%} CIs")
    return "*" + "; ".join(parts) + ".*" if parts else ""


def table_notes(tidy: pd.DataFrame, model_warnings: list[str] | None = None) -> list[str]:
    """Notes below a model table: each term's own note once (with its mark), then the model's warnings."""
    warnings = list(model_warnings) if model_warnings else shared_notes(tidy)
    notes = term_notes(tidy, warnings)
    out = []
    for note, mark in note_marks(notes).items():
        terms = [display_label(r, str(r.get("model", ""))) for _, r in tidy.iterrows() if notes.get(str(r["term"])) == note]
        out.append(f"{mark} {'; '.join(terms)} — {note}.")
    out += [f"⚠ {w}" for w in warnings]
    return out


def styled_model_table(display: pd.DataFrame) -> Any:
    """:func:`display_table` as HTML: the term name set small under its label, no index."""
    shown = display.copy()
    if {"Term", "Variable"} <= set(shown.columns):
        shown["Term"] = [f"{html.escape(lab)}<br><small><code>{html.escape(var)}</code></small>"
                         for lab, var in zip(shown["Term"], shown["Variable"])]
        shown = shown.drop(columns="Variable")
        for col in shown.columns[1:]:
            shown[col] = shown[col].map(lambda v: html.escape(str(v)))
    return styled_table(shown, left=["Term"], escape=False)


def model_section(name: str, table: pd.DataFrame, numbers: dict | None = None, level: float = 0.95) -> list[Any]:
    """Everything the report shows for one table, in order: heading, caption line, table,
    notes (once, below the table) and the reading. Strings are markdown."""
    entry = (numbers or {}).get(name) or {}
    warnings = entry.get("warnings") if isinstance(entry, dict) and entry.get("warnings") is not None else None
    parts: list[Any] = [f"### {model_title(name)}"]
    if {"term", "estimate"} <= set(table.columns):
        parts.append(table_caption(table, entry, level))
        parts.append(styled_model_table(display_table(table, level, warnings)))
        notes = table_notes(table, warnings)
        if notes:
            parts.append("\n".join(f"- {n}" for n in notes))
        parts.append(read_model_table(table, numbers, level, header=False, warnings=False, notes=False))
    elif power_table.is_power_grid(table):
        parts.append(power_table.power_caption(table, level))
        parts.append(styled_table(power_table.power_display(table)))
    else:
        parts.append(styled_table(table))
    return parts
