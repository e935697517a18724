"""The report's "External data" chapter: the sister-city network beside KONECT's figures, China's
partners, the German partnerships' ordered logit, and the caveats of these lists.

It reads ``numbers.json`` and the ``external_*`` tables the notebooks 60 and 65 write; when the
external data were not available the chapter is one sentence saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.report.formatting import fmt_interval, fmt_number, fmt_p

# results/tables/<name>.csv written by notebooks 60 and 65 (the report shows them here, not among the models)
TABLES = {
    "comparison": "external_network_comparison",
    "china_partners": "external_china_partners",
    "top_cities": "external_top_chinese_cities",
    "distance": "external_partnership_distance",
    "unresolved": "external_unresolved",
    "ordered": "external_ordered_logit",
    "ordered_no_population": "external_ordered_logit_no_population",
}
CAVEATS = (
    "The Wikipedia list has no dates, no tiers and no activity: a pair says that some page once listed "
    "the two towns as twinned, not that anything happens between them.",
    "The German list ends in 2014 (the 2010s are incomplete) and lists only partnerships with German "
    "municipalities, none between two German ones.",
    "Names are resolved to gazetteer ids only where one place of the name lies near the list's own "
    "coordinates; the gazetteer's foreign cities are GeoNames places of 5,000 people or more, so small "
    "towns stay unresolved (listed in `external_unresolved` with candidates), and the resolved network "
    "is the part of the list among larger places.",
    "Population terms in the ordered logit exist only where both places resolved; the model without them "
    "keeps almost every row and is shown beside it.",
)


def _read(tables_dir: Path, key: str) -> pd.DataFrame | None:
    path = Path(tables_dir) / f"{TABLES[key]}.csv"
    return pd.read_csv(path) if path.exists() else None


COUNT_STATISTICS = {"nodes", "edges", "max_degree", "largest_component", "components"}


def comparison_display(table: pd.DataFrame) -> pd.DataFrame:
    """The network comparison as text: counts as whole numbers with thousands separators, ratios to
    three decimals, a statistic KONECT does not publish as a dash."""
    out = table.copy()
    counts = out["statistic"].isin(COUNT_STATISTICS)
    for column in out.columns[1:]:
        out[column] = [("—" if pd.isna(v) else f"{float(v):,.0f}" if is_count else f"{float(v):.3f}")
                       for v, is_count in zip(out[column], counts)]
    return out


def konect_sentence(net: dict) -> str:
    """Why the list's network differs from KONECT's Wikidata sister-city network."""
    given, k = net.get("as_given", {}), net.get("konect", {})
    return (f"KONECT's sister-city network, built from Wikidata, has {k.get('nodes', 0):,} cities and "
            f"{k.get('edges', 0):,} ties (assortativity {fmt_number(k.get('assortativity'))}, clustering "
            f"{fmt_number(k.get('average_clustering'))}); the Wikipedia list as given has "
            f"{given.get('nodes', 0):,} and {given.get('edges', 0):,} (assortativity "
            f"{fmt_number(given.get('assortativity'))}, average clustering {fmt_number(given.get('average_clustering'))}). "
            "They differ because they are different scrapes of different sources at different times: Wikidata "
            "holds only twinnings someone entered as statements between two items, the English Wikipedia lists "
            "copy many municipal pages (more small European towns), and a node here is a name as written, so "
            "one city spelled two ways counts twice and two towns of one name in one country count once. Both "
            "agree on the shape: a positive degree assortativity (well-twinned cities twin with each other) "
            "and little clustering.")


def ordered_display(table: pd.DataFrame) -> pd.DataFrame:
    """The ordered-logit table as the report shows it: odds ratios with dyadic-robust intervals."""
    t = table[table["estimate"].notna() | table["note"].astype(str).str.contains("not estimated")]
    return pd.DataFrame({
        "Term": t["term"],
        "Estimate": t["estimate"].map(fmt_number),
        "SE (dyadic)": t["se"].map(fmt_number),
        "SE (model)": t["se_model"].map(fmt_number) if "se_model" in t else "—",
        "Odds ratio [95% CI]": [fmt_interval(r, lo, hi) for r, lo, hi in
                                zip(t["ratio"], t["ratio_ci_low"], t["ratio_ci_high"])],
        "p": t["p"].map(fmt_p),
    }).reset_index(drop=True)


def external_chapter(numbers: dict, tables_dir: str | Path) -> list[Any]:
    """The chapter as a list of markdown strings and tables (DataFrames), in reading order."""
    net = numbers.get("partnership_network") or {}
    if not net or "skipped" in net:
        reason = net.get("skipped", "the external data were not fetched (`python -m analysis external`)")
        return [f"*The external-data chapter was skipped: {reason}.*"]
    parts: list[Any] = []
    share = net.get("resolved_share", {})
    wp, de = share.get("twin_cities_global", {}), share.get("twin_towns_de", {})
    parts.append(
        f"Two public lists put the compendium's gazetteer and models to a large, messy test. The English "
        f"Wikipedia sister-city list (via the `twincities` project) names {wp.get('places', 0):,} places; "
        f"{wp.get('share_places', float('nan')):.1%} of them resolve to one gazetteer city "
        f"({wp.get('share_mentions', float('nan')):.1%} of the list's mentions). The German municipal list names "
        f"{de.get('places', 0):,} places, of which {de.get('share_places', float('nan')):.1%} resolve. "
        "Every unresolved or ambiguous name is listed with its candidates in `results/tables/external_unresolved.csv`.")
    comparison = _read(Path(tables_dir), "comparison")
    if comparison is not None:
        parts += ["**The sister-city network: the list as given, after resolution, and KONECT (Wikidata)**",
                  comparison_display(comparison)]
    parts.append(konect_sentence(net))
    for key, title in (("china_partners", "**China's international partners by continent and country**"),
                       ("top_cities", "**Chinese cities with most foreign partners**"),
                       ("distance", "**Partnership and distance: partnerships per 1,000 Chinese–foreign city pairs**")):
        table = _read(Path(tables_dir), key)
        if table is not None:
            parts += [title, table.head(15)]
    depth = numbers.get("partnership_depth") or {}
    for key, title in (("ordered", "**What makes a German partnership deep: ordered logit of tier** "
                                   "(contact < friendship < partnership; dyadic-robust SEs)"),
                       ("ordered_no_population", "**The same without the population terms** (keeps unresolved places)")):
        table = _read(Path(tables_dir), key)
        if table is not None and len(table):
            parts += [title, ordered_display(table),
                      f"*{table['fit'].iloc[0]}. A positive estimate: a deeper tier is more likely.*"]
    if "skipped" in depth:
        parts.append(f"*The ordered logit was skipped: {depth['skipped']}.*")
    parts.append("**Caveats of the external data**\n\n" + "\n".join(f"- {c}" for c in CAVEATS))
    return parts
