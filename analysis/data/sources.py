"""Reading ``SOURCES.yaml``: source key -> title, publisher, date, licence, note (and ``covers``),
with every problem located at its YAML line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis.data.contract import SOURCE_FIELDS
from analysis.data.dates import parse_date
from analysis.data.files import Problem, relative, sources_file


def read_sources(data_dir: Path) -> tuple[dict[str, dict[str, Any]] | None, list[Problem]]:
    """``SOURCES.yaml``: key -> {title, publisher, date, licence, note}, with located problems.

    The mapping is None when the file is missing or unreadable as a whole.
    """
    path = sources_file(data_dir)
    if path is None:
        return None, [Problem("SOURCES.yaml", None, None, None, "required file is missing (it cites every source key)")]
    rel = relative(path, data_dir)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(rel, None, None, None, "is not UTF-8 text")]
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        where = f"{context} (line {context_mark.line + 1}): " if context and context_mark is not None else ""
        return None, [Problem(rel, line, None, None, f"not valid YAML: {where}{getattr(exc, 'problem', None) or exc}")]
    if node is None or data is None:
        return None, [Problem(rel, None, None, None, "holds no sources")]
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return None, [Problem(rel, node.start_mark.line + 1, None, None, "must map each source key to its title, publisher, date, licence, note")]
    problems: list[Problem] = []
    sources: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in lines:
            problems.append(Problem(rel, line, None, key, f"source key defined twice (first at line {lines[key]})"))
            continue
        lines[key] = line
        entry = data.get(key_node.value) if key_node.value in data else data.get(key)
        if not isinstance(entry, dict):
            problems.append(Problem(rel, line, None, key, "entry must be a mapping with title, publisher, date, licence, note"))
            continue
        entry = {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in entry.items()}
        if not str(entry.get("title") or "").strip():
            problems.append(Problem(rel, line, "title", key, "entry has no title"))
        if entry.get("date") not in (None, ""):
            try:
                parse_date(str(entry["date"]))
            except ValueError as exc:
                problems.append(Problem(rel, line, "date", str(entry["date"]), f"source '{key}': {exc}"))
        sources[key] = {f: (None if entry.get(f) is None else str(entry.get(f))) for f in SOURCE_FIELDS} | {
            k: v for k, v in entry.items() if k not in SOURCE_FIELDS
        }
    return sources, problems
