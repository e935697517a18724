"""Plain-language readings of model tables: one sentence per term, written from its numbers."""

from __future__ import annotations

import math

import pandas as pd

from analysis.report.formatting import format_p, num
from analysis.report.tidy import (NUISANCE_TERMS, NULL_TERMS, first, outcome_words, ratio_kind, shared_notes,
                                  term_label, term_note)


def _verb(verb: str, kind: str | None) -> str:
    """'rise' for the plural 'odds', 'rises' for the other outcomes."""
    return verb if kind == "odds ratio" else verb + "s"


def term_reading(row: pd.Series, model: str, level: float = 0.95, model_warnings: list[str] | None = None,
                 notes: bool = True) -> str:
    """One sentence on one term, written from its numbers.

    Parts of the term's ``note`` that repeat a model-wide warning are left out (the
    model's warnings are listed once, after its terms)."""
    label = term_label(row)
    est, ratio = num(row.get("estimate")), num(row.get("ratio"))
    lo, hi, p = num(row.get("ci_low")), num(row.get("ci_high")), num(row.get("p"))
    kind = ratio_kind(model)
    pct = f"{level:.0%}"
    if math.isnan(est):
        note = term_note(row, model_warnings or [])
        return f"- **{label}**: " + (note.rstrip(".") + "." if note.startswith("not estimated") else
                                      "not estimated" + (f" ({note.rstrip('.')})." if note else "."))
    use_ratio = kind is not None and not math.isnan(ratio) and ratio > 0
    if use_ratio:
        r_lo, r_hi = num(row.get("ratio_ci_low")), num(row.get("ratio_ci_high"))
        if not (math.isnan(r_lo) or math.isnan(r_hi)):
            lo, hi = r_lo, r_hi
        # without ratio columns, CIs may be on the coefficient scale (they contain the estimate)
        elif not (math.isnan(lo) or math.isnan(hi)) and lo <= est <= hi and not (lo <= ratio <= hi and lo > 0):
            lo, hi = math.exp(lo), math.exp(hi)
        value, null = ratio, 1.0
        head = f"{kind} {value:.2f}"
    else:
        value, null = est, 0.0
        head = f"estimate {value:.3g}"
    ci = "" if math.isnan(lo) or math.isnan(hi) else f" ({pct} CI {lo:.2f} to {hi:.2f})"
    p_text = "" if (math.isnan(p) and not use_ratio) else f", {format_p(p)}"
    sentence = f"- **{label}**: {head}{ci}{p_text}. "
    if math.isnan(lo) or math.isnan(hi):
        sentence += "No interval is available, so its uncertainty is unknown."
    elif not use_ratio and math.isnan(p):
        pass  # a descriptive quantity (e.g. a transition probability): no null value to test against
    elif lo > null or hi < null:
        up = value > null
        if use_ratio:
            sentence += (f"With each one-unit increase (for a 0/1 term: where it applies), {outcome_words(model)} "
                         f"{_verb('rise' if up else 'fall', kind)}: multiplied by {value:.2f}; the interval excludes {null:g}.")
        else:
            sentence += f"The estimate is {'positive' if up else 'negative'} and its interval excludes {null:g}."
        if use_ratio and lo > 0 and hi / lo > 10:
            sentence += " The interval is very wide: the direction is supported, the size is not pinned down."
    else:
        sentence += (f"The interval includes {null:g}: these data cannot tell this term's effect from none"
                     + (", and the interval is very wide." if use_ratio and lo > 0 and hi / lo > 10 else "."))
    note = term_note(row, model_warnings or []) if notes else ""
    if note:
        sentence = sentence.rstrip() + f" Note: {note.rstrip('.')}."
    return sentence.rstrip()


def read_model_table(table: pd.DataFrame, numbers: dict | None = None, level: float = 0.95,
                     header: bool = True, warnings: bool = True, notes: bool = True) -> str:
    """A plain-language reading (markdown) of a tidy model table, one block per model.

    ``header``, ``warnings`` and ``notes`` switch off the first line (model, fit, N), the
    list of model warnings and each term's note, for the report, which shows them with
    the table."""
    numbers = numbers or {}
    blocks = []
    models = table["model"].fillna("model").unique() if "model" in table else ["model"]
    for model in models:
        t = table[table["model"] == model] if "model" in table else table
        terms = t["term"].astype(str)
        shown = t[~terms.str.lower().isin(NULL_TERMS + NUISANCE_TERMS) & ~terms.str.startswith("C(")]
        n_obs = first(t, "n_obs")
        n_rel = first(t, "n_relationships")
        fit = first(t, "fit")
        size = []
        if n_obs is not None:
            size.append(f"{int(n_obs)} observations")
        if n_rel is not None:
            size.append(f"{int(n_rel)} relationships")
        head = f"**{model}**" + (f" ({fit})" if fit else "") + (": " + ", ".join(size) if size else "") + "."
        model_warnings = (numbers.get(str(model)) or {}).get("warnings") or []
        lines = [head] if header else ["**Reading.**"]
        lines += [term_reading(row, str(model), level, model_warnings or shared_notes(t), notes)
                  for _, row in shown.iterrows()]
        n_clear = sum(1 for line in lines[1:] if "interval excludes" in line)
        if "p" in shown and shown["p"].notna().any():
            lines.append(f"\nIn all, {n_clear} of {len(shown)} terms have intervals that exclude no effect.")
        if warnings:
            lines += [f"- ⚠ {w}" for w in model_warnings]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
