"""Drawing functions of the descriptive and network figures: a table in, a matplotlib Figure out.

File names, captions and column widths are the figures' entries in :mod:`analysis.describe.registry`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, LogNorm, to_rgba
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from analysis.data.contract import KIND_LABELS, REGION_LABELS, TOPIC_LABELS
from analysis.describe.fonts import use_cjk_font

SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.2
MAX_HEIGHT_IN = 9.0  # a journal page less its margins
DPI = 300

TYPE_LABELS = {"learning": "互学型 learning", "star": "明星型 star", "sponge": "海绵型 sponge", "isolated": "孤立 isolated"}
TYPE_COLOURS = {"learning": "#1b9e77", "star": "#d95f02", "sponge": "#7570b3", "isolated": "#999999"}
REGION_COLOURS = {"east": "#1f77b4", "central": "#2ca02c", "west": "#d62728", "northeast": "#9467bd",
                  "abroad": "#ff7f0e", "unknown": "#7f7f7f"}
KIND_ORDER = list(KIND_LABELS)


UNWATCHED_COLOUR = "#c6dbef"  # activity heatmap: a year no source watched


def style() -> None:
    """The CJK font and a quiet style for every figure (idempotent)."""
    use_cjk_font()
    plt.rcParams.update({
        "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8, "xtick.labelsize": 7, "ytick.labelsize": 7,
        "legend.fontsize": 7, "axes.spines.top": False, "axes.spines.right": False,
        "figure.dpi": 100, "savefig.bbox": "tight", "svg.hashsalt": "analysis",
    })


def _kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


# --------------------------------------------------------------------------- partners
def partners_map_figure(partners: pd.DataFrame, focal: dict) -> plt.Figure:
    """Partners of a focal city on lon/lat axes: China on the left, the world on the right.

    ``partners`` from :func:`analysis.describe.tables.partners_of`; ``focal`` has name, lon, lat.
    Lines join the focal city to each partner; colour = region (abroad for foreign cities).
    """
    style()
    p = partners.dropna(subset=["lon", "lat"])
    domestic = p[p["region"] != "abroad"]
    has_abroad = (p["region"] == "abroad").any()
    ncols = 2 if has_abroad else 1
    widths = [1.3, 1] if has_abroad else [1]
    fig, axes = plt.subplots(1, ncols, figsize=(DOUBLE_COLUMN_IN, 3.6), gridspec_kw={"width_ratios": widths},
                             squeeze=False)
    panels = [(axes[0, 0], domestic, "中国境内 partners in China", domestic)]
    if has_abroad:
        # the world panel labels only the foreign partners; the Chinese ones are labelled on the left
        panels.append((axes[0, 1], p, "全部 all partners", p[p["region"] == "abroad"]))
    for ax, data, title, labelled in panels:
        for row in data.itertuples(index=False):
            ax.plot([focal["lon"], row.lon], [focal["lat"], row.lat], color="#bbbbbb", lw=0.6, zorder=1)
        for region, grp in data.groupby("region", sort=True):
            ax.scatter(grp["lon"], grp["lat"], s=18, color=REGION_COLOURS.get(region, "#7f7f7f"),
                       label=f"{REGION_LABELS.get(region, region)} {region}", zorder=3, edgecolor="white", linewidth=0.4)
        ax.scatter([focal["lon"]], [focal["lat"]], marker="*", s=90, color="black", zorder=4)
        ax.annotate(focal["name"], (focal["lon"], focal["lat"]), xytext=(4, -9), textcoords="offset points",
                    fontsize=8)
        for i, row in enumerate(labelled.sort_values("lat").itertuples(index=False)):
            dy = 3 if i % 2 == 0 else -8  # alternate above/below so neighbours overlap less
            ax.annotate(row.name, (row.lon, row.lat), xytext=(3, dy), textcoords="offset points", fontsize=6.5)
        ax.set_title(title)
        ax.set_xlabel("经度 longitude (°E)")
        ax.set_aspect("equal", adjustable="box")
        ax.grid(True, lw=0.3, alpha=0.5)
    axes[0, 0].set_ylabel("纬度 latitude (°N)")
    if not domestic.empty:
        lon = pd.concat([domestic["lon"], pd.Series([focal["lon"]])])
        lat = pd.concat([domestic["lat"], pd.Series([focal["lat"]])])
        axes[0, 0].set_xlim(lon.min() - 3, lon.max() + 3)
        axes[0, 0].set_ylim(lat.min() - 2, lat.max() + 2)
    handles, labels = [], []
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle(f"{focal['name']}的合作伙伴 partners of {focal['name']}", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


# --------------------------------------------------------------------------- relationships
def established_by_year_figure(table: pd.DataFrame, n_unknown: int = 0) -> plt.Figure:
    """Stacked bars: relationships established per year, by kind.

    Years are whole numbers on the axis; ``n_unknown`` relationships without a known
    year are not drawn and are counted in the title."""
    style()
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 2.8))
    kinds = [k for k in KIND_ORDER if k in table.columns] + [k for k in table.columns if k not in KIND_ORDER]
    bottom = np.zeros(len(table))
    cmap = plt.get_cmap("tab10")
    for i, kind in enumerate(kinds):
        ax.bar(table.index, table[kind], bottom=bottom, color=cmap(i), label=f"{_kind_label(kind)} {kind}", width=0.8)
        bottom += table[kind].to_numpy()
    ax.set_xlabel("签订年份 year established")
    ax.set_ylabel("关系数 relationships")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no 2007.5
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    title = "历年建立的合作关系 relationships established per year"
    if n_unknown:
        title += f"（年份不详 year unknown: {n_unknown}）"
    ax.set_title(title)
    fig.tight_layout()
    return fig


def activity_heatmap_figure(matrix: pd.DataFrame, drop_silent: bool = True) -> plt.Figure:
    """Events per relationship and year in three states: recorded exchange (colour), watched and
    silent (white), not watched (pale blue, cells of -1); grey = outside the relationship's span.

    With ``drop_silent`` the relationships without any event in the shown years are left
    out (their number is given in the title), so the active histories stand out.
    """
    style()
    silent = matrix.fillna(0).clip(lower=0).sum(axis=1) == 0
    n_silent = int(silent.sum()) if drop_silent else 0
    if drop_silent and not silent.all():
        matrix = matrix[~silent]
    height = min(MAX_HEIGHT_IN, 1.2 + 0.16 * len(matrix))
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, height))
    values = matrix.to_numpy(dtype=float)
    # start the colour ramp above its near-white end, so one event stands out from none
    cmap = ListedColormap(plt.get_cmap("YlOrRd")(np.linspace(0.25, 1.0, 256)))
    vmax = np.nanmax(values) if (values > 0).any() else 1
    norm = LogNorm(vmin=1, vmax=max(vmax, 2))
    # one image of the three states (drawing three layers tripled the time to save at 300 dpi):
    # transparent where NaN, so years outside the span show the grey of the axes
    colours = np.zeros(values.shape + (4,))
    colours[values == 0] = to_rgba("white")  # watched, no event
    colours[values < 0] = to_rgba(UNWATCHED_COLOUR)  # no source watched: missing, not silent
    exchange = values > 0
    colours[exchange] = cmap(norm(values[exchange]))
    ax.set_facecolor("#d9d9d9")
    ax.imshow(colours, aspect="auto", interpolation="nearest")
    unwatched = values < 0
    ax.set_yticks(range(len(matrix)), labels=matrix.index, fontsize=6)
    step = max(1, len(matrix.columns) // 15)
    ax.set_xticks(range(0, len(matrix.columns), step), labels=[str(c) for c in matrix.columns[::step]])
    ax.set_xlabel("年份 year")
    cbar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.03, pad=0.01)
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if t <= max(vmax, 2)]
    cbar.set_ticks(ticks, labels=[str(t) for t in ticks])
    cbar.minorticks_off()
    cbar.set_label("事件数 events (log)")
    title = "合作关系活跃度 events per relationship and year（白=有观察无事件，灰=关系存续期外）"
    if unwatched.any():
        title = ("合作关系活跃度 events per relationship and year\n"
                 "（白=有来源观察、无事件 watched, silent；浅蓝=无来源观察 not watched；灰=关系存续期外 outside span）")
    if n_silent:
        title += f"\n{n_silent} relationships without any recorded event are not shown"
    ax.set_title(title)
    fig.tight_layout()
    return fig


def dormant_share_figure(by_cohort: pd.DataFrame, by_kind: pd.DataFrame, dormancy_years: int) -> plt.Figure:
    """Two panels of horizontal bars: dormant share by signing cohort and by kind (n shown)."""
    style()
    fig, axes = plt.subplots(1, 2, figsize=(DOUBLE_COLUMN_IN, 2.6))
    for ax, table, title, relabel in (
        (axes[0], by_cohort, "按签订时期 by signing cohort", lambda g: g),
        (axes[1], by_kind, "按类型 by kind", lambda g: f"{_kind_label(g)}"),
    ):
        t = table[table["relationships"] > 0]
        y = np.arange(len(t))
        ax.barh(y, t["share"], color="#4c72b0")
        ax.set_yticks(y, labels=[relabel(g) for g in t["group"]])
        for yi, (share, d, n) in enumerate(zip(t["share"], t["dormant"], t["relationships"])):
            ax.annotate(f"{d}/{n}", (share, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=6.5)
        ax.set_xlim(0, 1.15)
        ax.set_xlabel("休眠比例 share dormant")
        ax.set_title(title)
        ax.invert_yaxis()
    fig.suptitle(f"休眠：最近{dormancy_years}年无事件 dormant = no event in the last {dormancy_years} years", fontsize=9)
    fig.tight_layout()
    return fig


def degree_distribution_figure(distribution: pd.DataFrame) -> plt.Figure:
    """Share of cities by degree on log–log axes."""
    style()
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 2.8))
    ax.scatter(distribution["degree"], distribution["share"], s=16, color="#4c72b0")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):  # plain numbers (1, 2, 0.5), not 2×10^0
        # 1-2-5 ticks: a range inside one decade still gets several labels
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("度 degree (partners)")
    ax.set_ylabel("城市比例 share of cities")
    ax.set_title("关系网络度分布 degree distribution")
    ax.grid(True, which="both", lw=0.3, alpha=0.5)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- visits
def sorted_graph(graph: nx.Graph) -> nx.Graph:
    """A copy with nodes and edges added in sorted order.

    Layout and drawing follow the graph's iteration order, which for a subgraph is the
    order of a Python set (it changes with the hash seed); sorting makes equal inputs
    give equal figures."""
    out = graph.__class__()
    out.add_nodes_from(sorted(graph.nodes(data=True), key=lambda nd: str(nd[0])))
    out.add_edges_from(sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))))
    return out


def component_layout(graph: nx.Graph, seed: int = 1) -> dict:
    """Spring layout per connected component, components placed on a grid (largest first).

    One spring layout of a disconnected graph pushes the components apart and squeezes
    each into a clump; laying them out one by one keeps every component legible.
    """
    undirected = sorted_graph(graph.to_undirected() if graph.is_directed() else graph)
    comps = sorted(nx.connected_components(undirected), key=lambda c: (-len(c), sorted(map(str, c))))
    ncols = int(np.ceil(np.sqrt(len(comps))))
    pos = {}
    for i, nodes in enumerate(comps):
        sub = sorted_graph(undirected.subgraph(nodes))
        local = (nx.spring_layout(sub, seed=seed, k=1.5 / np.sqrt(len(nodes))) if len(nodes) > 1
                 else {next(iter(nodes)): np.zeros(2)})
        row, col = divmod(i, ncols)
        for n in sorted(local, key=str):
            x, y = local[n]
            pos[n] = np.array([col * 3.0 + x, -row * 3.0 + y])
    return pos


def visit_network_figure(graph: nx.DiGraph, types: pd.DataFrame, names: pd.Series, seed: int = 1,
                         max_nodes: int = 60) -> plt.Figure:
    """The directed visit network; node colour = typology, arrow width = visits.

    With more than ``max_nodes`` cities only the busiest (visits sent + received) are drawn.
    Nodes and edges are laid out and drawn in sorted order, with a seeded layout.
    """
    style()
    fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN_IN, 5.0))
    title = "代表团考察网络 delegation visits (arrow: visitor → host)"
    if graph.number_of_nodes() > max_nodes:
        busy = sorted(graph.nodes, key=lambda n: (-graph.degree(n, weight="weight"), str(n)))[:max_nodes]
        title += f"; busiest {max_nodes} of {graph.number_of_nodes()} cities"
        graph = graph.subgraph(busy)
    graph = sorted_graph(graph)
    kind = types.set_index("city_id")["type"]
    if graph.number_of_nodes():
        pos = component_layout(graph, seed)
        widths = [0.5 + np.log1p(d["weight"]) for _, _, d in graph.edges(data=True)]
        nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, edge_color="#888888", alpha=0.7, arrowsize=8,
                               connectionstyle="arc3,rad=0.12", node_size=120)
        for t in ("learning", "star", "sponge", "isolated"):
            nodes = [n for n in graph.nodes if kind.get(n) == t]
            if nodes:
                nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_size=120,
                                       node_color=TYPE_COLOURS[t], label=TYPE_LABELS[t])
        labels = {n: names.get(n, n) for n in graph.nodes}
        ys = [y for _, y in pos.values()]
        lift = 0.03 * (max(ys) - min(ys) or 1)  # names just above their node
        label_pos = {n: (x, y + lift) for n, (x, y) in pos.items()}
        nx.draw_networkx_labels(graph, label_pos, labels=labels, ax=ax, font_size=6.5,
                                font_family=plt.rcParams["font.sans-serif"][0], verticalalignment="bottom")
        ax.legend(frameon=False, loc="best", scatterpoints=1, markerscale=0.5)
    else:
        ax.text(0.5, 0.5, "无考察访问记录 no visits recorded", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def visits_by_month_figure(table: pd.DataFrame) -> plt.Figure:
    """Visits per calendar month; visits with an unknown month are given in the title."""
    style()
    known = table.dropna(subset=["month"])
    unknown = int(table.loc[table["month"].isna(), "visits"].sum())
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, 2.4))
    ax.bar(known["month"].astype(int), known["visits"], color="#4c72b0")
    ax.set_xticks(range(1, 13), labels=[f"{m}月" for m in range(1, 13)], fontsize=6.5)
    ax.set_ylabel("访问次数 visits")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"按月份的考察访问 visits by month（月份不详 unknown: {unknown}）")
    fig.tight_layout()
    return fig


def topic_shares_figure(table: pd.DataFrame) -> plt.Figure:
    """Share of visits carrying each topic (a visit may carry several)."""
    style()
    height = min(MAX_HEIGHT_IN, 1.0 + 0.18 * max(len(table), 1))
    fig, ax = plt.subplots(figsize=(SINGLE_COLUMN_IN, height))
    y = np.arange(len(table))
    ax.barh(y, table["share"], color="#55a868")
    ax.set_yticks(y, labels=[f"{TOPIC_LABELS.get(t, t)} {t}" for t in table["topic"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("访问占比 share of visits")
    n = int(table["visits_with_topics"].iloc[0]) if len(table) else 0
    ax.set_title(f"考察主题 visit topics (n = {n}; 可多选 may sum > 100%)")
    fig.tight_layout()
    return fig
