"""Descriptive tables behind ``20_describe`` (one year's tables are in ``year_review``): pure functions of the raw frames
(``cities``, ``relationships``, ``events`` of :class:`analysis.data.rawdata.RawData`) and the panel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.city_lookup import CityNotFound, resolve_city
from analysis.data.contract import KIND_LABELS


UNWATCHED = -1.0  # activity_matrix: a year no source watched


def focal_city_id(cities: pd.DataFrame, relationships: pd.DataFrame, focal_city: str) -> tuple[str, str]:
    """The focal city's id and a note; when it is not in the data (e.g. simulated data),
    the city with the most relationships stands in and the note says so."""
    try:
        focal = resolve_city(cities, focal_city)
    except CityNotFound as exc:
        focal = None
        why = str(exc)
    if focal is not None:
        if ((relationships["city_a"] == focal) | (relationships["city_b"] == focal)).any():
            return focal, ""
        why = f"city {focal_city!r} has no relationship in these data"
    ends = pd.concat([relationships["city_a"], relationships["city_b"]]).value_counts()
    if ends.empty:
        raise CityNotFound(f"{why}; and there are no relationships to choose another focal city from")
    busiest = sorted(ends[ends == ends.max()].index)[0]
    return busiest, f"{why}; showing {busiest}, the city with the most relationships ({int(ends.max())}), instead."


def city_names(cities: pd.DataFrame) -> pd.Series:
    """``city_id -> display name``: Chinese name, else English name, else the id."""
    name = cities.get("name_zh", pd.Series(index=cities.index, dtype=object))
    name = name.where(name.notna() & (name.astype(str) != ""), cities.get("name_en"))
    name = name.where(name.notna() & (name.astype(str) != ""), cities["city_id"])
    return pd.Series(name.values, index=cities["city_id"].values)


def relationship_labels(relationships: pd.DataFrame, cities: pd.DataFrame) -> pd.Series:
    """``relationship_id -> '巴中市–虹口区'``."""
    names = city_names(cities)
    a = relationships["city_a"].map(names).fillna(relationships["city_a"])
    b = relationships["city_b"].map(names).fillna(relationships["city_b"])
    return pd.Series((a + "–" + b).values, index=relationships["relationship_id"].values)


def partners_of(relationships: pd.DataFrame, cities: pd.DataFrame, focal_id: str) -> pd.DataFrame:
    """One row per relationship of the focal city, with the partner's place.

    Columns: relationship_id, partner_id, name, country, province, region, lat, lon,
    kind, established, status. ``region`` is 'abroad' outside China.
    """
    r = relationships[(relationships["city_a"] == focal_id) | (relationships["city_b"] == focal_id)]
    partner = np.where(r["city_a"] == focal_id, r["city_b"], r["city_a"])
    out = pd.DataFrame({
        "relationship_id": r["relationship_id"].values, "partner_id": partner,
        "kind": r["kind"].values, "established": r["established"].values, "status": r["status"].values,
    })
    cols = [c for c in ("city_id", "country", "province", "region", "lat", "lon") if c in cities]
    place = cities[cols].drop_duplicates("city_id")
    out = out.merge(place, left_on="partner_id", right_on="city_id", how="left").drop(columns="city_id")
    out.insert(2, "name", out["partner_id"].map(city_names(cities)).fillna(out["partner_id"]))
    abroad = out["country"].notna() & (out["country"] != "CN")
    out["region"] = out["region"].where(~abroad, "abroad")
    out["province"] = out["province"].where(out["province"].notna(), out["country"])
    return out.sort_values(["established", "name"], na_position="last").reset_index(drop=True)


def partners_by_province(partners: pd.DataFrame) -> pd.DataFrame:
    """Partners per region and province (foreign partners by country)."""
    out = (partners.assign(region=partners["region"].fillna("unknown"), province=partners["province"].fillna("unknown"))
           .groupby(["region", "province"]).agg(partners=("partner_id", "nunique"),
                                                 names=("name", lambda s: "、".join(sorted(set(s)))))
           .reset_index().sort_values(["partners", "region", "province"], ascending=[False, True, True]))
    return out.reset_index(drop=True)


def established_by_year(relationships: pd.DataFrame) -> pd.DataFrame:
    """Relationships established per year (rows) and kind (columns); years without any are 0."""
    r = relationships.dropna(subset=["established"])
    if r.empty:
        return pd.DataFrame()
    years = r["established"].astype(int)
    table = pd.crosstab(years, r["kind"]).rename_axis(index="year", columns="kind")
    full = range(int(years.min()), int(years.max()) + 1)
    return table.reindex(full, fill_value=0)


def activity_matrix(panel: pd.DataFrame, relationships: pd.DataFrame, cities: pd.DataFrame,
                    first_year: int | None = None, max_rows: int = 60) -> pd.DataFrame:
    """Events per relationship (rows, labelled by city names) and year (columns).

    Three states and the outside: a count >= 1 (recorded exchange), 0 (watched and silent),
    ``UNWATCHED`` = -1 (no source watched that year: missing, not silent), NaN (outside the
    relationship's panel span). Years before ``first_year`` are cut (default: the first year
    with any event, or the first watched year when sources declare windows, since before the
    records start a zero means 'not recorded'). Rows are ordered by kind and year established;
    with more than ``max_rows`` relationships the most active ones are kept.
    """
    p = panel[["relationship_id", "year", "events"] + (["observed"] if "observed" in panel else [])]
    seen = p["observed"] == 1 if "observed" in p else pd.Series(True, index=p.index)
    if first_year is None:
        with_events = p.loc[(p["events"] > 0).fillna(False), "year"]
        starts = ([int(with_events.min())] if len(with_events) else []) + ([int(p.loc[seen, "year"].min())] if (~seen).any() and seen.any() else [])
        first_year = min(starts) if starts else int(p["year"].min())
    p = p[p["year"] >= first_year]
    values = p["events"].astype("float64").where(seen[p.index], UNWATCHED)
    wide = p.assign(events=values).pivot_table(index="relationship_id", columns="year", values="events", aggfunc="sum")
    if len(wide) > max_rows:
        wide = wide.loc[wide.clip(lower=0).sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_rows]]
    meta = relationships.set_index("relationship_id").reindex(wide.index)
    order = meta.assign(_e=meta["established"].astype("float")).sort_values(["kind", "_e"], kind="stable").index
    wide = wide.loc[order]
    labels = relationship_labels(relationships, cities)
    wide.index = [f"{labels.get(r, r)}（{KIND_LABELS.get(meta.at[r, 'kind'], meta.at[r, 'kind'])}）" for r in wide.index]
    wide.index.name = "relationship"
    wide.columns = [int(c) for c in wide.columns]
    return wide


def dormancy_status(panel: pd.DataFrame, dormancy_years: int = 3) -> pd.DataFrame:
    """Per relationship: dormant at the end of its watched years?

    Dormant = no event in the last ``dormancy_years`` years up to its last observed year;
    judged only when every one of those years was observed (watched years only: a year no
    source watched is missing, not silent), else ``dormant`` is NA. Relationships never
    observed are left out. Columns: relationship_id, first_year, last_year (observed),
    years_observed, recent_events, dormant.
    """
    p = panel[["relationship_id", "year", "events"]]
    if "observed" in panel:
        p = p[panel["observed"] == 1]
    p = p.assign(events=p["events"].astype("float64"))
    g = p.groupby("relationship_id")
    out = g["year"].agg(first_year="min", last_year="max", years_observed="nunique").reset_index()
    last = p.merge(out[["relationship_id", "last_year"]], on="relationship_id")
    window = last[last["year"] > last["last_year"] - dormancy_years].groupby("relationship_id")
    recent, watched = window["events"].sum(), window["year"].nunique()
    out["recent_events"] = out["relationship_id"].map(recent).fillna(0)
    judged = out["relationship_id"].map(watched).fillna(0).to_numpy() >= dormancy_years
    out["dormant"] = pd.array(np.where(judged, out["recent_events"] == 0, False), dtype="boolean")
    out.loc[~judged, "dormant"] = pd.NA
    return out


def cohort_label(year: float, width: int = 10) -> str | None:
    """Signing cohort such as '2010–2019' for ``width=10``."""
    if pd.isna(year):
        return None
    start = int(year) // width * width
    return f"{start}–{start + width - 1}"


def dormant_share(status: pd.DataFrame, relationships: pd.DataFrame, by: str = "cohort",
                  cohort_years: int = 10) -> pd.DataFrame:
    """Share of judged relationships that are dormant, by signing cohort or by kind.

    Columns: group, relationships (judged), dormant, share, not_judged.
    """
    if by not in ("cohort", "kind"):
        raise ValueError(f"by must be 'cohort' or 'kind', got {by!r}")
    d = status.merge(relationships[["relationship_id", "kind", "established"]], on="relationship_id", how="left")
    if by == "cohort":
        d["group"] = d["established"].map(lambda y: cohort_label(y, cohort_years))
    else:
        d["group"] = d["kind"]
    d["group"] = d["group"].fillna("unknown")
    judged = d["dormant"].notna()
    out = d.groupby("group").agg(
        relationships=("dormant", lambda s: int(s.notna().sum())),
        dormant=("dormant", lambda s: int(s.fillna(False).astype(bool).sum())),
    )
    out["not_judged"] = d.loc[~judged].groupby("group").size().reindex(out.index, fill_value=0)
    out["share"] = out["dormant"] / out["relationships"].where(out["relationships"] > 0)
    return out.reset_index()[["group", "relationships", "dormant", "share", "not_judged"]]
