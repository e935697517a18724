"""What a reused kernel puts back before each notebook: the state a fresh kernel starts with.

This module runs *inside* the IPython kernel: ``analysis.pipeline.kernels`` calls
:func:`snapshot` once, right after the kernel started (having imported numpy, pandas and
pyplot, as a notebook's first cell would), and :func:`restore` before every later notebook.
Restored: the user namespace and execution counter (IPython's ``reset``), open figures,
the working directory, environment, ``sys.path``/``argv``, warning filters and their
once-only registries, matplotlib's settings and unit converters (pandas registers its date
converters on first plot), numpy's error and print settings, pandas' options, the global
random states, the root logger. Kept: imported modules and caches keyed by value; that is
the saving. A test runs every notebook both ways and compares the outputs byte for byte.
"""

from __future__ import annotations

import copy
import logging
import os
import random
import sys
import warnings
from typing import Any

_SAVED: dict[str, Any] = {}


def _pandas_options() -> dict:
    from pandas._config import config  # no public way to copy every option at once

    return config._global_config


def snapshot() -> None:
    import matplotlib
    import matplotlib.pyplot  # noqa: F401 - selects the kernel's inline backend, as a notebook's import does
    import matplotlib.units
    import numpy as np

    # load the backend now, as a notebook's first figure does (nothing else loads it): the inline
    # backend turns on interactive mode then, which restoring the settings must not turn off again
    matplotlib.pyplot.close(matplotlib.pyplot.figure())
    _SAVED.update(
        cwd=os.getcwd(), environ=dict(os.environ), path=list(sys.path), argv=list(sys.argv),
        warnings=list(warnings.filters), rc=dict.copy(matplotlib.rcParams), units=dict(matplotlib.units.registry),
        np_err=np.geterr(), np_print=np.get_printoptions(), pandas=copy.deepcopy(_pandas_options()),
        random=random.getstate(), np_random=np.random.get_state(),
        log_level=logging.root.level, log_handlers=list(logging.root.handlers), log_disable=logging.root.manager.disable,
    )


def restore() -> None:
    """Put the kernel back as :func:`snapshot` found it (call only after it)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import matplotlib.units
    import numpy as np
    from IPython import get_ipython

    s = _SAVED
    get_ipython().reset(new_session=True)  # namespace, history, In/Out; the counter starts at 1 again
    plt.close("all")
    os.chdir(s["cwd"])
    if dict(os.environ) != s["environ"]:
        os.environ.clear()
        os.environ.update(s["environ"])
    sys.path[:] = s["path"]
    sys.argv[:] = s["argv"]
    warnings.filters[:] = s["warnings"]
    warnings._filters_mutated()  # forgets which warnings were already shown once
    dict.update(matplotlib.rcParams, s["rc"])  # the values were validated when saved
    matplotlib.units.registry.clear()
    matplotlib.units.registry.update(s["units"])
    np.seterr(**s["np_err"])
    np.set_printoptions(**s["np_print"])
    options = _pandas_options()
    options.clear()
    options.update(copy.deepcopy(s["pandas"]))
    random.setstate(s["random"])
    np.random.set_state(s["np_random"])
    logging.root.setLevel(s["log_level"])
    logging.root.handlers[:] = s["log_handlers"]
    logging.disable(s["log_disable"])
