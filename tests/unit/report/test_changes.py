"""'What changed': read from the table the runner writes and the manifest's history entry."""

from __future__ import annotations

import pandas as pd

from analysis.report.changes import previous_snapshot, what_changed

SNAPSHOT = "20260101T000000Z_000000000000.json"


def _table(tables_dir):
    tables_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"model": ["activity_logit"], "term": ["age"], "estimate_previous": [0.3], "estimate_new": [0.1],
                  "status": ["changed"]}).to_csv(tables_dir / "what_changed.csv", index=False)


def test_first_run_has_nothing_to_compare(tmp_path):
    _table(tmp_path)  # the runner writes the table on a first run too (every term new)
    assert what_changed(tmp_path, {"history": {"previous": None}}) is None
    assert what_changed(tmp_path, {}) is None  # a manifest without history (or none at all)
    assert previous_snapshot(None) is None


def test_compares_with_the_snapshot_the_manifest_names(tmp_path):
    _table(tmp_path)
    table, against = what_changed(tmp_path, {"history": {"previous": SNAPSHOT, "numbers_sha256": "ab"}})
    assert against == SNAPSHOT
    assert table.loc[0, "estimate_previous"] == 0.3 and table.loc[0, "estimate_new"] == 0.1


def test_no_table_means_nothing_to_show(tmp_path):
    assert what_changed(tmp_path, {"history": {"previous": SNAPSHOT}}) is None
