"""Helpers for the published report (``90_report``): summary, readings, caveats, colophon.

Every sentence the report prints about a result is generated here from the numbers
in ``results/tables/*.csv`` and ``results/numbers.json``; nothing is hard-coded, so a
rerun on new data rewrites the text with the numbers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SECTIONS = (
    "Data summary",
    "Figures",
    "Model tables",
    "Caveats",
    "What changed since the previous run",
    "Colophon",
)
# Figures in reading order; any other PNG in results/figures follows alphabetically.
FIGURE_ORDER = (
    "partners_map", "established_by_year", "activity_heatmap", "dormant_share", "degree_distribution",
    "visit_network", "visits_by_month", "topic_shares",
)
FIGURE_CAPTIONS = {
    "partners_map": "Partners of the focal city, coloured by region (lines from the focal city).",
    "established_by_year": "Relationships established per year, by kind.",
    "activity_heatmap": "Events per relationship and year: hot–cold–hot histories show as gaps in a row.",
    "dormant_share": "Share of relationships dormant at the end of their span, by signing cohort and by kind.",
    "degree_distribution": "Degree distribution of the relationship network (log–log axes).",
    "visit_network": "Directed network of delegation visits; colour = city type.",
    "visits_by_month": "Delegation visits by calendar month.",
    "topic_shares": "Topics of delegation visits (a visit may carry several).",
}
WHAT_CHANGED_FILE = "what_changed.csv"
NULL_TERMS = ("intercept", "const", "(intercept)")


from .render import embedded_font_css, render_notebook_html  # noqa: E402,F401  (re-exported)


# --------------------------------------------------------------------------- data summary
def data_summary(raw: Any) -> dict[str, pd.DataFrame | str]:
    """Counts a reader needs first: text plus tables by kind/status, year/kind, country."""
    rel, ev, cities = raw.relationships, raw.events, raw.cities
    w = pd.to_numeric(ev["count"], errors="coerce").fillna(1) if len(ev) else pd.Series(dtype=float)
    used = set(rel["city_a"]) | set(rel["city_b"]) | set(ev.get("origin", [])) | set(ev.get("destination", []))
    years = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else None
    n_sources = len(raw.sources) if getattr(raw, "sources", None) is not None else 0
    text = (
        f"{len(rel)} relationships between {len({c for c in used if isinstance(c, str)})} cities; "
        f"{len(ev)} event records standing for {int(w.sum())} events"
        + (f" from {years[0]} to {years[1]}" if years else "")
        + f"; {n_sources} cited sources."
    )
    by_kind = pd.crosstab(rel["kind"], rel["status"].fillna("unknown"), margins=True, margins_name="total")
    events_by_year = (pd.DataFrame({"year": ev["year"], "kind": ev["kind"], "n": w})
                      .pivot_table(index="year", columns="kind", values="n", aggfunc="sum", fill_value=0)
                      if len(ev) else pd.DataFrame())
    if len(events_by_year):
        events_by_year = events_by_year.astype(int)
        events_by_year["total"] = events_by_year.sum(axis=1)
    in_use = cities[cities["city_id"].isin(used)]
    by_country = in_use["country"].fillna("unknown").value_counts().rename_axis("country").reset_index(name="cities")
    return {"text": text, "relationships_by_kind_status": by_kind, "events_by_year_kind": events_by_year,
            "cities_by_country": by_country}


# --------------------------------------------------------------------------- model tables
def load_model_tables(tables_dir: str | Path) -> dict[str, pd.DataFrame]:
    """``name -> table`` for every tidy model table (a CSV with term and estimate columns)."""
    out = {}
    for path in sorted(Path(tables_dir).glob("*.csv")):
        if path.name == WHAT_CHANGED_FILE:
            continue
        df = pd.read_csv(path)
        if {"term", "estimate"} <= set(df.columns):
            out[path.stem] = df
    return out


def other_tables(tables_dir: str | Path) -> dict[str, pd.DataFrame]:
    """CSV tables that are not tidy model tables (e.g. the power grid), shown as they are."""
    models = set(load_model_tables(tables_dir))
    return {p.stem: pd.read_csv(p) for p in sorted(Path(tables_dir).glob("*.csv"))
            if p.stem not in models and p.name != WHAT_CHANGED_FILE}


def ratio_name(model: str, fit: str = "") -> str | None:
    """What the ``ratio`` column means for a model, judged from its name and fit."""
    text = f"{model} {fit}".lower()
    if any(k in text for k in ("logit", "logistic", "status")):
        return "odds ratio"
    if any(k in text for k in ("negbin", "negative binomial", "poisson", "count")):
        return "rate ratio"
    if any(k in text for k in ("phreg", "cox", "hazard", "dormancy", "survival")):
        return "hazard ratio"
    return None


OUTCOME_WORDS = {
    "rate ratio": "the expected number of events",
    "hazard ratio": "the risk of falling dormant",
}


def format_p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _num(x: Any) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def _verb(verb: str, kind: str | None) -> str:
    """'rise' for the plural 'odds', 'rises' for the other outcomes."""
    return verb if kind == "odds ratio" else verb + "s"


def outcome_words(kind: str | None, model: str) -> str:
    """What a ratio multiplies, in words."""
    if kind == "odds ratio":
        return "the odds of an active year" if any(k in model for k in ("activity", "within")) else "the odds of the outcome"
    return OUTCOME_WORDS.get(kind or "", "the outcome")


def term_reading(row: pd.Series, model: str, level: float = 0.95, model_warnings: list[str] | None = None) -> str:
    """One sentence on one term, written from its numbers.

    Parts of the term's ``note`` that repeat a model-wide warning are left out (the
    model's warnings are listed once, after its terms)."""
    label = row.get("label") if isinstance(row.get("label"), str) and row.get("label") else row["term"]
    est, ratio = _num(row.get("estimate")), _num(row.get("ratio"))
    lo, hi, p = _num(row.get("ci_low")), _num(row.get("ci_high")), _num(row.get("p"))
    kind = ratio_name(model, str(row.get("fit", "") or ""))
    pct = f"{level:.0%}"
    if math.isnan(est):
        note = str(row["note"]) if _has_note(row) else ""
        return f"- **{label}**: " + (note.rstrip(".") + "." if note.startswith("not estimated") else
                                      "not estimated" + (f" ({note.rstrip('.')})." if note else "."))
    use_ratio = kind is not None and not math.isnan(ratio) and ratio > 0
    if use_ratio:
        r_lo, r_hi = _num(row.get("ratio_ci_low")), _num(row.get("ratio_ci_high"))
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
            sentence += (f"With each one-unit increase (for a 0/1 term: where it applies), {outcome_words(kind, model)} "
                         f"{_verb('rise' if up else 'fall', kind)}: multiplied by {value:.2f}; the interval excludes {null:g}.")
        else:
            sentence += f"The estimate is {'positive' if up else 'negative'} and its interval excludes {null:g}."
        if use_ratio and lo > 0 and hi / lo > 10:
            sentence += " The interval is very wide: the direction is supported, the size is not pinned down."
    else:
        sentence += (f"The interval includes {null:g}: these data cannot tell this term's effect from none"
                     + (", and the interval is very wide." if use_ratio and lo > 0 and hi / lo > 10 else "."))
    note = _term_note(row, model_warnings or [])
    if note:
        sentence = sentence.rstrip() + f" Note: {note.rstrip('.')}."
    return sentence.rstrip()


def _term_note(row: pd.Series, model_warnings: list[str]) -> str:
    if not _has_note(row):
        return ""
    parts = [p.strip() for p in str(row["note"]).split(" | ")]
    return " | ".join(p for p in parts if p and p not in model_warnings)


def _has_note(row: pd.Series) -> bool:
    note = row.get("note")
    return isinstance(note, str) and note.strip() != ""


def read_model_table(table: pd.DataFrame, numbers: dict | None = None, level: float = 0.95) -> str:
    """A plain-language reading (markdown) of a tidy model table, one block per model."""
    numbers = numbers or {}
    blocks = []
    models = table["model"].fillna("model").unique() if "model" in table else ["model"]
    for model in models:
        t = table[table["model"] == model] if "model" in table else table
        shown = t[~t["term"].astype(str).str.lower().isin(NULL_TERMS) & ~t["term"].astype(str).str.startswith("C(")]
        n_obs = _first(t, "n_obs")
        n_rel = _first(t, "n_relationships")
        fit = _first(t, "fit")
        size = []
        if n_obs is not None:
            size.append(f"{int(n_obs)} observations")
        if n_rel is not None:
            size.append(f"{int(n_rel)} relationships")
        head = f"**{model}**" + (f" ({fit})" if fit else "") + (": " + ", ".join(size) if size else "") + "."
        warnings = (numbers.get(str(model)) or {}).get("warnings") or []
        lines = [head]
        lines += [term_reading(row, str(model), level, warnings) for _, row in shown.iterrows()]
        n_clear = sum(1 for line in lines[1:] if "interval excludes" in line)
        if "p" in shown and shown["p"].notna().any():
            lines.append(f"\nIn all, {n_clear} of {len(shown)} terms have intervals that exclude no effect.")
        for w in warnings:
            lines.append(f"- ⚠ {w}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _first(t: pd.DataFrame, col: str) -> Any:
    if col not in t:
        return None
    s = t[col].dropna()
    return s.iloc[0] if len(s) else None


# --------------------------------------------------------------------------- caveats
def caveats(raw: Any, numbers: dict | None = None, min_relationships: int = 100) -> list[str]:
    """Caveats written from the data: sample size, sources, aggregates, date precision, model warnings."""
    numbers = numbers or {}
    rel, ev = raw.relationships, raw.events
    out = []
    n_rel = len(rel)
    if n_rel < min_relationships:
        out.append(f"Small sample: {n_rel} relationships. Estimates are imprecise and a few relationships "
                   f"can move them; treat them as descriptive of these cases, not of Chinese cities at large.")
    sources = getattr(raw, "sources", {}) or {}
    publishers = sorted({str(s.get("publisher")) for s in sources.values() if isinstance(s, dict) and s.get("publisher")})
    out.append(f"Sources: {len(sources)} documents" + (f" ({'; '.join(publishers)})" if publishers else "")
               + ". Relationships and exchanges that no source reports are missing; a quiet year may be "
                 "an unreported year, so inactivity is measured with error.")
    if len(ev):
        count = pd.to_numeric(ev["count"], errors="coerce").fillna(1)
        agg = count > 1
        if agg.any():
            out.append(f"Aggregates: {int(agg.sum())} of {len(ev)} event records are counts of several events "
                       f"({int(count[agg].sum())} events in all); their dates and leaders are those of the record.")
        if "date_precision" in ev:
            coarse = ev["date_precision"].isin(["year", "month"])
            if coarse.any():
                out.append(f"Dates: {int(coarse.sum())} event records are dated to the month or year only; "
                           "by-month figures leave out those without a month.")
    status = rel["status"].fillna("unknown")
    if (status == "unknown").any():
        out.append(f"Status: {int((status == 'unknown').sum())} relationships have no reported status.")
    for model, entry in sorted(numbers.items()):
        for w in (entry or {}).get("warnings", []) if isinstance(entry, dict) else []:
            out.append(f"Model {model}: {w}")
    return out


# --------------------------------------------------------------------------- changes, figures
def what_changed(tables_dir: str | Path) -> pd.DataFrame | None:
    """The 'what changed since the previous run' table, or None on a first run."""
    path = Path(tables_dir) / WHAT_CHANGED_FILE
    return pd.read_csv(path) if path.exists() else None


def figure_files(figures_dir: str | Path) -> list[Path]:
    """PNG figures in reading order (known names first, then the rest alphabetically)."""
    pngs = {p.stem: p for p in Path(figures_dir).glob("*.png")}
    known = [pngs[n] for n in FIGURE_ORDER if n in pngs]
    return known + [pngs[n] for n in sorted(pngs) if n not in FIGURE_ORDER]


def figure_caption(path: Path) -> str:
    return FIGURE_CAPTIONS.get(Path(path).stem, Path(path).stem.replace("_", " ").capitalize() + ".")


# --------------------------------------------------------------------------- colophon
def provenance(data_dir: str | Path, params: dict[str, Any]) -> dict[str, Any]:
    """What the colophon shows, in the manifest's shape, computed now.

    The runner writes ``results/manifest.json`` after the last notebook, so the
    report computes the same fields with the manifest's own functions.
    """
    from .manifest import environment, git_state, inputs_digest, raw_input_hashes

    hashes = raw_input_hashes(Path(data_dir))
    return {"inputs": {"sha256": hashes, "digest": inputs_digest(hashes)}, "parameters": dict(params),
            "git": git_state(), "environment": environment()}


def colophon(manifest: dict[str, Any]) -> dict[str, pd.DataFrame | str]:
    """Text and tables for the colophon from a manifest-shaped dict."""
    git = manifest.get("git") or {}
    env = manifest.get("environment") or {}
    commit = git.get("commit") or "unknown (not a git checkout)"
    dirty = git.get("dirty")
    state = {True: "with uncommitted changes (dirty)", False: "clean", None: "unknown"}[dirty]
    inputs = (manifest.get("inputs") or {}).get("sha256") or {}
    digest = (manifest.get("inputs") or {}).get("digest")
    text = (f"Code: git commit `{commit}`, working tree {state}. "
            f"Python {env.get('python', 'unknown')} on {env.get('platform', 'unknown')}. "
            f"Inputs: {len(inputs)} raw files" + (f", digest `{digest}`" if digest else "") + ".")
    hashes = pd.DataFrame(sorted(inputs.items()), columns=["file", "sha256"])
    packages = pd.DataFrame(sorted((env.get("packages") or {}).items()), columns=["package", "version"])
    params = pd.DataFrame([(k, _show(v)) for k, v in sorted((manifest.get("parameters") or {}).items())],
                          columns=["parameter", "value"])
    return {"text": text, "inputs": hashes, "packages": packages, "parameters": params}


def _show(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, float) and not np.isfinite(v):
        return str(v)
    return str(v)


def run_parameter_names() -> list[str]:
    """Names of the run parameters (``params/default.yaml``), for the colophon."""
    from .params import SCHEMA

    return list(SCHEMA)
