"""Every figure draws with Chinese labels, no missing glyph, at journal widths, saved as PNG and SVG."""

from __future__ import annotations

import copy
import functools
import os
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.describe import figures  # noqa: E402
from analysis.describe import network  # noqa: E402
from analysis.describe import registry  # noqa: E402
from analysis.describe import tables as describe  # noqa: E402
from analysis.describe import year_review  # noqa: E402
from analysis.paths import PROJECT_ROOT  # noqa: E402
from tests.unit.describe.test_tables import CITIES, PANEL, RELS  # noqa: E402
from tests.unit.describe.test_partnerships import external_figure_inputs  # noqa: E402

VISITS = pd.DataFrame({
    "event_id": ["v1", "v2", "v3", "v4"], "kind": "visit",
    "origin": ["CN-511900", "CN-310109", "CN-330700", "DE-1"],
    "destination": ["CN-310109", "CN-511900", "CN-511900", "CN-330700"],
    "count": [2, 1, 1, 1], "topics": ["economy;education", "culture", "", "tourism"],
    "month": pd.array([3, 4, None, 3], dtype="Int64"),
})
POWER_GRID = pd.DataFrame({"relationships": [50, 100, 50, 100], "years": [5, 5, 10, 10], "effect": 0.5,
                           "power": [0.2, 0.4, 0.3, 0.6], "power_ci_low": [0.1, 0.3, 0.2, 0.5],
                           "power_ci_high": [0.3, 0.5, 0.4, 0.7]})


MULTIVERSE = pd.DataFrame({  # two drivers' rows of a multiverse table (cooperation_lag has none: an empty figure)
    "driver": ["leader_visit_lag"] * 4 + ["exchange_lag"] * 2, "min_events": [1, 2, 1, 2, 1, 1],
    "year_effects": [False, False, True, True, False, True], "specification": ["dynamic", "pooled"] * 3,
    "se_type": ["dyadic", "cluster", "dyadic", "model-based", "dyadic", "cluster"],
    "sample": ["all", "all", "domestic", "all", "all", "all"], "estimate": [0.2, 0.5, -0.1, 0.4, 0.3, 0.1],
    "ci_low": [-0.1, 0.2, -0.5, 0.1, 0.1, -0.2], "ci_high": [0.5, 0.8, 0.3, 0.7, 0.5, 0.4],
    "fallback": [False, False, True, False, False, False]})
YEAR_EVENTS = pd.DataFrame({
    "year": 2018, "month": pd.array([1, 3, 3, None, 11], dtype="Int64"), "count": [1, 2, None, 4, 1],
    "kind": ["visit", "visit", "agreement", "project", "meeting"],
})


pytestmark = pytest.mark.costly(30)  # seconds: started first (conftest.py)

def figure_inputs() -> dict[str, tuple]:
    """The arguments of each registered figure's drawing function, on the hand-made tables."""
    partners = describe.partners_of(RELS, CITIES, "CN-511900")
    status = describe.dormancy_status(PANEL, 3)
    graph = network.visit_graph(VISITS)
    types = network.typology(network.visit_degrees(graph))
    return {
        "partners_map": (partners, {"name": "巴中市", "lon": 106.7, "lat": 31.9}),
        "established_by_year": (describe.established_by_year(RELS),),
        "activity_heatmap": (describe.activity_matrix(PANEL, RELS, CITIES),),
        "dormant_share": (describe.dormant_share(status, RELS, "cohort"), describe.dormant_share(status, RELS, "kind"), 3),
        "degree_distribution": (network.degree_distribution(network.relationship_graph(RELS)),),
        "visit_network": (graph, types, describe.city_names(CITIES)),
        "visits_by_month": (network.visits_by_month(VISITS),),
        "topic_shares": (network.topic_shares(VISITS),),
        "power": (POWER_GRID,),
        **{f"multiverse_{d}": (MULTIVERSE, d) for d in ("leader_visit_lag", "exchange_lag", "cooperation_lag")},
        "year_events_by_month": (*year_review.events_by_month_kind(YEAR_EVENTS, 2018)[:1], 2018,
                                 year_review.events_by_month_kind(YEAR_EVENTS, 2018)[1]),
        **external_figure_inputs(),
    }


def draw(name: str) -> plt.Figure:
    # the inputs are built once (0.2 s each time, for every figure) and copied: a drawing cannot change them
    return registry.get(name).draw(*copy.deepcopy(_kept_inputs()[name]))


@functools.lru_cache(maxsize=1)
def _kept_inputs() -> dict[str, tuple]:
    return figure_inputs()


def test_every_registered_figure_is_drawn_here():
    assert set(figure_inputs()) == set(registry.FIGURES)


@pytest.mark.parametrize("name", list(registry.FIGURES))
def test_figure_saves_png_and_svg_without_missing_glyphs(name, tmp_path):
    spec = registry.get(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw(name)
        paths = registry.save_figure(fig, name, tmp_path, year=2018 if spec.per_year else None)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing
    width_in = fig.get_size_inches()[0]
    if name == "power":  # drawn in analysis.models.power at 6.5 in: fits the double column
        assert figures.SINGLE_COLUMN_IN < width_in <= spec.width_in
    else:
        assert width_in == spec.width_in
    assert fig.get_size_inches()[1] <= figures.MAX_HEIGHT_IN
    plt.close(fig)
    png = mpimg.imread(paths["png"])
    assert png.shape[1] >= 0.8 * width_in * figures.DPI  # 300 dpi (bbox tight may trim a little)
    assert png[..., :3].std() > 0.02  # something is drawn
    svg = paths["svg"].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<path" in svg
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


# Several components and weights: before nodes and edges were sorted, the layout followed
# the order of Python sets, which changes with the hash seed (drawn beside every registered figure below).
DRAW_VISIT_NETWORK = """
import pandas as pd
from analysis.describe import figures, network
cities = [f"CN-{100000 + 37 * i}" for i in range(14)]
pairs = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (5, 6), (7, 8), (9, 10), (10, 9), (11, 12), (12, 13)]
events = pd.DataFrame([{"kind": "visit", "origin": cities[a], "destination": cities[b], "count": 1 + a % 3}
                       for a, b in pairs])
graph = network.visit_graph(events)
types = network.typology(network.visit_degrees(graph))
fig = figures.visit_network_figure(graph, types, pd.Series({c: f"城市{i}" for i, c in enumerate(cities)}))
registry.save_figure(fig, "visit_network", f"{sys.argv[1]}/components")
"""


def test_visit_network_draws_only_the_busiest_cities(tmp_path):
    rows = [{"kind": "visit", "origin": f"c{i}", "destination": f"c{i + 1}", "count": 1} for i in range(30)]
    graph = network.visit_graph(pd.DataFrame(rows))
    types = network.typology(network.visit_degrees(graph))
    fig = figures.visit_network_figure(graph, types, pd.Series(dtype=object), max_nodes=10)
    assert "busiest 10 of 31" in fig.axes[0].get_title()
    plt.close(fig)


def test_sorted_graph_orders_nodes_and_edges_and_keeps_data():
    g = nx.DiGraph()
    g.add_edge("b", "a", weight=2)
    g.add_edge("a", "c", weight=1)
    g.add_node("0")
    out = figures.sorted_graph(g.subgraph(["c", "b", "a", "0"]))
    assert list(out.nodes) == ["0", "a", "b", "c"]
    assert list(out.edges(data="weight")) == [("a", "c", 1), ("b", "a", 2)]
    assert out.is_directed()


def test_component_layout_does_not_depend_on_insertion_order():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("f", "g"), ("g", "h")]
    one, other = nx.DiGraph(edges), nx.DiGraph(list(reversed(edges)))
    pos_one, pos_other = figures.component_layout(one), figures.component_layout(other)
    assert set(pos_one) == set(pos_other)
    for node in pos_one:
        assert (pos_one[node] == pos_other[node]).all(), node


def _tick_values(axis) -> list[float]:
    lo, hi = sorted(axis.get_view_interval())
    return [t for t in axis.get_majorticklocs() if lo - 1e-9 <= t <= hi + 1e-9]


def test_established_by_year_has_whole_year_ticks_and_counts_unknown_years():
    # a span of 17 years: matplotlib's default locator would put ticks at half years
    table = pd.DataFrame({"sister_city": [1, 0, 2, 1]}, index=pd.Index([2005, 2011, 2016, 2022], name="year"))
    fig = figures.established_by_year_figure(table, n_unknown=7)
    ax = fig.axes[0]
    years = _tick_values(ax.xaxis)
    assert len(years) >= 3 and all(float(y).is_integer() for y in years), years
    assert all(float(v).is_integer() for v in _tick_values(ax.yaxis))
    assert "7" in ax.get_title()
    plt.close(fig)


def test_degree_distribution_labels_several_ticks_within_one_decade():
    dist = pd.DataFrame({"degree": [1, 2, 3, 10, 12, 16], "share": [0.7, 0.12, 0.05, 0.02, 0.02, 0.02]})
    fig = figures.degree_distribution_figure(dist)
    fig.canvas.draw()
    ax = fig.axes[0]
    shown = [t.get_text() for t in ax.yaxis.get_ticklabels() if t.get_text()
             and ax.get_ylim()[0] <= t.get_position()[1] <= ax.get_ylim()[1]]
    assert len(shown) >= 3, shown  # not just "0.1"
    assert all("10^" not in s and "$" not in s for s in shown)
    plt.close(fig)


SAVE_EVERY_FIGURE = """
import sys
import matplotlib
matplotlib.use("Agg")
from analysis.describe import registry
from tests.unit.describe.test_figures import draw
registry.DPI = 60  # what is tested is the drawing order, not the resolution: cheaper rasters (300 dpi in a run)
for name, spec in registry.FIGURES.items():
    registry.save_figure(draw(name), name, sys.argv[1], year=2018 if spec.per_year else None)
""" + DRAW_VISIT_NETWORK


def test_every_registered_figure_is_byte_identical_under_two_hash_seeds(tmp_path):
    # the SVG ids are salted (svg.hashsalt), no timestamps are written, and no drawing follows set order
    drawing = [subprocess.Popen([sys.executable, "-c", SAVE_EVERY_FIGURE, str(tmp_path / seed)], cwd=PROJECT_ROOT,
                                env={**os.environ, "PYTHONHASHSEED": seed}, stderr=subprocess.PIPE, text=True)
               for seed in ("0", "4242")]
    for process in drawing:
        err = process.communicate(timeout=600)[1]
        assert process.returncode == 0, err[-3000:]
    first = sorted(p.relative_to(tmp_path / "0").as_posix() for p in (tmp_path / "0").rglob("*") if p.is_file())
    stems = [s.stem(2018 if s.per_year else None) for s in registry.FIGURES.values()] + ["components/visit_network"]
    assert first == sorted(f"{stem}.{fmt}" for stem in stems for fmt in registry.FORMATS)
    different = [n for n in first if (tmp_path / "0" / n).read_bytes() != (tmp_path / "4242" / n).read_bytes()]
    assert different == []
