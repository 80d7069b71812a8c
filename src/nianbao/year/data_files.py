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
from collections.abc import Iterator, Mapping
from pathlib import Path

from nianbao.errors import DataError, OutputError
from nianbao.paths import Project
from nianbao.publish.atomic import USER_FAULTS, reason

WRITABLE = ("data", "params")  # the folders of the clerks' files


def write_new(project: Project, files: Mapping[Path, bytes]) -> list[str]:
    """Create every file of `files` or none; never overwrite. Returns what was written, relative."""
    with written_unless(project, files) as written:
        return written


@contextlib.contextmanager
def written_unless(project: Project, files: Mapping[Path, bytes]) -> Iterator[list[str]]:
    """`write_new`, kept only if the block succeeds: a command that checks what it wrote (an import
    reads its files back) removes them again when that fails, leaving nothing behind."""
    targets = {_inside(project, path): data for path, data in files.items()}
    existing = [project.relative(path) for path in targets if path.exists() or path.is_symlink()]
    if existing:
        raise DataError(
            f"以下文件已存在，nianbao 不会覆盖：{'、'.join(existing)}",
            hint="如需重新生成，请先把这些文件改名或移走（它们可能有手工填写的内容）。",
        )
    created: list[Path] = []  # files and folders this call made, in order
    try:
        for path, data in targets.items():
            _create(project, path, data, created)
        yield [project.relative(path) for path in targets]
    except BaseException:
        for path in reversed(created):  # the files first, then the folders made for them, if empty
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        raise


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


def _create(project: Project, path: Path, data: bytes, created: list[Path]) -> None:
    """`data` at `path`, which must not exist, appended to `created` with the folders made for it. A
    file that appears meanwhile is kept (the whole call fails); a full or read-only disk is one message."""
    try:
        _folders(path.parent, created)
        _write(path, data)
    except FileExistsError:
        raise DataError(
            f"文件 {project.relative(path)} 在写入时被别人建立了，nianbao 不会覆盖它；本次没有写入任何文件"
        ) from None
    except OSError as err:
        if err.errno not in USER_FAULTS:
            raise
        raise OutputError(
            f"无法写入 {project.relative(path)}：{reason(err)}",
            hint=f"请清理磁盘空间或检查 {path_folder(project, path)} 的写入权限后重新运行；"
            "本次没有写入任何文件。",
        ) from err
    created.append(path)


def path_folder(project: Project, path: Path) -> str:
    """The clerks' folder a path is in (data/ or params/), as messages name it."""
    return f"{project.relative(path).split('/', 1)[0]}/"


def _folders(folder: Path, created: list[Path]) -> None:
    """`folder` and the folders above it that are missing, each noted in `created` once made."""
    missing: list[Path] = []
    while not folder.exists() and not folder.is_symlink():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir()
        created.append(each)


def _write(path: Path, data: bytes) -> None:
    """`data` at `path`, which must not exist: staged beside it, then hard-linked into place."""
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
            _write_exclusive(path, data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _write_exclusive(path: Path, data: bytes) -> None:
    """`data` at `path`, created here (FileExistsError if it exists); removed again if writing fails."""
    with path.open("xb") as stream:
        try:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
