"""The batch's worker: a warm process that builds reports one after another, each in a fresh kernel.

What a lone `make report` pays every time and a worker pays once: importing papermill, nbconvert and
pandas, and loading the export template. What stays per report, for isolation: a new kernel process,
used for that report only and killed after it. Its cost is cut twice:
- on Linux, kernels are forked from a zygote (zygote.py) that imported `nianbao.report`
  (pandas, matplotlib, the CJK font) once; elsewhere each kernel is launched with `exec_lines` that
  import it while the kernel waits (they do not touch the execution count);
- the next report's kernel is started while the current report executes and is exported.
Either way the executed notebook is byte-identical to a lone build's (a test checks every sample).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
import traceback
from multiprocessing.queues import Queue
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_core.utils import run_sync
from traitlets import Type

from nianbao.batch import plan
from nianbao.batch.zygote import Zygote
from nianbao.build import build_report
from nianbao.errors import ExecutionError, NianbaoError
from nianbao.notebook.execute import ProjectKernelManager
from nianbao.paths import Project
from nianbao.publish.export import exporter

WARM_IMPORTS = "import nianbao.report"


class QuickClient(AsyncKernelClient):
    """jupyter_client's `wait_for_ready`, less its last step: waiting until IOPub has been silent for
    0.2 s, a fixed 0.2 s per report. nbclient only reads the IOPub messages that answer its own
    requests, so whatever the kernel said before is drained without waiting."""

    async def _wait_until_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (60 if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break

    wait_for_ready = _wait_until_ready


class PooledKernelManager(ProjectKernelManager):
    """A project kernel that imports the report module while it waits for its report."""

    # AsyncKernelManager builds clients from `client_factory` (a default class), not from `client_class`.
    client_factory = Type(QuickClient, klass="jupyter_client.asynchronous.AsyncKernelClient")

    @property
    def kernel_spec(self) -> KernelSpec:
        spec = super().kernel_spec
        spec.argv = [*spec.argv, f"--IPKernelApp.exec_lines={WARM_IMPORTS}"]
        return spec


class ForkedKernelManager(PooledKernelManager):
    """A project kernel forked from the worker's zygote instead of started from scratch (Linux)."""

    zygote: Zygote | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # jupyter_client's documented hook for launching kernels differently: the provisioner keeps
        # doing ports, the connection file and signals; only the process comes from a fork.
        assert self.zygote is not None and self.provisioner is not None
        argv = kernel_cmd[3:]  # after: python -m ipykernel_launcher
        process = self.zygote.fork(argv, dict(kw["env"]), str(kw["cwd"]))
        provisioner: Any = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = process, process.pid, None
        self._reconcile_connection_info(provisioner.connection_info)


# Linux only: macOS can fork, but a fork of a process that loaded its system frameworks may crash.
FORK = sys.platform.startswith("linux")


class Kernels:
    """Where a worker's kernels come from: its zygote on Linux, else fresh launches."""

    def __init__(self, project: Project, fork: bool = FORK) -> None:
        self.project = project
        self.zygote = Zygote(project.root) if fork else None
        self.running: list[PooledKernelManager] = []

    def start(self) -> PooledKernelManager:
        """Launch a kernel in the project root and return at once; it finishes booting on its own."""
        km = PooledKernelManager() if self.zygote is None else ForkedKernelManager()
        if isinstance(km, ForkedKernelManager):
            km.zygote = self.zygote
        run_sync(km.start_kernel)(cwd=str(self.project.root))
        self.running.append(km)
        return km

    def stop(self, km: PooledKernelManager) -> None:
        self.running.remove(km)
        if km.last_client is not None:
            km.last_client.stop_channels()
        if isinstance(km, ForkedKernelManager):
            # Used once, thrown away: kill it outright rather than wait for a polite shutdown.
            provisioner: Any = km.provisioner
            provisioner.process.kill()
            run_sync(km.cleanup_resources)()
        else:
            run_sync(km.shutdown_kernel)(now=True)

    def close(self, interrupted: bool = False) -> None:
        """Stop the kernels still running (a spare), then the zygote. Interrupted, kill them outright:
        the event loop may have been cut off mid-step."""
        for km in list(self.running):
            if interrupted:
                with contextlib.suppress(Exception):  # it may have ended already
                    km.provisioner.process.kill()  # type: ignore[union-attr]
            else:
                self.stop(km)
        if self.zygote is not None:
            self.zygote.close(wait=not interrupted)


def build_one(
    project: Project, job: plan.Job, km: PooledKernelManager, kernels: Kernels, code: str
) -> dict[str, Any]:
    """Build one report, record how it went, and say so; a user error fails this report only."""
    started = time.perf_counter()
    try:
        built = build_report(project, job.agency, job.year, km=km)
    except NianbaoError as err:
        # The data's fault unless the template's run failed: then the check itself had passed.
        plan.record_failed(project, job, err.render(), checked=not isinstance(err, ExecutionError))
        return {
            "job": job,
            "status": "failed",
            "error": err.render(),
            "seconds": time.perf_counter() - started,
        }
    finally:
        kernels.stop(km)
    plan.record_built(project, built, code)
    return {
        "job": job,
        "status": "built",
        "error": None,
        "warnings": list(built.warnings),
        "seconds": time.perf_counter() - started,
    }


def peak_rss_mb() -> float:
    """This worker's peak resident memory (its kernels and zygote are separate processes)."""
    if sys.platform == "win32":
        return 0.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def serve(root: str, jobs: Queue[Any], results: Queue[Any]) -> None:
    """A worker's life: warm up, then take jobs until the `None` sentinel, one kernel per report.

    A job is `(Job, more)`; `more` says whether jobs will follow, i.e. whether to boot a spare kernel.
    """
    # Stopped by the batch (after Ctrl-C): unwind, so the kernels of this worker are killed too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    project = Project(Path(root))
    kernels = Kernels(project)  # the zygote warms up while this worker does
    exporter()  # the export template, loaded once for every report of this worker
    code = plan.code_signature(project)
    spare: PooledKernelManager | None = None
    interrupted = True
    try:
        while (item := jobs.get()) is not None:
            job, more = item
            try:
                km = spare or kernels.start()
                spare = kernels.start() if more else None
                result = build_one(project, job, km, kernels, code)
            except Exception:  # a bug: report it with its traceback and go on with the next report
                result = {"job": job, "status": "failed", "error": traceback.format_exc(), "seconds": 0.0}
            result["rss_mb"] = peak_rss_mb()
            results.put(result)
        interrupted = False
    finally:
        kernels.close(interrupted)
