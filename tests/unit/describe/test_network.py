"""Network measures against networkx and hand-computed answers; typology on a crafted network."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from analysis.describe import network


def rel(pairs):
    return pd.DataFrame({"relationship_id": [f"R{i}" for i in range(len(pairs))],
                         "city_a": [a for a, _ in pairs], "city_b": [b for _, b in pairs]})


def visit_events(rows):
    """rows: (origin, destination, count[, topics[, month]])"""
    out = []
    for i, r in enumerate(rows):
        o, d, c = r[:3]
        out.append({"event_id": f"E{i}", "kind": "visit", "origin": o, "destination": d, "count": c,
                    "topics": r[3] if len(r) > 3 else "", "month": r[4] if len(r) > 4 else pd.NA})
    return pd.DataFrame(out)


def test_triangle_with_pendant_matches_known_answers():
    # A-B-C triangle, D hangs on C: degrees A2 B2 C3 D1
    g = network.relationship_graph(rel([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]))
    s = network.network_summary(g)
    assert (s["nodes"], s["edges"], s["max_degree"]) == (4, 4, 3)
    assert s["mean_degree"] == pytest.approx(2.0)
    # 1 triangle, connected triples: C has 3, A 1, B 1 -> 3*1/5
    assert s["transitivity"] == pytest.approx(3 / 5)
    # edge degree pairs (2,2),(2,3),(3,2),(3,1) both directions -> Pearson r = -5/7... check by hand
    xs = [2, 2, 2, 3, 3, 2, 3, 1]
    ys = [2, 2, 3, 2, 2, 3, 1, 3]
    mx = sum(xs) / len(xs)
    cov = sum((x - mx) * (y - mx) for x, y in zip(xs, ys))
    var = sum((x - mx) ** 2 for x in xs)
    assert s["degree_assortativity"] == pytest.approx(cov / var)
    assert s["degree_assortativity"] == pytest.approx(nx.degree_assortativity_coefficient(g))
    assert s["degree_assortativity"] < 0
    assert s["largest_component_size"] == 4 and s["components"] == 1


def test_duplicate_and_reversed_pairs_are_one_edge_and_components_count():
    g = network.relationship_graph(rel([("A", "B"), ("B", "A"), ("C", "D"), ("D", "E"), ("X", "X")]))
    s = network.network_summary(g)
    assert s["edges"] == 3 and s["nodes"] == 5
    assert g["A"]["B"]["weight"] == 2
    assert s["components"] == 2 and s["largest_component_size"] == 3
    assert s["largest_component_share"] == pytest.approx(3 / 5)
    assert s["transitivity"] == 0


def test_measures_agree_with_networkx_on_a_random_graph():
    g0 = nx.gnm_random_graph(40, 90, seed=3)
    pairs = [(f"c{a}", f"c{b}") for a, b in g0.edges]
    s = network.network_summary(network.relationship_graph(rel(pairs)))
    g0.remove_nodes_from([n for n in list(g0) if g0.degree(n) == 0])
    assert s["transitivity"] == pytest.approx(nx.transitivity(g0))
    assert s["degree_assortativity"] == pytest.approx(nx.degree_assortativity_coefficient(g0))
    assert s["largest_component_size"] == len(max(nx.connected_components(g0), key=len))


def test_assortativity_star_is_minus_one_and_ring_undefined():
    star = network.network_summary(network.relationship_graph(rel([("H", "a"), ("H", "b"), ("H", "c")])))
    assert star["degree_assortativity"] == pytest.approx(-1.0)
    ring = network.network_summary(network.relationship_graph(rel([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")])))
    assert math.isnan(ring["degree_assortativity"])


def test_degree_distribution_counts_nodes_per_degree():
    g = network.relationship_graph(rel([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]))
    d = network.degree_distribution(g).set_index("degree")
    assert d["nodes"].to_dict() == {1: 1, 2: 2, 3: 1}
    assert d["share"].sum() == pytest.approx(1)


CRAFTED = visit_events([
    # L1 <-> L2 learn from each other (2 out, 2 in each)
    ("L1", "L2", 2), ("L2", "L1", 2),
    # S is visited by 4 cities, visits once: received 8 > 3 * 1 -> star
    ("P1", "S", 2), ("P2", "S", 2), ("P3", "S", 2), ("P4", "S", 2), ("S", "L1", 1),
    # G visits 4 times, never visited -> sponge
    ("G", "L2", 4),
])


def test_typology_on_crafted_network():
    g = network.visit_graph(CRAFTED)
    deg = network.visit_degrees(g).set_index("city_id")
    assert deg.loc["S", "in_degree"] == 4 and deg.loc["S", "received"] == 8 and deg.loc["S", "sent"] == 1
    types = network.typology(deg.reset_index(), min_visits=1, ratio=3.0, all_cities=["Z"]).set_index("city_id")["type"]
    assert types["L1"] == "learning"
    assert types["S"] == "star"
    assert types["G"] == "sponge"
    assert types["P1"] == "sponge"  # visits, never visited
    assert types["Z"] == "isolated"
    # L2: sent 2, received 2 + 4 = 6 -> 6 > 3*2 is False -> learning; with ratio 2 it becomes a star
    assert types["L2"] == "learning"
    t2 = network.typology(deg.reset_index(), min_visits=1, ratio=2.0).set_index("city_id")["type"]
    assert t2["L2"] == "star"
    # a high min_visits makes light visitors isolated
    t3 = network.typology(deg.reset_index(), min_visits=5).set_index("city_id")["type"]
    assert t3["P1"] == "isolated" and t3["S"] == "star"
    counts = network.typology_counts(network.typology(deg.reset_index(), all_cities=["Z"]))
    assert counts.set_index("type")["cities"].to_dict() == {"learning": 2, "star": 1, "sponge": 5, "isolated": 1}


def test_typology_refuses_ratio_below_one():
    with pytest.raises(ValueError, match="typology_ratio"):
        network.typology(pd.DataFrame({"city_id": ["a"], "sent": [1], "received": [1]}), ratio=0.5)


def test_reciprocity_matches_networkx():
    g = network.visit_graph(visit_events([("A", "B", 1), ("B", "A", 1), ("A", "C", 1), ("C", "D", 3)]))
    assert network.reciprocity(g) == pytest.approx(2 / 4)
    assert network.reciprocity(g) == pytest.approx(nx.reciprocity(g))
    assert g["C"]["D"]["weight"] == 3


def test_topic_shares_can_sum_above_one_and_use_counts():
    ev = visit_events([("A", "B", 1, "economy;education"), ("B", "A", 3, "economy"), ("A", "C", 1, "")])
    t = network.topic_shares(ev).set_index("topic")
    assert t.loc["economy", "visits"] == 4 and t.loc["education", "visits"] == 1
    assert t["visits_with_topics"].iloc[0] == 4
    assert t.loc["economy", "share"] == pytest.approx(1.0)
    assert t["share"].sum() > 1


def test_visits_by_month_keeps_unknown_months():
    ev = visit_events([("A", "B", 2, "", 3), ("B", "A", 1, "", 3), ("A", "C", 5, "", pd.NA)])
    ev = pd.concat([ev, pd.DataFrame([{"event_id": "X", "kind": "meeting", "origin": "A", "destination": "B",
                                       "count": 9, "topics": "", "month": 3}])])
    t = network.visits_by_month(ev)
    assert len(t) == 13
    assert int(t.loc[t["month"] == 3, "visits"].iloc[0]) == 3
    assert int(t.loc[t["month"].isna(), "visits"].iloc[0]) == 5


def test_cluster_membership_from_the_reference_file():
    clusters = network.load_city_clusters()
    assert set(clusters["cluster"]) == {"jing_jin_ji", "yangtze_river_delta", "greater_bay_area", "chengdu_chongqing"}
    # the 2019 YRD outline's full area: Shanghai + 13 Jiangsu + 11 Zhejiang + 16 Anhui cities
    assert (clusters["cluster"] == "yangtze_river_delta").sum() == 41
    assert (clusters["note"] == "中心区").sum() == 27
    gba = clusters[clusters["cluster"] == "greater_bay_area"]
    assert len(gba) == 11
    cities = pd.DataFrame({
        "city_id": ["CN-310109", "CN-330700", "CN-511900", "CN-510100", "CN-500101", "CN-440300",
                    "HK-1819729", "CN-320000", "CN-440000", "CN-130600", "DE-2938913"],
        "country": ["CN", "CN", "CN", "CN", "CN", "CN", "HK", "CN", "CN", "CN", "DE"],
    })
    got = network.assign_clusters(cities, clusters).to_dict()
    assert got["CN-310109"] == "yangtze_river_delta"  # Hongkou district, Shanghai
    assert got["CN-330700"] == "yangtze_river_delta"  # Jinhua
    assert got["CN-511900"] is None  # Bazhong lies outside Chengdu–Chongqing
    assert got["CN-510100"] == "chengdu_chongqing"
    assert got["CN-500101"] == "chengdu_chongqing"  # a Chongqing district
    assert got["CN-440300"] == "greater_bay_area"
    assert got["HK-1819729"] == "greater_bay_area"
    assert got["CN-320000"] == "yangtze_river_delta"  # Jiangsu as a whole lies in the YRD
    assert got["CN-440000"] is None  # Guangdong as a whole does not lie in the GBA
    assert got["CN-130600"] == "jing_jin_ji"
    assert got["DE-2938913"] is None


def test_overlay_ids_without_adcode_are_placed_by_id_or_municipality():
    cities = pd.DataFrame({"city_id": ["CN-X-TIANFU", "CN-X-NEW", "CN-X-OTHER"], "country": ["CN"] * 3,
                           "prefecture_id": [None, None, None], "province_id": ["CN-510000", "CN-500000", "CN-510000"]})
    got = network.assign_clusters(cities, network.load_city_clusters()).to_dict()
    assert got == {"CN-X-TIANFU": "chengdu_chongqing", "CN-X-NEW": "chengdu_chongqing", "CN-X-OTHER": None}


def test_cluster_shares_count_visits_inside_one_cluster():
    cities = pd.DataFrame({"city_id": ["CN-310109", "CN-330700", "CN-511900", "CN-510100", "CN-500101"],
                           "country": ["CN"] * 5})
    ev = visit_events([
        ("CN-310109", "CN-330700", 2),  # inside YRD
        ("CN-511900", "CN-330700", 1),  # touches YRD
        ("CN-510100", "CN-500101", 1),  # inside CC
        ("CN-511900", "CN-310109", 4),  # touches YRD
    ])
    s = network.cluster_shares(ev, cities, network.load_city_clusters()).set_index("cluster")
    assert s.loc["yangtze_river_delta", "visits_inside"] == 2
    assert s.loc["yangtze_river_delta", "visits_touching"] == 7
    assert s.loc["all", "visits_inside"] == 3
    assert s.loc["all", "share_of_all"] == pytest.approx(3 / 8)
    assert s.loc["greater_bay_area", "visits_touching"] == 0
    assert math.isnan(s.loc["greater_bay_area", "share_of_touching"])


def test_bad_cluster_file_names_line_and_column(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("cluster,cluster_zh,unit_id,name_zh,level,whole_province\n"
                 "x,甲,CN-1101,北京,province,0\n"
                 "x,甲,CN-110000,北京,county,0\n", encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        network.load_city_clusters(f)
    msg = str(exc.value)
    assert "c.csv:2: column 'unit_id'" in msg and "c.csv:3: column 'level'" in msg
