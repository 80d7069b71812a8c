"""One build at a time writes a project's output/: a lock on `.nianbao.lock` in the project's root.

A second `make reports` (or `make report`, `make summary`, `make index`) started while one runs says so,
naming the other run's process, and waits for it to end, then goes on: the reports the first one built
are up to date by then, so the second builds only what is still stale. The lock is the operating
system's (flock on Unix, msvcrt's byte lock on Windows): it ends with its process, however that ends
(`kill -9` included), so a dead run never blocks the next. The file only says who holds the lock.

It is nianbao's own file, and nothing else is ever used as it: a link there (to a data file, which
each build would otherwise truncate), a folder, a FIFO or device, a hard link or a file with other
content is refused with a message, untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from typing import IO

from nianbao.errors import OutputError
from nianbao.paths import Project

WAIT_STEP = 0.2  # seconds between tries where the lock cannot be waited for (Windows)
# Opened read-write, created if missing; never through a link, never waiting (a FIFO put there).
OPEN_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
OURS = re.compile(rb"[0-9]*\r?\n?")  # what nianbao writes into it: its process id, or nothing
MAX_CONTENT = 32


@contextlib.contextmanager
def exclusive(project: Project, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's lock for the block, waiting (and saying so once) while another build holds it."""
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    with _open(project) as stream:  # held for the block
        if not _try_lock(stream):
            holder = _holder(stream)
            say(
                f"另一个生成任务（进程 {holder or '未知'}）正在生成本项目的报告，等它结束后继续……"
                " / another build of this project is running; waiting for it to finish"
            )
            _lock(stream)
        stream.seek(0)
        stream.truncate()
        stream.write(f"{os.getpid()}\n")
        stream.flush()
        try:
            yield
        finally:
            stream.seek(0)
            stream.truncate()
            stream.flush()
            _unlock(stream)


def _open(project: Project) -> IO[str]:
    """The lock file, created if missing, only if it is a regular file of ours: never through a link
    (which could make a data file the lock, truncated by every build), never a FIFO or device (whose
    open could wait), never a file holding anything but a process id (someone else's)."""
    path, name = project.lock_file, project.relative(project.lock_file)
    try:
        found = path.lstat()
    except FileNotFoundError:
        found = None
    except OSError as err:
        raise _cannot(name, err) from err
    if found is not None:
        _refuse_foreign(found, name)
    try:
        handle = os.open(path, OPEN_FLAGS, 0o666)  # O_NOFOLLOW: a link put there meanwhile is refused too
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _not_ours(name, "是一个链接") from None
        raise _cannot(name, err) from err
    try:
        info = os.fstat(handle)
        _refuse_foreign(info, name)
        try:
            content = os.read(handle, MAX_CONTENT + 1)
        except OSError:  # Windows refuses to read a byte another build has locked: that build's lock
            content = b""
        if not OURS.fullmatch(content):
            raise _not_ours(name, "写着别的内容，不是 nianbao 建立的锁文件")
        os.lseek(handle, 0, os.SEEK_SET)
        return os.fdopen(handle, "r+", encoding="utf-8")
    except BaseException:
        os.close(handle)
        raise


def _refuse_foreign(info: os.stat_result, name: str) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise _not_ours(name, "是一个链接")
    if stat.S_ISDIR(info.st_mode):
        raise _not_ours(name, "是一个文件夹")
    if not stat.S_ISREG(info.st_mode):
        raise _not_ours(name, "不是普通文件（是设备、管道或套接字）")
    if info.st_nlink > 1:  # a hard link: the same file has another name, perhaps a data file's
        raise _not_ours(name, "还有别的名字（是某个文件的硬链接）")


def _not_ours(name: str, what: str) -> OutputError:
    return OutputError(
        f"锁文件 {name} {what}，nianbao 不会使用或清空它",
        hint=f"{name} 只应由 nianbao 自己建立（空文件，或只写着一个进程号）；请确认它没有用处后把它删去"
        "或改名（删去一个链接不会删去它指向的文件），再重新运行。",
    )


def _cannot(name: str, err: OSError) -> OutputError:
    return OutputError(
        f"无法创建锁文件 {name}：{os.strerror(err.errno or 0)}",
        hint="请检查项目文件夹的写入权限（或磁盘空间）后重新运行。",
    )


def _holder(stream: IO[str]) -> str:
    """The holder's process id as it wrote it, or '' (Windows refuses to read a locked byte)."""
    try:
        stream.seek(0)
        text = stream.read().strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(stream: IO[str]) -> bool:
        stream.seek(0)
        try:
            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(stream: IO[str]) -> None:
        while not _try_lock(stream):
            time.sleep(WAIT_STEP)

    def _unlock(stream: IO[str]) -> None:
        stream.seek(0)
        with contextlib.suppress(OSError):
            msvcrt.locking(stream.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(stream: IO[str]) -> bool:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(stream: IO[str]) -> None:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)

    def _unlock(stream: IO[str]) -> None:
        fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
