"""How ``make test`` spreads its work over the cores (pytest-xdist, ``--dist loadfile``).

A test file runs on one worker, as its module fixtures are shared. The notebooks under nbval run
on one worker too, one after another in NN order, since each reads what the one before wrote; they
run beside the tests instead of after them. Files marked ``costly`` are sent first, longest first,
so a long file does not start last and end the run alone (xdist would otherwise send the files
with the most tests first).
"""

from __future__ import annotations

import pytest

NOTEBOOKS = "notebooks"  # the scope of every nbval item
NOTEBOOK_SECONDS = 60  # every notebook under nbval, on two busy cores


def _scope(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return NOTEBOOKS if path.endswith(".ipynb") else path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "costly(seconds): the file takes about this long; it is started first")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    scopes = {item.nodeid: _scope(item.nodeid) for item in items}
    seconds: dict[str, float] = {}
    for item in items:
        scope, mark = scopes[item.nodeid], item.get_closest_marker("costly")
        cost = NOTEBOOK_SECONDS if scope == NOTEBOOKS else (mark.args[0] if mark else 0)
        seconds[scope] = max(seconds.get(scope, 0), cost)
    items.sort(key=lambda item: -seconds[scopes[item.nodeid]])  # stable: each file keeps its order


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class CompendiumScheduling(LoadFileScheduling):
        def __init__(self, config: pytest.Config, log=None) -> None:
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep the order collected above

        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    return CompendiumScheduling(config, log)
