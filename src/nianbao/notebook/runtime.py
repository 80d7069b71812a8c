"""Each nianbao process's private runtime folder, and the clean-up of what dead processes left behind.

A build needs scratch space: papermill's working folder, and its kernels' connection files and Unix
sockets. jupyter_client would put connection files in the user's Jupyter runtime folder (or loose in
the temporary folder), shared with their JupyterLab; a build killed with `kill -9` leaves them there.
So every process that runs kernels keeps all of that in one folder of its own in the temporary folder,
`nianbao-<pid>-<random>` (0700, made by mkdtemp), removed when the process exits. Its name carries the
process id, so the next run can tell a folder whose process is gone (removed) from one still in use
(kept): `sweep` removes only folders of that pattern, owned by this user, whose process has ended.
"""

from __future__ import annotations

import atexit
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nianbao.errors import OutputError

PREFIX = "nianbao-"
# nianbao-<pid>-<mkdtemp's random part>; the old unnamed folders (nianbao-<random>) are not ours to judge.
FOLDER = re.compile(rf"{PREFIX}(\d+)-[A-Za-z0-9_]+")
_folder: Path | None = None


def alive(pid: int) -> bool:
    """Whether process `pid` exists (on Windows, where a signal would end it, every process counts)."""
    if sys.platform == "win32":
        return True  # never guess there: a folder kept is harmless, one removed under a build is not
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return not zombie(pid)


def zombie(pid: int) -> bool:
    """Whether `pid` has ended but not been reaped yet (Linux): a killed batch's workers wait so for an
    init that may be slow to reap them (in a container, PID 1 may be any program)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] in (["Z"], ["X"])


def folder() -> Path:
    """This process's runtime folder, made on first use and removed when the process exits."""
    global _folder
    if _folder is None or not _folder.is_dir():
        _folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def remove() -> None:
    """Remove this process's runtime folder now (a worker does when it ends)."""
    global _folder
    if _folder is not None:
        shutil.rmtree(_folder, ignore_errors=True)
        _folder = None


def sweep(where: Path | None = None) -> list[Path]:
    """Remove the runtime folders of processes that have ended (killed, or died without cleaning up);
    returns what was removed. Another user's folders, and live processes' folders, are left alone."""
    base = Path(tempfile.gettempdir()) if where is None else where
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = FOLDER.fullmatch(entry.name)
        if not match or int(match.group(1)) == os.getpid() or alive(int(match.group(1))):
            continue
        if not ours(entry):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def ours(path: Path) -> bool:
    """A real folder (not a link) owned by this user."""
    try:
        info = path.lstat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return path.is_dir() and not path.is_symlink() and (getuid is None or info.st_uid == getuid())


def full(err: OSError) -> bool:
    """Whether `err` says a disk (or quota) is full."""
    return err.errno in (errno.ENOSPC, errno.EDQUOT)


def full_error(err: OSError) -> OutputError:
    """The user's message for a full temporary folder: which folder, and that no report was touched."""
    return OutputError(
        f"临时文件夹 {tempfile.gettempdir()} 所在的磁盘空间已满（{os.strerror(err.errno or 0)}），"
        "无法执行报告的笔记本",
        hint="请清理这个磁盘，或用环境变量 TMPDIR 指定另一个有空间的文件夹后重新运行；"
        "这份报告上一次生成的文件没有被改动。",
    )


@contextmanager
def temp_space() -> Iterator[None]:
    """Turn a full temporary folder, met in the block, into the user's message."""
    try:
        yield
    except OSError as err:
        if full(err):
            raise full_error(err) from err
        raise
