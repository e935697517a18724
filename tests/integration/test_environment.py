"""The conda environment and the pip lock carry the same pins; the Makefile keeps its contract."""

import re
import tomllib

from analysis.paths import PROJECT_ROOT
from scripts.lock import read_pins


def test_environment_yml_matches_lock():
    lock = read_pins((PROJECT_ROOT / "requirements.lock").read_text())
    env = read_pins((PROJECT_ROOT / "environment.yml").read_text())
    assert lock, "no pins read from requirements.lock"
    assert env == lock


def test_direct_dependencies_are_pinned_in_lock():
    deps = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lock = read_pins((PROJECT_ROOT / "requirements.lock").read_text())
    names = {re.split(r"[<>=\[ ]", d)[0].lower().replace("_", "-") for d in deps}
    assert names - set(lock) == set()


def test_makefile_has_the_contract_targets():
    text = (PROJECT_ROOT / "Makefile").read_text()
    for target in ("help", "setup", "all", "test", "validate", "report", "bench", "clean"):
        assert re.search(rf"^{target}:.*## ", text, re.M), f"make {target} missing or undocumented"
    assert ".DEFAULT_GOAL := help" in text
    assert "data/raw" not in text.split("clean:")[1].split("\n\n")[0].replace("never data/raw", "")
