"""Warm kernels: the IPython kernel a worker keeps between the notebooks it runs.

Starting a kernel and importing pandas, statsmodels, matplotlib and the package cost 3-5 s a
notebook, more than most notebooks' analysis. So each worker process (or the runner itself with
``--jobs 1``) starts one kernel and runs its notebooks in it one after another, papermill
executing each through :class:`WarmKernelEngine`; before each later notebook
``kernel_state.restore`` puts back the state a fresh kernel starts with. A kernel is discarded
after a notebook failed (it may have stopped half-way through anything) or died, and when the
next notebook needs another working directory. ``--fresh-kernels`` gives every notebook its own
kernel, papermill's default.
"""

from __future__ import annotations

import queue
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import remove_args

ENGINE = "analysis-warm-kernel"
KERNEL_NAME = "python3"
# the kernel's own chatter (transport notices at start, the SIGINT jupyter_client sends before
# every shutdown) is not the user's concern; cell errors come as messages. History in memory:
# kernels running at once would otherwise share one sqlite file.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:"]
SNAPSHOT = "from analysis.pipeline.kernel_state import snapshot as _s; _s(); del _s"
RESTORE = "from analysis.pipeline.kernel_state import restore as _r; _r()"


class KernelError(RuntimeError):
    """The kernel died or did not answer while being started or reset."""


class WarmKernel:
    """One started kernel; :meth:`prepare` before each notebook."""

    def __init__(self, cwd: Path, start_timeout: float = 120):
        self.cwd = Path(cwd)
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        run_sync(self.km.start_kernel)(cwd=str(self.cwd), extra_arguments=list(KERNEL_ARGUMENTS))
        self.used = False
        try:
            kc = self.km.blocking_client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=start_timeout)  # "Kernel died before replying to kernel_info"
            finally:
                kc.stop_channels()
            self._run(SNAPSHOT, start_timeout)
        except BaseException:
            self.shutdown()
            raise

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())

    def prepare(self, timeout: float = 120) -> None:
        """Ready for a notebook: a used kernel is reset to its state after start-up."""
        if self.used:
            self._run(RESTORE, timeout)
        self.used = True

    def _run(self, code: str, timeout: float) -> None:
        """Run ``code`` silently (no output, no history entry, the counter unchanged); raise on error."""
        kc = self.km.blocking_client()
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = kc.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + timeout
            while True:
                try:
                    reply = kc.get_shell_msg(timeout=1)
                except queue.Empty:
                    if not self.alive():
                        raise KernelError("the kernel died while being prepared for the next notebook") from None
                    if time.monotonic() > deadline:
                        raise KernelError(f"the kernel did not answer within {timeout:.0f} s") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            kc.stop_channels()
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def shutdown(self) -> None:
        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=False)
        except Exception:  # noqa: BLE001 - a kernel that is already gone is shut down
            pass
        run_sync(self.km.cleanup_resources)()


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, executing in the kernel passed as ``km`` and leaving it running."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, km=None, **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(
            nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file, **kwargs,
        )
        try:
            return client.execute()
        finally:
            if client.kc is not None:  # the client is ours to close; the kernel is not
                client.kc.stop_channels()


papermill_engines.register(ENGINE, WarmKernelEngine)

# the kernel this process keeps (worker processes each have their own)
_kept: WarmKernel | None = None


def kernel_for(cwd: Path) -> WarmKernel:
    """This process's kernel, started (or restarted) when there is none, it died or ``cwd`` differs."""
    global _kept
    if _kept is not None and (_kept.cwd != Path(cwd) or not _kept.alive()):
        discard()
    if _kept is None:
        _kept = WarmKernel(cwd)
    return _kept


def discard() -> None:
    """Shut down this process's kernel (after a failure, at the end of a run, when a worker exits)."""
    global _kept
    kernel, _kept = _kept, None
    if kernel is not None:
        kernel.shutdown()
