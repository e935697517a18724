import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.results import clean, update_numbers


def test_update_merges_one_key_and_keeps_others(tmp_path):
    path = tmp_path / "results" / "numbers.json"
    update_numbers(path, "describe", {"n_relationships": 41})
    update_numbers(path, "activity_logit", {"terms": {"leader_visit_lag": {"coef": 0.5}}, "n_obs": 300})
    update_numbers(path, "activity_logit", {"terms": {"leader_visit_lag": {"coef": 0.7}}, "n_obs": 310})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"describe": {"n_relationships": 41},
                    "activity_logit": {"terms": {"leader_visit_lag": {"coef": 0.7}}, "n_obs": 310}}
    assert [p.name for p in path.parent.iterdir()] == ["numbers.json"]  # no temporary files left


def test_floats_rounded_and_non_finite_become_null(tmp_path):
    path = tmp_path / "numbers.json"
    update_numbers(path, "m", {"a": np.float64(0.1234567891), "b": float("nan"), "c": np.inf,
                               "d": np.int64(3), "e": np.bool_(True), "f": (1.0, pd.NA), "g": np.array([2.5])})
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["m"] == {"a": 0.123457, "b": None, "c": None, "d": 3, "e": True,
                                     "f": [1.0, None], "g": [2.5]}


def test_same_numbers_same_bytes(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    update_numbers(a, "m", {"x": 1 / 3, "y": 2.0})
    update_numbers(b, "m", {"y": 2.0, "x": 1 / 3 + 1e-12})
    assert a.read_bytes() == b.read_bytes()


def test_non_object_file_is_refused(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="JSON object"):
        update_numbers(path, "m", {})


def test_clean_handles_nested_structures():
    assert clean({1: [np.float32(0.5), {"z": None}]}) == {"1": [0.5, {"z": None}]}


def _write_keys(args: tuple[str, str, int]) -> None:
    path, prefix, n = args
    for k in range(n):
        update_numbers(path, f"{prefix}{k:03d}", k)


def test_writers_in_parallel_processes_lose_no_key(tmp_path):
    """Notebooks run at once each add their keys: read-modify-write must be one writer at a time."""
    import multiprocessing

    path = str(tmp_path / "numbers.json")
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_keys, [(path, p, 40) for p in "abcd"])
    numbers = json.loads(Path(path).read_text())
    assert sorted(numbers) == sorted(f"{p}{k:03d}" for p in "abcd" for k in range(40))
