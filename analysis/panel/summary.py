"""Short summaries of a built panel for notebook 10: its size, what was observed, and activity by year."""

from __future__ import annotations

import pandas as pd


def _observed(panel: pd.DataFrame) -> pd.Series:
    return panel["observed"] == 1 if "observed" in panel else pd.Series(True, index=panel.index)


def panel_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """One-column table: rows, relationships, years, what was observed, share active and what the model can use."""
    seen = _observed(panel)
    model_rows = panel[seen].dropna(subset=["leader_visit_lag"]) if len(panel) else panel
    items = {
        "rows (relationship-years)": len(panel),
        "rows observed (some source watched, or an event recorded)": int(seen.sum()),
        "rows not observed (missing, not inactive)": int((~seen).sum()),
        "relationships": panel["relationship_id"].nunique(),
        "years": f"{panel['year'].min()}–{panel['year'].max()}" if len(panel) else "none",
        "share of observed years active": round(float(panel.loc[seen, "active"].astype(float).mean()), 3) if seen.any() else None,
        "events counted": int(panel["events"].sum()),
        "rows with lags (used by the models)": len(model_rows),
        "rows dormant": int(panel["dormant"].sum()),
        "rows whose dormancy is unknown (a watched gap)": int(panel.loc[seen, "dormant"].isna().sum()),
        "relationships without an established year": int(panel.loc[panel["established"].isna(), "relationship_id"].nunique()),
    }
    return pd.DataFrame({"value": [str(v) for v in items.values()]}, index=pd.Index(list(items), name="panel"))


def activity_by_year(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: relationships in the panel, observed, active (of the observed), share active, events."""
    frame = panel.assign(_seen=_observed(panel).astype(int))
    out = frame.groupby("year").agg(relationships=("relationship_id", "size"), observed=("_seen", "sum"),
                                    active=("active", "sum"), events=("events", "sum"))
    out["share_active"] = (out["active"] / out["observed"].where(out["observed"] > 0)).astype(float).round(3)
    return out
