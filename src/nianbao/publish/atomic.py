"""Atomic writes, for every file nianbao publishes: readers see the old file or the new one, never part.

Kept apart from build.py so that light entry points (the batch's planner, the index) can publish
without importing the notebook machinery.

A staged file is named `.<name>.<pid>.<random>.tmp`, beside its target: a process killed with `kill -9`
between staging and renaming leaves it behind, and `sweep_staged` (run by the next build) removes the
ones whose process has ended — never another live build's.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from nianbao.errors import OutputError
from nianbao.notebook import runtime

STAGED = re.compile(r"\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp")
# Faults of the place written to, which the person running nianbao can fix; anything else is a bug.
USER_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS)


def publish(files: dict[Path, bytes]) -> None:
    """Write every file in full beside its target first, then rename them all into place.

    A full disk, Ctrl-C or any other failure while writing leaves every previous file as it was: the
    renames only start once all the new contents are safely on disk. A failure during the renames
    (which need no space) says exactly which files were replaced and which were not. A target that is a
    folder (or under a file) is refused before anything is written: a rename would fail part way.
    """
    for path in files:
        blocked = not_a_file(path, list(files))
        if blocked is not None:
            raise blocked
    staged: list[tuple[Path, Path]] = []
    replaced: list[Path] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            temporary.replace(path)
            replaced.append(path)
    except OSError as err:
        if err.errno in USER_FAULTS:
            raise write_error(err, list(files), replaced) from err
        raise
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file atomically: readers see the old file or the new one, never a part."""
    publish({path: data})


def write_error(err: OSError, targets: list[Path], replaced: list[Path]) -> OutputError:
    """The user's message for a failed write: the folder, the reason, and what is and is not replaced."""
    folder = shown(Path(err.filename).parent if err.filename else targets[0].parent)
    kept = [path for path in targets if path not in replaced]
    if replaced:
        state = f"已替换为新的：{names(replaced)}；没有替换（仍是上一次的）：{names(kept)}。"
    else:
        state = f"{names(kept)} 没有被改动（仍是上一次生成的）。"
    return OutputError(
        f"无法写入文件夹 {folder}：{reason(err)}",
        hint=f"请清理磁盘空间或检查这个文件夹的写入权限后重新运行；{state}",
    )


def not_a_file(path: Path, targets: list[Path]) -> OutputError | None:
    """The user's message when `path` cannot become a file: it is a folder, or a folder above it is a
    file. Nothing is removed to make room: a folder may hold someone's files."""
    state = f"{names(targets)} 没有被改动（仍是上一次生成的）。"
    if path.is_dir() and not path.is_symlink():  # a link is replaced itself, never what it points to
        return OutputError(
            "这是一个文件夹，不是文件：无法在这里写入生成的文件",
            path=shown(path),
            hint=f"请把这个文件夹移走或改名（nianbao 不删除文件夹，以免丢失其中的文件）后重新运行；{state}",
        )
    for folder in path.parents:
        if folder.is_dir():
            return None
        if folder.exists() or folder.is_symlink():
            return OutputError(
                f"这是一个文件，不是文件夹：无法在其中写入 {path.name}",
                path=shown(folder),
                hint=f"请把这个文件移走或改名后重新运行；{state}",
            )
    return None


def reason(err: OSError) -> str:
    if runtime.full(err):
        return f"磁盘空间已满（{os.strerror(err.errno or 0)}）"
    if err.errno == errno.EROFS:
        return f"磁盘是只读的（{os.strerror(err.errno)}）"
    return f"没有写入权限（{os.strerror(err.errno or 0)}）"


def names(paths: Iterable[Path]) -> str:
    return "、".join(shown(path) for path in paths)


def shown(path: Path) -> str:
    """A path as the person running nianbao (in the project's root) sees it: relative when below."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _stage(path: Path, data: bytes) -> Path:
    """`data` in a hidden temporary file beside `path`, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
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


def sweep_staged(folder: Path) -> list[Path]:
    """Remove the staged files under `folder` that processes which have ended left; returns them."""
    removed: list[Path] = []
    for path in folder.rglob(".*.tmp"):
        match = STAGED.fullmatch(path.name)
        if match and int(match.group(1)) != os.getpid() and not runtime.alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
