"""Networks of cities: the undirected relationship network, the directed visit network, the city
typology (learning / star / sponge / isolated) and visits inside city clusters."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from analysis.paths import REFERENCE_DIR

CITY_CLUSTERS_FILE = REFERENCE_DIR / "city_clusters.csv"
TYPES = ("learning", "star", "sponge", "isolated")
# Special administrative regions may carry an ISO country code instead of a CN- adcode.
SAR_ADCODES = {"HK": "810000", "MO": "820000"}


# --------------------------------------------------------------------------- relationships
def relationship_graph(relationships: pd.DataFrame) -> nx.Graph:
    """Undirected graph of cities; an edge per pair of cities with at least one relationship,
    ``weight`` = number of relationships (several relationships of one pair are one edge)."""
    g = nx.Graph()
    pairs = relationships[["city_a", "city_b"]].dropna()
    pairs = pairs[pairs["city_a"] != pairs["city_b"]]
    for (a, b), n in _unordered_pair_counts(pairs["city_a"], pairs["city_b"]).items():
        g.add_edge(a, b, weight=int(n))
    return g


def _unordered_pair_counts(a: pd.Series, b: pd.Series) -> pd.Series:
    lo = np.where(a.astype(str) <= b.astype(str), a, b)
    hi = np.where(a.astype(str) <= b.astype(str), b, a)
    return pd.Series(1, index=pd.MultiIndex.from_arrays([lo, hi])).groupby(level=[0, 1]).sum()


def network_summary(graph: nx.Graph) -> dict[str, float | int]:
    """Size, degree, clustering, assortativity and connectivity of an undirected graph.

    ``degree_assortativity`` is NaN where it is undefined (fewer than two edges or
    every node of the same degree, e.g. a ring).
    """
    n = graph.number_of_nodes()
    degrees = [d for _, d in graph.degree()]
    components = list(nx.connected_components(graph)) if n else []
    largest = max((len(c) for c in components), default=0)
    return {
        "nodes": n,
        "edges": graph.number_of_edges(),
        "mean_degree": float(np.mean(degrees)) if degrees else 0.0,
        "max_degree": int(max(degrees, default=0)),
        "transitivity": float(nx.transitivity(graph)) if n else 0.0,
        "degree_assortativity": degree_assortativity(graph),
        "components": len(components),
        "largest_component_size": largest,
        "largest_component_share": largest / n if n else 0.0,
    }


def degree_assortativity(graph: nx.Graph) -> float:
    """Pearson correlation of the degrees at either end of an edge; NaN when undefined."""
    if graph.number_of_edges() < 2:
        return math.nan
    degrees = {d for _, d in graph.degree() if d > 0}
    if len(degrees) < 2:
        return math.nan
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = nx.degree_assortativity_coefficient(graph)
    return float(r) if r is not None and np.isfinite(r) else math.nan


def degree_distribution(graph: nx.Graph) -> pd.DataFrame:
    """``degree, nodes, share``: how many nodes have each degree (degree >= 1)."""
    counts = pd.Series([d for _, d in graph.degree() if d > 0], dtype="int64").value_counts().sort_index()
    out = counts.rename_axis("degree").reset_index(name="nodes")
    out["share"] = out["nodes"] / out["nodes"].sum() if len(out) else []
    return out


def summary_table(summary: dict[str, float | int]) -> pd.DataFrame:
    """The summary as a two-column table for display."""
    labels = {
        "nodes": "cities (nodes)", "edges": "linked pairs (edges)", "mean_degree": "mean degree",
        "max_degree": "maximum degree", "transitivity": "transitivity (global clustering)",
        "degree_assortativity": "degree assortativity", "components": "connected components",
        "largest_component_size": "largest component (cities)",
        "largest_component_share": "largest component (share of cities)",
    }
    shown = [v if isinstance(v, (int, np.integer)) else round(float(v), 3) for v in summary.values()]
    return pd.DataFrame({"measure": [labels.get(k, k) for k in summary], "value": pd.Series(shown, dtype=object)})


# --------------------------------------------------------------------------- visits
def visits(events: pd.DataFrame) -> pd.DataFrame:
    """The ``visit`` events with ``count`` filled (default 1)."""
    v = events[events["kind"] == "visit"].copy()
    v["count"] = pd.to_numeric(v.get("count", 1), errors="coerce").fillna(1).astype("int64")
    return v


def visit_graph(events: pd.DataFrame) -> nx.DiGraph:
    """Directed graph origin -> destination of visits; ``weight`` = visits (by ``count``)."""
    v = visits(events)
    v = v[v["origin"].notna() & v["destination"].notna() & (v["origin"] != v["destination"])]
    g = nx.DiGraph()
    for (o, d), w in v.groupby(["origin", "destination"], sort=True)["count"].sum().items():
        g.add_edge(o, d, weight=int(w))
    return g


def visit_degrees(graph: nx.DiGraph) -> pd.DataFrame:
    """Per city: ``out_degree``/``in_degree`` (distinct partners) and ``sent``/``received`` (visits)."""
    rows = [
        {
            "city_id": n,
            "out_degree": graph.out_degree(n),
            "in_degree": graph.in_degree(n),
            "sent": int(graph.out_degree(n, weight="weight")),
            "received": int(graph.in_degree(n, weight="weight")),
        }
        for n in sorted(graph.nodes)
    ]
    cols = ["city_id", "out_degree", "in_degree", "sent", "received"]
    return pd.DataFrame(rows, columns=cols)


def reciprocity(graph: nx.DiGraph) -> float:
    """Share of directed edges whose reverse edge exists too (NaN for an empty graph)."""
    if graph.number_of_edges() == 0:
        return math.nan
    return float(nx.reciprocity(graph))


def typology(degrees: pd.DataFrame, min_visits: int = 1, ratio: float = 3.0,
             all_cities: pd.Series | list | None = None) -> pd.DataFrame:
    """Classify cities as learning / star / sponge / isolated.

    ``degrees`` has ``city_id, sent, received``; ``all_cities`` adds cities with no
    visit at all (they are isolated). With ``sent`` = visits a city made and ``received``
    = visits it hosted (both weighted by ``count``), ``min_visits`` (``typology_min_visits``)
    and ``ratio`` (``typology_ratio``, >= 1), the first rule that holds:

    1. ``isolated``: ``sent + received < min_visits`` (a city with no visits at all is
       always isolated, also when ``min_visits`` is 0);
    2. ``star`` (mostly visited): ``received > ratio * sent`` (so any city that is visited
       but never visits);
    3. ``sponge`` (mostly visits, absorbs others' experience): ``sent > ratio * received``
       (so any city that visits but is never visited);
    4. ``learning``: it both visits and is visited, neither side more than ``ratio`` times
       the other (with ``ratio = 1``: exactly as many of each).
    """
    if ratio < 1:
        raise ValueError(f"typology_ratio must be >= 1, got {ratio}")
    if min_visits < 0:
        raise ValueError(f"typology_min_visits must be >= 0, got {min_visits}")
    d = degrees.copy()
    if all_cities is not None:
        missing = sorted(set(pd.Series(all_cities).dropna()) - set(d["city_id"]))
        if missing:
            extra = pd.DataFrame({"city_id": missing})
            d = pd.concat([d, extra], ignore_index=True)
    for c in ("out_degree", "in_degree", "sent", "received"):
        if c in d:
            d[c] = d[c].fillna(0).astype("int64")
    sent, received = d["sent"], d["received"]
    total = sent + received
    d["type"] = np.select(
        [(total < min_visits) | (total == 0), received > ratio * sent, sent > ratio * received],
        ["isolated", "star", "sponge"],
        default="learning",
    )
    return d.sort_values(["type", "city_id"]).reset_index(drop=True)


def typology_counts(types: pd.DataFrame) -> pd.DataFrame:
    """Cities per type, every type listed (zero where none)."""
    counts = types["type"].value_counts().reindex(list(TYPES), fill_value=0)
    return counts.rename_axis("type").reset_index(name="cities")


def topic_shares(events: pd.DataFrame) -> pd.DataFrame:
    """Share of visits that carry each topic; one visit may carry several topics.

    The denominator is the visits with at least one topic recorded (``count``-weighted),
    so the shares may add to more than 1. Columns: ``topic, visits, share, visits_with_topics``.
    """
    v = visits(events)
    topics = v["topics"].fillna("").astype(str).str.split(";")
    long = pd.DataFrame({"topic": topics, "count": v["count"]}).explode("topic")
    long["topic"] = long["topic"].str.strip()
    long = long[long["topic"] != ""]
    with_topics = int(v.loc[topics.map(lambda ts: any(t.strip() for t in ts)), "count"].sum())
    per = long.groupby("topic")["count"].sum().sort_values(ascending=False, kind="stable")
    out = per.rename_axis("topic").reset_index(name="visits")
    out["share"] = out["visits"] / with_topics if with_topics else np.nan
    out["visits_with_topics"] = with_topics
    return out


def visits_by_month(events: pd.DataFrame) -> pd.DataFrame:
    """Visits per calendar month (1-12) over all years, plus visits whose month is unknown.

    Columns ``month`` (1..12, or NA for 'unknown'), ``visits``.
    """
    v = visits(events)
    month = pd.to_numeric(v.get("month"), errors="coerce") if "month" in v else pd.Series(np.nan, index=v.index)
    known = v.assign(month=month)[month.notna()]
    per = known.groupby(known["month"].astype(int))["count"].sum().reindex(range(1, 13), fill_value=0)
    out = per.rename_axis("month").reset_index(name="visits")
    out["month"] = out["month"].astype("Int64")
    unknown = int(v.loc[month.isna(), "count"].sum())
    out = pd.concat([out, pd.DataFrame({"month": pd.array([pd.NA], dtype="Int64"), "visits": [unknown]})],
                    ignore_index=True)
    return out


# --------------------------------------------------------------------------- clusters
def load_city_clusters(path: str | Path = CITY_CLUSTERS_FILE) -> pd.DataFrame:
    """The cluster membership table; checks its columns and ids.

    Clusters are data (``analysis/reference/city_clusters.csv``): each row lists a province-
    or prefecture-level unit by ``CN-<adcode>``; rows of level ``city`` name one city id
    exactly (for overlay ids without an adcode)."""
    path = Path(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"cluster", "cluster_zh", "unit_id", "name_zh", "level", "whole_province"}
    missing = need - set(df.columns)
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    problems = []
    for i, row in df.iterrows():
        line = i + 2
        if row["level"] not in ("province", "prefecture", "city"):
            problems.append(f"{path.name}:{line}: column 'level': value {row['level']!r}: "
                            "expected province, prefecture or city")
        elif row["level"] != "city" and not (row["unit_id"].startswith("CN-") and len(row["unit_id"]) == 9
                                             and row["unit_id"][3:].isdigit()):
            problems.append(f"{path.name}:{line}: column 'unit_id': value {row['unit_id']!r}: expected CN-<6-digit adcode>")
        elif not row["unit_id"]:
            problems.append(f"{path.name}:{line}: column 'unit_id': empty")
    if problems:
        raise ValueError("\n".join(problems))
    df["whole_province"] = df["whole_province"].replace("", "0").astype(int).astype(bool)
    return df


def city_adcode(city_id: str, country: str | None = None) -> str | None:
    """The 6-digit adcode of a city id (``CN-511900`` -> ``511900``); SARs by country code."""
    if isinstance(country, str) and country in SAR_ADCODES:
        return SAR_ADCODES[country]
    if isinstance(city_id, str) and city_id.startswith("CN-") and city_id[3:9].isdigit():
        return city_id[3:9]
    return None


def cluster_of_adcode(adcode: str | None, clusters: pd.DataFrame) -> str | None:
    """The cluster a unit lies in, or None.

    A unit belongs to a cluster when its adcode falls inside a listed unit (a district or
    county inside a listed prefecture or province-level municipality); a province as a whole
    belongs only where the cluster covers the whole province (column ``whole_province``).
    Hong Kong and Macau are matched by country code (``HK``, ``MO``) as well as by adcode."""
    if not adcode:
        return None
    for row in clusters[clusters["level"] != "city"].itertuples(index=False):
        unit = row.unit_id[3:]
        if adcode.endswith("0000"):  # a province-level unit as a whole
            if unit == adcode or (row.whole_province and unit[:2] == adcode[:2]):
                return row.cluster
        elif row.level == "province" and unit[:2] == adcode[:2]:
            return row.cluster
        elif row.level == "prefecture" and unit[:4] == adcode[:4]:
            return row.cluster
    return None


def _municipality(adcode: str | None) -> str | None:
    """A province-level municipality's adcode stands in for a unit inside it (``500000``)."""
    return adcode if adcode in ("110000", "120000", "310000", "500000") else None


def assign_clusters(cities: pd.DataFrame, clusters: pd.DataFrame) -> pd.Series:
    """``city_id -> cluster`` (None outside every cluster).

    A city whose id carries no adcode (an overlay id such as a new area) is placed by its
    ``prefecture_id``, or, inside Beijing, Tianjin, Shanghai or Chongqing, by its ``province_id``."""
    country = cities["country"] if "country" in cities else pd.Series(None, index=cities.index)
    # overlay cities without an adcode (e.g. a new area) fall back on their prefecture's
    none = pd.Series(None, index=cities.index, dtype=object)
    prefecture = cities["prefecture_id"] if "prefecture_id" in cities else none
    province = cities["province_id"] if "province_id" in cities else none
    by_id = clusters[clusters["level"] == "city"].set_index("unit_id")["cluster"].to_dict()
    out = [by_id.get(c) or cluster_of_adcode(city_adcode(c, k) or city_adcode(p) or _municipality(city_adcode(v)),
                                             clusters)
           for c, k, p, v in zip(cities["city_id"], country, prefecture, province)]
    return pd.Series(out, index=cities["city_id"].values, name="cluster", dtype="object")


def cluster_shares(events: pd.DataFrame, cities: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Visits that stay inside one city cluster.

    One row per cluster and a final ``all clusters`` row: ``visits_touching`` (at least
    one end in the cluster), ``visits_inside`` (both ends), ``share_of_touching`` and
    ``share_of_all`` (of all visits). Visits weighted by ``count``.
    """
    v = visits(events)
    membership = assign_clusters(cities, clusters)
    o = v["origin"].map(membership)
    d = v["destination"].map(membership)
    inside = o.notna() & (o == d)
    total = int(v["count"].sum())
    names = clusters.drop_duplicates("cluster").set_index("cluster")["cluster_zh"]
    rows = []
    for cl, zh in names.items():
        touching = (o == cl) | (d == cl)
        n_touch = int(v.loc[touching, "count"].sum())
        n_in = int(v.loc[inside & (o == cl), "count"].sum())
        rows.append({"cluster": cl, "cluster_zh": zh, "visits_touching": n_touch, "visits_inside": n_in})
    n_touch_any = int(v.loc[o.notna() | d.notna(), "count"].sum())
    rows.append({"cluster": "all", "cluster_zh": "全部城市群", "visits_touching": n_touch_any,
                 "visits_inside": int(v.loc[inside, "count"].sum())})
    out = pd.DataFrame(rows)
    out["share_of_touching"] = out["visits_inside"] / out["visits_touching"].where(out["visits_touching"] > 0)
    out["share_of_all"] = out["visits_inside"] / total if total else np.nan
    out["visits_total"] = total
    return out
