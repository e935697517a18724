"""The panel in plain vectorised pandas: an independent check of the SQL and the benchmark baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.contract import COOPERATION_KINDS, RELATIONSHIP_KINDS
from analysis.panel.duck import file_format
from analysis.panel.spec import ENTRY_RULES, EVENT_COLUMNS, PanelOptions, Plan


def read_events(files: list[str]) -> pd.DataFrame:
    fmt = file_format(files)
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


def panel_pandas(ev: pd.DataFrame, plan: Plan, cty: pd.DataFrame, options: PanelOptions,
                 obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The same panel as the SQL, in plain vectorised pandas (no loop over units);
    ``obs``: the watched relationship-years (``relationship_id, year``) when ``plan.windows``."""
    rel, units = plan.rel, plan.units
    obs = pd.DataFrame({"relationship_id": [], "year": []}) if obs is None else obs
    unit_of = rel.set_index("relationship_id")["unit_no"]
    unit_years = _unit_years(ev[ev["year"] <= plan.end_year], rel, cty, unit_of)

    # each relationship's entry: established, else first watched, else start_year / first year of the data
    first_watch = obs.groupby("relationship_id")["year"].min()
    fallback = options.start_year if options.start_year is not None else (
        plan.first_data_year if plan.first_data_year is not None else plan.end_year)
    watch = rel["relationship_id"].map(first_watch).astype("float64")
    entry = rel["established"].astype("float64").fillna(watch).fillna(fallback).astype("int64")
    rule = np.where(rel["established"].notna(), 0, np.where(watch.notna(), 1, 2 if options.start_year is not None else 3))
    entries = pd.DataFrame({"unit_no": rel["unit_no"], "kind": rel["kind"], "entry": entry, "rule": rule,
                            "last": rel["last_year"]})
    entries = entries[entries["entry"] <= entries["last"]]
    bounds = entries.groupby("unit_no").agg(start=("entry", "min"), end=("last", "max"))
    first_in = entries.merge(bounds, left_on=["unit_no", "entry"], right_on=["unit_no", "start"])
    entry_rule = first_in.groupby("unit_no")["rule"].min().map(dict(enumerate(ENTRY_RULES)))

    # spine: every year from a unit's start to its end
    lengths = (bounds["end"] - bounds["start"] + 1).to_numpy()
    which = np.repeat(np.arange(len(bounds)), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    panel = pd.DataFrame({"unit_no": bounds.index.to_numpy()[which], "spine_start": bounds["start"].to_numpy()[which]})
    panel["year"] = panel["spine_start"] + offset
    watched = obs.assign(unit_no=obs["relationship_id"].map(unit_of)).dropna(subset=["unit_no"])
    keys = pd.MultiIndex.from_frame(panel[["unit_no", "year"]].astype("int64"))
    observed = (keys.isin(pd.MultiIndex.from_frame(unit_years[["unit_no", "year"]].astype("int64")))
                | keys.isin(pd.MultiIndex.from_frame(watched[["unit_no", "year"]].astype("int64"))) | (not plan.windows))
    agg = ["events", "leader_visit", "cooperation", "exchange_count"]
    panel = panel.merge(unit_years, on=["unit_no", "year"], how="left")
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
    panel["age"] = panel["year"] - panel["spine_start"]
    panel["entry_rule"] = panel["unit_no"].map(entry_rule)

    panel = panel.merge(_kinds_in_force(panel[["unit_no", "year"]], entries), on=["unit_no", "year"])  # none: no row
    panel = panel.merge(units, on="unit_no")
    return panel[panel["year"] >= plan.first_row_year].sort_values(["unit_no", "year"])


def _unit_years(ev: pd.DataFrame, rel: pd.DataFrame, cty: pd.DataFrame, unit_of: pd.Series) -> pd.DataFrame:
    """Per unit and year: the events (weighted by count), each counted once per unit."""
    rid = ev["relationship_id"]
    rid = rid.where(rid.notna() & (rid != ""))
    n = ev["count"]
    is_lv = ((ev["kind"] == "visit") & (ev["leader_rank"] == "top")).to_numpy()
    is_co = ev["kind"].isin(COOPERATION_KINDS).to_numpy()
    work = pd.DataFrame({
        "event_no": np.arange(len(ev)),
        "year": ev["year"].to_numpy(),
        "origin": ev["origin"].astype("str").to_numpy(),
        "destination": ev["destination"].astype("str").to_numpy(),
        "events": n.to_numpy(),
        "leader_visit": is_lv.astype("int64"),
        "cooperation": is_co.astype("int64"),
        "exchange_count": np.where(is_lv | is_co, 0, n.to_numpy()),
    })
    has_id = rid.notna().to_numpy()
    named = work[has_id].assign(unit_no=rid[has_id].astype("str").map(unit_of).to_numpy()).dropna(subset=["unit_no"])

    # an unnamed event -> every unit whose pair its ends match (a county/district also standing for its
    # prefecture), each unit once
    ends = pd.concat([
        pd.DataFrame({"city": cty["city_id"], "end_key": cty["city_id"]}),
        pd.DataFrame({"city": cty["city_id"], "end_key": cty["prefecture_id"]}).dropna(),
    ]).drop_duplicates()
    m = work[~has_id].merge(ends.rename(columns={"city": "origin", "end_key": "key_o"}), on="origin")
    m = m.merge(ends.rename(columns={"city": "destination", "end_key": "key_d"}), on="destination")
    first = m["key_o"] <= m["key_d"]
    m["pair_lo"] = m["key_o"].where(first, m["key_d"])
    m["pair_hi"] = m["key_d"].where(first, m["key_o"])
    m = m.merge(rel[["unit_no", "pair_lo", "pair_hi"]], on=["pair_lo", "pair_hi"])
    m = m.drop_duplicates(["event_no", "unit_no"])

    agg = dict(events="sum", leader_visit="max", cooperation="max", exchange_count="sum")
    both = pd.concat([named[["unit_no", "year", *agg]], m[["unit_no", "year", *agg]]], ignore_index=True)
    both["unit_no"] = both["unit_no"].astype("int64")
    return both.groupby(["unit_no", "year"], sort=False).agg(agg).reset_index()


def _kinds_in_force(unit_years: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """``kind_<kind>`` per unit-year: 1 when a relationship of that kind is in force; only unit-years with one."""
    pairs = unit_years.merge(entries, on="unit_no")
    pairs = pairs[(pairs["year"] >= pairs["entry"]) & (pairs["year"] <= pairs["last"])]
    flags = pd.DataFrame({"unit_no": pairs["unit_no"], "year": pairs["year"],
                          **{f"kind_{k}": (pairs["kind"] == k).astype("int64") for k in RELATIONSHIP_KINDS}})
    return flags.groupby(["unit_no", "year"], as_index=False).max()
