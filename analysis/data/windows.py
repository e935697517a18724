"""Observation windows: the ``covers`` blocks of ``SOURCES.yaml`` (read with their YAML lines, checked,
resolved to relationship-years) and the warning for an event outside every window of its source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import yaml

from analysis.data.checks import split_list
from analysis.data.files import Problem, relative, sources_file

COVERS_KEYS = ("years", "cities", "relationships")
YEAR_RANGE = (1900, 2100)
OBSERVED_COLUMNS = ["relationship_id", "year", "source"]
_YEARS = re.compile(r"^\s*(\d{1,4})\s*(?:(?:-|–|—|~|to)\s*(\d{1,4})\s*)?$")


@dataclass
class Item:
    value: str
    line: int


@dataclass
class Block:
    """One ``covers`` block of a source: its years and what it watched, each value with its line."""

    source: str
    line: int
    years: tuple[int, int] | None = None
    cities: list[Item] = field(default_factory=list)
    relationships: list[Item] = field(default_factory=list)
    city_ids: list[str] = field(default_factory=list)  # filled once names are resolved


def empty_observed() -> pd.DataFrame:
    return pd.DataFrame({"relationship_id": pd.Series([], dtype=object), "year": pd.Series([], dtype="int64"),
                         "source": pd.Series([], dtype=object)})


def declared(sources: dict[str, dict[str, Any]] | None) -> bool:
    """Whether any source states what it watched (else every year counts as observed)."""
    return any(isinstance(entry, dict) and entry.get("covers") is not None for entry in (sources or {}).values())


def parse_years(value: Any) -> tuple[tuple[int, int] | None, str | None]:
    """``2019`` or ``"2018-2019"`` -> (first, last), or an error message."""
    text = str(value).strip() if not isinstance(value, bool) and value is not None else ""
    match = _YEARS.match(text)
    if not match:
        return None, "years must be one year or an inclusive range such as 2018-2019"
    lo = int(match.group(1))
    hi = int(match.group(2)) if match.group(2) else lo
    if not (YEAR_RANGE[0] <= lo <= YEAR_RANGE[1] and YEAR_RANGE[0] <= hi <= YEAR_RANGE[1]):
        return None, f"a year outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}"
    if hi < lo:
        return None, f"the range ends ({hi}) before it starts ({lo})"
    return (lo, hi), None


def _scalar(node: yaml.Node) -> str:
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""


def _items(node: yaml.Node) -> list[Item] | None:
    """A list (or one value) of scalars with their lines; None when it is not that."""
    if isinstance(node, yaml.ScalarNode):
        return [Item(_scalar(node), node.start_mark.line + 1)] if _scalar(node) else []
    if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        return [Item(_scalar(n), n.start_mark.line + 1) for n in node.value if _scalar(n)]
    return None


def read_covers(data_dir: Path) -> tuple[list[Block], list[Problem]]:
    """Every ``covers`` block of ``SOURCES.yaml`` with its lines, and the problems of their form.

    Nothing (and no problem) when the file is missing or not valid YAML: ``read_sources``
    reports that once.
    """
    path = sources_file(data_dir)
    if path is None:
        return [], []
    rel = relative(path, data_dir)
    try:
        root = yaml.compose(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], []
    blocks: list[Block] = []
    problems: list[Problem] = []
    for key_node, entry in root.value:
        source = _scalar(key_node)
        if not isinstance(entry, yaml.MappingNode):
            continue
        for field_node, covers in entry.value:
            if _scalar(field_node) != "covers":
                continue
            line = covers.start_mark.line + 1
            if isinstance(covers, yaml.ScalarNode) and covers.tag.endswith(":null"):
                continue
            if not isinstance(covers, yaml.SequenceNode):
                problems.append(Problem(rel, line, "covers", None, f"source '{source}': covers must be a list of blocks (- years: ...)"))
                continue
            for block_node in covers.value:
                block, p = _read_block(source, block_node, rel)
                problems += p
                if block is not None:
                    blocks.append(block)
    return blocks, problems


def _read_block(source: str, node: yaml.Node, rel: str) -> tuple[Block | None, list[Problem]]:
    line = node.start_mark.line + 1
    where = f"source '{source}'"
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(rel, line, "covers", _scalar(node) or None,
                              f"{where}: a covers block is a mapping with years and cities or relationships")]
    block, problems = Block(source, line), []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key, key_line = _scalar(key_node), key_node.start_mark.line + 1
        if key not in COVERS_KEYS:
            problems.append(Problem(rel, key_line, "covers", key,
                                    f"{where}: unknown key in a covers block (allowed: {', '.join(COVERS_KEYS)})"))
            continue
        seen.add(key)
        if key == "years":
            years, message = parse_years(value_node.value if isinstance(value_node, yaml.ScalarNode) else None)
            if message:
                problems.append(Problem(rel, value_node.start_mark.line + 1, "years", _scalar(value_node) or None,
                                        f"{where}: {message}"))
            block.years = years
            continue
        items = _items(value_node)
        if not items:
            problems.append(Problem(rel, value_node.start_mark.line + 1, key, None,
                                    f"{where}: {key} must be a non-empty list of {'places' if key == 'cities' else 'relationship ids'}"))
            continue
        setattr(block, key, items)
    if "years" not in seen:
        problems.append(Problem(rel, line, "years", None, f"{where}: a covers block needs years"))
    return block, problems  # kept when malformed too, so its places and ids are still checked


def check_references(blocks: list[Block], gaz: Any, relationship_ids: Iterable[str], file: str) -> list[Problem]:
    """Unknown or ambiguous places and unknown relationship ids; fills each block's ``city_ids``."""
    known = set(relationship_ids)
    names = {item.value for b in blocks for item in b.cities}
    resolutions = gaz.resolve_many(sorted(names)) if names else {}
    problems = []
    for b in blocks:
        for item in b.cities:
            res = resolutions[item.value]
            if res.ok:
                b.city_ids.append(res.city_id)
            else:
                problems.append(Problem(file, item.line, "cities", item.value, f"source '{b.source}': {gaz.describe(res)}"))
        for item in b.relationships:
            if item.value not in known:
                problems.append(Problem(file, item.line, "relationships", item.value,
                                        f"source '{b.source}': no relationship with this id in relationships"))
    return problems


def _places(cities: pd.DataFrame) -> dict[str, set[str]]:
    """city id -> itself and the places it lies in (prefecture, province) as far as known."""
    out: dict[str, set[str]] = {}
    cols = [c for c in ("prefecture_id", "province_id") if c in cities]
    for row in cities[["city_id", *cols]].itertuples(index=False):
        out[row[0]] = {row[0], *(v for v in row[1:] if isinstance(v, str) and v)}
    return out


def observed_years(blocks: list[Block], relationships: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """``relationship_id, year, source``: every relationship-year some block covers (sorted, distinct).

    A block's ``cities`` take every relationship with one end in (or inside) those places;
    ``relationships`` name them; neither: the relationships whose ``source`` cites the block's source.
    """
    if not blocks or relationships.empty:
        return empty_observed()
    places = _places(cities)
    rel = relationships[["relationship_id", "city_a", "city_b", "source"]]
    ends = [places.get(a, {a}) | places.get(b, {b}) for a, b in zip(rel["city_a"], rel["city_b"])]
    cited = [set(split_list(str(s))) for s in rel["source"].fillna("")]
    frames = []
    for b in blocks:
        if b.years is None:
            continue
        chosen: set[str] = set()
        if b.cities:
            wanted = set(b.city_ids)
            chosen |= {rid for rid, e in zip(rel["relationship_id"], ends) if e & wanted}
        if b.relationships:
            chosen |= {item.value for item in b.relationships}
        if not b.cities and not b.relationships:
            chosen = {rid for rid, c in zip(rel["relationship_id"], cited) if b.source in c}
        years = range(b.years[0], b.years[1] + 1)
        frames.append(pd.DataFrame([(rid, y, b.source) for rid in sorted(chosen) for y in years], columns=OBSERVED_COLUMNS))
    if not frames:
        return empty_observed()
    out = pd.concat(frames, ignore_index=True).drop_duplicates().sort_values(OBSERVED_COLUMNS, kind="stable")
    return out.astype({"year": "int64"}).reset_index(drop=True)


def event_relationships(events: pd.DataFrame, relationships: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """``row, relationship_id``: the relationships each event row belongs to (its own id, or the
    relationships of its two places, a county standing also for its prefecture)."""
    rid = events["relationship_id"].astype(object)
    named = rid.notna() & (rid.astype(str) != "")
    out = [pd.DataFrame({"row": events.index[named], "relationship_id": rid[named].astype(str).to_numpy()})]
    cty = cities.drop_duplicates("city_id")
    pref = cty[["city_id", "prefecture_id"]].dropna() if "prefecture_id" in cty else cty[["city_id"]].iloc[:0]
    ends = pd.concat([pd.DataFrame({"city": cty["city_id"], "key": cty["city_id"]}),
                      pd.DataFrame({"city": pref["city_id"], "key": pref["prefecture_id"]})]).drop_duplicates()
    ev = pd.DataFrame({"row": events.index[~named], "o": events.loc[~named, "origin"], "d": events.loc[~named, "destination"]})
    m = ev.merge(ends.rename(columns={"city": "o", "key": "ko"}), on="o").merge(ends.rename(columns={"city": "d", "key": "kd"}), on="d")
    m["lo"], m["hi"] = m[["ko", "kd"]].min(axis=1), m[["ko", "kd"]].max(axis=1)
    a, b = relationships["city_a"].astype(str), relationships["city_b"].astype(str)
    rel = pd.DataFrame({"relationship_id": relationships["relationship_id"], "lo": a.where(a <= b, b), "hi": b.where(a <= b, a)})
    out.append(m.merge(rel, on=["lo", "hi"])[["row", "relationship_id"]])
    return pd.concat(out, ignore_index=True).drop_duplicates().sort_values(["row", "relationship_id"]).reset_index(drop=True)


def outside_warnings(events: pd.DataFrame, observed: pd.DataFrame, relationships: pd.DataFrame,
                     cities: pd.DataFrame, sources: dict[str, dict[str, Any]]) -> list[Problem]:
    """An event outside every window of a source it cites (a source with ``covers``): a warning
    naming file and line. Events of no relationship are not judged."""
    with_covers = {k for k, v in sources.items() if isinstance(v, dict) and v.get("covers") is not None}
    if events.empty or not with_covers:
        return []
    cites = events["source"].astype(str).map(split_list).explode().rename("source")
    cites = cites[cites.isin(with_covers)]
    if cites.empty:
        return []
    belongs = event_relationships(events.loc[cites.index.unique()], relationships, cities)
    pairs = belongs.merge(cites.rename_axis("row").reset_index(), on="row")
    pairs["year"] = events["year"].astype("int64").to_numpy()[events.index.get_indexer(pairs["row"])]
    inside = pairs.merge(observed.astype({"year": "int64"}), on=["source", "relationship_id", "year"], how="left", indicator=True)
    inside = inside.groupby(["row", "source"])["_merge"].agg(lambda s: (s == "both").any())
    warnings = []
    for (row, key), ok in inside.items():
        if ok:
            continue
        rels = ", ".join(belongs.loc[belongs["row"] == row, "relationship_id"])
        year = int(events.at[row, "year"])
        warnings.append(Problem(str(events.at[row, "file"]), int(events.at[row, "line"]), "source", key,
                                f"the event ({year}, relationship {rels}) is outside every window source '{key}' "
                                "covers in SOURCES.yaml (its year counts as observed)"))
    return warnings
