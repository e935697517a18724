"""Loading the validated raw data for the notebooks (validated once per set of inputs)."""

from __future__ import annotations

from analysis.data.files import RawData, load_raw
from analysis.paths import ProjectPaths


def load_validated(paths: ProjectPaths) -> RawData:
    """The validated, resolved raw data of ``paths.data_dir``."""
    return load_raw(paths.data_dir)
