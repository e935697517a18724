"""The colophon: code version, environment, input hashes and run parameters, read from ``results/manifest.json``,
and how to cite the work and under which licences (from ``CITATION.cff``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.io import read_json
from analysis.paths import PROJECT_ROOT


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The run's manifest (written by the runner before the report runs); empty when there is none."""
    return read_json(path, default={}) or {}


def colophon(manifest: dict[str, Any]) -> dict[str, pd.DataFrame | str]:
    """Text and tables (inputs, packages, parameters) for the colophon from a manifest."""
    git = manifest.get("git") or {}
    env = manifest.get("environment") or {}
    commit = git.get("commit") or "unknown (not a git checkout)"
    state = {True: "with uncommitted changes (dirty)", False: "clean", None: "unknown"}[git.get("dirty")]
    inputs = (manifest.get("inputs") or {}).get("sha256") or {}
    digest = (manifest.get("inputs") or {}).get("digest")
    text = (f"Code: git commit `{commit}`, working tree {state}. "
            f"Python {env.get('python', 'unknown')} on {env.get('platform', 'unknown')}. "
            f"Inputs: {len(inputs)} raw files" + (f", digest `{digest}`" if digest else "") + ".")
    hashes = pd.DataFrame(sorted(inputs.items()), columns=["file", "sha256"])
    packages = pd.DataFrame(sorted((env.get("packages") or {}).items()), columns=["package", "version"])
    params = pd.DataFrame([(k, _show(v)) for k, v in sorted((manifest.get("parameters") or {}).items())],
                          columns=["parameter", "value"])
    cite = citation_text(PROJECT_ROOT / "CITATION.cff", git.get("commit"), digest)
    return {"text": text, "cite": cite, "inputs": hashes, "packages": packages, "parameters": params}


def citation_text(path: str | Path, commit: str | None = None, digest: str | None = None) -> str:
    """How to cite the report and under which licences, from ``CITATION.cff`` (a pointer when it is absent)."""
    path = Path(path)
    licences = ("Code under the MIT licence (`LICENSE`); the data transcriptions in `data/raw/` under "
                "CC BY 4.0 (`data/raw/LICENSE`); the cited documents keep their own rights (`data/raw/SOURCES.yaml`).")
    if not path.is_file():
        return f"How to cite: see `CITATION.cff`. {licences}"
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    authors = "; ".join(a.get("name") or " ".join(filter(None, [a.get("given-names"), a.get("family-names")]))
                        for a in cff.get("authors") or [])
    version = f", version {cff['version']}" if cff.get("version") else ""
    run = f" (git commit `{commit}`" + (f", input digest `{digest}`" if digest else "") + ")" if commit else ""
    return f"How to cite (`CITATION.cff`): {authors}. *{cff.get('title', '')}*{version}{run}. {licences}"


def _show(v: Any) -> str:
    """A parameter value as the colophon prints it: lists comma-separated, None as 'null'."""
    if v is None:
        return "null"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)
