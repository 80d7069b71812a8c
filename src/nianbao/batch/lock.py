"""One build at a time writes a project's output/: a lock on `.nianbao.lock` in the project's root.

A second `make reports` (or `make report`, `make summary`, `make index`) started while one runs says so,
naming the other run's process, and waits for it to end, then goes on: the reports the first one built
are up to date by then, so the second builds only what is still stale. The lock is the operating
system's (flock on Unix, msvcrt's byte lock on Windows): it ends with its process, however that ends
(`kill -9` included), so a dead run never blocks the next. The file only says who holds the lock.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import IO

from nianbao.errors import OutputError
from nianbao.paths import Project

WAIT_STEP = 0.2  # seconds between tries where the lock cannot be waited for (Windows)


@contextlib.contextmanager
def exclusive(project: Project, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's lock for the block, waiting (and saying so once) while another build holds it."""
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    try:
        stream = project.lock_file.open("a+", encoding="utf-8")  # held for the block
    except OSError as err:
        raise OutputError(
            f"无法创建锁文件 {project.relative(project.lock_file)}：{os.strerror(err.errno or 0)}",
            hint="请检查项目文件夹的写入权限（或磁盘空间）后重新运行。",
        ) from err
    with stream:
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
