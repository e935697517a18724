"""History of earlier numbers, the what-changed table and the manifest's history entry."""

import json

import pandas as pd

from analysis.hashing import file_sha256
from analysis.io import write_json
from analysis.paths import ProjectPaths
from analysis.pipeline.history import (
    report_history, snapshot_name, snapshot_previous, snapshots, what_changed, write_what_changed,
)

PREV = {"activity_logit": {"terms": {"leader_visit_lag": {"coef": 1.0, "se": 0.5},
                                     "age": {"coef": -0.1, "se": 0.05}}, "n_obs": 100, "n_relationships": 10},
        "notes": "not a model"}
NEW = {"activity_logit": {"terms": {"leader_visit_lag": {"coef": 1.2, "se": 0.4},
                                    "international": {"coef": 0.3, "se": 0.2}}, "n_obs": 120, "n_relationships": 11}}


def test_what_changed_lists_every_term_with_before_and_after():
    t = what_changed(PREV, NEW).set_index("term")
    assert list(t.index) == ["age", "international", "leader_visit_lag"]
    assert t.loc["leader_visit_lag", "estimate_previous"] == 1.0
    assert t.loc["leader_visit_lag", "estimate_new"] == 1.2
    assert abs(t.loc["leader_visit_lag", "change"] - 0.2) < 1e-12
    assert t.loc["leader_visit_lag", "n_obs_previous"] == 100 and t.loc["leader_visit_lag", "n_obs_new"] == 120
    assert t.loc["age", "status"] == "dropped" and t.loc["international", "status"] == "new term"


def test_first_run_has_no_previous():
    t = what_changed(None, NEW)
    assert (t["status"] == "new term").all() and len(t) == 2


def test_snapshot_keyed_by_date_and_inputs_and_not_duplicated(tmp_path):
    paths = ProjectPaths(tmp_path / "raw", tmp_path / "out")
    assert snapshot_previous(paths) is None  # nothing to keep on a first run
    write_json(paths.numbers, PREV)
    write_json(paths.manifest, {"finished": "2026-03-01T10:20:30+00:00", "inputs": {"digest": "abcdef012345"}})
    first = snapshot_previous(paths)
    assert first.name == "20260301T102030Z_abcdef012345.json"
    assert json.loads(first.read_text()) == PREV
    assert snapshot_previous(paths) == first and len(snapshots(paths)) == 1
    # a later no-op run with the same numbers keeps no duplicate
    write_json(paths.manifest, {"finished": "2026-03-02T10:20:30+00:00", "inputs": {"digest": "abcdef012345"}})
    assert snapshot_previous(paths) == first and len(snapshots(paths)) == 1

    write_json(paths.numbers, NEW)
    table, against = write_what_changed(paths)
    assert against == first.name
    saved = pd.read_csv(paths.tables / "what_changed.csv")
    assert len(saved) == len(table) == 3


def test_snapshot_name_without_manifest():
    assert snapshot_name(None).startswith("19700101T000000Z_")


def _paths_with_numbers(tmp_path, numbers) -> ProjectPaths:
    paths = ProjectPaths(tmp_path / "raw", tmp_path / "out")
    write_json(paths.numbers, numbers)
    return paths


def test_report_history_compares_with_the_newest_snapshot(tmp_path):
    paths = _paths_with_numbers(tmp_path, PREV)
    write_json(paths.manifest, {"finished": "2026-03-01T10:20:30+00:00", "inputs": {"digest": "abcdef012345"}})
    kept = snapshot_previous(paths)
    write_json(paths.numbers, NEW)
    entry = report_history(paths, None, notebooks_ran=True)
    assert entry["previous"] == kept.name
    assert entry["numbers_sha256"] == file_sha256(paths.numbers)
    table = pd.read_csv(paths.tables / "what_changed.csv").set_index("term")
    assert table.loc["leader_visit_lag", "estimate_previous"] == 1.0 and table.loc["age", "status"] == "dropped"


def test_report_history_on_a_first_run_names_no_snapshot(tmp_path):
    paths = _paths_with_numbers(tmp_path, NEW)
    entry = report_history(paths, None, notebooks_ran=True)
    assert entry["previous"] is None
    assert set(pd.read_csv(paths.tables / "what_changed.csv")["status"]) == {"new term"}


def test_report_history_stands_when_nothing_ran_and_the_numbers_are_the_same(tmp_path):
    paths = _paths_with_numbers(tmp_path, NEW)
    first = report_history(paths, None, notebooks_ran=True)
    written = (paths.tables / "what_changed.csv").read_bytes()
    # the next (no-op) run kept these very numbers as a snapshot at its start
    write_json(paths.manifest, {"finished": "2026-03-02T00:00:00+00:00", "inputs": {"digest": "0123456789ab"}})
    kept = snapshot_previous(paths)
    again = report_history(paths, first, notebooks_ran=False)
    assert again == first and again["previous"] is None
    assert (paths.tables / "what_changed.csv").read_bytes() == written
    # a forced rerun (notebooks ran) compares with that snapshot, even with the same numbers
    forced = report_history(paths, first, notebooks_ran=True)
    assert forced["previous"] == kept.name
    assert set(pd.read_csv(paths.tables / "what_changed.csv")["status"]) == {"unchanged"}


def test_report_history_redoes_the_comparison_for_other_numbers(tmp_path):
    paths = _paths_with_numbers(tmp_path, PREV)
    first = report_history(paths, None, notebooks_ran=True)
    write_json(paths.numbers, NEW)  # e.g. a run that left out the report changed them
    entry = report_history(paths, first, notebooks_ran=False)
    assert entry["numbers_sha256"] != first["numbers_sha256"]
    assert len(pd.read_csv(paths.tables / "what_changed.csv")) == 2  # NEW against nothing kept
    # a lost what_changed.csv is written again
    (paths.tables / "what_changed.csv").unlink()
    report_history(paths, entry, notebooks_ran=False)
    assert (paths.tables / "what_changed.csv").exists()


def test_a_term_shown_without_se_in_both_runs_is_unchanged():
    # descriptive models report estimates without SE (null in numbers.json): equal runs must read "unchanged"
    numbers = {"within_relationship": {"n_obs": 10, "terms": {"x": {"coef": 0.5, "se": None}}}}
    table = what_changed(numbers, numbers)
    assert table["status"].tolist() == ["unchanged"]
    changed = what_changed(numbers, {"within_relationship": {"n_obs": 10, "terms": {"x": {"coef": 0.6, "se": None}}}})
    assert changed["status"].tolist() == ["changed"]
