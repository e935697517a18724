"""Warm kernels: the IPython kernel a worker keeps between the notebooks it runs.

Starting a kernel and importing pandas, statsmodels, matplotlib and the package cost 3-5 s a
notebook, more than most notebooks' analysis. So each worker process (or the runner itself with
``--jobs 1``) starts one kernel and runs its notebooks in it one after another, papermill
executing each through ``engine.WarmKernelEngine``; before each later notebook
``kernel_state.restore`` puts back the state a fresh kernel starts with. A kernel is discarded
after a notebook failed (it may have stopped half-way through anything) or died, and when the
next notebook needs another working directory. ``--fresh-kernels`` gives every notebook its own
kernel, papermill's default.

Only jupyter_client is imported here, so a worker can launch its kernel first and load papermill
while the kernel boots (:func:`launch`).
"""

from __future__ import annotations

import queue
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

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
        """Launch the kernel process and queue the snapshot; :meth:`ready` waits for both (the kernel
        boots and takes its snapshot meanwhile, while the caller goes on)."""
        self.cwd = Path(cwd)
        self.start_timeout = start_timeout
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        run_sync(self.km.start_kernel)(cwd=str(self.cwd), extra_arguments=list(KERNEL_ARGUMENTS))
        self.used = False
        self.started = False
        # one client for the kernel's life: a new one waits 0.2 s for the kernel's messages to settle
        # (jupyter_client's wait_for_ready) before every notebook; nbclient reads only its own replies
        self.kc = self.km.client()
        try:
            self.kc.start_channels()
            self.kc.allow_stdin = False
            # sent now, run as soon as the kernel listens (zmq keeps the message until it connects); its
            # reply says the kernel is up, as kernel_info's would
            self._snapshot = self._send(SNAPSHOT)
        except BaseException:
            self.shutdown()
            raise

    def ready(self) -> "WarmKernel":
        """Wait until the kernel has taken the snapshot every notebook starts from."""
        if not self.started:
            self._wait(self._snapshot, self.start_timeout)  # a failure: kernel_for discards the kernel
            self.started = True
        return self

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())

    def prepare(self, timeout: float = 120) -> None:
        """Ready for a notebook: a used kernel is reset to its state after start-up."""
        if self.used:
            self._run(RESTORE, timeout)
        self.used = True

    def _run(self, code: str, timeout: float) -> None:
        """Run ``code`` silently (no output, no history entry, the counter unchanged); raise on error."""
        self._wait(self._send(code), timeout)

    def _send(self, code: str) -> str:
        return self.kc.execute(code, silent=True, store_history=False)

    def _wait(self, msg_id: str, timeout: float) -> None:
        """The reply to ``msg_id``; :class:`KernelError` when the kernel dies, does not answer or fails."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=1)
            except queue.Empty:
                if not self.alive():
                    raise KernelError("the kernel died while being prepared for a notebook") from None
                if time.monotonic() > deadline:
                    raise KernelError(f"the kernel did not answer within {timeout:.0f} s") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def shutdown(self) -> None:
        """Stop the kernel at once: it is discarded after its notebooks are done (or after a failure),
        so there is nothing left for it to finish (a polite shutdown waits about 0.4 s)."""
        try:
            self.kc.stop_channels()
        except Exception:  # noqa: BLE001 - channels never started
            pass
        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone is shut down
            pass
        run_sync(self.km.cleanup_resources)()


# the kernel this process keeps (worker processes each have their own)
_kept: WarmKernel | None = None


def kernel_for(cwd: Path) -> WarmKernel:
    """This process's kernel, ready; started (or restarted) when there is none, it died or ``cwd`` differs."""
    launch(cwd)
    try:
        return _kept.ready()
    except BaseException:
        discard()
        raise


def launch(cwd: Path) -> None:
    """Launch this process's kernel in ``cwd`` without waiting for it, unless a live one is kept there."""
    global _kept
    if _kept is not None and (_kept.cwd != Path(cwd) or not _kept.alive()):
        discard()
    if _kept is None:
        _kept = WarmKernel(cwd)


def discard() -> None:
    """Stop this process's kernel (after a failure, at the end of a run, when a worker exits)."""
    global _kept
    kernel, _kept = _kept, None
    if kernel is not None:
        kernel.shutdown()
