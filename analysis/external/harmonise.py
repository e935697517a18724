"""The two partnership lists in the raw-data contract's shape: ``relationships.csv`` rows, the
places with how each resolved, and the unresolved ones with their candidates.

Cities are gazetteer ids where they resolve (blank otherwise), with the names as written beside
them; the German tier is kept.

German ``form``: ``p`` partnership → ``sister_city``, ``f`` friendship → ``friendly_exchange``,
``k`` contact → ``other``; ``seit`` → ``established``. The Wikipedia list has neither year nor
tier: its rows are ``sister_city`` with ``established`` blank.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.contract import RELATIONSHIP_COLUMNS
from analysis.external.places import PlaceResolver, country_code
from analysis.geo import great_circle_km

TIER_KIND = {"p": "sister_city", "f": "friendly_exchange", "k": "other"}
TIER_NAME = {"p": "partnership", "f": "friendship", "k": "contact"}
TIER_ORDER = ("contact", "friendship", "partnership")  # shallow to deep, for the ordered logit
WIKIPEDIA, GERMAN = "twin_cities_global", "twin_towns_de"
GERMANY = "Deutschland"
PAIR_COLUMNS = ["name_a", "country_a", "lat_a", "lon_a", "name_b", "country_b", "lat_b", "lon_b"]
EXTRA_COLUMNS = ["dataset", "tier", *PAIR_COLUMNS, "iso_a", "iso_b", "continent_b", "region_a",
                 "distance_km", "population_a", "population_b"]  # + routes, direct_flight (covariates)


def _text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip()


def read_twin_cities(path: str | Path) -> pd.DataFrame:
    """The Wikipedia list as pairs (``PAIR_COLUMNS``), names and countries trimmed, blank when missing."""
    raw = pd.read_csv(path, dtype={"city1": str, "country1": str, "city2": str, "country2": str})
    out = pd.DataFrame({
        "name_a": _text(raw["city1"]), "country_a": _text(raw["country1"]), "lat_a": raw["lat1"], "lon_a": raw["lng1"],
        "name_b": _text(raw["city2"]), "country_b": _text(raw["country2"]), "lat_b": raw["lat2"], "lon_b": raw["lng2"],
    })
    return out.assign(dataset=WIKIPEDIA, tier="", established=pd.NA, continent_b="", region_a="")


def read_german(path: str | Path) -> pd.DataFrame:
    """The German list as pairs: side a the German municipality, side b the partner."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    num = lambda c: pd.to_numeric(raw[c], errors="coerce")
    form = _text(raw["form"]).str.lower()
    bad = ~form.isin(list(TIER_NAME) + [""])
    if bad.any():
        rows = ", ".join(f"line {i + 2}: {v!r}" for i, v in form[bad].items())
        raise ValueError(f"{path}: column 'form' must be p, f or k; {rows}")
    return pd.DataFrame({
        "name_a": _text(raw["gemeindename"]), "country_a": GERMANY, "lat_a": num("latitude"), "lon_a": num("longitude"),
        "name_b": _text(raw["partnergemeinde"]), "country_b": _text(raw["land"]),
        "lat_b": num("latitude_partner"), "lon_b": num("longitude_partner"),
        "dataset": GERMAN, "tier": form.map(TIER_NAME).fillna(""), "kind": form.map(TIER_KIND).fillna("other"),
        "established": pd.to_numeric(raw["seit"], errors="coerce").astype("Int64"),
        "continent_b": _text(raw["kontinent"]), "region_a": _text(raw["bundesland"]),
    })


def places(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each (dataset, name, country) once, with the coordinates of its first row and how many rows name it."""
    sides = [pairs[["dataset", f"name_{s}", f"country_{s}", f"lat_{s}", f"lon_{s}"]]
             .set_axis(["dataset", "name", "country", "lat", "lon"], axis=1) for s in "ab"]
    both = pd.concat(sides, ignore_index=True)
    rows = both.groupby(["dataset", "name", "country"], sort=False).size().rename("rows")
    first = both.drop_duplicates(["dataset", "name", "country"]).set_index(["dataset", "name", "country"])
    return first.join(rows).reset_index()


def resolve_places(table: pd.DataFrame, resolver: PlaceResolver) -> pd.DataFrame:
    """``places`` with ``iso``, ``status``, ``city_id``, ``method`` and ``candidates`` (labels, ``; ``-joined):
    the places a name matched, or for a name that matched none the nearest places of its country."""
    resolver.prepare_alternates(table["name"])
    matches = [resolver.resolve(n, c, la, lo) for n, c, la, lo in
               zip(table["name"], table["country"], table["lat"], table["lon"])]
    iso = [country_code(c) or "" for c in table["country"]]
    status = [m.status for m in matches]
    unknown = [i for i, s in enumerate(status) if s == "unknown"]
    near = resolver.nearest(table["lat"].to_numpy()[unknown], table["lon"].to_numpy()[unknown], [iso[i] for i in unknown])
    candidates = [m.candidates if m.status != "ok" else () for m in matches]
    for i, c in zip(unknown, near):
        candidates[i] = c
    return table.assign(
        iso=iso, status=status, city_id=[m.city_id or "" for m in matches], method=[m.method for m in matches],
        candidates=["; ".join(resolver.label(i) for i in c[:5]) for c in candidates],
    )


def relationships(pairs: pd.DataFrame, resolved: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """Contract-like rows: ``RELATIONSHIP_COLUMNS`` (ids where resolved, else blank) plus ``EXTRA_COLUMNS``.

    ``population`` maps city ids to a population (the census for Chinese cities, GeoNames else)."""
    look = resolved.set_index(["dataset", "name", "country"])
    out = pairs.copy()
    for s in "ab":
        idx = pd.MultiIndex.from_arrays([out["dataset"], out[f"name_{s}"], out[f"country_{s}"]])
        out[f"city_{s}"] = look["city_id"].reindex(idx).fillna("").to_numpy()
        out[f"iso_{s}"] = look["iso"].reindex(idx).fillna("").to_numpy()
        out[f"population_{s}"] = out[f"city_{s}"].map(population).astype(float)
    prefix = out["dataset"].map({WIKIPEDIA: "WP", GERMAN: "DE"})
    out["relationship_id"] = prefix + out.groupby("dataset").cumcount().add(1).map("{:05d}".format)
    if "kind" not in out:
        out["kind"] = np.nan
    out["kind"] = out["kind"].fillna("sister_city")
    out["ended"], out["status"], out["status_as_of"], out["note"] = "", "unknown", "", ""
    out["source"] = out["dataset"]
    out["distance_km"] = great_circle_km(out["lat_a"], out["lon_a"], out["lat_b"], out["lon_b"])
    return out[RELATIONSHIP_COLUMNS + EXTRA_COLUMNS].reset_index(drop=True)


def unresolved(resolved: pd.DataFrame) -> pd.DataFrame:
    """Every place that did not resolve, with why and its candidates, most-cited first."""
    out = resolved[resolved["status"] != "ok"]
    out = out[["dataset", "name", "country", "iso", "rows", "status", "candidates", "lat", "lon"]]
    return out.sort_values(["dataset", "rows", "name"], ascending=[True, False, True]).reset_index(drop=True)


def resolved_share(resolved: pd.DataFrame) -> dict:
    """Share of places and of list rows (weighted by how often a place is named) that resolved, per dataset."""
    out = {}
    for ds, g in resolved.groupby("dataset"):
        ok = g["status"] == "ok"
        out[ds] = {"places": len(g), "places_resolved": int(ok.sum()),
                   "share_places": float(ok.mean()), "share_mentions": float(g.loc[ok, "rows"].sum() / g["rows"].sum())}
    return out


def read_relationships(path: str | Path) -> pd.DataFrame:
    """``relationships.csv`` as written by ``external``: ids blank (not NaN) where unresolved."""
    text = ["relationship_id", "city_a", "city_b", "kind", "dataset", "tier", "name_a", "country_a", "name_b",
            "country_b", "iso_a", "iso_b", "continent_b", "region_a"]
    rels = pd.read_csv(path, dtype={c: str for c in text}, keep_default_na=False, na_values={
        c: [""] for c in ["lat_a", "lon_a", "lat_b", "lon_b", "distance_km", "population_a", "population_b", "established",
                          "routes", "direct_flight"]})
    rels["established"] = pd.to_numeric(rels["established"], errors="coerce").astype("Int64")
    return rels


# what `external` writes under <out>/data/external/ and the notebooks read
RELATIONSHIPS, PLACES, UNRESOLVED = "relationships.csv", "places.csv", "unresolved.csv"
CITY_POPULATION = "chinese_city_population.csv"


def external_dir(out_dir: str | Path) -> Path:
    """Where ``external`` writes for a run rooted at ``out_dir`` (a tmp ``--out`` has none: chapters skip)."""
    return Path(out_dir) / "data" / "external"


def load_harmonised(out_dir: str | Path) -> tuple[pd.DataFrame | None, dict]:
    """``(relationships, status)``; relationships is None, and ``status["reason"]`` says why, when the
    external data are not there."""
    from analysis.external.fetch import availability, read_status

    ext = external_dir(out_dir)
    ok, reason = availability(ext, RELATIONSHIPS)
    if not ok:
        return None, {"available": False, "reason": reason}
    return read_relationships(ext / RELATIONSHIPS), read_status(ext)


def read_unresolved(out_dir: str | Path) -> pd.DataFrame:
    return pd.read_csv(external_dir(out_dir) / UNRESOLVED, keep_default_na=False, na_values={"lat": [""], "lon": [""]})
