"""The report's figures: which PNGs to show, in what order, with which caption and at what width.

Order and captions come from the figure registry (:mod:`analysis.describe.registry`)."""

from __future__ import annotations

from pathlib import Path

from analysis.describe import registry
from analysis.describe.figures import DPI

FIGURE_MAX_WIDTH_PX = 760  # a double-column figure fills the page's text width
PAGE_WIDTH_IN = 7.4  # a double-column figure as saved (tight bounding box), which gets the full width


# figures shown in their own chapter of the report (by file-name prefix), not among the main figures
CHAPTER_FIGURES = {
    "robustness": ("multiverse_",),
    "external": ("partnership_", "china_partners", "german_establishments"),
}


def figure_files(figures_dir: str | Path, chapter: str = "main") -> list[Path]:
    """PNG figures in reading order: registered figures in registry order, then any other alphabetically.
    Per-year figures (``<name>_<YYYY>``) belong to the year pages and are left out. ``chapter`` picks
    the figures of one chapter (a key of ``CHAPTER_FIGURES``); "main" those of no chapter."""
    pngs = {p.stem: p for p in Path(figures_dir).glob("*.png")}
    known = [pngs[name] for name, spec in registry.FIGURES.items() if name in pngs and not spec.per_year]
    ordered = known + [pngs[name] for name in sorted(pngs) if registry.for_file(name) is None]
    if chapter != "main" and chapter not in CHAPTER_FIGURES:
        raise ValueError(f"unknown report chapter {chapter!r}; known: main, {', '.join(CHAPTER_FIGURES)}")
    return [p for p in ordered if _chapter(p.stem) == chapter]


def _chapter(stem: str) -> str:
    return next((name for name, prefixes in CHAPTER_FIGURES.items() if stem.startswith(prefixes)), "main")


def figure_caption(path: str | Path) -> str:
    """The figure's registered caption; for a file with no entry, its name as a sentence."""
    stem = Path(path).stem
    found = registry.for_file(stem)
    return found[0].caption if found else stem.replace("_", " ").capitalize() + "."


def figure_width(path: str | Path, max_px: int = FIGURE_MAX_WIDTH_PX) -> int:
    """Display width in pixels: the same scale for every figure, so a single-column figure
    shows at about half the width of a double-column one (not blown up to full width).

    Measured from the PNG rather than taken from the registry's column, because the saved
    figure's tight bounding box may be a little wider or narrower than its column."""
    from PIL import Image

    with Image.open(path) as im:
        inches = im.size[0] / DPI
    return int(min(max_px, round(inches * max_px / PAGE_WIDTH_IN)))
