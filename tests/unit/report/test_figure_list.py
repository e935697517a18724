"""The report's figures: order and captions from the figure registry, one display scale."""

from __future__ import annotations

import pytest

from PIL import Image

from analysis.describe import registry
from analysis.report import figure_list


def _png(path, inches=7.4):
    Image.new("RGB", (int(inches * 300), 300), "white").save(path)
    return path


def test_figures_follow_registry_order_then_any_other_alphabetically(tmp_path):
    for name in ("power", "zz_extra", "partners_map", "topic_shares", "aa_extra", "visit_network",
                 "year_events_by_month_2023"):  # a per-year figure belongs to its year page
        _png(tmp_path / f"{name}.png")
    (tmp_path / "partners_map.svg").write_text("<svg/>")
    shown = [p.stem for p in figure_list.figure_files(tmp_path)]
    assert shown == ["partners_map", "visit_network", "topic_shares", "power", "aa_extra", "zz_extra"]


def test_chapter_figures_are_shown_in_their_chapter_only(tmp_path):
    for name in ("power", "multiverse_leader_visit_lag", "partnership_degree_distribution", "china_partners"):
        _png(tmp_path / f"{name}.png")
    assert [p.stem for p in figure_list.figure_files(tmp_path)] == ["power"]
    assert [p.stem for p in figure_list.figure_files(tmp_path, "robustness")] == ["multiverse_leader_visit_lag"]
    assert sorted(p.stem for p in figure_list.figure_files(tmp_path, "external")) == [
        "china_partners", "partnership_degree_distribution"]
    with pytest.raises(ValueError, match="unknown report chapter 'nope'"):
        figure_list.figure_files(tmp_path, "nope")


def test_every_registered_figure_has_its_registry_caption(tmp_path):
    for name, spec in registry.FIGURES.items():
        stem = spec.stem(2023 if spec.per_year else None)
        assert figure_list.figure_caption(tmp_path / f"{stem}.png") == spec.caption
    assert figure_list.figure_caption(tmp_path / "zz_extra.png") == "Zz extra."


def test_captions_are_the_ones_the_report_showed_before():
    # the report's captions before the registry (the values after its overwrites)
    assert registry.get("partners_map").caption.startswith("Partners of the focal city by region (lines join")
    assert registry.get("visits_by_month").caption == "Delegation visits by calendar month."
    assert registry.get("power").caption.endswith("grey dotted line: the test's level).")


def test_figure_width_keeps_one_scale(tmp_path):
    single = figure_list.figure_width(_png(tmp_path / "single.png", 3.6))
    double = figure_list.figure_width(_png(tmp_path / "double.png", 7.4))
    assert double == figure_list.FIGURE_MAX_WIDTH_PX and 0.4 < single / double < 0.6
    assert figure_list.figure_width(_png(tmp_path / "wide.png", 9.0)) == figure_list.FIGURE_MAX_WIDTH_PX
