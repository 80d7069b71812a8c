"""The kernel a report runs in: the project's own interpreter, started by a jupyter_client provisioner.

jupyter_client's documented way to change how a kernel process starts is a kernel provisioner: a
subclass of `LocalProvisioner`, registered under an entry point of the `jupyter_client.kernel_provisioners`
group (pyproject.toml) and named in the kernel spec's metadata (`kernel_provisioner.provisioner_name`,
with its `config`). The kernel manager here returns such a spec, so every kernel of a build goes through
`ProjectProvisioner`; the batch's forked kernels go through a subclass of it (batch/provisioner.py).

The entry points live in the package's installed metadata: `make setup` reinstalls the package whenever
pyproject.toml changes, so they follow.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Mapping
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Bool

from nianbao.notebook import runtime

KERNEL_NAME = "nianbao"
PROVISIONER = "nianbao-project"  # its entry point in pyproject.toml
DEBUG_VARIABLE = "NIANBAO_DEBUG"


def kernel_output_hidden(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a kernel's own stdout/stderr go to /dev/null: always, unless NIANBAO_DEBUG=1.

    They carry only the kernel's logs (cell output travels over IOPub); on Ctrl-C a kernel logs a
    KeyboardInterrupt traceback that would bury our one calm message."""
    return (os.environ if environ is None else environ).get(DEBUG_VARIABLE) != "1"


def project_kernel_spec(provisioner: str = PROVISIONER, extra_argv: tuple[str, ...] = ()) -> KernelSpec:
    """The spec of a kernel running the very interpreter that runs nianbao, started by `provisioner`."""
    return KernelSpec(
        name=KERNEL_NAME,
        display_name="nianbao",
        language="python",
        # The kernel talks to us over loopback TCP with signed messages; ipykernel 7 warns about the
        # missing transport encryption on every start, which would bury real messages in a batch.
        argv=[
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--log-level=ERROR",
            *extra_argv,
        ],
        # Whatever the kernel itself would put in the user's Jupyter runtime folder goes to this run's own.
        env={"JUPYTER_RUNTIME_DIR": str(runtime.folder())},
        metadata={
            "kernel_provisioner": {
                "provisioner_name": provisioner,
                "config": {"hide_output": kernel_output_hidden()},
            }
        },
    )


class ProjectProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, sending the kernel's own output to /dev/null unless
    `hide_output` is off (the kernel spec sets it from NIANBAO_DEBUG)."""

    hide_output = Bool(True, config=True, help="Send the kernel's own stdout and stderr to /dev/null.")

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        # pre_launch prepares the launch parameters handed on to `launch_kernel` (and there to Popen).
        launch: dict[str, Any] = await super().pre_launch(**kwargs)
        if self.hide_output:
            launch.setdefault("stdout", subprocess.DEVNULL)
            launch.setdefault("stderr", subprocess.DEVNULL)
        return launch

    def kill_at_once(self) -> None:
        """Kill the kernel outright without the event loop, which an interrupt (Ctrl-C, SIGTERM) may have
        cut off mid-step; a kernel that ended already is no error."""
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.kill()


class ProjectKernelManager(AsyncKernelManager):
    """Starts the kernel with the very interpreter running nianbao, whatever kernelspecs are installed.

    A user-level `python3` (or even `nianbao`) kernelspec may point at another Python (papermill
    #251, #761); resolving the spec ourselves makes the kernel's interpreter explicit. The spec's
    metadata selects the provisioner that starts it.
    """

    last_client: Any = None

    def __init__(self, **kwargs: Any) -> None:
        # jupyter_client's default is a loose `tmp….json` in the temporary folder (or the user's Jupyter
        # runtime folder): a killed build would leave it there. This process's runtime folder is swept.
        kwargs.setdefault("connection_file", str(runtime.folder() / f"kernel-{uuid.uuid4()}.json"))
        super().__init__(**kwargs)

    @property
    def kernel_spec(self) -> KernelSpec:
        return project_kernel_spec()

    def client(self, **kwargs: Any) -> Any:
        # nbclient leaves the client of a kernel it does not own open: keep it to close its sockets.
        self.last_client = super().client(**kwargs)
        return self.last_client
