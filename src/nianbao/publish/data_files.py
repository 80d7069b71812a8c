"""Writing into data/ and params/: the one way a command creates the files clerks keep.

nianbao never modifies a data file. A command that creates data (importing a portal page, starting the
next year, collecting workbooks) hands all its new files to `write_new` at once, which
- refuses a path outside the project's data/ and params/ (a bug in the command);
- refuses, before writing anything, when any of them exists already, naming each: nothing a clerk typed
  is ever overwritten;
- writes each in full beside its target, then links it into place, which fails rather than replace a
  file that appeared meanwhile; if any step fails, the files this call created are removed again;
- returns the project-relative paths it wrote, for the command to list.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from nianbao.errors import DataError
from nianbao.paths import Project

WRITABLE = ("data", "params")  # the folders of the clerks' files


def write_new(project: Project, files: Mapping[Path, bytes]) -> list[str]:
    """Create every file of `files` or none; never overwrite. Returns what was written, relative."""
    targets = {_inside(project, path): data for path, data in files.items()}
    existing = [project.relative(path) for path in targets if path.exists() or path.is_symlink()]
    if existing:
        raise DataError(
            f"以下文件已存在，nianbao 不会覆盖：{'、'.join(existing)}",
            hint="如需重新生成，请先把这些文件改名或移走（它们可能有手工填写的内容）。",
        )
    created: list[Path] = []
    try:
        for path, data in targets.items():
            try:
                _create(path, data)
            except FileExistsError:
                raise DataError(
                    f"文件 {project.relative(path)} 在写入时被别人建立了，nianbao 不会覆盖它；"
                    "本次没有写入任何文件"
                ) from None
            created.append(path)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return [project.relative(path) for path in created]


def _inside(project: Project, path: Path) -> Path:
    # Normalised, not resolved: `data/../output/x` is refused, and a data folder that is a link is kept.
    normal = Path(os.path.normpath(path if path.is_absolute() else project.root / path))
    for folder in WRITABLE:
        try:
            normal.relative_to(project.root / folder)
        except ValueError:
            continue
        return normal
    raise ValueError(f"{path} is outside {' and '.join(WRITABLE)}: commands write only there")


def _create(path: Path, data: bytes) -> None:
    """`data` at `path`, which must not exist: staged beside it, then hard-linked into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)  # FileExistsError if the target appeared meanwhile: never replaced
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some shared or FAT drives): create exclusively instead
            with path.open("xb") as stream:
                stream.write(data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
