"""The papermill engine the runner executes notebooks with: papermill's own nbclient engine, able
to run in a kept kernel (``kernels``) and to save what ran when a notebook fails half-way."""

from __future__ import annotations

from pathlib import Path

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import remove_args

ENGINE = "analysis-warm-kernel"


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, executing in the kernel passed as ``km`` (with its client ``kc``)
    and leaving it running; without ``km``, in a kernel of its own as papermill does.

    The runner asks papermill not to save the notebook after every cell (each save re-validates
    and rewrites the whole notebook, images included: half a second for the report); papermill
    writes it once at the end, and on a cell error. Any other failure (a timeout, a dead kernel)
    writes what ran to ``partial_path`` here, so the reader still gets the partially executed copy.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, km=None, kc=None, partial_path=None,
                                 **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(
            nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file, **kwargs,
        )
        client.kc = kc  # None: nbclient starts a client (and, without km, a kernel) of its own
        try:
            return client.execute()
        except BaseException:
            if partial_path is not None:
                write_notebook(nb_man.nb, partial_path)
            raise
        finally:
            if kc is None and client.kc is not None and km is not None:  # ours to close; the kernel is not
                client.kc.stop_channels()


def write_notebook(nb, path: str | Path) -> None:
    """A notebook written whole or not at all."""
    import nbformat

    from analysis.io import write_text

    write_text(path, nbformat.writes(nb))


papermill_engines.register(ENGINE, WarmKernelEngine)
