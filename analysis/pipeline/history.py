"""Earlier runs' headline numbers, and what changed since the previous run.

At the start of every run the current ``results/numbers.json`` (the previous run's
numbers) is kept as ``results/history/<finished>_<inputs digest>.json``. Before the report
runs, the runner compares the newest snapshot with the numbers the run produced
(``results/tables/what_changed.csv``); the manifest's ``history`` names that snapshot.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a table is built: the runner starts without pandas
    import pandas as pd

from analysis.hashing import file_sha256
from analysis.io import read_json, write_csv
from analysis.paths import ProjectPaths

SNAPSHOT = re.compile(r"^(\d{8}T\d{6}Z)_([0-9a-f]{12})\.json$")


def snapshot_name(manifest: dict[str, Any] | None) -> str:
    """``YYYYMMDDTHHMMSSZ_<digest>.json`` from the manifest of the run that wrote the numbers."""
    finished = (manifest or {}).get("finished") or "1970-01-01T00:00:00+00:00"
    stamp = re.sub(r"[^0-9T]", "", finished.split("+")[0])[:15] + "Z"
    digest = ((manifest or {}).get("inputs") or {}).get("digest") or "0" * 12
    return f"{stamp}_{digest}.json"


def snapshot_previous(paths: ProjectPaths) -> Path | None:
    """Keep the current numbers.json under history/ before a run may overwrite it."""
    if not paths.numbers.exists():
        return None
    target = paths.history / snapshot_name(read_json(paths.manifest, default=None))
    if target.exists():
        return target
    kept = snapshots(paths)
    if kept and kept[-1].read_bytes() == paths.numbers.read_bytes():
        return kept[-1]  # a no-op run: these numbers are already kept
    paths.history.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(paths.numbers, tmp)
    tmp.replace(target)
    return target


def snapshots(paths: ProjectPaths) -> list[Path]:
    """History files, oldest first."""
    if not paths.history.is_dir():
        return []
    return sorted(p for p in paths.history.iterdir() if SNAPSHOT.match(p.name))


def model_terms(numbers: dict[str, Any]) -> pd.DataFrame:
    """Long table of every model term in a numbers.json: model, term, estimate, se, n_obs."""
    import pandas as pd

    rows = []
    for model, block in sorted((numbers or {}).items()):
        if not isinstance(block, dict) or not isinstance(block.get("terms"), dict):
            continue
        for term, t in sorted(block["terms"].items()):
            rows.append({
                "model": model, "term": term,
                "estimate": (t or {}).get("coef"), "se": (t or {}).get("se"),
                "n_obs": block.get("n_obs"), "n_relationships": block.get("n_relationships"),
            })
    return pd.DataFrame(rows, columns=["model", "term", "estimate", "se", "n_obs", "n_relationships"])


def what_changed(previous: dict[str, Any] | None, current: dict[str, Any]) -> pd.DataFrame:
    """Per model term: previous and new estimate and SE, the change, and N before and after."""
    new = model_terms(current)
    old = model_terms(previous or {})
    merged = old.merge(new, on=["model", "term"], how="outer", suffixes=("_previous", "_new"))
    merged["change"] = merged["estimate_new"] - merged["estimate_previous"]
    merged["status"] = "changed"
    merged.loc[merged["estimate_previous"].isna() & merged["estimate_new"].notna(), "status"] = "new term"
    merged.loc[merged["estimate_new"].isna() & merged["estimate_previous"].notna(), "status"] = "dropped"

    def equal(col: str) -> "pd.Series":
        # a value missing on both sides (a term shown without SE, say) is unchanged, not changed
        a, b = merged[f"{col}_previous"], merged[f"{col}_new"]
        return (a == b) | (a.isna() & b.isna())

    same = equal("estimate") & equal("se") & equal("n_obs")
    merged.loc[same, "status"] = "unchanged"
    cols = ["model", "term", "estimate_previous", "se_previous", "estimate_new", "se_new", "change",
            "n_obs_previous", "n_obs_new", "n_relationships_previous", "n_relationships_new", "status"]
    return merged[cols].sort_values(["model", "term"], kind="mergesort").reset_index(drop=True)


def write_what_changed(paths: ProjectPaths) -> tuple[pd.DataFrame, str | None]:
    """Compare the newest snapshot with the current numbers; write tables/what_changed.csv.

    Returns the table and the name of the snapshot compared against (None on a first run).
    """
    current = read_json(paths.numbers, default={}) or {}
    snaps = snapshots(paths)
    previous = read_json(snaps[-1]) if snaps else None
    table = what_changed(previous, current)
    write_csv(what_changed_path(paths), table, float_format="%.6g")
    return table, (snaps[-1].name if snaps else None)


def what_changed_path(paths: ProjectPaths) -> Path:
    return paths.tables / "what_changed.csv"


def report_history(paths: ProjectPaths, prior: dict[str, Any] | None, notebooks_ran: bool) -> dict[str, Any]:
    """The manifest's ``history`` entry for the report about to run; writes what_changed.csv when due.

    ``prior`` is the previous run's entry. When no notebook ran before the report in this run
    and numbers.json is the one that comparison was made for, the comparison stands: the
    snapshot this run kept holds these very numbers, and comparing with it would change the
    report's input (and rerun the report) on a run that changed nothing.
    """
    numbers = file_sha256(paths.numbers) if paths.numbers.exists() else None
    prior = prior or {}
    if (not notebooks_ran and numbers is not None and prior.get("numbers_sha256") == numbers
            and "previous" in prior and what_changed_path(paths).exists()):
        return {"previous": prior["previous"], "numbers_sha256": numbers}
    _, previous = write_what_changed(paths)
    return {"previous": previous, "numbers_sha256": numbers}
