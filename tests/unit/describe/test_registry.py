"""The figure registry: one entry per figure, and figures are saved only under a registered name."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis.describe import figures, registry  # noqa: E402
from analysis.models import power  # noqa: E402
from tests.unit.describe.test_figures import draw  # noqa: E402


def test_entries_are_keyed_by_their_file_name_and_complete():
    for name, spec in registry.FIGURES.items():
        assert spec.name == name and name.isidentifier()
        assert callable(spec.draw) and spec.column in registry.COLUMN_WIDTH_IN
        assert spec.caption.endswith(".") and spec.caption[0].isupper()
    assert len({spec.caption for spec in registry.FIGURES.values()}) == len(registry.FIGURES)


def test_registry_order_is_the_reading_order():
    assert list(registry.FIGURES) == ["partners_map", "established_by_year", "activity_heatmap", "dormant_share",
                                      "degree_distribution", "visit_network", "visits_by_month", "topic_shares",
                                      "power", "multiverse_leader_visit_lag", "multiverse_exchange_lag",
                                      "multiverse_cooperation_lag", "partnership_degree_distribution",
                                      "china_partners", "partnership_distance", "german_establishments",
                                      "year_events_by_month"]


def test_the_power_figure_is_registered_with_its_drawing_function_from_models(monkeypatch):
    drawn = []
    monkeypatch.setattr(power, "power_figure", lambda *a, **k: drawn.append((a, k)) or "figure")
    assert registry.get("power").draw("grid", level=0.9) == "figure"  # imported when drawn, not before
    assert drawn == [(("grid",), {"level": 0.9})]
    assert registry.get("visit_network").draw is figures.visit_network_figure
    assert registry.get("nope") is None


def test_column_widths():
    assert registry.get("degree_distribution").width_in == figures.SINGLE_COLUMN_IN
    assert registry.get("partners_map").width_in == figures.DOUBLE_COLUMN_IN


def test_save_figure_refuses_an_unregistered_name(tmp_path):
    fig = draw("established_by_year")
    with pytest.raises(registry.UnknownFigure, match="'established_per_year' is not registered"):
        registry.save_figure(fig, "established_per_year", tmp_path)
    plt.close(fig)
    assert not list(tmp_path.iterdir())


def test_save_figure_is_deterministic(tmp_path):
    a = registry.save_figure(draw("established_by_year"), "established_by_year", tmp_path / "a")
    b = registry.save_figure(draw("established_by_year"), "established_by_year", tmp_path / "b")
    plt.close("all")
    assert a == {"png": tmp_path / "a/established_by_year.png", "svg": tmp_path / "a/established_by_year.svg"}
    assert a["svg"].read_bytes() == b["svg"].read_bytes()
    assert a["png"].read_bytes() == b["png"].read_bytes()


def test_a_per_year_figure_is_saved_under_its_year_and_needs_it(tmp_path):
    spec = registry.get("year_events_by_month")
    assert spec.per_year and spec.stem(2023) == "year_events_by_month_2023"
    paths = registry.save_figure(draw("year_events_by_month"), "year_events_by_month", tmp_path, year=2023)
    assert paths == {"png": tmp_path / "year_events_by_month_2023.png", "svg": tmp_path / "year_events_by_month_2023.svg"}
    with pytest.raises(ValueError, match="pass year="):
        registry.save_figure(draw("year_events_by_month"), "year_events_by_month", tmp_path)
    with pytest.raises(ValueError, match="not drawn per year"):
        registry.save_figure(draw("power"), "power", tmp_path, year=2023)
    plt.close("all")
    assert registry.for_file("year_events_by_month_2023") == (spec, 2023)
    assert registry.for_file("power") == (registry.get("power"), None)
    assert registry.for_file("power_2023") is None and registry.for_file("year_events_by_month") is None


def test_importing_the_registry_does_not_import_statsmodels():
    # every notebook that saves a figure imports the registry; the power module's statsmodels is not theirs to pay
    import subprocess
    import sys

    code = "import sys, analysis.describe.registry; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
