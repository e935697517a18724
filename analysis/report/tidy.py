"""Reading the tidy model tables (``results/tables/*.csv``): which are models, what their ratios are, term notes.

What a model's ratio means and what it multiplies come from :mod:`analysis.models.registry`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.models import registry

# Written by the runner beside the model tables; not a model table itself.
WHAT_CHANGED_FILE = "what_changed.csv"
# tables whose chapter shows them (report.external): never repeated among the model or other tables
OWN_CHAPTER_PREFIXES = ("external_",)
NULL_TERMS = ("intercept", "const", "(intercept)")
# Parameters of the model's distribution, not effects: in the table, not in the reading.
NUISANCE_TERMS = ("alpha",)
NOTE_MARKS = "†‡§¶#"


def load_model_tables(tables_dir: str | Path) -> dict[str, pd.DataFrame]:
    """``name -> table`` for every tidy model table (a CSV with term and estimate columns)."""
    out = {}
    for path in sorted(Path(tables_dir).glob("*.csv")):
        if path.name == WHAT_CHANGED_FILE or path.stem.startswith(OWN_CHAPTER_PREFIXES):
            continue
        df = pd.read_csv(path)
        if {"term", "estimate"} <= set(df.columns):
            out[path.stem] = df
    return out


SHOWN_ELSEWHERE = {"status_agreement"}  # descriptive tables with their own part of the page (report.windows)


def other_tables(tables_dir: str | Path) -> dict[str, pd.DataFrame]:
    """CSV tables that are not tidy model tables (e.g. the power grid), shown as they are."""
    models = set(load_model_tables(tables_dir))
    return {p.stem: pd.read_csv(p) for p in sorted(Path(tables_dir).glob("*.csv"))
            if p.stem not in models and p.name != WHAT_CHANGED_FILE and p.stem not in SHOWN_ELSEWHERE
            and not p.stem.startswith(OWN_CHAPTER_PREFIXES)}


def ratio_kind(model: str) -> str | None:
    """What a model's ``ratio`` column is ('odds ratio', 'rate ratio', 'hazard ratio'); None for
    a model without ratios or a table that is not a registered model."""
    spec = registry.get(str(model))
    return spec.ratio if spec else None


def outcome_words(model: str) -> str:
    """What the model's ratio multiplies, in words ('the odds of an active year')."""
    spec = registry.get(str(model))
    return spec.outcome if spec else "the outcome"


def model_name(table: pd.DataFrame) -> str:
    """The model a tidy table belongs to (its ``model`` column), '' when it names none."""
    return str(first(table, "model") or "")


def is_intercept(term: Any) -> bool:
    return str(term).lower() in NULL_TERMS


def first(table: pd.DataFrame, col: str) -> Any:
    """The first non-missing value of a column; None when there is none."""
    if col not in table:
        return None
    s = table[col].dropna()
    return s.iloc[0] if len(s) else None


def has_values(table: pd.DataFrame, col: str) -> bool:
    return col in table and pd.to_numeric(table[col], errors="coerce").notna().any()


def term_label(row: pd.Series) -> str:
    """The term's plain label, its name when it has none."""
    label = row.get("label")
    return label if isinstance(label, str) and label else str(row["term"])


def term_note(row: pd.Series, model_warnings: list[str]) -> str:
    """The parts of a term's note that are its own (model-wide warnings left out)."""
    note = row.get("note")
    if not (isinstance(note, str) and note.strip()):
        return ""
    parts = [p.strip() for p in note.split(" | ")]
    return " | ".join(p for p in parts if p and p not in model_warnings)


def shared_notes(table: pd.DataFrame) -> list[str]:
    """Note parts every row carries: the model's warnings (when numbers.json is not at hand)."""
    if "note" not in table or not len(table):
        return []
    parts = [set(p.strip() for p in str(n).split(" | ")) if isinstance(n, str) else set() for n in table["note"]]
    return sorted(set.intersection(*parts)) if len(parts) > 1 else []


def term_notes(table: pd.DataFrame, model_warnings: list[str] | None = None) -> dict[str, str]:
    """``term -> note`` for the notes that belong to one term (model-wide warnings left out)."""
    out = {}
    for _, row in table.iterrows():
        note = term_note(row, model_warnings or shared_notes(table))
        if note:
            out[str(row["term"])] = note.rstrip(".")
    return out


def note_marks(notes: dict[str, str]) -> dict[str, str]:
    """``note -> mark`` (†, ‡, ..., then ††, ...) for each distinct note, in order of first use."""
    return {note: NOTE_MARKS[i % len(NOTE_MARKS)] * (1 + i // len(NOTE_MARKS))
            for i, note in enumerate(dict.fromkeys(notes.values()))}
