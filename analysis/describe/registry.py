"""The figure registry: one entry per figure (drawing function, file name, caption, column width).

Notebooks save figures under a registered name; the report takes captions and order from here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt

from analysis.describe import figures, partnerships, spec_curve, year_review
from analysis.describe.figures import DOUBLE_COLUMN_IN, DPI, SINGLE_COLUMN_IN
from analysis.io import atomic_path

COLUMN_WIDTH_IN = {"single": SINGLE_COLUMN_IN, "double": DOUBLE_COLUMN_IN}
FORMATS = ("png", "svg")


def _power_figure(*args, **kwargs) -> plt.Figure:
    """The power figure, imported when drawn: the power module brings statsmodels and the simulator,
    which the notebooks that only save other figures (e.g. every year review) should not pay for."""
    from analysis.models.power import power_figure

    return power_figure(*args, **kwargs)


@dataclass(frozen=True)
class FigureSpec:
    """What the notebooks and the report need to know about one figure."""

    name: str  # file stem under results/figures/ (<name>.png and <name>.svg)
    draw: Callable[..., plt.Figure]  # returns the figure; its arguments are the figure's own tables
    caption: str  # the caption the report prints under it
    column: str  # "single" or "double": the journal column it is drawn for
    per_year: bool = False  # one file per year, <name>_<YYYY>.png/.svg, shown on the year pages, not the report

    def stem(self, year: int | None = None) -> str:
        """The file stem: the name, or ``<name>_<YYYY>`` for a per-year figure (which needs its year)."""
        if self.per_year != (year is not None):
            raise ValueError(f"figure {self.name!r} is {'' if self.per_year else 'not '}drawn per year: "
                             f"{'pass' if self.per_year else 'do not pass'} year=")
        return f"{self.name}_{int(year):04d}" if self.per_year else self.name

    @property
    def width_in(self) -> float:
        """The column's width in inches; a figure is drawn at most this wide."""
        return COLUMN_WIDTH_IN[self.column]


# In reading order: the report shows the figures in this order.
FIGURES: dict[str, FigureSpec] = {spec.name: spec for spec in (
    FigureSpec(
        "partners_map", figures.partners_map_figure,
        "Partners of the focal city by region (lines join the focal city to each partner); "
        "left: partners in China, right: all partners.",
        "double",
    ),
    FigureSpec(
        "established_by_year", figures.established_by_year_figure,
        "Relationships established per year, by kind; relationships without a known "
        "year of establishment are counted in the title, not drawn.",
        "double",
    ),
    FigureSpec(
        "activity_heatmap", figures.activity_heatmap_figure,
        "Recorded events per relationship and year in three states: coloured, recorded exchanges; "
        "white, watched by a source and silent; pale blue, no source watched (missing, not silent); "
        "grey, outside the relationship's span. Without covers in SOURCES.yaml every year counts as "
        "watched, so a white cell may be a year no source looked at.",
        "double",
    ),
    FigureSpec(
        "dormant_share", figures.dormant_share_figure,
        "Share of relationships with no recorded event in their last watched years (dormant), by "
        "signing cohort and by kind; the numbers are dormant / judged relationships (judged: every "
        "one of those years watched by a source).",
        "double",
    ),
    FigureSpec(
        "degree_distribution", figures.degree_distribution_figure,
        "Number of partners per city in the relationship network (log–log axes): most "
        "cities have one partner, a few hubs have many.",
        "single",
    ),
    FigureSpec(
        "visit_network", figures.visit_network_figure,
        "Directed network of delegation visits (arrow: visitor → host). Colour = city type: "
        "learning (visits and is visited), star (mostly visited), sponge (mostly visits).",
        "double",
    ),
    FigureSpec(
        "visits_by_month", figures.visits_by_month_figure,
        "Delegation visits by calendar month.",
        "single",
    ),
    FigureSpec(
        "topic_shares", figures.topic_shares_figure,
        "Topics of delegation visits (a visit may carry several).",
        "single",
    ),
    FigureSpec(
        "power", _power_figure,
        "Power of the activity logit to detect a top-leader-visit effect, by number of relationships and "
        "years observed (simulated panels; bands are 95% intervals; dashed line: 80% power; dotted lines: "
        "type I error with no effect planted; grey dotted line: the test's level).",
        "double",
    ),
    FigureSpec(
        "multiverse_leader_visit_lag", spec_curve.specification_curve_figure,
        "Robustness multiverse, top-leader visit last year: the estimate (log-odds, 95% interval) under every combination of "
        "the activity threshold, year effects, dynamic or pooled model, type of standard error and sample, "
        "sorted; filled dots: the interval excludes zero; grey: the dynamic model fell back to the pooled "
        "penalised fit. The choices of each specification are marked below it.",
        "double",
    ),
    FigureSpec(
        "multiverse_exchange_lag", spec_curve.specification_curve_figure,
        "Robustness multiverse, other exchanges last year: the estimate (log-odds, 95% interval) under every combination of "
        "the activity threshold, year effects, dynamic or pooled model, type of standard error and sample, "
        "sorted; filled dots: the interval excludes zero; grey: the dynamic model fell back to the pooled "
        "penalised fit. The choices of each specification are marked below it.",
        "double",
    ),
    FigureSpec(
        "multiverse_cooperation_lag", spec_curve.specification_curve_figure,
        "Robustness multiverse, agreement or project last year: the estimate (log-odds, 95% interval) under every combination of "
        "the activity threshold, year effects, dynamic or pooled model, type of standard error and sample, "
        "sorted; filled dots: the interval excludes zero; grey: the dynamic model fell back to the pooled "
        "penalised fit. The choices of each specification are marked below it.",
        "double",
    ),
    # the external chapter (notebooks 60 and 65; drawn only when data/external exists)
    FigureSpec(
        "partnership_degree_distribution", partnerships.partnership_degree_figure,
        "Global sister-city network (English Wikipedia lists): share of cities by number of partners, "
        "log–log, for the list as given (a city is a name and country as written) and after resolving "
        "names to gazetteer ids.",
        "single",
    ),
    FigureSpec(
        "china_partners", partnerships.china_partners_figure,
        "Chinese mainland cities' international sister cities in the Wikipedia lists, by the partner's "
        "continent (GeoNames) and for the countries with most.",
        "double",
    ),
    FigureSpec(
        "partnership_distance", partnerships.partnership_distance_figure,
        "Sister-city partnerships per 1,000 pairs of a Chinese and a foreign city of the Wikipedia lists, "
        "by great-circle distance: partnership falls with distance.",
        "single",
    ),
    FigureSpec(
        "german_establishments", partnerships.establishments_figure,
        "Partnerships of German municipalities established per decade, stacked by the partner's continent "
        "(the list ends in 2014, so the 2010s are incomplete).",
        "double",
    ),
    FigureSpec(
        "year_events_by_month", year_review.events_by_month_figure,
        "Events of the year by month, coloured by kind (weighted by count); events dated to the year "
        "only are counted in the title, not drawn.",
        "single", per_year=True,
    ),
)}


class UnknownFigure(ValueError):
    """A figure name with no entry in :data:`FIGURES`."""


def get(name: str) -> FigureSpec | None:
    """The entry of a figure, or None for a name that is not registered."""
    return FIGURES.get(name)


def for_file(stem: str) -> tuple[FigureSpec, int | None] | None:
    """The entry a saved file belongs to and its year (None for a whole-run figure); None when unregistered."""
    if stem in FIGURES and not FIGURES[stem].per_year:
        return FIGURES[stem], None
    m = re.fullmatch(r"(.+)_(\d{4})", stem)
    spec = FIGURES.get(m.group(1)) if m else None
    return (spec, int(m.group(2))) if spec is not None and spec.per_year else None


def save_figure(fig: plt.Figure, name: str, figures_dir: str | Path, year: int | None = None) -> dict[str, Path]:
    """Write ``<figures_dir>/<name>.png`` (300 dpi) and ``.svg`` (``<name>_<year>.*`` for a per-year figure),
    each atomically; return their paths.

    ``name`` must be a registered figure, so that every saved figure has its caption."""
    spec = get(name)
    if spec is None:
        raise UnknownFigure(f"figure {name!r} is not registered; add its entry to analysis.describe.registry "
                            f"(registered: {', '.join(FIGURES)})")
    stem = spec.stem(year)
    out = {}
    for fmt in FORMATS:
        target = Path(figures_dir) / f"{stem}.{fmt}"
        # No timestamps or versions in the files, and SVG ids salted by the name (not a random uuid),
        # so equal inputs give equal bytes whatever the drawing function set.
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        with atomic_path(target, suffix=f".{fmt}") as tmp, plt.rc_context({"svg.hashsalt": spec.name}):
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=meta)
        out[fmt] = target
    return out
