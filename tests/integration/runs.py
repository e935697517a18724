"""Running the pipeline's command line from the integration tests, and reading what a run wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.paths import PROJECT_ROOT

# keep the power analysis small here; its own notebook test (nbval) runs the defaults
FAST = ["--set", "power_replications=10", "--set", "power_relationships=[40,80]", "--set", "power_years=[5]"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "run", *args, *FAST], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=1200)


def manifest(out: Path) -> dict:
    return json.loads((out / "results/manifest.json").read_text())


def statuses(out: Path) -> dict[str, str]:
    return {n["notebook"]: n["status"] for n in manifest(out)["notebooks"]}
