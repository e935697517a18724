"""Every path the project uses, in one place.

Relative paths given by a user or a notebook parameter are resolved against the
project root (not the current directory), so a notebook finds its data whether it
runs under papermill, nbval or Jupyter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params"
DEFAULT_PARAMS = PARAMS_DIR / "default.yaml"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "raw"
PACKAGE_DIR = PROJECT_ROOT / "analysis"
LOCK_FILE = PROJECT_ROOT / "requirements.lock"
REFERENCE_DIR = PACKAGE_DIR / "reference"  # small data kept with the code (e.g. city clusters)


def cache_dir() -> Path:
    """Where data built from installed packages (the package gazetteer) are kept between processes:
    ``$ANALYSIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/analysis-compendium`` (``~/.cache/...``). Entries
    are keyed by the code and package versions that built them; deleting the folder is always safe."""
    import os

    if os.environ.get("ANALYSIS_CACHE_DIR"):
        return Path(os.environ["ANALYSIS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "analysis-compendium"


def resolve(path: str | Path, base: Path = PROJECT_ROOT) -> Path:
    """Absolute path; relative ones are taken from ``base`` (the project root)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (base / p).resolve()


@dataclass(frozen=True)
class ProjectPaths:
    """Where a run reads raw data and writes everything it generates."""

    data_dir: Path
    out_dir: Path

    @classmethod
    def from_params(cls, data_dir: str | Path = "data/raw", out_dir: str | Path = ".") -> "ProjectPaths":
        return cls(resolve(data_dir), resolve(out_dir))

    # raw inputs (read only)
    @property
    def raw(self) -> Path:
        return self.data_dir

    @property
    def events_dir(self) -> Path:
        return self.data_dir / "events"

    # generated
    @property
    def processed(self) -> Path:
        return self.out_dir / "data" / "processed"

    @property
    def panel(self) -> Path:
        return self.processed / "panel.parquet"

    @property
    def results(self) -> Path:
        return self.out_dir / "results"

    @property
    def tables(self) -> Path:
        return self.results / "tables"

    @property
    def figures(self) -> Path:
        return self.results / "figures"

    @property
    def numbers(self) -> Path:
        return self.results / "numbers.json"

    @property
    def manifest(self) -> Path:
        return self.results / "manifest.json"

    @property
    def history(self) -> Path:
        return self.results / "history"

    @property
    def reports(self) -> Path:
        return self.out_dir / "reports"

    @property
    def executed(self) -> Path:
        return self.reports / "executed"

    @property
    def years(self) -> Path:
        return self.reports / "years"

    @property
    def report_html(self) -> Path:
        return self.reports / "report.html"

    @property
    def run_state(self) -> Path:
        """Cache keys of the last successful run of each notebook."""
        return self.out_dir / "data" / "processed" / ".run_state.json"

    def ensure_output_dirs(self) -> None:
        for d in (self.processed, self.tables, self.figures, self.executed, self.years, self.history):
            d.mkdir(parents=True, exist_ok=True)
