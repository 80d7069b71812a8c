"""A report's kernel is started by nianbao's own provisioner, found through jupyter_client's documented
entry points and named in the kernel spec's metadata; its own output is hidden unless NIANBAO_DEBUG=1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from jupyter_core.utils import run_sync

from nianbao.notebook.kernel import ProjectKernelManager, ProjectProvisioner


def test_the_kernel_spec_selects_the_project_provisioner_by_its_entry_point() -> None:
    km = ProjectKernelManager()
    assert km.kernel_spec.metadata["kernel_provisioner"]["provisioner_name"] == "nianbao-project"
    # What jupyter_client does when a kernel starts: without the entry point in the package's metadata
    # this raises ModuleNotFoundError; without the spec's metadata it makes a plain LocalProvisioner.
    provisioner = KernelProvisionerFactory.instance().create_provisioner_instance("k", km.kernel_spec, km)
    assert type(provisioner) is ProjectProvisioner


def test_the_kernel_runs_the_interpreter_that_runs_nianbao() -> None:
    assert ProjectKernelManager().kernel_spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"]


def launch_arguments(tmp_path: Path) -> dict[str, object]:
    """What the provisioner hands on to the kernel's Popen, from the kernel manager's documented start."""
    km = ProjectKernelManager(connection_file=str(tmp_path / "kernel.json"))
    try:
        _, launch = run_sync(km.pre_start_kernel)(cwd=str(tmp_path))
    finally:
        run_sync(km.cleanup_resources)()
    return dict(launch)


def test_the_kernels_own_output_goes_to_dev_null(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)
    launch = launch_arguments(tmp_path)
    assert (launch["stdout"], launch["stderr"]) == (subprocess.DEVNULL, subprocess.DEVNULL)
    assert launch["cwd"] == str(tmp_path)


def test_nianbao_debug_keeps_the_kernels_own_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_DEBUG", "1")
    launch = launch_arguments(tmp_path)
    assert "stdout" not in launch and "stderr" not in launch
