"""The provisioner of the batch's forked kernels: jupyter_client does ports, the connection file, signals
and shutdown as for any local kernel; only the process comes from a fork of the worker's zygote.

Registered as the `nianbao-forked` entry point of the `jupyter_client.kernel_provisioners` group
(pyproject.toml) and selected by the kernel spec of pool.py's `ForkedKernelManager`. jupyter_client
creates a provisioner with the kernel manager as its `parent`; the zygote, a live process of the
worker that no kernel spec can name, is that manager's `zygote`.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo

from nianbao.batch.zygote import ForkedKernel, Zygote
from nianbao.notebook.kernel import ProjectProvisioner

PROVISIONER = "nianbao-forked"  # its entry point in pyproject.toml
# What the fork stands for: the command a launched kernel runs, before its own arguments.
LAUNCHER = [sys.executable, "-m", "ipykernel_launcher"]


class ForkedProvisioner(ProjectProvisioner):
    """A project kernel forked from the zygote of its kernel manager instead of launched (Linux)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        # The documented override: LocalProvisioner.launch_kernel starts `cmd` with Popen and records
        # the process as here; `pre_launch` (inherited) has written the connection file already.
        zygote = getattr(self.parent, "zygote", None)
        if not isinstance(zygote, Zygote):
            raise RuntimeError(f"the {PROVISIONER} provisioner needs a kernel manager with a zygote")
        if cmd[: len(LAUNCHER)] != LAUNCHER:
            raise RuntimeError(f"a forked kernel can only stand for {' '.join(LAUNCHER)} …, not {cmd}")
        cwd = str(kwargs.get("cwd") or Path.cwd())
        kernel = zygote.fork(cmd[len(LAUNCHER) :], dict(kwargs["env"]), cwd, quiet=self.hide_output)
        # Typed as a Popen; LocalProvisioner uses only what ForkedKernel has: poll, wait, send_signal,
        # kill, terminate and the (absent) std streams.
        self.process = kernel  # type: ignore[assignment]
        self.pid = kernel.pid
        # The fork makes itself a session leader (as Popen's start_new_session does for a launched kernel),
        # so its process group is its pid; until it has, signals to the group fail and go to the process.
        self.pgid = kernel.pid
        self.cwd = cwd
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group, as LocalProvisioner does; after SIGKILL the kernel counts as
        ended at once: nothing survives it and the zygote reaps it. (Waiting until it is gone would cost
        every report the kernel manager's 0.1 s poll, or the ~15 ms of its teardown.)"""
        await super().send_signal(signum)
        if signum == signal.SIGKILL and isinstance(self.process, ForkedKernel):
            self.process.killed()
