"""Every figure draws with Chinese labels, no missing glyph, at journal widths, saved as PNG and SVG."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.describe import tables as describe
from analysis.describe import figures
from analysis.describe import network  # noqa: E402
from tests.unit.describe.test_tables import CITIES, PANEL, RELS  # noqa: E402

VISITS = pd.DataFrame({
    "event_id": ["v1", "v2", "v3", "v4"], "kind": "visit",
    "origin": ["CN-511900", "CN-310109", "CN-330700", "DE-1"],
    "destination": ["CN-310109", "CN-511900", "CN-511900", "CN-330700"],
    "count": [2, 1, 1, 1], "topics": ["economy;education", "culture", "", "tourism"],
    "month": pd.array([3, 4, None, 3], dtype="Int64"),
})


def all_figures():
    partners = describe.partners_of(RELS, CITIES, "CN-511900")
    status = describe.dormancy_status(PANEL, 3)
    graph = network.visit_graph(VISITS)
    types = network.typology(network.visit_degrees(graph))
    return {
        "partners_map": lambda: figures.partners_map_figure(partners, {"name": "巴中市", "lon": 106.7, "lat": 31.9}),
        "established_by_year": lambda: figures.established_by_year_figure(describe.established_by_year(RELS)),
        "activity_heatmap": lambda: figures.activity_heatmap_figure(describe.activity_matrix(PANEL, RELS, CITIES)),
        "dormant_share": lambda: figures.dormant_share_figure(
            describe.dormant_share(status, RELS, "cohort"), describe.dormant_share(status, RELS, "kind"), 3),
        "degree_distribution": lambda: figures.degree_distribution_figure(
            network.degree_distribution(network.relationship_graph(RELS))),
        "visit_network": lambda: figures.visit_network_figure(graph, types, describe.city_names(CITIES)),
        "visits_by_month": lambda: figures.visits_by_month_figure(network.visits_by_month(VISITS)),
        "topic_shares": lambda: figures.topic_shares_figure(network.topic_shares(VISITS)),
    }


@pytest.mark.parametrize("name", list(all_figures()))
def test_figure_saves_png_and_svg_without_missing_glyphs(name, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = all_figures()[name]()
        paths = figures.save_figure(fig, name, tmp_path)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing
    width_in = fig.get_size_inches()[0]
    assert width_in in (figures.SINGLE_COLUMN_IN, figures.DOUBLE_COLUMN_IN)
    assert fig.get_size_inches()[1] <= figures.MAX_HEIGHT_IN
    plt.close(fig)
    png = mpimg.imread(paths["png"])
    assert png.shape[1] >= 0.8 * width_in * figures.DPI  # 300 dpi (bbox tight may trim a little)
    assert png[..., :3].std() > 0.02  # something is drawn
    svg = paths["svg"].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<path" in svg
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_save_figure_is_deterministic(tmp_path):
    make = all_figures()["established_by_year"]
    a = figures.save_figure(make(), "f", tmp_path / "a")
    b = figures.save_figure(make(), "f", tmp_path / "b")
    plt.close("all")
    assert a["svg"].read_bytes() == b["svg"].read_bytes()
    assert a["png"].read_bytes() == b["png"].read_bytes()


def test_visit_network_draws_only_the_busiest_cities(tmp_path):
    rows = [{"kind": "visit", "origin": f"c{i}", "destination": f"c{i + 1}", "count": 1} for i in range(30)]
    graph = network.visit_graph(pd.DataFrame(rows))
    types = network.typology(network.visit_degrees(graph))
    fig = figures.visit_network_figure(graph, types, pd.Series(dtype=object), max_nodes=10)
    assert "busiest 10 of 31" in fig.axes[0].get_title()
    plt.close(fig)


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
