"""The package gazetteer kept between processes: read back equal to a fresh build, and rebuilt when
the kept file is unreadable (``gazetteer_data.package_cities``, ``paths.cache_dir``)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import gazetteer_data


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    gazetteer_data.package_cities.cache_clear()
    yield tmp_path
    gazetteer_data.package_cities.cache_clear()


def test_a_kept_gazetteer_reads_back_equal_to_a_fresh_build(cache):
    built = gazetteer_data.package_cities()
    kept = list(cache.glob("package_cities-*.pickle"))
    assert len(kept) == 1
    gazetteer_data.package_cities.cache_clear()
    read = gazetteer_data.package_cities()
    assert read is not built
    pd.testing.assert_frame_equal(read.cities, built.cities)
    assert read.full == built.full and read.short == built.short and read.aliases == built.aliases


def test_an_unreadable_kept_file_is_rebuilt_and_replaced(cache):
    gazetteer_data.package_cities()
    kept = next(cache.glob("package_cities-*.pickle"))
    kept.write_bytes(b"not a pickle")
    gazetteer_data.package_cities.cache_clear()
    rebuilt = gazetteer_data.package_cities()
    assert "CN-511900" in rebuilt.cities.index  # 巴中市
    assert kept.read_bytes()[:1] == b"\x80"  # a pickle again
