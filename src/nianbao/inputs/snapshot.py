"""Read once: every input of one build, as it was read, in one snapshot.

A build reads its files through `inputs.files` while a *recording* snapshot is active: each file is
stamped (size, modification time) and read once, and every later read of it — the kernel's included —
gets those very bytes. The kernel receives the snapshot before the template runs and *replays* it, so
the text, the tables and the provenance of a report all come from one version of its inputs, even if a
clerk saves a file during a batch. The snapshot is also the one list of what a report read: its build
record (`build.json`) and its provenance hashes are made from it.

Without an active snapshot (the template opened in JupyterLab, `make check`) files are read from disk.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import errno
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.errors import DataError

# The largest input file read (bytes). The sample's largest is a few KB; a clerk's file over this is not
# data but a mistake (a picture, a link to /dev/zero), and is refused before it fills the memory.
MAX_BYTES = 5 * 1024 * 1024

READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

Stamp = list[int] | None  # [size, mtime in ns] of a file as read; None: it did not exist


@dataclass
class Entry:
    stamp: Stamp
    data: bytes | None  # None: the file did not exist (or could not be read as a file)


@dataclass
class Snapshot:
    """The inputs of one build by project-relative name, and the listings (years on file…) it saw."""

    root: Path
    files: dict[str, Entry] = field(default_factory=dict)
    listings: dict[str, list[Any]] = field(default_factory=dict)
    replaying: bool = False  # True in the kernel: never look at the disk

    def name(self, path: Path) -> str:
        return project_name(path, self.root)

    def read(self, path: Path) -> bytes:
        """`path`'s bytes as first read in this build; FileNotFoundError when it did not exist."""
        name = self.name(path)
        if name not in self.files:
            if self.replaying:
                raise RuntimeError(f"{name} was not read by the build: the snapshot cannot give it")
            self.files[name] = _entry(path, self.root)
        entry = self.files[name]
        if entry.data is None:
            raise FileNotFoundError(name)
        return entry.data

    def listing(self, key: str, compute: Callable[[], list[Any]]) -> list[Any]:
        """A directory listing the build depends on (e.g. an agency's years), computed once."""
        if key not in self.listings:
            if self.replaying:
                raise RuntimeError(f"listing {key} was not made by the build: the snapshot cannot give it")
            self.listings[key] = list(compute())
        return list(self.listings[key])

    def stamps(self) -> dict[str, Stamp]:
        return {name: entry.stamp for name, entry in sorted(self.files.items())}

    def digests(self) -> dict[str, str | None]:
        """The SHA-256 of every file read (None: it was missing): the report's provenance."""
        return {
            name: None if entry.data is None else hashlib.sha256(entry.data).hexdigest()
            for name, entry in sorted(self.files.items())
        }

    def to_json(self) -> str:
        files = {
            name: None if entry.data is None else base64.b64encode(entry.data).decode("ascii")
            for name, entry in sorted(self.files.items())
        }
        return json.dumps({"files": files, "listings": self.listings}, sort_keys=True)

    @classmethod
    def from_json(cls, root: Path, text: str) -> Snapshot:
        raw = json.loads(text)
        files = {
            name: Entry(None, None if data is None else base64.b64decode(data))
            for name, data in raw["files"].items()
        }
        return cls(root, files, {key: list(value) for key, value in raw["listings"].items()}, replaying=True)


def project_name(path: Path, root: Path) -> str:
    """`path` as messages and records show it: relative to the project, as it was named (a link's own
    name, not its target's), never an absolute path of this machine."""
    named = Path(os.path.abspath(path))  # noqa: PTH100 (resolve() would follow links, and raise on a loop)
    for base in (Path(os.path.abspath(root)), root.resolve()):  # noqa: PTH100
        try:
            return named.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.name


def _entry(path: Path, root: Path | None) -> Entry:
    """Stamp, then read (a regular file inside the project, at most `MAX_BYTES`): an edit made after the
    stamp shows as a change next time. A missing file is an entry too; any other fault a `DataError`."""
    name = path.as_posix() if root is None else project_name(path, root)
    target = _target(path, root, name)
    if target is None:
        return Entry(None, None)
    _stat(target, name)  # a folder that cannot be entered: said as such
    try:
        info, data = read_regular(target, MAX_BYTES)  # bounded: a file growing while read is cut off
    except NotRegularError as err:
        raise _not_regular(err.mode, name) from None
    except PermissionError:
        raise DataError("没有读取这个文件的权限", path=name, hint="请检查文件的权限或属主。") from None
    if len(data) > MAX_BYTES:
        raise DataError(
            f"文件太大：超过 {MAX_BYTES // (1024 * 1024)} MB，不像是数据文件",
            path=name,
            hint="请检查是不是放错了文件（如图片、压缩包）。",
        )
    return Entry([info.st_size, info.st_mtime_ns], data)


class NotRegularError(OSError):
    """What a path names is not a regular file: a folder, a FIFO, a device or a socket."""

    def __init__(self, mode: int) -> None:
        super().__init__(f"not a regular file (mode {mode:o})")
        self.mode = mode


def read_regular(path: Path, limit: int | None = None) -> tuple[os.stat_result, bytes]:
    """The one way nianbao reads a file it did not just write: a regular file's status and bytes (at
    most `limit` + 1 of them, so that a caller can tell it was longer), never waiting. Anything but a
    regular file raises `NotRegularError` — a FIFO before it is opened, whose open would wait for a writer;
    and it is opened without waiting (O_NONBLOCK), should it be swapped for one meanwhile. Links are
    followed; faults of the system are its OSErrors."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularError(mode)
    handle = os.open(path, READ_FLAGS)
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularError(info.st_mode)
        data = stream.read() if limit is None else stream.read(limit + 1)
    return info, data


def _project_root(path: Path) -> Path | None:
    """The project a file outside a build is read from (JupyterLab, `make check`): the folder above it
    with `params/` and `data/`."""
    for folder in path.absolute().parents:
        if (folder / "params").is_dir() and (folder / "data").is_dir():
            return folder
    return None


def _target(path: Path, root: Path | None, name: str) -> Path | None:
    """The file a path names, links followed; None when nothing is there. A dangling link, a link loop
    and a link leading out of the project are faults: a report is made of the project's files only."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise DataError("这是一个失效的链接：它指向的文件不存在", path=name) from None
        return None
    except NotADirectoryError:  # `page.html/x`: nothing is there (a loop it is not)
        return None
    except (RuntimeError, OSError) as err:  # a loop: RuntimeError or OSError(ELOOP), by Python version
        if isinstance(err, OSError) and err.errno != errno.ELOOP:
            raise  # a name too long, a broken disk: the caller says what it could not read
        raise DataError("这是一个循环链接：它最终指回自己，无法读取", path=name) from None
    if root is not None and not target.is_relative_to(root.resolve()):
        raise DataError(
            "这是一个指向项目文件夹之外的链接：报告只读取项目之内的文件",
            path=name,
            hint="请把文件本身复制到这里，而不是放一个链接。",
        )
    return target


def _stat(target: Path, name: str) -> os.stat_result:
    try:
        return target.stat()
    except PermissionError:
        raise DataError("没有读取这个文件的权限", path=name, hint="请检查文件夹的权限或属主。") from None


def _not_regular(mode: int, name: str) -> DataError:
    if stat.S_ISDIR(mode):
        return DataError("这是一个文件夹，不是文件", path=name)
    return DataError("这不是普通文件（是设备、管道或套接字），不能读取", path=name)


_active: contextvars.ContextVar[Snapshot | None] = contextvars.ContextVar("snapshot", default=None)


def active() -> Snapshot | None:
    return _active.get()


@contextlib.contextmanager
def using(snapshot: Snapshot) -> Iterator[Snapshot]:
    """Every input read inside the block goes through `snapshot` (recording or replaying)."""
    token = _active.set(snapshot)
    try:
        yield snapshot
    finally:
        _active.reset(token)


def recording(root: Path) -> contextlib.AbstractContextManager[Snapshot]:
    """A new snapshot of a build's inputs, filled as the build reads them."""
    return using(Snapshot(root))


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """An input file's bytes: from the active snapshot, else from disk (the same checks, links kept
    inside `root` when given). FileNotFoundError when it does not exist."""
    snapshot = active()
    if snapshot is not None:
        return snapshot.read(path)
    entry = _entry(path, root or _project_root(path))
    if entry.data is None:
        raise FileNotFoundError(path.name)
    return entry.data


def read_handed(path: Path) -> bytes:
    """A file handed to a command from anywhere, not one of the project's inputs (the saved page
    `import` reads): the checks and the size limit of every input, its links followed wherever they
    lead, named as given. FileNotFoundError when it does not exist."""
    entry = _entry(path, None)
    if entry.data is None:
        raise FileNotFoundError(path.name)
    return entry.data


def listing(key: str, compute: Callable[[], list[Any]]) -> list[Any]:
    snapshot = active()
    return list(compute()) if snapshot is None else snapshot.listing(key, compute)
