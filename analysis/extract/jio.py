"""jionlp, imported once and quietly: its import prints a banner (and jiojio's C-extension notice)
on standard output, which would end up in every command's output and every executed notebook."""

from __future__ import annotations

import contextlib
import functools
import io
from types import ModuleType


@functools.lru_cache(maxsize=1)
def jionlp() -> ModuleType:
    """The ``jionlp`` module, its import-time printing discarded."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp as module
    return module
