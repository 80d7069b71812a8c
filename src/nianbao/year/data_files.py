"""Writing into data/ and params/: the one way a command creates the files clerks keep.

nianbao never changes what a person wrote. A command that creates data (importing a portal page,
starting a year, collecting returned forms) hands all its new files to `write_new` at once, which
- refuses a path outside the project's data/ and params/ (a bug in the command);
- refuses, before writing anything, when any of them exists already, naming each: nothing a clerk typed
  is ever overwritten;
- writes each in full beside its target, then links it into place, which fails rather than replace a
  file that appeared meanwhile;
- lists every file it wrote into a year's folder in that folder's record (`year/written.py`: its
  SHA-256, the command, where it came from), in the same step;
- if any step fails, undoes what this call did: the files it created are removed, the record is as it
  was; a full or read-only disk is one message;
- returns the project-relative paths it wrote, for the command to list.

`replace_and_write` does the same, but first sets aside files the tool itself generated and nobody has
changed since (the record says so), to be replaced by what came back for that year: each is moved to
`<year>/已替换/<name>` (numbered when that is taken), never deleted, and listed in the record.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import DataError, OutputError
from nianbao.paths import YEAR_FOLDER, Project
from nianbao.publish.atomic import USER_FAULTS, reason
from nianbao.year import written

WRITABLE = ("data", "params")  # the folders of the clerks' files
Source = str | Mapping[Path, str] | None  # where the files came from: one for all, or by path


@dataclass(frozen=True)
class Placed:
    """What a write did: the files it wrote, and the files it replaced with where each is kept."""

    written: list[str]  # project-relative
    aside: list[tuple[str, str]]  # (the file replaced, where it is kept), project-relative


def write_new(
    project: Project, files: Mapping[Path, bytes], command: str, source: Source = None
) -> list[str]:
    """Create every file of `files` or none; never overwrite. Returns what was written, relative."""
    with written_unless(project, files, command, source) as written_paths:
        return written_paths


@contextlib.contextmanager
def written_unless(
    project: Project, files: Mapping[Path, bytes], command: str, source: Source = None
) -> Iterator[list[str]]:
    """`write_new`, kept only if the block succeeds: a command that checks what it wrote (an import
    reads its files back) removes them again when that fails, leaving nothing behind."""
    with _placed(project, files, command, source, ()) as placed:
        yield placed.written


def replace_and_write(
    project: Project,
    files: Mapping[Path, bytes],
    command: str,
    source: Source = None,
    replacing: Collection[Path] = (),
) -> Placed:
    """`write_new`, after setting aside each file of `replacing`: files of a year's folder that the
    record says the tool wrote and nobody changed since (checked again here: one changed meanwhile
    stops everything). A new file may take a replaced one's name."""
    with _placed(project, files, command, source, replacing) as placed:
        return placed


Undo = list[Callable[[], object]]  # what to do, last first, to take back what a call did so far


@contextlib.contextmanager
def _placed(
    project: Project, files: Mapping[Path, bytes], command: str, source: Source, replacing: Collection[Path]
) -> Iterator[Placed]:
    if command not in written.COMMANDS:
        raise ValueError(f"unknown command {command!r}")  # a bug: the record would not read it back
    targets = {_inside(project, path): data for path, data in files.items()}
    replaced = [_inside(project, path) for path in replacing]
    if any(_year_folder(project, path) is None for path in replaced):
        raise ValueError(f"only files of a year's folder are replaced: {replaced}")  # a bug
    taken = [path for path in targets if (path.exists() or path.is_symlink()) and path not in replaced]
    existing = [project.relative(path) for path in taken]
    if existing:
        raise DataError(
            f"以下文件已存在，nianbao 不会覆盖：{'、'.join(existing)}",
            hint="如需重新生成，请先把这些文件改名或移走（它们可能有手工填写的内容）。",
        )
    undo: Undo = []
    try:
        aside = [(path, _set_aside(project, path, undo)) for path in replaced]
        for path, data in targets.items():
            _create(project, path, data, undo)
        _record(project, targets, aside, command, source, undo)
        yield Placed(
            [project.relative(path) for path in targets],
            [(project.relative(path), project.relative(kept)) for path, kept in aside],
        )
    except BaseException:
        for step in reversed(undo):  # the files first, then the folders made for them, if empty
            with contextlib.suppress(OSError):
                step()
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


def _create(project: Project, path: Path, data: bytes, undo: Undo) -> None:
    """`data` at `path`, which must not exist; its removal (and the folders made for it) noted in
    `undo`. A file that appears meanwhile is kept (the whole call fails)."""
    with _faults(project, path):
        try:
            _folders(path.parent, undo)
            _write(path, data)
        except FileExistsError:
            raise DataError(
                f"文件 {project.relative(path)} 在写入时被别人建立了，nianbao 不会覆盖它；"
                "本次没有写入任何文件"
            ) from None
    undo.append(path.unlink)


@contextlib.contextmanager
def _faults(project: Project, path: Path) -> Iterator[None]:
    """A full or read-only disk, or a folder without the right to write, as one message naming `path`."""
    try:
        yield
    except OSError as err:
        if err.errno not in USER_FAULTS:
            raise
        raise OutputError(
            f"无法写入 {project.relative(path)}：{reason(err)}",
            hint=f"请清理磁盘空间或检查 {path_folder(project, path)} 的写入权限后重新运行；"
            "本次没有写入任何文件。",
        ) from err


def _year_folder(project: Project, path: Path) -> Path | None:
    """The year's folder (`data/<agency>/<year>/`) `path` is a file of, directly; else None."""
    try:
        parts = path.relative_to(project.root / "data").parts
    except ValueError:
        return None
    return path.parent if len(parts) == 3 and YEAR_FOLDER.fullmatch(parts[1]) else None


# ---------------------------------------------------------------- setting aside


def _set_aside(project: Project, path: Path, undo: Undo) -> Path:
    """Move `path` (the tool's, unchanged: checked now) to its year's 已替换/ folder; return where."""
    folder = path.parent
    entry = written.read_folder(folder, project.root)[0].get(path.name)
    data = _unchanged(path, entry)
    if data is None:
        raise DataError(
            f"{project.relative(path)} 刚刚被改动了（或不是 nianbao 生成的），nianbao 不会替换它；"
            "本次没有写入任何文件",
            hint="请确认这个文件是否要保留，然后重新运行。",
        )
    with _faults(project, path):
        _folders(folder / written.ASIDE, undo)
        kept = _keep(path, data)
        undo.append(lambda: _restore(kept, path, data))
        path.unlink()
    return kept


def _unchanged(path: Path, entry: written.Written | None) -> bytes | None:
    """The file's bytes when the record lists it and they are still those the tool wrote."""
    if entry is None or path.is_symlink() or not path.is_file():
        return None
    data = path.read_bytes()
    return data if written.digest(data) == entry.sha256 else None


def _keep(path: Path, data: bytes) -> Path:
    """A copy of `path` in `已替换/` under its own name, or `<stem>-2<suffix>`, … when that is taken
    (never over another kept file)."""
    folder = path.parent / written.ASIDE
    for number in range(1, 10_000):
        kept = folder / (path.name if number == 1 else f"{path.stem}-{number}{path.suffix}")
        try:
            _link_or_copy(path, kept, data)
        except FileExistsError:
            continue
        return kept
    raise DataError(f"{written.ASIDE}/ 中已有太多 {path.name}，请先清理这个文件夹", path=str(folder))


def _link_or_copy(source: Path, target: Path, data: bytes) -> None:
    """`target` with `source`'s bytes, created here (FileExistsError if it exists)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links here: copy, exclusively
        _write_exclusive(target, data)


def _restore(kept: Path, path: Path, data: bytes) -> None:
    """Undo a setting aside: the file back at `path` (after what replaced it was removed)."""
    _link_or_copy(kept, path, data)
    kept.unlink()
    with contextlib.suppress(OSError):
        kept.parent.rmdir()  # only if empty: it may keep files set aside before


# ---------------------------------------------------------------- the record


def _record(
    project: Project,
    targets: Mapping[Path, bytes],
    aside: list[tuple[Path, Path]],
    command: str,
    source: Source,
    undo: Undo,
) -> None:
    """Each year's folder written into gets its record updated: the files set aside leave its list
    (and join those kept aside), the new files join it."""
    folders: dict[Path, tuple[list[Path], list[tuple[Path, Path]]]] = {}
    for path in targets:
        folder = _year_folder(project, path)
        if folder is not None:
            folders.setdefault(folder, ([], []))[0].append(path)
    for path, kept in aside:
        folders.setdefault(path.parent, ([], []))[1].append((path, kept))
    for folder, (new, replaced) in folders.items():
        files, kept_aside = written.read_folder(folder, project.root)
        for path, kept in replaced:
            old = files.pop(path.name)
            shown = _source(source, new[0]) if new else None
            where = kept.relative_to(folder).as_posix()
            kept_aside.append(written.Aside(path.name, where, old.sha256, old.command, command, shown))
        for path in new:
            files[path.name] = written.Written(written.digest(targets[path]), command, _source(source, path))
        _replace_record(project, folder / written.RECORD, written.record_bytes(files, kept_aside), undo)


def _source(source: Source, path: Path) -> str | None:
    return source if source is None or isinstance(source, str) else source.get(path)


def _replace_record(project: Project, path: Path, data: bytes, undo: Undo) -> None:
    """The record replaced by `data` in one step (it is the tool's own file); `undo` puts back the one
    it had, or none."""
    if path.is_dir() and not path.is_symlink():
        raise DataError(
            f"{project.relative(path)} 是一个文件夹：nianbao 在这里记录它生成的文件，"
            "请把这个文件夹改名或移走",
        )
    before = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    with _faults(project, path):
        _stage_and_replace(path, data)
    undo.append(lambda: _stage_and_replace(path, before) if before is not None else path.unlink())


def _stage_and_replace(path: Path, data: bytes) -> None:
    with _staged(path, data) as temporary:
        temporary.replace(path)


@contextlib.contextmanager
def _staged(path: Path, data: bytes) -> Iterator[Path]:
    """`data` in a hidden temporary file beside `path`, on disk; removed again whatever happens next."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def path_folder(project: Project, path: Path) -> str:
    """The clerks' folder a path is in (data/ or params/), as messages name it."""
    return f"{project.relative(path).split('/', 1)[0]}/"


def _folders(folder: Path, undo: Undo) -> None:
    """`folder` and the folders above it that are missing, each's removal noted in `undo` once made."""
    missing: list[Path] = []
    while not folder.exists() and not folder.is_symlink():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir()
        undo.append(each.rmdir)


def _write(path: Path, data: bytes) -> None:
    """`data` at `path`, which must not exist: staged beside it, then hard-linked into place."""
    with _staged(path, data) as temporary:
        try:
            os.link(temporary, path)  # FileExistsError if the target appeared meanwhile: never replaced
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some shared or FAT drives): create exclusively instead
            _write_exclusive(path, data)


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
