"""The registry names every file with a full SHA-256 and an https origin; the shared copy matches it."""

import re

import pytest

from analysis.external.registry import DATASETS, all_files, dataset
from analysis.hashing import file_sha256
from tests.unit.external.conftest import SHARED


def test_every_file_has_a_full_sha256_and_an_https_origin():
    assert len(DATASETS) == 5
    for ds, f in all_files():
        assert re.fullmatch(r"[0-9a-f]{64}", f.sha256), f.name
        assert f.url.startswith("https://") and ds.licence and ds.origin.startswith("https://")


def test_an_unknown_dataset_is_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="twin_towns_de"):
        dataset("nope")


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/data copy on this machine")
def test_the_shared_copy_matches_the_registered_hashes():
    for ds, f in all_files():
        assert file_sha256(SHARED / ds.folder / f.name) == f.sha256, f"{ds.folder}/{f.name}"
