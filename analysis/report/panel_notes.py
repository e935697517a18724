"""The report's note on the panel: what its unit is and which rule set each unit's first year
(issue 12, points 4 and 5; the choice is argued in docs/PANEL_UNIT.md)."""

from __future__ import annotations

import pandas as pd

from analysis.panel.summary import entry_rules, panel_unit, shared_pairs
from analysis.report.formatting import plural

RULE_PHRASES = {
    "established": "in the year of their establishment",
    "first_observed": "in the first year a source watched them (no establishment year given)",
    "start_year": "at `start_year` (no establishment year, and no source watched them)",
    "data_start": "in the first year of the data (no establishment year, and no source watched them)",
}


def unit_note(panel: pd.DataFrame, names: pd.Series | None = None) -> str:
    """What one row of the panel is, and what that means for events between pairs with several ties;
    ``names`` (``city_id -> name``, e.g. ``describe.tables.city_names``) labels the pairs."""
    shared = shared_pairs(panel)
    if panel_unit(panel) == "relationship":
        n_pairs = int(panel.groupby("pair_id")["relationship_id"].nunique().gt(1).sum()) if "pair_id" in panel else 0
        return (f"**Unit: the relationship.** One row per relationship and year. "
                f"{plural(n_pairs, 'pair of places has', 'pairs of places have')} more than one relationship; "
                "an event between such a pair counts once for each of its relationships, so these rows "
                "are not independent observations (run with `panel_unit: pair` to count each event once).")
    n_units = panel["relationship_id"].nunique()
    text = (f"**Unit: the city pair.** One row per pair of places and year ({plural(n_units, 'pair')}), so "
            "an event between two places counts once, however many relationships tie them; the kinds of "
            "relationship in force each year are indicator columns (`kind_<kind>`), and a pair is known "
            "by its principal relationship (mandated pairings before voluntary ties).")
    if len(shared):
        examples = "; ".join(f"{_pair_label(r, names)}: {r.relationship_ids.replace(';', ', ')}"
                             for r in shared.head(3).itertuples())
        text += (f" {plural(len(shared), 'pair has', 'pairs have')} more than one relationship ({examples}"
                 f"{'; …' if len(shared) > 3 else ''}); a relationship-level panel would count their events "
                 "once per relationship.")
    else:
        text += " No pair has more than one relationship here, so pairs and relationships coincide."
    return text


def entry_note(panel: pd.DataFrame) -> str:
    """Which rule set each unit's first year, with counts, and why a unit never enters at its first event."""
    table = entry_rules(panel)
    total = int(table["units"].sum())
    parts = [f"{int(r.units)} {RULE_PHRASES[r.entry_rule]}" for r in table.itertuples() if r.units]
    if parts:
        parts[0] = parts[0].replace(" ", " entered ", 1)
    unit_word = "pair" if panel_unit(panel) == "pair" else "relationship"
    text = (f"**Entry into the panel.** Of the {plural(total, unit_word)}, {_join(parts)}. A {unit_word} never "
            "enters at its own first recorded event: that would make its first year active by construction "
            "(the lagged drivers of its second year would then be mostly what put it in the data).")
    watched = table.set_index("entry_rule").loc["first_observed"]
    if watched["first_year_active"]:
        text += (f" {watched['first_year_active']} of the {watched['units']} that entered when first watched had an "
                 "event in that year: a source often watches the years it reports on, so these first years are "
                 "not a random draw either.")
    unknown = int(table.loc[table["entry_rule"] != "established", "units"].sum())
    if unknown:
        text += (f" For the {plural(unknown, unit_word)} without an establishment year, the default model's "
                 "initial condition is a year in the middle of the relationship's life, not its start; on "
                 "simulated worlds like that (`bench/dynamic_results.md`, unknown establishment) the dynamic "
                 "model's driver estimates lean upward, though far less than the pooled logit's.")
    return text


def entry_rule_table(panel: pd.DataFrame) -> pd.DataFrame:
    """The entry rules as a report table: rule, units, share, units whose first year is active, meaning."""
    table = entry_rules(panel)
    return table.rename(columns={"entry_rule": "rule", "first_year_active": "first year active"})


def panel_note(panel: pd.DataFrame, names: pd.Series | None = None) -> str:
    """Both notes, as one markdown paragraph each."""
    return unit_note(panel, names) + "\n\n" + entry_note(panel)


def _pair_label(pair, names: pd.Series | None) -> str:
    """``巴中市–金华市`` in the unit's own order (its principal relationship's), or the pair id without names."""
    if names is None:
        return pair.pair_id
    return "–".join(str(names.get(city, city)) for city in (pair.city_a, pair.city_b))


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts) or "none"
    return ", ".join(parts[:-1]) + " and " + parts[-1]
