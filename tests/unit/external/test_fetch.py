"""Copy with hash checks, refusal of a file whose hash differs (named), offline without a copy."""

import pytest

from analysis.external.fetch import HashMismatch, Unavailable, fetch_all, read_status, source_path, write_status


def test_copies_every_file_then_keeps_them_on_a_second_run(tmp_path, tiny_copy, tiny_registry):
    ext = tmp_path / "ext"
    first = fetch_all(ext, tiny_copy, download=False)
    assert len(first.copied) == sum(len(d.files) for d in tiny_registry) and not first.kept
    ds = tiny_registry[0]
    assert source_path(ext, ds, ds.files[0]).read_bytes() == (tiny_copy / ds.folder / ds.files[0].name).read_bytes()
    second = fetch_all(ext, tiny_copy, download=False)
    assert second.kept == first.copied and not second.copied


def test_a_file_whose_hash_differs_is_refused_naming_it_and_nothing_is_written(tmp_path, tiny_copy, tiny_registry):
    (tiny_copy / "openflights" / "routes.dat").write_text("tampered\n", encoding="utf-8")
    ext = tmp_path / "ext"
    with pytest.raises(HashMismatch, match=r"openflights/routes\.dat.*refused"):
        fetch_all(ext, tiny_copy, download=False)
    assert not (ext / "source" / "openflights" / "routes.dat").exists()


def test_offline_without_a_copy_lists_every_missing_file(tmp_path, tiny_registry):
    with pytest.raises(Unavailable) as err:
        fetch_all(tmp_path / "ext", None, download=True)  # the tiny registry's URLs point at a closed port
    assert "twin_cities_global/twin_cities.csv" in str(err.value) and "openflights/routes.dat" in str(err.value)


def test_status_round_trip_and_a_missing_status_reads_as_unavailable(tmp_path):
    assert read_status(tmp_path)["available"] is False
    write_status(tmp_path, True, "", relationships=3)
    assert read_status(tmp_path) == {"available": True, "reason": "", "relationships": 3}
