"""``python -m analysis external`` end to end on the tiny copy: files harmonised, the flight
covariates joined, offline without a copy a note and exit 0, a tampered file exit 2 naming it."""

import json
import os

import pandas as pd

from analysis.external import cli, fetch
from analysis.pipeline.cli import main as pipeline_main


def test_external_copies_checks_and_harmonises(tmp_path, tiny_copy, tiny_registry, capsys):
    assert pipeline_main(["external", "--from", str(tiny_copy), "--out", str(tmp_path), "--offline"]) == 0
    ext = tmp_path / "data" / "external"
    status = json.loads((ext / "status.json").read_text())
    assert status["available"] is True and status["relationships"] == 12
    rels = pd.read_csv(ext / "relationships.csv")
    berlin_beijing = rels[(rels["name_a"] == "Berlin") & (rels["name_b"] == "Beijing")].iloc[0]
    assert (berlin_beijing["routes"], berlin_beijing["direct_flight"]) == (2, 1)  # LH and CA, both directions
    rome_berlin = rels[(rels["name_a"] == "Rome") & (rels["name_b"] == "Berlin")].iloc[0]
    assert (rome_berlin["routes"], rome_berlin["direct_flight"]) == (0, 0)  # no airport near Rome in the copy
    unresolved = pd.read_csv(ext / "unresolved.csv")
    assert "Qwxzville" in set(unresolved["name"])
    population = pd.read_csv(ext / "chinese_city_population.csv", dtype=str)
    assert set(population["city_id"]) == {"CN-330200", "CN-110000"}  # 110100 is Beijing's municipal id
    assert "harmonised" in capsys.readouterr().out


def test_offline_without_a_copy_exits_0_and_leaves_a_note_for_the_notebooks(tmp_path, tiny_registry, monkeypatch, capsys):
    monkeypatch.setattr(cli, "DEFAULT_LOCAL_COPY", tmp_path / "absent")
    assert cli.main(["--out", str(tmp_path), "--offline"]) == 0
    status = fetch.read_status(tmp_path / "data" / "external")
    assert status["available"] is False and "skipped" in status["reason"]
    assert "not available" in capsys.readouterr().err
    assert not (tmp_path / "data" / "external" / "relationships.csv").exists()


def test_a_tampered_file_exits_2_naming_it(tmp_path, tiny_copy, tiny_registry, capsys):
    (tiny_copy / "twin_towns_de" / "partnerstaedte.csv").write_text("x\n", encoding="utf-8")
    assert cli.main(["--from", str(tiny_copy), "--out", str(tmp_path), "--offline"]) == 2
    assert "twin_towns_de/partnerstaedte.csv" in capsys.readouterr().err


def test_another_attempt_that_learns_nothing_new_leaves_the_status_untouched(tmp_path, tiny_registry, monkeypatch):
    # the notebooks read this folder: a rewritten status would make the next run look changed
    monkeypatch.setattr(cli, "DEFAULT_LOCAL_COPY", tmp_path / "absent")
    assert cli.main(["--out", str(tmp_path), "--offline"]) == 0
    status = tmp_path / "data" / "external" / "status.json"
    before = status.stat().st_mtime_ns
    os.utime(status, ns=(before - 10**9, before - 10**9))  # a second older, so a rewrite would show
    assert cli.main(["--out", str(tmp_path), "--offline"]) == 0
    assert status.stat().st_mtime_ns == before - 10**9
    fetch.write_status(status.parent, False, "another reason")
    assert fetch.read_status(status.parent)["reason"] == "another reason"  # a new outcome is written
