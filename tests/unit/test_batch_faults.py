"""Faults a batch must survive, one at a time and without a kernel: corrupt records, a full disk at each
write, a bug in one summary, a second batch, what a killed run left behind."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from nianbao.batch import lock, plan
from nianbao.batch import run as batch
from nianbao.errors import OutputError
from nianbao.notebook import runtime
from nianbao.paths import Project
from nianbao.publish import atomic
from nianbao.year import freshness, records, state

GOOD = records.build_record(
    records.BUILT,
    outputs={"output/minzheng/2017/report.html": "0" * 64},
    inputs={"params/minzheng.yaml": [1, 2]},
)


@pytest.mark.parametrize(
    "content",
    [
        "[1,2,3]",
        json.dumps({**GOOD, "inputs": ["params/minzheng.yaml"]}),
        json.dumps({**GOOD, "inputs": {"params/minzheng.yaml": "yesterday"}}),
        json.dumps({**GOOD, "inputs": {"params/\0minzheng.yaml": [1, 2]}}),
        json.dumps({**GOOD, "listings": {"years:minzheng": 2017}}),
        json.dumps({**GOOD, "outputs": {"output/minzheng/2017/report.html": 1}}),
        json.dumps({**GOOD, "headline": {"active": {"total": 1}}}),
        json.dumps({**GOOD, "warnings": [1]}),
        '{"schema": 1, "status": "built", "inputs": {"x": [' + "9" * 5000 + ", 1]}}",
        "\xff\xfe not even text",
        "",
    ],
)
def test_a_corrupt_or_foreign_record_reads_as_none_and_its_report_as_stale(
    project: Project, content: str
) -> None:
    path = project.build_record("minzheng", 2017)
    path.parent.mkdir(parents=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert records.read(path) is None
    assert plan.Job("minzheng", 2017) in plan.stale(project, 2017)[0]


def test_a_record_whose_outputs_disagree_with_the_files_is_stale(project: Project) -> None:
    page = project.report_html("minzheng", 2017)
    page.parent.mkdir(parents=True)
    page.write_bytes(b"new report")
    assert not freshness.outputs_match(project, {"output/minzheng/2017/report.html": "0" * 64})
    assert freshness.outputs_match(
        project, records.digests([page], project.root)
    )  # the same files as recorded: up to date as far as outputs go


def full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_while_staging_replaces_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = tmp_path / "out/report.html", tmp_path / "out/report.ipynb"
    first.parent.mkdir()
    first.write_bytes(b"old html")
    monkeypatch.setattr(os, "fsync", full)  # the data cannot reach the disk
    with pytest.raises(OutputError) as caught:
        atomic.publish({first: b"new html", second: b"new notebook"})
    assert caught.value.render() == (
        "无法写入文件夹 out：磁盘空间已满（No space left on device）\n"
        "  处理办法：请清理磁盘空间或检查这个文件夹的写入权限后重新运行；"
        "out/report.html、out/report.ipynb 没有被改动（仍是上一次生成的）。"
    )
    assert first.read_bytes() == b"old html" and not second.exists()
    assert sorted(path.name for path in first.parent.iterdir()) == ["report.html"]  # no staged file left


def test_a_failure_between_the_renames_says_which_file_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = tmp_path / "out/report.html", tmp_path / "out/report.ipynb"
    real_replace = os.replace
    calls: list[str] = []

    def replace(source: Any, target: Any) -> None:
        calls.append(str(target))
        if len(calls) == 2:
            raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT), str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as caught:
        atomic.publish({first: b"new html", second: b"new notebook"})
    assert (
        "已替换为新的：out/report.html；没有替换（仍是上一次的）：out/report.ipynb。" in caught.value.render()
    )
    assert "没有被改动" not in caught.value.render()
    assert sorted(path.name for path in first.parent.iterdir()) == ["report.html"]


def test_a_full_temporary_folder_is_a_user_error_naming_it() -> None:
    with pytest.raises(OutputError) as caught, runtime.temp_space():
        full()
    assert caught.value.render().startswith(
        f"临时文件夹 {tempfile.gettempdir()} 所在的磁盘空间已满（No space left on device），"
        "无法执行报告的笔记本"
    )


def test_a_bug_in_a_summary_and_a_full_disk_at_the_index_still_print_every_line(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nianbao.batch import index, summary

    def bug(project: Project, year: int) -> None:
        raise ZeroDivisionError("division by zero")

    def no_space(project: Project, *args: object) -> bool:
        raise OutputError("无法写入文件夹 output：磁盘空间已满（No space left on device）")

    built = state.YearState("minzheng", 2017, state.Stage.BUILT)
    monkeypatch.setattr(
        plan, "plan", lambda project, year, code: plan.Plan({plan.Job("minzheng", 2017): built})
    )
    monkeypatch.setattr(summary, "build_summary", bug)
    monkeypatch.setattr(index, "write_index", no_space)
    outcome = batch.run_batch(project, 2017, 1)
    batch.print_summary(outcome)
    said = capsys.readouterr()
    assert not outcome.ok
    assert "已生成 0 份，无需重新生成 1 份，失败 0 份 / built 0, up to date 1, failed 0\n" in said.out
    assert (
        "  汇总 2017：程序内部错误（ZeroDivisionError: division by zero），不是数据的问题；"
        "详细信息已保存在 output/_district/2017/failed/error.log，请把它发给技术支持\n"
    ) in said.err
    assert "索引页没有更新 / index not written：无法写入文件夹 output：磁盘空间已满" in said.err
    assert "Traceback" not in said.err
    record = records.read(project.summary_record(2017))
    assert record is not None and record["status"] == records.FAILED  # the index will list it


def killed_process_folder(kind: str) -> tuple[int, Path]:
    """A real process that made its runtime folder (or staged a file), then was killed with SIGKILL."""
    code = {
        "folder": "from nianbao.notebook import runtime; print(runtime.folder(), flush=True)",
        "staged": "import os, sys; from pathlib import Path; from nianbao.publish import atomic; "
        "print(atomic._stage(Path(sys.argv[1]) / 'report.html', b'x'), flush=True)",
    }[kind]
    process = subprocess.Popen(
        [sys.executable, "-c", code + "; import time; time.sleep(60)", tempfile.gettempdir()],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    made = Path(process.stdout.readline().strip())
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return process.pid, made


@pytest.mark.skipif(sys.platform == "win32", reason="processes are told apart by signal 0")
def test_sweep_removes_what_dead_runs_left_and_nothing_else(tmp_path: Path) -> None:
    _, dead = killed_process_folder("folder")
    assert dead.is_dir()
    mine = runtime.folder()
    unnamed = Path(
        tempfile.mkdtemp(prefix="nianbao-")
    )  # not of the pattern: an older nianbao's, or another tool's
    try:
        assert dead in runtime.sweep()
        assert not dead.exists()
        assert mine.is_dir() and unnamed.is_dir()
    finally:
        unnamed.rmdir()


@pytest.mark.skipif(sys.platform == "win32", reason="processes are told apart by signal 0")
def test_staged_files_of_dead_runs_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    output = tmp_path / "output"
    (output / "minzheng/2017").mkdir(parents=True)
    dead_pid, _ = killed_process_folder("folder")
    dead = output / f"minzheng/2017/.report.html.{dead_pid}.abc123.tmp"
    live = output / f"minzheng/2017/.report.html.{os.getppid()}.abc123.tmp"
    other = output / "minzheng/2017/.report.html.tmp"
    for path in (dead, live, other):
        path.write_bytes(b"part")
    assert atomic.sweep_staged(output) == [dead]
    assert live.exists() and other.exists()


HOLD = """
import sys, time
from pathlib import Path
from nianbao.batch import lock
from nianbao.paths import Project
with lock.exclusive(Project(Path(sys.argv[1]))):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_a_second_build_waits_for_the_first_and_says_so(project: Project) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(project.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    assert holder.stdout.readline() == "holding\n"
    said: list[str] = []

    def release(text: str) -> None:
        said.append(text)
        holder.stdin.close()  # type: ignore[union-attr]  # the first build ends: we get the lock

    with lock.exclusive(project, say=release):
        assert holder.wait(timeout=30) == 0
        holder.stdout.close()
        assert project.lock_file.read_text(encoding="utf-8") == f"{os.getpid()}\n"
    assert said == [
        f"另一个生成任务（进程 {holder.pid}）正在生成本项目的报告，等它结束后继续……"
        " / another build of this project is running; waiting for it to finish"
    ]


def test_a_lock_left_by_a_killed_build_does_not_block(project: Project) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(project.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    holder.kill()
    holder.wait()
    holder.stdout.close()
    assert holder.stdin is not None
    holder.stdin.close()
    said: list[str] = []
    with lock.exclusive(project, say=said.append):
        pass
    assert said == []  # the lock died with its process, though its file still names it


@pytest.mark.parametrize(
    "content",
    [
        "[1,2,3]",
        '{"schema": 1, "status": "ok", "error": null, "warnings": [1]}',
        '{"schema": 1, "status": "ok"}',
    ],
)
def test_a_corrupt_check_record_reads_as_none(project: Project, content: str) -> None:
    path = project.check_record("minzheng", 2017)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    assert records.read_check(path) is None


def test_progress_shows_each_reports_own_time(capsys: pytest.CaptureFixture[str]) -> None:
    from nianbao.batch.run import Progress

    progress = Progress(2)  # not a terminal here: plain lines
    progress.step(plan.Job("minzheng", 2017), "built", 3.04)
    progress.step(plan.Job("shili", 2025), "failed", 0.96)
    assert capsys.readouterr().err.splitlines() == [
        "[1/2] minzheng 2017 已生成（3.0 秒）",
        "[2/2] shili 2025 失败（1.0 秒）",
    ]
