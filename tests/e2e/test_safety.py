"""Nothing lost: warnings reach reviewers only, and an interrupted or failed run leaves the last good
report exactly as it was. (Markup in data: test_hostile_pages.py.)"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nianbao.build import build_report
from nianbao.errors import NianbaoError
from nianbao.paths import Project
from nianbao.publish import atomic
from nianbao.year import records
from tests.e2e.test_report import make

pytestmark = pytest.mark.slow

FIGURES = "data/minzheng/2017/figures.yaml"


def outputs(project: Project) -> dict[str, bytes]:
    folder = project.output_dir("minzheng", 2017)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture
def last_good(project: Project) -> dict[str, bytes]:
    """A first, good build: what every failure below must leave in place."""
    build_report(project, "minzheng", 2017)
    return outputs(project)


def test_a_warning_is_printed_and_listed_for_reviewers_but_never_published(project: Project) -> None:
    figures = project.root / FIGURES
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("  granted: 0", "  granted: 2"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "report", "minzheng", "2017"],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    warning = (
        f"{FIGURES}: 规则 W1 不成立：附表“对申请的答复总数”大于“受理政府信息公开申请总数”，"
        "请核实是否有上年结转的申请。实际为：“对申请的答复总数”为 2；“受理政府信息公开申请总数”为 0（2 > 0）"
    )
    # Exactly this one warning; other stderr lines (a slow kernel's notices under load) are not ours to pin.
    assert [line for line in result.stderr.splitlines() if line.startswith(("警告", "错误"))] == [
        f"警告：{warning}"
    ]
    notebook = nbformat.read(project.report_notebook("minzheng", 2017), as_version=4)
    assert notebook.cells[0].metadata.tags == ["nianbao-review"]
    assert warning in notebook.cells[0].source
    html = project.report_html("minzheng", 2017).read_text(encoding="utf-8")
    assert "W1" not in html
    assert "校验" not in html


def test_without_warnings_the_review_cell_says_so(project: Project, last_good: dict[str, bytes]) -> None:
    notebook = nbformat.reads(last_good["report.ipynb"].decode("utf-8"), as_version=4)
    assert "全部规则通过，没有警告" in notebook.cells[0].source
    assert "全部规则通过" not in last_good["report.html"].decode("utf-8")


def change_a_figure(project: Project) -> None:
    """A change to the data, so that a successful run would rewrite both output files."""
    figures = project.root / FIGURES
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("  calls: 313", "  calls: 314"), encoding="utf-8"
    )


def fail_on_second_file(monkeypatch: pytest.MonkeyPatch, fault: BaseException) -> list[Path]:
    """Stage the first output file as usual, then raise `fault` while staging the second; returns the
    staged temporary files, so a test can check they were cleaned up."""
    real_stage = atomic._stage
    staged: list[Path] = []

    def stage(path: Path, data: bytes) -> Path:
        if staged:
            raise fault
        staged.append(real_stage(path, data))
        return staged[-1]

    monkeypatch.setattr(atomic, "_stage", stage)
    return staged


def test_a_full_disk_keeps_both_previous_files(
    project: Project, last_good: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    change_a_figure(project)
    staged = fail_on_second_file(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "report.html"))
    with pytest.raises(NianbaoError, match="磁盘空间已满（No space left on device）") as caught:
        build_report(project, "minzheng", 2017)
    assert re.search(
        r"/report\.ipynb、\S*/report\.html、\S*/report\.pdf、\S*/report\.docx 没有被改动（仍是上一次生成的）",
        caught.value.render(),
    )
    assert outputs(project) == last_good
    assert not staged[0].exists()  # the first file's staged copy is cleaned up
    assert list(project.output_dir("minzheng", 2017).glob(".*.tmp")) == []


def test_ctrl_c_between_the_two_files_keeps_both(
    project: Project, last_good: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    change_a_figure(project)
    staged = fail_on_second_file(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        build_report(project, "minzheng", 2017)
    assert outputs(project) == last_good
    assert not staged[0].exists()
    assert list(project.output_dir("minzheng", 2017).glob(".*.tmp")) == []


def wait_for_kernel(pid: int, timeout: float = 60) -> None:
    """Until the run has started its kernel (a child process), so the interrupt hits the execution."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if children.read_text().split():
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise TimeoutError("the run never started a kernel")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the kernel process through /proc")
def test_sigint_during_execution_exits_130_and_keeps_the_last_report(
    project: Project, last_good: dict[str, bytes]
) -> None:
    change_a_figure(project)
    process = subprocess.Popen(
        [sys.executable, "-m", "nianbao.cli", "report", "minzheng", "2017"],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_kernel(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "已中断；上一次生成的报告没有被改动。" in stderr
    assert "Traceback" not in stderr
    assert outputs(project) == last_good


def test_make_check_validates_without_building(project: Project) -> None:
    result = make(project.root, "check")
    assert result.returncode == 0, result.stderr
    every = [f"通过 / ok: {agency} {year}" for agency in project.agencies() for year in project.years(agency)]
    assert "通过 / ok: minzheng 2017" in every
    assert result.stdout.splitlines() == every
    # Nothing is built; what the check found is recorded for the index.
    assert sorted(p.name for p in project.output_dir("minzheng", 2017).iterdir()) == ["check.json"]
    assert (records.read_check(project.check_record("minzheng", 2017)) or {})["status"] == "ok"

    figures = project.root / FIGURES
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("  online: 0", "  online: -3"), encoding="utf-8"
    )
    result = make(project.root, "check", "AGENCY=minzheng", "YEAR=2017")
    assert result.returncode != 0
    assert (
        "错误：minzheng 2017：data/minzheng/2017/figures.yaml: "
        "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 -3" in result.stderr
    )
    assert "校验了 1 份报告的数据，1 份有错误。" in result.stderr
    check = records.read_check(project.check_record("minzheng", 2017)) or {}
    assert check["status"] == "failed" and "字段 apply.online（网络申请数）应为非负整数" in check["error"]
