"""Atomic writes, for every file nianbao publishes: readers see the old file or the new one, never part.

Kept apart from build.py so that light entry points (the batch's planner, the index) can publish
without importing the notebook machinery.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from nianbao.errors import NianbaoError


def publish(files: dict[Path, bytes]) -> None:
    """Write every file in full beside its target first, then rename them all into place.

    A full disk, Ctrl-C or any other failure while writing leaves every previous file as it was: the
    renames only start once all the new contents are safely on disk.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            temporary.replace(path)
    except OSError as err:
        if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS):
            raise NianbaoError(
                f"无法写入报告：{os.strerror(err.errno)}（{err.filename or path}）",
                hint="请清理磁盘空间或检查 output/ 的写入权限后重新运行；上一次生成的报告没有被改动。",
            ) from err
        raise
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file atomically: readers see the old file or the new one, never a part."""
    publish({path: data})


def _stage(path: Path, data: bytes) -> Path:
    """`data` in a hidden temporary file beside `path`, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        temporary.chmod(0o666 & ~_umask())  # mkstemp makes 0600; a report is as readable as any file
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
