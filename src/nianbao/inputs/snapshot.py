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
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def read(self, path: Path) -> bytes:
        """`path`'s bytes as first read in this build; FileNotFoundError when it did not exist."""
        name = self.name(path)
        if name not in self.files:
            if self.replaying:
                raise RuntimeError(f"{name} was not read by the build: the snapshot cannot give it")
            self.files[name] = _entry(path)
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


def _entry(path: Path) -> Entry:
    """Stamp, then read: an edit made after the stamp shows as a change next time."""
    try:
        info = path.stat()
        stamp: Stamp = [info.st_size, info.st_mtime_ns]
        return Entry(stamp, path.read_bytes())
    except FileNotFoundError:
        return Entry(None, None)


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


def read_bytes(path: Path) -> bytes:
    """An input file's bytes: from the active snapshot, else from disk."""
    snapshot = active()
    return path.read_bytes() if snapshot is None else snapshot.read(path)


def listing(key: str, compute: Callable[[], list[Any]]) -> list[Any]:
    snapshot = active()
    return list(compute()) if snapshot is None else snapshot.listing(key, compute)
