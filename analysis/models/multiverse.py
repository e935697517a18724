"""The robustness multiverse: the three drivers under every combination of the choices a referee asks
about (activity threshold, year effects, dynamic vs pooled, SE type, sample), with Holm-adjusted p-values."""

from __future__ import annotations

import ast
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis.hashing import files_sha256, value_sha256
from analysis.models.binary import activity_logit_pooled
from analysis.models.dynamic import activity_logit
from analysis.models.observed import observed_rows
from analysis.models.result import DRIVERS, frame_digest, z_value

MIN_EVENTS = (1, 2)
YEAR_EFFECTS = (False, True)
SPECIFICATIONS = {"dynamic": activity_logit, "pooled": activity_logit_pooled}
MIN_SAMPLE_RELATIONSHIPS = 10  # a sample (domestic, international, one kind) needs this many relationships
CHOICES = ["min_events", "year_effects", "specification", "se_type", "sample"]
COLUMNS = ["driver", *CHOICES, "estimate", "se", "ci_low", "ci_high", "p", "p_holm", "n_obs", "n_relationships",
           "fallback", "fit"]


def with_min_events(panel: pd.DataFrame, min_events: int) -> pd.DataFrame:
    """The panel with ``active = events >= min_events``.

    Exact for the activity models: their drivers (``leader_visit_lag``, ``exchange_lag``,
    ``cooperation_lag``) and structure are built from the events, not from ``active``; only the
    outcome and the initial condition change. (``dormancy_years`` changes only the dormancy
    columns, which no activity model reads, so it is not a dimension of this sweep.)
    """
    return panel.assign(active=(panel["events"] >= min_events).astype(int))


def samples(panel: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All relationships, domestic, international, and each kind of relationship, where each has
    at least ``MIN_SAMPLE_RELATIONSHIPS`` relationships."""
    out = {"all": panel}
    if "international" in panel:
        out["domestic"] = panel[panel["international"] == 0]
        out["international"] = panel[panel["international"] == 1]
    if "kind" in panel:
        for kind in sorted(panel["kind"].dropna().astype(str).unique()):
            out[f"kind: {kind}"] = panel[panel["kind"].astype(str) == kind]
    return {k: v for k, v in out.items() if v["relationship_id"].nunique() >= MIN_SAMPLE_RELATIONSHIPS}


def sweep_sources(start: Path = Path(__file__)) -> list[Path]:
    """The ``analysis/models`` modules the sweep runs: this one and every module it imports from
    ``analysis.models``, transitively (read from the import statements). Their contents key the cache,
    so editing an unrelated model (power, ordered...) does not throw the fits away."""
    folder, seen, todo = start.parent, set(), [start]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            todo += [folder / f"{n.rsplit('.', 1)[1]}.py" for n in names if n.startswith("analysis.models.")]
    return sorted(seen)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values: sorted ascending, the i-th (from 0) times m - i, running
    maximum, capped at 1 (statsmodels' ``multipletests(method="holm")``, without its garbage collection
    on every call, which dominated the sweep's time)."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="mergesort")
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1)))
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _fit_rows(panel: pd.DataFrame, spec: str, year_effects: bool, ci_level: float, min_events_per_parameter: int,
              penalty: str) -> list[dict]:
    # only the drivers' coefficients are read: a Firth fit traces their profiles, not every term's, and no
    # partial effects are computed (a quarter of a random-effects fit's time)
    r = SPECIFICATIONS[spec](panel, year_effects=year_effects, ci_level=ci_level,
                             min_events_per_parameter=min_events_per_parameter, penalty=penalty,
                             profile_terms=DRIVERS, partial_effects=False)
    if not r.ok:
        return []
    t = r.table.set_index("term")
    fallback = spec == "dynamic" and not r.numbers.get("dynamic", False)
    z = z_value(ci_level)
    rows = []
    kinds = [(r.numbers.get("se_type", "model-based"), "se")]
    if kinds[0][0] != "cluster" and "se_cluster" in t and t["se_cluster"].notna().any():
        kinds.append(("cluster", "se_cluster"))
    for se_type, col in kinds:
        for d in DRIVERS:
            if d not in t.index or not np.isfinite(t.loc[d, "estimate"]) or not np.isfinite(t.loc[d, col]):
                continue
            est, se = float(t.loc[d, "estimate"]), float(t.loc[d, col])
            lo, hi = est - z * se, est + z * se
            p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan
            if se_type == "model-based":  # a penalised fit: its own intervals and p (Firth: profile and LR)
                lo, hi, p = float(t.loc[d, "ci_low"]), float(t.loc[d, "ci_high"]), float(t.loc[d, "p"])
            rows.append(dict(driver=d, specification=spec, se_type=se_type, year_effects=year_effects,
                             estimate=est, se=se, ci_low=lo, ci_high=hi, p=p,
                             n_obs=int(t["n_obs"].iloc[0]), n_relationships=int(t["n_relationships"].iloc[0]),
                             fallback=fallback, fit=r.fit))
    return rows


def multiverse(panel: pd.DataFrame, ci_level: float = 0.95, min_events_per_parameter: int = 10,
               penalty: str = "firth", cache_dir: str | Path | None = None,
               which: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per driver and combination of choices, with Holm-adjusted p-values.

    The three drivers are the primary family: within each combination of choices, their
    p-values are adjusted together (Holm). ``se_type`` is the model's own (dyadic; model-based
    for a penalised fit, whose interval and p are the model's: profile likelihood and likelihood
    ratio for Firth) and, beside it, relationship-clustered where the model has those. Fits are cached under ``cache_dir``
    (one file per sample, threshold, year effects and specification), keyed by the panel's
    contents, the options and the source of the modules the sweep runs (:func:`sweep_sources`), so a
    rerun refits only what changed.
    ``which`` keeps only the named samples (default: all of :func:`samples`).
    """
    here = Path(__file__).parent
    code = value_sha256(files_sha256(sweep_sources(), here))
    rows = []
    panel, _ = observed_rows(panel)  # years no source watched are missing, not inactive
    chosen = {k: v for k, v in samples(panel).items() if which is None or k in which}
    for min_events, (name, sample) in itertools.product(MIN_EVENTS, chosen.items()):
        data = with_min_events(sample, min_events)
        digest = frame_digest(data)
        for year_effects, spec in itertools.product(YEAR_EFFECTS, SPECIFICATIONS):
            key = value_sha256([digest, spec, year_effects, ci_level, min_events_per_parameter, penalty, code])
            path = Path(cache_dir) / f"{key[:32]}.json" if cache_dir else None
            if path is not None and path.exists():
                fitted = json.loads(path.read_text(encoding="utf-8"))
            else:
                fitted = _fit_rows(data, spec, year_effects, ci_level, min_events_per_parameter, penalty)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(json.dumps(fitted), encoding="utf-8")  # floats round-trip exactly
            rows += [{**r, "min_events": min_events, "sample": name} for r in fitted]
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "p_holm"])
    table["p_holm"] = np.nan
    for _, idx in table.groupby(CHOICES, sort=False).groups.items():
        p = table.loc[idx, "p"]
        ok = p.notna()
        if ok.any():
            table.loc[p[ok].index, "p_holm"] = holm(p[ok].to_numpy())
    return table[COLUMNS].reset_index(drop=True)


def summary(table: pd.DataFrame, as_frame: bool = False):
    """Per driver: how many specifications, the range and median of the estimates, and the shares
    whose interval excludes zero and whose Holm-adjusted p is below 0.05 (numbers.json ``multiverse``)."""
    out = {}
    for d in DRIVERS:
        t = table[table["driver"] == d]
        excl = (t["ci_low"] > 0) | (t["ci_high"] < 0)
        out[d] = {"specifications": int(len(t)),
                  "median_estimate": float(t["estimate"].median()) if len(t) else None,
                  "min_estimate": float(t["estimate"].min()) if len(t) else None,
                  "max_estimate": float(t["estimate"].max()) if len(t) else None,
                  "share_interval_excludes_zero": float(excl.mean()) if len(t) else None,
                  "share_holm_below_005": float((t["p_holm"] < 0.05).mean()) if len(t) else None,
                  "share_dynamic_fallback": float(t.loc[t["specification"] == "dynamic", "fallback"].mean())
                  if (t["specification"] == "dynamic").any() else None}
    return pd.DataFrame(out).T if as_frame else out
