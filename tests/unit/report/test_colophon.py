"""The colophon, read from results/manifest.json."""

from __future__ import annotations

from analysis.io import write_json
from analysis.report.colophon import citation_text, colophon, read_manifest

MANIFEST = {"git": {"commit": "abc123", "dirty": True},
            "inputs": {"sha256": {"b.csv": "e" * 64, "a.csv": "f" * 64}, "digest": "0123456789ab"},
            "environment": {"python": "3.11", "platform": "Linux", "packages": {"pandas": "3.1", "numpy": None}},
            "parameters": {"power_years": [5, 10], "start_year": None, "ci_level": 0.95},
            "history": {"previous": None}}


def test_colophon_from_a_manifest_file(tmp_path):
    c = colophon(read_manifest(write_json(tmp_path / "manifest.json", MANIFEST)))
    assert c["text"] == ("Code: git commit `abc123`, working tree with uncommitted changes (dirty). "
                         "Python 3.11 on Linux. Inputs: 2 raw files, digest `0123456789ab`.")
    assert c["inputs"]["file"].tolist() == ["a.csv", "b.csv"] and c["inputs"].iloc[0]["sha256"] == "f" * 64
    assert dict(zip(c["parameters"]["parameter"], c["parameters"]["value"])) == {
        "ci_level": "0.95", "power_years": "5, 10", "start_year": "null"}
    assert c["packages"]["package"].tolist() == ["numpy", "pandas"]


def test_without_a_manifest_everything_is_unknown(tmp_path):
    manifest = read_manifest(tmp_path / "missing.json")
    assert manifest == {}
    c = colophon(manifest)
    assert "`unknown (not a git checkout)`" in c["text"] and "working tree unknown" in c["text"]
    assert "0 raw files." in c["text"] and c["parameters"].empty and c["inputs"].empty


def test_clean_tree():
    assert "working tree clean" in colophon({"git": {"commit": "abc", "dirty": False}})["text"]


def test_colophon_says_how_to_cite_and_the_licences(tmp_path):
    cite = colophon(MANIFEST)["cite"]
    # from the project's CITATION.cff: title, version, and this run's commit and inputs
    assert "CITATION.cff" in cite and "What keeps a city partnership alive?" in cite and "version 0.1.0" in cite
    assert "git commit `abc123`, input digest `0123456789ab`" in cite
    assert "MIT" in cite and "CC BY 4.0" in cite and "data/raw/LICENSE" in cite
    cff = tmp_path / "CITATION.cff"
    cff.write_text("title: T\nversion: 2.0\nauthors:\n  - given-names: Li\n    family-names: Zhi\n", encoding="utf-8")
    assert citation_text(cff).startswith("How to cite (`CITATION.cff`): Li Zhi. *T*, version 2.0.")
    assert citation_text(tmp_path / "absent.cff").startswith("How to cite: see `CITATION.cff`.")
