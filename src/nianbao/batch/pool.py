"""The batch's worker: a warm process that builds reports one after another, each in a fresh kernel.

What a lone `make report` pays every time and a worker pays once: importing papermill, nbconvert and
matplotlib, and loading the export template. What stays per report, for isolation: a new kernel process,
used for that report only and killed after it. Its cost is cut twice:
- on Linux, kernels are forked from a zygote (zygote.py) that imported `nianbao.report`
  (matplotlib, the CJK font) once; elsewhere each kernel is launched with `exec_lines` that
  import it while the kernel waits (they do not touch the execution count);
- the next report's kernel is started while the current report executes and is exported.
Either way the executed notebook is byte-identical to a lone build's (a test checks every sample).
Kernels start through jupyter_client's documented kernel provisioners, named in each manager's kernel
spec: the project's (notebook/kernel.py) for launched kernels, the forked one (provisioner.py) for forks.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Mapping
from multiprocessing.queues import Queue
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client import protocol_version_info  # type: ignore[attr-defined]  # (no __all__)
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_core.utils import run_sync
from traitlets import Type

from nianbao.batch import failures, plan
from nianbao.batch import provisioner as forked
from nianbao.batch.zygote import Zygote
from nianbao.build import build_report
from nianbao.errors import ExecutionError, NianbaoError
from nianbao.inputs.snapshot import Stamp
from nianbao.inputs.to_fill import UnfilledError
from nianbao.notebook import runtime
from nianbao.notebook.execute import kernel_died
from nianbao.notebook.kernel import PROVISIONER, ProjectKernelManager, ProjectProvisioner, project_kernel_spec
from nianbao.paths import Project
from nianbao.publish.export import exporter
from nianbao.year import freshness

WARM_IMPORTS = "import nianbao.report"


class KernelDiedError(RuntimeError):
    """A kernel that ended before it answered its first request: not the report's fault."""


class QuickClient(AsyncKernelClient):
    """An async kernel client whose `wait_for_ready` skips the last step of jupyter_client's own.

    jupyter_client's `wait_for_ready` ends by draining IOPub until it has been silent for 0.2 s: a fixed
    0.2 s per report, with no option to shorten it, so this is the one piece of jupyter_client the batch
    writes again — its handshake, through the client's public methods only. nbclient only reads the IOPub
    messages that answer its own requests, so whatever the kernel said before is drained without waiting.
    A kernel whose protocol's major version is not jupyter_client's gets jupyter_client's own handshake,
    which also adapts the messages to it (ours, ipykernel from the lock, never needs that).
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (60 if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.get_shell_msg(timeout=1)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.get_iopub_msg(timeout=0.2)  # IOPub is connected
                    except Empty:
                        pass
                    else:
                        break
            if not await self.is_alive():
                raise KernelDiedError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        if int(reply["content"]["protocol_version"].split(".")[0]) != protocol_version_info[0]:
            await super().wait_for_ready(timeout)
            return
        while True:
            try:
                await self.get_iopub_msg(timeout=0)
            except Empty:
                break


class PooledKernelManager(ProjectKernelManager):
    """A project kernel that imports the report module while it waits for its report."""

    # AsyncKernelManager builds clients from `client_factory` (a default class), not from `client_class`.
    client_factory = Type(QuickClient, klass="jupyter_client.asynchronous.AsyncKernelClient")
    provisioner_name = PROVISIONER

    @property
    def kernel_spec(self) -> KernelSpec:
        return project_kernel_spec(self.provisioner_name, (f"--IPKernelApp.exec_lines={WARM_IMPORTS}",))


class ForkedKernelManager(PooledKernelManager):
    """A project kernel forked from the worker's zygote instead of started from scratch (Linux): its
    spec selects the forked provisioner (provisioner.py), which forks from this manager's `zygote`."""

    provisioner_name = forked.PROVISIONER
    zygote: Zygote | None = None


async def kill_forked(km: ForkedKernelManager) -> None:
    """What `shutdown_kernel(now=True)` does to a forked kernel (SIGKILL, then its connection file and
    sockets), less its fixed 0.01 s sleep (jupyter_client's `in_pending_state`, there for its tests) per
    report: the zygote, not this process, reaps the kernel, so there is nothing to wait for."""
    await km.signal_kernel(signal.SIGKILL)
    await km.cleanup_resources()


# A Unix socket's path has at most 107 bytes; with a TMPDIR too long for that, TCP it is.
IPC_PATH_MAX = 100
# Linux only: macOS can fork, but a fork of a process that loaded its system frameworks may crash.
FORK = sys.platform.startswith("linux")


class Kernels:
    """Where a worker's kernels come from: its zygote on Linux, else fresh launches.

    Forked kernels talk to the worker over Unix sockets (ZeroMQ's ipc transport) in a folder of the
    worker's own, not over TCP: jupyter_client picks a kernel's TCP ports before the kernel binds them,
    and another process (the batch's other worker, any program) may take one meanwhile; the kernel then
    dies before it answers (jupyter_client #487), failing its report (one kernel in some hundreds on a
    busy machine, in a stress test).
    """

    def __init__(self, project: Project, fork: bool = FORK) -> None:
        self.project = project
        self.zygote = Zygote(project.root) if fork else None
        # In this worker's runtime folder, which the next run removes if the worker is killed.
        self.sockets = Path(tempfile.mkdtemp(prefix="kernels-", dir=runtime.folder())) if fork else None
        self.started = 0
        self.running: list[PooledKernelManager] = []

    def start(self) -> PooledKernelManager:
        """Launch a kernel in the project root and return at once; it finishes booting on its own."""
        self.started += 1
        if self.zygote is None or self.sockets is None:
            km = PooledKernelManager()
        else:
            # Kernel n: its connection file `<folder>/n.json`, its sockets `<folder>/n-1` … `n-5`;
            # removed when it is stopped, and with the folder if it is killed.
            name = str(self.sockets / str(self.started))
            ipc = {"transport": "ipc", "ip": name} if len(name) < IPC_PATH_MAX else {}
            km = ForkedKernelManager(connection_file=f"{name}.json", **ipc)
            km.zygote = self.zygote
        run_sync(km.start_kernel)(cwd=str(self.project.root))
        self.running.append(km)
        return km

    def stop(self, km: PooledKernelManager) -> None:
        """Used once, thrown away: kill the kernel outright rather than wait for a polite shutdown."""
        self.running.remove(km)
        if km.last_client is not None:
            km.last_client.stop_channels()
        if isinstance(km, ForkedKernelManager):
            run_sync(kill_forked)(km)
        else:
            run_sync(km.shutdown_kernel)(now=True)  # which also waits for (reaps) the launched process

    def close(self, interrupted: bool = False) -> None:
        """Stop the kernels still running (a spare), then the zygote. Interrupted, kill them outright:
        the event loop may have been cut off mid-step."""
        for km in list(self.running):
            if interrupted:
                if isinstance(km.provisioner, ProjectProvisioner):
                    km.provisioner.kill_at_once()
            else:
                self.stop(km)
        if self.zygote is not None:
            self.zygote.close(wait=not interrupted)
        if self.sockets is not None:
            shutil.rmtree(self.sockets, ignore_errors=True)  # what a killed kernel's cleanup did not remove


def build_one(
    project: Project, job: plan.Job, km: PooledKernelManager, kernels: Kernels, code: str
) -> dict[str, Any]:
    """Build one report, record how it went, and say so; any fault fails this report only."""
    started = time.perf_counter()
    files = freshness.year_stamps(project, job.agency, job.year)  # before reading: an edit meanwhile shows
    # The kernel is stopped on every way out but an interrupt (SystemExit on SIGTERM): then the build's
    # event loop was cut off mid-step with nbclient's tasks pending, which stopping the kernel through
    # that loop would run against a dying kernel (a "Kernel died" traceback). It stays in
    # `kernels.running`, and `Kernels.close` kills it without the loop.
    try:
        try:
            built = build_report(project, job.agency, job.year, km=km)
        except KernelDiedError:
            # Seen on a loaded machine: a kernel that never came up. Nothing of the report ran in it
            # (the inputs are handed over first), so one fresh kernel gets one more try.
            kernels.stop(km)
            km = kernels.start()
            try:
                built = build_report(project, job.agency, job.year, km=km)
            except KernelDiedError as err:
                raise kernel_died() from err
    except Exception as err:
        kernels.stop(km)
        # The data's fault unless the template's run failed (or a bug): then the check itself had passed.
        return failed(
            project,
            job,
            err,
            started,
            checked=isinstance(err, NianbaoError) and not isinstance(err, ExecutionError),
            files=files,
        )
    kernels.stop(km)
    try:
        plan.record_published(project, built, code)
    except NianbaoError as err:  # a full disk after the report's files were published
        return {
            "job": job,
            "status": "failed",
            "error": err.render(),
            "seconds": time.perf_counter() - started,
        }
    return {
        "job": job,
        "status": "built",
        "error": None,
        "warnings": list(built.warnings),
        "seconds": time.perf_counter() - started,
    }


def failed(
    project: Project,
    job: plan.Job,
    err: BaseException,
    started: float,
    checked: bool,
    files: Mapping[str, Stamp] | None = None,
) -> dict[str, Any]:
    """A failed report's result and record: one line for a user error, a bug's traceback in a log file.
    A year found still to fill is no failure: its status says so (the batch lists it apart)."""
    why = failures.reason(project, err, project.failure_log(job.agency, job.year))
    to_fill = err.items if isinstance(err, UnfilledError) else ()  # the cells still 待填
    try:
        plan.record_failed(project, job, why, checked, to_fill, files)
    except NianbaoError as also:  # the disk is full: the batch's list still says why
        record = project.relative(project.build_record(job.agency, job.year))
        why += f"\n  （这次失败也没能记入 {record}：{also.message}）"
    return {
        "job": job,
        "status": "to_fill" if to_fill else "failed",
        "error": why,
        "to_fill": list(to_fill),
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
    code = freshness.code_signature(project)
    spare: PooledKernelManager | None = None
    interrupted = True
    try:
        while (item := jobs.get()) is not None:
            job, more = item
            try:
                with runtime.temp_space():  # a kernel's connection file: in the temporary folder
                    km = spare or kernels.start()
                    spare = kernels.start() if more else None
                result = build_one(project, job, km, kernels, code)
            except Exception as err:  # go on with the next report: this one failed, saying why
                result = failed(project, job, err, time.perf_counter(), checked=False)
            result["rss_mb"] = peak_rss_mb()
            results.put(result)
        interrupted = False
    finally:
        kernels.close(interrupted)
        runtime.remove()
