"""The run manifest: inputs, parameters, code and environment, notebooks, history."""

from datetime import datetime, timezone

from analysis.hashing import file_sha256
from analysis.paths import PROJECT_ROOT
from analysis.pipeline.manifest import build_manifest, inputs_digest, raw_input_hashes

STARTED = datetime(2026, 3, 1, 10, 0, 0, tzinfo=timezone.utc)
FINISHED = datetime(2026, 3, 1, 10, 3, 7, 500000, tzinfo=timezone.utc)


def test_manifest_fields(tiny_raw, tmp_path, default_params):
    notebooks = [{"notebook": "00_x", "status": "ok", "seconds": 1.5}]
    m = build_manifest(data_dir=tiny_raw, out_dir=tmp_path / "out", params=default_params, notebooks=notebooks,
                       started=STARTED, finished=FINISHED, status="running", history={"previous": "a.json"})
    assert m["status"] == "running"
    assert m["started"] == "2026-03-01T10:00:00+00:00" and m["finished"] == "2026-03-01T10:03:07+00:00"
    assert m["inputs"]["sha256"]["events/2023.csv"] == file_sha256(tiny_raw / "events/2023.csv")
    assert set(m["inputs"]["sha256"]) == {"relationships.csv", "events/2023.csv", "events/2024.csv", "SOURCES.yaml"}
    assert m["inputs"]["digest"] == inputs_digest(m["inputs"]["sha256"]) and len(m["inputs"]["digest"]) == 12
    assert m["parameters"] == default_params and m["notebooks"] == notebooks
    assert m["history"] == {"previous": "a.json"}
    assert m["environment"]["packages"]["pandas"] and m["environment"]["python"].count(".") == 2
    assert set(m["git"]) == {"commit", "dirty"}
    assert m["data_dir"] == tiny_raw.as_posix()  # outside the project: shown as given


def test_manifest_without_history_names_no_previous_run(tiny_raw, tmp_path):
    m = build_manifest(data_dir=tiny_raw, out_dir=PROJECT_ROOT, params={}, notebooks=[],
                       started=STARTED, finished=FINISHED, status="ok")
    assert m["history"] == {"previous": None}
    assert m["out_dir"] == "."  # inside the project: project-relative


def test_inputs_digest_follows_the_content(tiny_raw):
    before = inputs_digest(raw_input_hashes(tiny_raw))
    assert inputs_digest(raw_input_hashes(tiny_raw)) == before
    (tiny_raw / "events" / "2024.csv").write_text("event_id,date\ne2,2024-06\n", encoding="utf-8")
    assert inputs_digest(raw_input_hashes(tiny_raw)) != before
