"""The lock file is nianbao's own or refused; records and listed outputs are regular files or nothing.

A FIFO's `open()` waits for a writer: each read here runs in a thread given `SECONDS`, so a wait fails
the test instead of hanging it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nianbao.batch import index, lock, plan
from nianbao.errors import OutputError
from nianbao.inputs.snapshot import NotRegularError, read_regular
from nianbao.paths import Project
from nianbao.year import freshness, records

SECONDS = 30
HINT = (
    "  处理办法：.nianbao.lock 只应由 nianbao 自己建立（空文件，或只写着一个进程号）；请确认它没有用处后把它"
    "删去或改名（删去一个链接不会删去它指向的文件），再重新运行。"
)


def within(call: Callable[[], Any]) -> Any:
    """`call()`'s result, or the test fails when it has not returned in `SECONDS`."""
    done: list[Any] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(call())
        except BaseException as err:  # handed to the test's thread
            failed.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(SECONDS)
    assert not thread.is_alive(), "waited: a FIFO was opened"
    if failed:
        raise failed[0]
    return done[0]


def lock_refused(project: Project) -> str:
    def take() -> None:
        with lock.exclusive(project, say=lambda text: None):
            pass

    with pytest.raises(OutputError) as caught:
        within(take)
    return caught.value.render()


def test_a_link_as_the_lock_is_refused_and_its_target_kept(project: Project) -> None:
    figures = project.figures("minzheng", 2017)
    before = figures.read_bytes()
    project.lock_file.symlink_to(figures)
    assert lock_refused(project) == f"锁文件 .nianbao.lock 是一个链接，nianbao 不会使用或清空它\n{HINT}"
    assert figures.read_bytes() == before
    assert project.lock_file.is_symlink()


def test_a_dangling_link_as_the_lock_creates_nothing(project: Project) -> None:
    target = project.root / "output/created-through-the-link"
    project.lock_file.symlink_to(target)
    assert lock_refused(project).startswith("锁文件 .nianbao.lock 是一个链接")
    assert not target.exists()


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (os.mkfifo, "不是普通文件（是设备、管道或套接字）"),
        (os.mkdir, "是一个文件夹"),
        (
            lambda path: path.write_text("年度报告的数字\n", encoding="utf-8"),
            "写着别的内容，不是 nianbao 建立的锁文件",
        ),
        (
            lambda path: os.link(path.parent / "params/minzheng.yaml", path),
            "还有别的名字（是某个文件的硬链接）",
        ),
    ],
    ids=["fifo", "folder", "other-content", "hard-link"],
)
def test_anything_but_a_lock_file_of_ours_is_refused_untouched(
    project: Project, make: Callable[[Path], Any], what: str
) -> None:
    make(project.lock_file)
    before = project.lock_file.read_bytes() if project.lock_file.is_file() else None
    assert lock_refused(project) == f"锁文件 .nianbao.lock {what}，nianbao 不会使用或清空它\n{HINT}"
    if before is not None:
        assert project.lock_file.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"12345\n", b"12345"])
def test_a_lock_file_of_ours_is_taken(project: Project, content: bytes) -> None:
    project.lock_file.write_bytes(content)
    with lock.exclusive(project, say=lambda text: None):
        assert project.lock_file.read_text(encoding="utf-8") == f"{os.getpid()}\n"
    assert project.lock_file.read_bytes() == b""


def fifo_at(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


def test_a_fifo_or_a_device_is_no_regular_file() -> None:
    with pytest.raises(NotRegularError):
        within(lambda: read_regular(Path(os.devnull)))


@pytest.mark.parametrize("which", ["build", "check"])
def test_a_fifo_as_a_record_is_no_record(project: Project, which: str) -> None:
    path = fifo_at(getattr(project, f"{which}_record")("minzheng", 2017))
    assert within(lambda: records.read(path)) is None
    assert within(lambda: records.read_check(path)) is None
    assert within(lambda: plan.report_up_to_date(project, plan.Job("minzheng", 2017), "code")) is False


def test_a_record_too_big_to_be_ours_is_no_record(project: Project) -> None:
    path = project.build_record("minzheng", 2017)
    path.parent.mkdir(parents=True)
    path.write_bytes(b" " * (records.MAX_RECORD_BYTES + 1))
    assert records.read(path) is None


def test_a_fifo_as_a_listed_output_is_stale(project: Project) -> None:
    page = fifo_at(project.report_html("minzheng", 2017))
    assert within(lambda: freshness.outputs_match(project, {project.relative(page): "0" * 64})) is False


def test_the_index_reads_past_fifos(project: Project) -> None:
    fifo_at(project.build_record("minzheng", 2017))
    fifo_at(project.check_record("minzheng", 2017))
    fifo_at(project.index_html)
    assert within(lambda: index.write_index(project)) is True
    page = project.index_html.read_text(encoding="utf-8")
    assert "尚未校验" in page
