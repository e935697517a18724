"""What the data can and cannot support, in words, from the fitted models."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.result import ModelResult


def support_summary(panel: pd.DataFrame, results: dict[str, ModelResult], min_events_per_parameter: int = 10) -> str:
    """Plain-English markdown: what these data can and cannot support, model by model."""
    n_rel = panel["relationship_id"].nunique() if "relationship_id" in panel else 0
    lines = [
        f"The panel holds **{len(panel)} relationship-years** of **{n_rel} relationships**"
        + (f" ({int(panel['year'].min())}–{int(panel['year'].max())})" if len(panel) else "")
        + (f", of which {int(panel['active'].sum())} are active years." if "active" in panel else "."),
        "",
    ]
    trouble = []
    for name, r in results.items():
        n = r.numbers
        if not r.ok:
            lines.append(f"- **{name}**: not fitted — {r.warnings[0] if r.warnings else 'no reason given'}")
            trouble.append(name)
            continue
        bits = [r.fit]
        epp = n.get("events_per_parameter")
        if epp is not None and np.isfinite(epp):
            bits.append(f"{epp:.1f} events per parameter")
        if n.get("dropped"):
            bits.append("not estimable: " + ", ".join(n["dropped"]))
        if n.get("descriptive"):
            bits.append("descriptive only (no standard errors, intervals or p-values)")
        lines.append(f"- **{name}**: " + "; ".join(bits) + f" ({len(r.warnings)} warning(s)).")
        if (n.get("penalised") or n.get("dropped") or n.get("descriptive")
                or (epp is not None and epp < min_events_per_parameter)):
            trouble.append(name)
    lines.append("")
    main = results.get("activity_logit")
    if main is not None and main.ok and "activity_logit" not in trouble:
        lines.append(
            "**Can support:** the default activity logit has enough events per parameter and identifies every "
            "term, so its confidence intervals and tests can be read at face value (mind any warnings above)."
        )
    else:
        lines.append(
            "**Cannot support:** firm conclusions about which driver keeps a relationship active. The default "
            "model is short of events (or separated), so its estimates are penalised or partial: read their "
            "signs as descriptive hints, not as tests of the three drivers. The power analysis (notebook 50) "
            "shows how many relationships and years a confirmatory test needs."
        )
        lines.append(
            "**Can support:** describing what happened — which relationships were active when, the transition "
            "shares between active and inactive years, and the cases behind each estimate."
        )
    if trouble:
        lines.append("")
        lines.append("Models with small-sample problems: " + ", ".join(trouble) + ".")
    return "\n".join(lines)
