"""`write_new` on a full, read-only or forbidden data/: one message, and nothing left behind — no file,
no staged file, no folder it made. (Root ignores file modes, so the system's errors are injected.)"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nianbao.errors import DataError, OutputError
from nianbao.paths import Project
from nianbao.year import data_files


def fault(code: int) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))

    return fail


def tree(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def new_year(project: Project) -> dict[Path, bytes]:
    return {
        project.figures("minzheng", 2018): b"report:\n",
        project.narrative("minzheng", 2018): "# 概述\n".encode(),
    }


@pytest.mark.parametrize(
    ("module", "name", "code", "reason"),
    [
        (os, "fsync", errno.ENOSPC, "磁盘空间已满（No space left on device）"),
        (os, "fsync", errno.EDQUOT, "磁盘空间已满（Disk quota exceeded）"),
        (tempfile, "mkstemp", errno.EROFS, "磁盘是只读的（Read-only file system）"),
        (tempfile, "mkstemp", errno.EACCES, "没有写入权限（Permission denied）"),
        (Path, "mkdir", errno.EACCES, "没有写入权限（Permission denied）"),
    ],
)
def test_a_data_folder_that_cannot_be_written_is_one_message_and_nothing_is_left(
    project: Project, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, code: int, reason: str
) -> None:
    before = tree(project.root / "data")
    monkeypatch.setattr(module, name, fault(code))
    with pytest.raises(OutputError) as caught:
        data_files.write_new(project, new_year(project), "next-year")
    assert caught.value.render() == (
        f"无法写入 data/minzheng/2018/figures.yaml：{reason}\n"
        "  处理办法：请清理磁盘空间或检查 data/ 的写入权限后重新运行；本次没有写入任何文件。"
    )
    monkeypatch.undo()
    assert tree(project.root / "data") == before  # not even the folder data/minzheng/2018/


def test_a_failure_on_the_second_file_removes_the_first_and_the_folders_made(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(project.root / "data")
    files = new_year(project) | {project.root / "data/neu/2018/figures.yaml": b"x"}
    calls = []
    fsync = os.fsync

    def full_on_the_third(handle: int) -> None:
        calls.append(handle)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(handle)

    monkeypatch.setattr(os, "fsync", full_on_the_third)
    with pytest.raises(OutputError, match=r"^无法写入 data/neu/2018/figures\.yaml：磁盘空间已满"):
        data_files.write_new(project, files, "next-year")
    assert tree(project.root / "data") == before


def test_no_hard_links_and_a_full_disk_leaves_no_part_of_a_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where hard links are refused (FAT, some shares), the file is created in place: a full disk
    then must not leave it half-written."""
    before = tree(project.root / "data")
    monkeypatch.setattr(os, "link", fault(errno.EPERM))
    fsync = os.fsync
    calls = []

    def full_in_place(handle: int) -> None:
        calls.append(handle)
        if len(calls) == 2:  # the first is the staged copy's, the second the file's own
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(handle)

    monkeypatch.setattr(os, "fsync", full_in_place)
    with pytest.raises(OutputError, match="磁盘空间已满"):
        data_files.write_new(project, new_year(project), "next-year")
    assert tree(project.root / "data") == before


def test_without_hard_links_the_files_are_still_written(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", fault(errno.EPERM))
    files = new_year(project)
    assert data_files.write_new(project, files, "next-year") == [
        "data/minzheng/2018/figures.yaml",
        "data/minzheng/2018/narrative.md",
    ]
    assert all(path.read_bytes() == data for path, data in files.items())
    assert tree(project.year_dir("minzheng", 2018)) == [
        ".nianbao-written.json",
        "figures.yaml",
        "narrative.md",
    ]


def test_files_kept_only_if_the_check_after_writing_passes(project: Project) -> None:
    before = tree(project.root / "data")
    seen: list[str] = []
    with (
        pytest.raises(DataError, match="the check after writing"),
        data_files.written_unless(project, new_year(project), "next-year") as written,
    ):
        seen += written
        assert project.figures("minzheng", 2018).read_bytes() == b"report:\n"  # written: readable
        raise DataError("the check after writing")
    assert seen == ["data/minzheng/2018/figures.yaml", "data/minzheng/2018/narrative.md"]
    assert tree(project.root / "data") == before
    with data_files.written_unless(project, new_year(project), "next-year"):
        pass
    assert project.figures("minzheng", 2018).is_file()


def test_a_bug_is_not_turned_into_a_message(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", fault(errno.EBADF))
    with pytest.raises(OSError, match="Bad file descriptor"):
        data_files.write_new(project, new_year(project), "next-year")
    monkeypatch.undo()
    assert not project.year_dir("minzheng", 2018).exists()
