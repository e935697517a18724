"""Network statistics: a hand-checkable graph, the DESIGN.md node and edge rules, and on the real
Wikipedia list (when ../shared/data exists) agreement with a computation that uses no networkx."""

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from analysis.external import harmonise, network
from tests.unit.external.conftest import SHARED


def test_self_pairs_and_repeats_in_either_order_are_dropped_and_names_trimmed():
    pairs = pd.DataFrame({"name_a": ["A", "B ", "A", "C"], "country_a": ["X", "X", "X", "X"],
                          "name_b": ["B", "A", "A", "A"], "country_b": ["X", " X", "X", "Y"]})
    edges = network.as_given_edges(pairs)
    assert len(edges) == 2 and set(edges["u"]) | set(edges["v"]) == {"A | X", "B | X", "C | X", "A | Y"}


def test_statistics_of_a_triangle_with_a_tail_and_a_separate_edge():
    g = network.graph(pd.DataFrame({"u": ["a", "a", "b", "c", "x"], "v": ["b", "c", "c", "d", "y"]}))
    s = network.network_stats(g)
    # triangles 1; connected triples: a 1, b 1, c 3 (degree 3), d 0 -> transitivity 3*1/5
    assert (s["nodes"], s["edges"], s["max_degree"], s["components"], s["largest_component"]) == (6, 5, 3, 2, 4)
    assert s["transitivity"] == pytest.approx(3 / 5)
    assert s["mean_degree"] == pytest.approx(10 / 6)
    assert s["average_clustering"] == pytest.approx((1 + 1 + 1 / 3 + 0 + 0 + 0) / 6)


def independent_stats(path) -> dict:
    """Nodes, edges, transitivity and degree assortativity by plain counting (no networkx)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    adj = defaultdict(set)
    for c1, k1, c2, k2 in zip(raw["city1"], raw["country1"], raw["city2"], raw["country2"]):
        u, v = (c1.strip(), k1.strip()), (c2.strip(), k2.strip())
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    deg = {n: len(nb) for n, nb in adj.items()}
    edges = [(u, v) for u in adj for v in adj[u] if u < v]
    closed = sum(len(adj[u] & adj[v]) for u, v in edges)  # each triangle counted once per edge: 3 per triangle
    triples = sum(d * (d - 1) / 2 for d in deg.values())
    x = np.array([deg[u] for u, v in edges] + [deg[v] for u, v in edges], float)
    y = np.array([deg[v] for u, v in edges] + [deg[u] for u, v in edges], float)
    return {"nodes": len(adj), "edges": len(edges), "transitivity": closed / triples,
            "assortativity": float(np.corrcoef(x, y)[0, 1])}


@pytest.mark.skipif(not (SHARED / "twin_cities_global").is_dir(), reason="no ../shared/data copy")
def test_as_given_agrees_with_an_independent_computation_on_the_real_list():
    path = SHARED / "twin_cities_global" / "twin_cities.csv"
    got = network.network_stats(network.graph(network.as_given_edges(harmonise.read_twin_cities(path))))
    want = independent_stats(path)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=0.01), k


def test_comparison_table_puts_konect_beside_each_network():
    table = network.comparison_table({"as_given": {"nodes": 3, "edges": 2}})
    row = table.set_index("statistic").loc["nodes"]
    assert row["as_given"] == 3 and row["konect_wikidata"] == 14274
