"""Short summaries of a built panel for notebook 10 and the report: its size, its unit, how units
entered it, what was observed, and activity by year."""

from __future__ import annotations

import pandas as pd

from analysis.panel.spec import ENTRY_RULES

ENTRY_RULE_TEXT = {
    "established": "the year it was established",
    "first_observed": "the first year a source watched it (no establishment year)",
    "start_year": "start_year (no establishment year, no source watched it)",
    "data_start": "the first year of the data (no establishment year, no source watched it)",
}


def _observed(panel: pd.DataFrame) -> pd.Series:
    return panel["observed"] == 1 if "observed" in panel else pd.Series(True, index=panel.index)


def panel_unit(panel: pd.DataFrame) -> str:
    """``pair`` when no pair has two rows in a year (each pair is one unit; also when no pair has two
    relationships, and then the two units coincide), ``relationship`` otherwise."""
    if "pair_id" not in panel:
        return "relationship"
    return "relationship" if panel.duplicated(["pair_id", "year"]).any() else "pair"


def entry_rules(panel: pd.DataFrame) -> pd.DataFrame:
    """Units by the rule that set their first year (``entry_rule``), every rule listed:
    ``entry_rule, units, share, meaning`` and, for each, the units whose first row is active."""
    first = panel.sort_values(["relationship_id", "year"]).drop_duplicates("relationship_id")
    counts = first["entry_rule"].value_counts().reindex(ENTRY_RULES, fill_value=0)
    active_first = first.loc[first["active"].astype("Float64").eq(1).fillna(False), "entry_rule"].value_counts()
    total = int(counts.sum())
    return pd.DataFrame({
        "entry_rule": list(ENTRY_RULES),
        "units": counts.to_numpy(dtype="int64"),
        "share": (counts / total).round(3).to_numpy() if total else 0.0,
        "first_year_active": active_first.reindex(ENTRY_RULES, fill_value=0).to_numpy(dtype="int64"),
        "meaning": [ENTRY_RULE_TEXT[r] for r in ENTRY_RULES],
    })


def shared_pairs(panel: pd.DataFrame) -> pd.DataFrame:
    """The pairs with more than one relationship: ``pair_id, relationship_id`` (the unit's id),
    ``relationship_ids`` (all of them) and the unit's ``city_a, city_b``, one row per pair."""
    columns = ["pair_id", "relationship_id", "relationship_ids", "city_a", "city_b"]
    if "relationship_ids" not in panel:
        return pd.DataFrame(columns=columns)
    multi = panel[panel["relationship_ids"].str.contains(";", regex=False)]
    return multi.drop_duplicates("pair_id")[columns].reset_index(drop=True)


def panel_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """One-column table: rows, units, years, what was observed, share active and what the model can use."""
    seen = _observed(panel)
    model_rows = panel[seen].dropna(subset=["leader_visit_lag"]) if len(panel) else panel
    unit = panel_unit(panel)
    items = {
        "unit": "city pair" if unit == "pair" else "relationship",
        "rows (unit-years)": len(panel),
        "rows observed (some source watched, or an event recorded)": int(seen.sum()),
        "rows not observed (missing, not inactive)": int((~seen).sum()),
        "units": panel["relationship_id"].nunique(),
        "pairs with more than one relationship": len(shared_pairs(panel)),
        "years": f"{panel['year'].min()}–{panel['year'].max()}" if len(panel) else "none",
        "share of observed years active": round(float(panel.loc[seen, "active"].astype(float).mean()), 3) if seen.any() else None,
        "events counted": int(panel["events"].sum()),
        "rows with lags (used by the models)": len(model_rows),
        "rows dormant": int(panel["dormant"].sum()),
        "rows whose dormancy is unknown (a watched gap)": int(panel.loc[seen, "dormant"].isna().sum()),
        "units without an established year": int(panel.loc[panel["established"].isna(), "relationship_id"].nunique()),
    }
    if "entry_rule" in panel and len(panel):
        for rule, n in entry_rules(panel).set_index("entry_rule")["units"].items():
            items[f"units entering at: {ENTRY_RULE_TEXT[rule]}"] = int(n)
    return pd.DataFrame({"value": [str(v) for v in items.values()]}, index=pd.Index(list(items), name="panel"))


def activity_by_year(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: units in the panel, observed, active (of the observed), share active, events."""
    frame = panel.assign(_seen=_observed(panel).astype(int))
    out = frame.groupby("year").agg(units=("relationship_id", "size"), observed=("_seen", "sum"),
                                    active=("active", "sum"), events=("events", "sum"))
    out["share_active"] = (out["active"] / out["observed"].where(out["observed"] > 0)).astype(float).round(3)
    return out
