"""The batch's kernels: pooled managers hand nbclient the client that skips jupyter_client's fixed wait,
and forked ones are started by the forked provisioner from the worker's zygote."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from jupyter_core.utils import run_sync

from nianbao.batch import pool
from nianbao.batch.pool import ForkedKernelManager, Kernels, PooledKernelManager, QuickClient
from nianbao.batch.provisioner import ForkedProvisioner
from nianbao.notebook.kernel import ProjectProvisioner
from nianbao.paths import Project


def test_pooled_kernels_are_driven_by_the_quick_client() -> None:
    # AsyncKernelManager builds its clients from `client_factory`; setting `client_class` alone is
    # silently ignored, and every report would wait 0.2 s for IOPub to fall quiet.
    assert isinstance(PooledKernelManager().client(), QuickClient)
    assert isinstance(ForkedKernelManager().client(), QuickClient)


@pytest.mark.parametrize(
    ("manager", "provisioner"),
    [(PooledKernelManager, ProjectProvisioner), (ForkedKernelManager, ForkedProvisioner)],
)
def test_batch_kernel_specs_select_their_provisioners(manager: type, provisioner: type) -> None:
    km = manager()
    made = KernelProvisionerFactory.instance().create_provisioner_instance("k", km.kernel_spec, km)
    assert type(made) is provisioner


def test_a_forked_kernel_needs_a_zygote(tmp_path: Path) -> None:
    km = ForkedKernelManager(connection_file=str(tmp_path / "kernel.json"))
    try:
        with pytest.raises(
            RuntimeError, match="the nianbao-forked provisioner needs a kernel manager with a zygote"
        ):
            run_sync(km.start_kernel)(cwd=str(tmp_path))
    finally:
        run_sync(km.cleanup_resources)()


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def gone(pid: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")
def test_a_forked_kernel_is_the_zygotes_child_on_unix_sockets_and_is_killed_when_stopped(
    project_dir: Path,
) -> None:
    kernels = Kernels(Project(project_dir), fork=True)
    try:
        km = kernels.start()
        assert km.provisioner is not None
        pid = km.provisioner.pid
        assert kernels.zygote is not None
        assert parent_of(pid) == kernels.zygote.process.pid  # forked, not launched
        # Unix sockets in the worker's own folder: no TCP port another process could take first.
        connection = km.get_connection_info()
        assert connection["transport"] == "ipc"
        assert kernels.sockets is not None and Path(str(connection["ip"])).parent == kernels.sockets
        client = km.client()
        client.start_channels()

        async def run(code: str) -> Any:
            await client.wait_for_ready(timeout=60)
            return await client.execute(code, reply=True, timeout=30)

        assert run_sync(run)("import nianbao.report")["content"]["status"] == "ok"
        kernels.stop(km)
        assert not run_sync(km.is_alive)()
        assert gone(pid, wait=5)  # killed, and reaped by the zygote
        assert list(kernels.sockets.iterdir()) == []
    finally:
        kernels.close()
    assert not kernels.sockets.exists()


class FakeKernels:
    """What build_one asks of the worker's kernels: start one, stop one."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.stopped: list[str] = []

    def start(self) -> str:
        self.started.append(f"kernel {len(self.started) + 2}")
        return self.started[-1]

    def stop(self, km: str) -> None:
        self.stopped.append(km)


def test_a_kernel_that_died_before_answering_gets_one_fresh_kernel(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def build_report(project: Project, agency: str, year: int, km: Any) -> Any:
        calls.append(km)
        if len(calls) == 1:
            raise pool.KernelDiedError("Kernel died before replying to kernel_info")
        return SimpleNamespace(warnings=())

    monkeypatch.setattr(pool, "build_report", build_report)
    monkeypatch.setattr(pool.plan, "record_built", lambda *args: None)
    kernels = FakeKernels()
    result = pool.build_one(project, pool.plan.Job("minzheng", 2017), "kernel 1", kernels, "code")  # type: ignore[arg-type]
    assert calls == ["kernel 1", "kernel 2"]
    assert kernels.stopped == ["kernel 1", "kernel 2"]
    assert result["status"] == "built"


def test_a_kernel_that_dies_twice_fails_its_report_in_one_line(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build_report(project: Project, agency: str, year: int, km: Any) -> str:
        raise pool.KernelDiedError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(pool, "build_report", build_report)
    kernels = FakeKernels()
    result = pool.build_one(project, pool.plan.Job("minzheng", 2017), "kernel 1", kernels, "code")  # type: ignore[arg-type]
    assert kernels.stopped == ["kernel 1", "kernel 2"]
    assert result["status"] == "failed"
    assert result["error"].startswith(
        "报告的内核（执行模板的 Python 进程）连续两次在启动时退出，报告没有执行"
    )
    assert "Traceback" not in result["error"] and "Kernel died" not in result["error"]
    record = pool.plan.records.read(project.build_record("minzheng", 2017))
    assert record is not None and record["status"] == "failed" and record["error"] == result["error"]


def test_a_bug_in_one_report_is_a_one_line_failure_with_its_traceback_in_a_log(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build_report(project: Project, agency: str, year: int, km: Any) -> str:
        raise KeyError("a bug")

    monkeypatch.setattr(pool, "build_report", build_report)
    result = pool.build_one(project, pool.plan.Job("minzheng", 2017), "kernel 1", FakeKernels(), "code")  # type: ignore[arg-type]
    assert result["error"] == (
        "程序内部错误（KeyError: 'a bug'），不是数据的问题；"
        "详细信息已保存在 output/minzheng/2017/failed/error.log，请把它发给技术支持"
    )
    log = project.failure_log("minzheng", 2017).read_text(encoding="utf-8")
    assert log.startswith("Traceback (most recent call last):") and "KeyError: 'a bug'" in log
    record = pool.plan.records.read(project.build_record("minzheng", 2017))
    assert record is not None and record["status"] == "failed"  # the index lists it as failed


def test_a_record_that_cannot_be_written_says_the_files_were_replaced(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk after both report files were published, before build.json: not "nothing changed"."""
    from nianbao.errors import OutputError

    built = SimpleNamespace(
        outputs=(project.report_notebook("minzheng", 2017), project.report_html("minzheng", 2017)),
        figures=SimpleNamespace(model=SimpleNamespace(profile=SimpleNamespace(slug="minzheng"), year=2017)),
        warnings=(),
    )
    old_record = project.build_record("minzheng", 2017)
    old_record.parent.mkdir(parents=True)
    old_record.write_text("{}", encoding="utf-8")

    def record_built(*args: Any) -> None:
        raise OutputError("无法写入文件夹 output/minzheng/2017：磁盘空间已满（No space left on device）")

    monkeypatch.setattr(pool, "build_report", lambda *args, **kwargs: built)
    monkeypatch.setattr(pool.plan, "record_built", record_built)
    result = pool.build_one(project, pool.plan.Job("minzheng", 2017), "kernel 1", FakeKernels(), "code")  # type: ignore[arg-type]
    assert result["status"] == "failed"
    assert result["error"].startswith(
        "报告的文件已替换为新生成的（output/minzheng/2017/report.ipynb、output/minzheng/2017/report.html），"
        "但它的构建记录无法写入：无法写入文件夹 output/minzheng/2017：磁盘空间已满"
    )
    assert "没有被改动" not in result["error"]
    assert not old_record.exists()  # the previous report's record no longer claims these files


# Run apart, as a subreaper: a kernel orphaned by its zygote becomes this script's child instead of
# init's, so ipykernel's own parent poller (which waits for the parent to be init) never ends it.
ORPHAN = """
import ctypes, os, signal, sys, time
from pathlib import Path
from jupyter_core.utils import run_sync
from nianbao.batch.pool import Kernels
from nianbao.paths import Project

ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
kernels = Kernels(Project(Path(sys.argv[1])), fork=True)
km = kernels.start()
client = km.client()
client.start_channels()
run_sync(client.wait_for_ready)(timeout=60)
pid = km.provisioner.pid
kernels.zygote.process.kill()
kernels.zygote.process.wait()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    if os.waitpid(pid, os.WNOHANG)[0] == pid:
        print("ended")
        break
    time.sleep(0.01)
else:
    os.kill(pid, signal.SIGKILL)
    print("lived on")
client.stop_channels()
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")
def test_a_forked_kernel_ends_with_its_zygote(project_dir: Path) -> None:
    # Interrupted between forking a kernel and reading its process id, a worker cannot kill that kernel:
    # killing the zygote must end it.
    result = subprocess.run(
        [sys.executable, "-c", ORPHAN, str(project_dir)], capture_output=True, text=True, timeout=120
    )
    assert result.stdout == "ended\n", result.stderr


WARMED = """
import sys
from nianbao.batch import zygote
from nianbao.formats import _formats
zygote.warm_up()
print("debugpy" in sys.modules, "PIL.PngImagePlugin" in sys.modules, _formats.cache_info().currsize)
"""


def test_the_zygote_warms_what_every_kernel_would_otherwise_do_itself() -> None:
    # Each forked kernel imports ipykernel's debugger as it starts and parses the format YAML when the
    # template opens the report: done once in the zygote, before forking, it is done for every kernel.
    result = subprocess.run([sys.executable, "-c", WARMED], capture_output=True, text=True, timeout=120)
    assert result.stdout == "True True 1\n", result.stderr
    assert "Debugger warning" not in result.stderr  # pydevd's frozen-modules warning is silenced
