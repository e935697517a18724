"""The report's robustness section: per-driver counts, signs, Holm shares and ranges, and its figures."""

import itertools

import numpy as np
import pandas as pd

from analysis.models.result import DRIVERS
from analysis.report.multiverse import driver_summary, robustness_markdown, robustness_section


def sweep_table():
    rows = []
    choices = itertools.product((1, 2), (False, True), ("dynamic", "pooled"), ("all", "domestic"))
    for i, (me, ye, spec, sample) in enumerate(choices):
        for d, base in zip(DRIVERS, (0.8, -0.3, 0.1)):
            est = base + 0.05 * i * (-1) ** i
            rows.append(dict(driver=d, min_events=me, year_effects=ye, specification=spec, se_type="dyadic",
                             sample=sample, estimate=est, se=0.2, p=0.01 * (i + 1), p_holm=0.02 * (i + 1),
                             fallback=spec == "dynamic" and sample == "domestic"))
    return pd.DataFrame(rows)


def test_driver_summary_counts_signs_holm_and_range_by_hand():
    sweep = sweep_table()
    s = driver_summary(sweep).set_index("driver")
    for d in DRIVERS:
        rows = sweep[sweep["driver"] == d]
        ref = rows[(rows.min_events == 1) & ~rows.year_effects & (rows.specification == "dynamic")
                   & (rows["sample"] == "all")]["estimate"].iloc[0]
        assert s.loc[d, "specifications"] == 16
        assert s.loc[d, "share_same_sign"] == np.mean(np.sign(rows["estimate"]) == np.sign(ref))
        assert s.loc[d, "share_holm_significant"] == np.mean(rows["p_holm"] < 0.05)
        assert s.loc[d, "min_estimate"] == rows["estimate"].min() and s.loc[d, "max_estimate"] == rows["estimate"].max()
        assert s.loc[d, "share_fallback"] == 0.5
    assert s.loc["cooperation_lag", "share_same_sign"] < 1  # 0.1 ± 0.05 i changes sign


def test_markdown_has_one_row_and_one_sentence_per_driver_and_says_when_nothing_ran(tmp_path):
    text = robustness_markdown(sweep_table())
    assert text.count("\n| top-leader visit last year |") == 1 and "Holm" in text
    assert sum(line.startswith("- **") for line in text.splitlines()) == 3
    assert "fell back" in text
    no_leader = sweep_table().query("driver != 'leader_visit_lag'")
    assert "| top-leader visit last year | 0 |" in robustness_markdown(no_leader)
    md, figs = robustness_section(tmp_path, tmp_path)
    assert "not run" in md and figs == []
    sweep_table().to_csv(tmp_path / "multiverse.csv", index=False)
    (tmp_path / "multiverse_exchange_lag.png").write_bytes(b"png")
    md, figs = robustness_section(tmp_path, tmp_path)
    assert "Specifications" in md and [p.name for p in figs] == ["multiverse_exchange_lag.png"]
