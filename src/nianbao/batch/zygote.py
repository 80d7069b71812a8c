"""A kernel zygote: one process that has imported everything a report's kernel needs and forks a fresh
kernel per report (on Linux; elsewhere the pool starts kernels the usual way).

Starting a Python kernel and importing matplotlib and nianbao into it costs about a second and a half of
CPU per report; a fork of a process that already did costs milliseconds. Isolation is kept: every report
runs in its own new process, which ends with it, and whatever a report does to its kernel's state dies
with that process — the zygote itself never runs report code and opens no socket (no ZeroMQ context,
no thread, no event loop), so a fork of it is as clean as a freshly started interpreter with the modules
imported.

Protocol (over the zygote's stdin/stdout, one JSON line each way): the worker sends
`{"argv": [...], "env": {...}, "cwd": "...", "quiet": true}` — the kernel's arguments after `python -m
ipykernel_launcher`, its environment, working folder and whether its own output goes to /dev/null — and
reads back the new kernel's process id. The zygote reaps each kernel it forked as soon as it ends (on
SIGCHLD). The worker's side is `Zygote`, used by the kernel provisioner in provisioner.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

WARM = "nianbao.report"  # what the template's second cell imports: matplotlib, the package


def warm_up() -> None:
    """Import what every report's kernel imports, so each fork starts with it done."""
    # The kernel's debugger, which every kernel imports as it starts: debugpy and pydevd (about 140
    # modules, 0.1 s of CPU in every kernel otherwise). pydevd warns on stderr, at import, that
    # frozen modules may hide breakpoints; nobody debugs a report, and the variable stays in the zygote
    # (each kernel gets the worker's environment).
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    import ipykernel.debugger
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot as plt

    import nianbao.report  # noqa: F401
    from nianbao.drawing import charts
    from nianbao.errors import NianbaoError
    from nianbao.formats import all_formats

    charts.cjk_font()
    # Draw once so the font file is parsed and matplotlib's caches are filled before the fork; a chart
    # is drawn from its data alone, so this cannot show in any report (the identity test checks).
    with plt.rc_context(charts.STYLE):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_title("政府信息公开 0123456789%（）")
        fig.savefig(io.StringIO(), format="svg", metadata={"Date": None})
        fig.savefig(io.BytesIO(), format="png", dpi=charts.PNG_DPI)  # imports Pillow's PNG writer
        plt.close(fig)
    # The report formats, parsed from their YAML once per zygote rather than once per report (a quarter
    # of a second of CPU each time). The cache is keyed on the folders searched, so a kernel whose
    # NIANBAO_FORMATS_PATH differs parses its own; a definition with a fault is the build's to report.
    with contextlib.suppress(NianbaoError):
        all_formats()


def child(request: dict[str, Any]) -> None:
    """In the forked process: become an ordinary kernel, as `python -m ipykernel_launcher ...` would."""
    try:
        die_with(request["zygote"])
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own session, as jupyter_client gives a launched kernel: Ctrl-C is the batch's
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # the zygote's pipes belong to the worker
        # Like a launched kernel (notebook/kernel.py): its own output is only its logs, hidden unless
        # NIANBAO_DEBUG=1; shown, stdout goes to stderr, as the zygote's stdout is its pipe to the worker.
        os.dup2(devnull if request["quiet"] else 2, 1)
        if request["quiet"]:
            os.dup2(devnull, 2)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        random.seed()  # forks must not share the zygote's random state
        if "numpy.random" in sys.modules:  # else a kernel that imports it seeds it afresh
            sys.modules["numpy.random"].seed()
        from ipykernel import kernelapp

        # The kernel's parent is the worker, as for a launched kernel (ipykernel read JPY_PARENT_PID when
        # the zygote imported it, before the worker's environment was known).
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={request['parent']}"]
        sys.argv = [sys.argv[0], *argv]
        kernelapp.launch_new_instance(argv=argv)
    finally:
        os._exit(0)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with(zygote: int) -> None:
    """Have this kernel killed when the zygote ends, however it ends. Interrupted, the worker kills the
    kernels it knows and then the zygote; one forked a moment before, whose process id the worker had
    not read yet, would otherwise live on until its parent poller noticed, and write its connection file."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != zygote:  # the zygote ended before that took hold
        os._exit(0)


def reap(signum: int, frame: object) -> None:
    """Wait for every kernel that ended, so none lingers as a zombie and their CPU time is accounted
    to the batch (a benchmark reads it)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def serve(requests: IO[str], replies: IO[str]) -> None:
    signal.signal(signal.SIGCHLD, reap)
    for line in requests:
        request = {**json.loads(line), "parent": os.getppid(), "zygote": os.getpid()}  # parent: the worker
        pid = os.fork()
        if pid == 0:
            child(request)
        replies.write(f"{pid}\n")
        replies.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch handles Ctrl-C; the zygote ends with its stdin
    # `python -m` put the working folder first on sys.path; ipykernel_launcher removes it too and the
    # kernel's shell puts it back, so the forked kernel's path matches a launched one's.
    if sys.path and Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    warm_up()
    serve(sys.stdin, sys.stdout)


class ForkedKernel:
    """The slice of `subprocess.Popen` that jupyter_client's provisioner uses, for a forked kernel.

    The kernel is the zygote's child, not ours, so it cannot be waited for: the zygote reaps it and
    `poll` asks whether the process id still exists.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return code

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # it ended already
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
        self.killed()

    def killed(self) -> None:
        """It was sent SIGKILL (to it or its process group): it has ended, as far as its user is concerned."""
        if self.returncode is None:
            self.returncode = -signal.SIGKILL

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """The worker's handle on its zygote process."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nianbao.batch.zygote"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, quiet: bool) -> ForkedKernel:
        """A new kernel with the arguments `argv` (after `python -m ipykernel_launcher`)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"argv": argv, "env": env, "cwd": cwd, "quiet": quiet}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError("the kernel zygote exited")
        return ForkedKernel(int(reply))

    def close(self, wait: bool = True) -> None:
        """End the zygote: its stdin closed, it returns; `wait=False` (interrupted) kills it instead."""
        if not wait:
            self.process.kill()
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


if __name__ == "__main__":
    main()
