"""``python -m analysis simulate``: same seed same bytes, other seed other bytes, errors as exit code 2."""

import hashlib
from pathlib import Path

from analysis.sim.cli import main
from analysis.sim.dataset import simulate_dataset
from analysis.sim.write import write_dataset


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    write_dataset(simulate_dataset(60, 6, seed=11), tmp_path / "a")
    assert main(["--relationships", "60", "--years", "6", "--seed", "11", "--out", str(tmp_path / "b")]) == 0
    write_dataset(simulate_dataset(60, 6, seed=12), tmp_path / "c")
    a, b, c = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert a == b
    assert a["events/2024.csv"] != c["events/2024.csv"]


def test_parquet_format_and_last_year(tmp_path):
    args = ["--relationships", "30", "--years", "3", "--seed", "1", "--format", "parquet", "--last-year", "2010"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SOURCES.yaml", "cities.csv", "events.parquet",
                                                          "relationships.csv", "truth.json"]
    assert '"last_year": 2010' in (tmp_path / "truth.json").read_text(encoding="utf-8")


def test_impossible_sizes_exit_2_with_the_reason(tmp_path, capsys):
    assert main(["--relationships", "10", "--years", "1", "--out", str(tmp_path / "x")]) == 2
    assert "simulate: need at least 1 relationship and 2 years" in capsys.readouterr().out
    assert not (tmp_path / "x").exists()
