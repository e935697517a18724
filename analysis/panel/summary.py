"""Short summaries of a built panel for notebook 10: its size and activity by year."""

from __future__ import annotations

import pandas as pd


def panel_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """One-column table: rows, relationships, years, share active and what the model can use."""
    model_rows = panel.dropna(subset=["leader_visit_lag"]) if len(panel) else panel
    items = {
        "rows (relationship-years)": len(panel),
        "relationships": panel["relationship_id"].nunique(),
        "years": f"{panel['year'].min()}–{panel['year'].max()}" if len(panel) else "none",
        "share of years active": round(float(panel["active"].mean()), 3) if len(panel) else None,
        "events counted": int(panel["events"].sum()),
        "rows with lags (used by the models)": len(model_rows),
        "rows dormant": int(panel["dormant"].sum()),
        "relationships without an established year": int(panel.loc[panel["established"].isna(), "relationship_id"].nunique()),
    }
    return pd.DataFrame({"value": [str(v) for v in items.values()]}, index=pd.Index(list(items), name="panel"))


def activity_by_year(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: relationships observed, active, share active, events."""
    out = panel.groupby("year").agg(relationships=("relationship_id", "size"), active=("active", "sum"),
                                    events=("events", "sum"))
    out["share_active"] = (out["active"] / out["relationships"]).round(3)
    return out
