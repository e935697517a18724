"""The partnership network's statistics (networkx), as DESIGN.md "Outputs" defines them:

- ``as_given``: a node is a (city, country) pair exactly as written in the Wikipedia list, trimmed;
  self-pairs and repeated pairs (in either order) dropped;
- ``resolved``: nodes are gazetteer ids; pairs with a side that did not resolve are left out, and
  pairs that become self-pairs or repeats after resolution are dropped.

Each: ``nodes, edges, mean_degree, max_degree, transitivity, average_clustering, assortativity,
largest_component, components``. The KONECT figures for the Wikidata sister-city network are kept
beside them for comparison.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

# KONECT "Sister cities" (Wikidata), as published on its network page
KONECT_SISTER_CITIES = {"nodes": 14274, "edges": 20573, "assortativity": 0.39, "average_clustering": 0.11,
                        "source": "KONECT, sister cities network (Wikidata)"}


def undirected_edges(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """``u, v`` with u < v: self-pairs and repeated pairs (in either order) dropped, first-seen order."""
    a, b = a.astype(str).to_numpy(), b.astype(str).to_numpy()
    keep = a != b
    u = pd.Series(a[keep]).where(a[keep] < b[keep], b[keep])
    v = pd.Series(b[keep]).where(a[keep] < b[keep], a[keep])
    return pd.DataFrame({"u": u, "v": v}).drop_duplicates().reset_index(drop=True)


def as_given_edges(pairs: pd.DataFrame) -> pd.DataFrame:
    """Edges of the list as written: node ``"<city> | <country>"`` (both trimmed)."""
    node = lambda s: pairs[f"name_{s}"].fillna("").astype(str).str.strip() + " | " + \
        pairs[f"country_{s}"].fillna("").astype(str).str.strip()
    return undirected_edges(node("a"), node("b"))


def resolved_edges(rels: pd.DataFrame) -> pd.DataFrame:
    """Edges between gazetteer ids (rows with both cities resolved)."""
    both = rels[(rels["city_a"].fillna("") != "") & (rels["city_b"].fillna("") != "")]
    return undirected_edges(both["city_a"], both["city_b"])


def graph(edges: pd.DataFrame) -> nx.Graph:
    g = nx.Graph()
    g.add_edges_from(zip(edges["u"], edges["v"]))
    return g


def network_stats(g: nx.Graph) -> dict:
    """The DESIGN.md statistics of an undirected graph."""
    n, m = g.number_of_nodes(), g.number_of_edges()
    degrees = [d for _, d in g.degree()]
    components = [len(c) for c in nx.connected_components(g)]
    return {
        "nodes": n, "edges": m,
        "mean_degree": 2 * m / n if n else float("nan"),
        "max_degree": max(degrees, default=0),
        "transitivity": nx.transitivity(g),
        "average_clustering": nx.average_clustering(g) if n else float("nan"),
        "assortativity": nx.degree_assortativity_coefficient(g) if m else float("nan"),
        "largest_component": max(components, default=0),
        "components": len(components),
    }


def degree_table(g: nx.Graph) -> pd.DataFrame:
    """``degree, nodes``: how many nodes have each degree."""
    counts = pd.Series([d for _, d in g.degree()]).value_counts().sort_index()
    return pd.DataFrame({"degree": counts.index.astype(int), "nodes": counts.to_numpy()})


def comparison_table(stats: dict[str, dict]) -> pd.DataFrame:
    """The statistics of each network side by side with KONECT's published figures."""
    cols = {**{name: s for name, s in stats.items()}, "konect_wikidata": KONECT_SISTER_CITIES}
    rows = ["nodes", "edges", "mean_degree", "max_degree", "transitivity", "average_clustering", "assortativity",
            "largest_component", "components"]
    return pd.DataFrame({name: [s.get(r) for r in rows] for name, s in cols.items()}, index=rows) \
        .rename_axis("statistic").reset_index()


def partnership_graphs(rels: pd.DataFrame) -> dict[str, nx.Graph]:
    """``as_given`` and ``resolved`` graphs of the Wikipedia list (rows of ``relationships.csv``)."""
    wp = rels[rels["dataset"] == "twin_cities_global"]
    return {"as_given": graph(as_given_edges(wp)), "resolved": graph(resolved_edges(wp))}


def partnership_network_numbers(graphs: dict[str, nx.Graph], resolved_share: dict | None = None) -> dict:
    """``numbers["partnership_network"]``: each graph's statistics, KONECT's published figures beside
    them, and the share of names resolved."""
    out = {name: network_stats(g) for name, g in graphs.items()}
    out["konect"] = KONECT_SISTER_CITIES
    if resolved_share is not None:
        out["resolved_share"] = resolved_share
    return out
