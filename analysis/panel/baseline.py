"""The panel in plain vectorised pandas: an independent check of the SQL and the benchmark baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.contract import COOPERATION_KINDS
from analysis.panel import sql as panel_sql
from analysis.panel.spec import EVENT_COLUMNS, PanelOptions, Plan

def read_events(files: list[str]) -> pd.DataFrame:
    fmt = panel_sql.file_format(files)
    frames = []
    for f in files:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            names = pq.read_schema(f).names
            cols = [c for c in EVENT_COLUMNS if c in names] + (["date"] if "year" not in names else [])
            frames.append(pd.read_parquet(f, columns=cols))
        else:
            frames.append(pd.read_csv(f, dtype="str", keep_default_na=False, na_values=[""]))
    ev = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if "year" not in ev.columns:
        ev["year"] = ev["date"].astype("str").str[:4].astype("int64")
    return normalise_events(ev)


def normalise_events(ev: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in EVENT_COLUMNS if c not in ev.columns]
    if missing:
        raise ValueError(f"events: missing column(s) {', '.join(missing)}")
    out = ev[EVENT_COLUMNS].copy()
    out["year"] = pd.to_numeric(out["year"]).astype("int64")
    out["count"] = pd.to_numeric(out["count"]).fillna(1).astype("int64")
    return out


def panel_pandas(ev: pd.DataFrame, rel: pd.DataFrame, cty: pd.DataFrame, options: PanelOptions, plan: Plan,
                 obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The same panel as the SQL, in plain vectorised pandas (no loop over relationships);
    ``obs``: the watched relationship-years (``relationship_id, year``) when ``plan.windows``."""
    obs = pd.DataFrame({"relationship_id": [], "year": []}) if obs is None else obs
    ev = ev[ev["year"] <= plan.end_year]
    rid = ev["relationship_id"]
    rid = rid.where(rid.notna() & (rid != ""))
    n = ev["count"]
    is_lv = ((ev["kind"] == "visit") & (ev["leader_rank"] == "top")).to_numpy()
    is_co = ev["kind"].isin(COOPERATION_KINDS).to_numpy()
    work = pd.DataFrame({
        "year": ev["year"].to_numpy(),
        "events": n.to_numpy(),
        "leader_visit": is_lv.astype("int64"),
        "cooperation": is_co.astype("int64"),
        "exchange_count": np.where(is_lv | is_co, 0, n.to_numpy()),
    })
    agg = dict(events="sum", leader_visit="max", cooperation="max", exchange_count="sum")
    has_id = rid.notna().to_numpy()

    named = work[has_id].assign(relationship_id=rid[has_id].to_numpy())
    named = named.groupby(["relationship_id", "year"], observed=True, sort=False).agg(agg).reset_index()
    named["relationship_id"] = named["relationship_id"].astype("str")

    unnamed = work[~has_id].assign(origin=ev["origin"][~has_id].to_numpy(), destination=ev["destination"][~has_id].to_numpy())
    unnamed = unnamed.groupby(["origin", "destination", "year"], observed=True, sort=False).agg(agg).reset_index()
    unnamed["origin"] = unnamed["origin"].astype("str")
    unnamed["destination"] = unnamed["destination"].astype("str")
    ends = pd.concat([
        pd.DataFrame({"city": cty["city_id"], "end_key": cty["city_id"]}),
        pd.DataFrame({"city": cty["city_id"], "end_key": cty["prefecture_id"]}).dropna(),
    ]).drop_duplicates()
    m = unnamed.merge(ends.rename(columns={"city": "origin", "end_key": "key_o"}), on="origin")
    m = m.merge(ends.rename(columns={"city": "destination", "end_key": "key_d"}), on="destination")
    first = m["key_o"] <= m["key_d"]
    m["pair_lo"] = m["key_o"].where(first, m["key_d"])
    m["pair_hi"] = m["key_d"].where(first, m["key_o"])
    m = m.merge(rel[["relationship_id", "pair_lo", "pair_hi"]], on=["pair_lo", "pair_hi"])
    m = m.drop_duplicates(["relationship_id", "origin", "destination", "year"])

    cols = ["relationship_id", "year", *agg]
    rel_years = pd.concat([named[cols], m[cols]], ignore_index=True)
    rel_years = rel_years.groupby(["relationship_id", "year"], sort=False).agg(agg).reset_index()

    # spine: every year from start to end of each relationship
    first_event = rel_years.groupby("relationship_id")["year"].min()
    first_watch = obs.groupby("relationship_id")["year"].min()
    if options.start_year is not None:
        unknown_start = pd.Series(options.start_year, index=rel.index, dtype="float64")
    else:
        fallback = plan.first_data_year if plan.first_data_year is not None else plan.end_year
        ids = rel["relationship_id"]
        unknown_start = ids.map(first_watch).astype("float64").fillna(ids.map(first_event)).fillna(fallback).astype("float64")
    spine_start = rel["established"].astype("float64").fillna(unknown_start).astype("int64").to_numpy()
    spine_end = rel["last_year"].to_numpy()
    lengths = np.clip(spine_end - spine_start + 1, 0, None)
    which = np.repeat(np.arange(len(rel)), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    panel = rel.iloc[which].reset_index(drop=True)
    panel["spine_start"] = spine_start[which]
    panel["year"] = panel["spine_start"] + offset
    recorded = pd.MultiIndex.from_frame(rel_years[["relationship_id", "year"]].astype({"year": "int64"}))
    watched = pd.MultiIndex.from_frame(obs[["relationship_id", "year"]].astype({"year": "int64"}))
    keys = pd.MultiIndex.from_frame(panel[["relationship_id", "year"]].astype({"year": "int64"}))
    observed = keys.isin(recorded) | keys.isin(watched) | (not plan.windows)
    panel = panel.merge(rel_years, on=["relationship_id", "year"], how="left")
    for c in agg:
        panel[c] = panel[c].fillna(0).where(observed)  # float: NaN in unobserved years
    panel["active"] = (panel["events"] >= options.min_events).astype("float64").where(observed)
    panel["observed"] = observed.astype("int64")

    # lags: the spine is sorted and complete, so the previous row is t-1 except in the first year
    is_first = offset == 0
    for src, dst in (("leader_visit", "leader_visit_lag"), ("cooperation", "cooperation_lag"),
                     ("exchange_count", "exchange_count_lag"), ("active", "active_lag")):
        lagged = panel[src].shift(1).to_numpy(dtype="float64", copy=True)
        lagged[is_first | ~observed] = np.nan  # nothing before the start; drivers missing when unobserved
        panel[dst] = lagged
    panel["exchange_lag"] = np.log1p(panel["exchange_count_lag"])
    active_year = pd.Series(np.where(panel["active"] == 1, panel["year"], -1))
    last_active = active_year.groupby(which).cummax().to_numpy()
    reference = np.where(last_active >= 0, last_active, panel["spine_start"])
    unobserved_year = pd.Series(np.where(observed, -1, panel["year"]))
    last_unobserved = unobserved_year.groupby(which).cummax().to_numpy()
    since = (panel["year"] - reference).astype("float64")
    gap = last_unobserved > reference  # a year since the reference that no source watched
    panel["years_since_event"] = since.where(observed & ~gap)
    d = options.dormancy_years
    dormant = np.where(since < d, 0.0, np.where(last_unobserved > panel["year"] - d, np.nan, 1.0))
    panel["dormant"] = pd.Series(dormant).where(observed)
    panel["first_year"] = is_first.astype("int64")
    panel["age"] = panel["year"] - panel["established"].astype("float64").fillna(panel["spine_start"]).astype("int64")
    return panel[panel["year"] >= plan.first_row_year]
