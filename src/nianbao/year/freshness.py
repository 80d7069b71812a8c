"""Whether a record still describes the files: the stamps every freshness question compares.

A build record (`records.py`) lists every input its build read with its stamp — its size and
modification time as read — the folder listings it depended on and a signature of nianbao's own code; it
is up to date while none of that changed and its outputs are still there as written. A check record (and a
failed build's record) keeps the stamps of *the year's files* — every file in `data/<agency>/<year>/`,
the agency's profile and its opening balance — taken before the check read them: what it found is true
only while they are unchanged. Stamps are compared for equality, never ordered: a file put back with an
older modification time (a copy, an unzipped folder) is a change too.

Imports nothing heavy: a `make reports` with nothing to do stats files, reads records and nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nianbao.inputs.snapshot import Snapshot, Stamp, read_regular
from nianbao.paths import PACKAGE_DIR, Project
from nianbao.year import records

PACKAGE_PREFIX = "nianbao:"  # record keys for files shipped in the package, e.g. nianbao:formats/pre2019.yaml
CODE_SUFFIXES = (".py", ".j2", ".css", ".json", ".typ")  # .typ: the PDF template
LOCK_FILE = "requirements.lock"


def stamp(path: Path) -> Stamp:
    """What identifies a file's version cheaply: [size, mtime in ns]; None when it is missing."""
    try:
        info = path.stat()
    except (OSError, ValueError):  # ValueError: a name no file can have (a NUL in it)
        return None
    return [info.st_size, info.st_mtime_ns]


def code_signature(project: Project) -> str:
    """nianbao's code and templates (not its format definitions: each report lists its own) and the lock."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file())
    digest = hashlib.sha256()
    for path in [*files, project.root / LOCK_FILE]:
        digest.update(f"{key(project, path)}:{stamp(path)}\n".encode())
    return digest.hexdigest()


def key(project: Project, path: Path) -> str:
    """A record's name for an input: project-relative, or `nianbao:` + package-relative."""
    try:
        return PACKAGE_PREFIX + path.resolve().relative_to(PACKAGE_DIR.resolve()).as_posix()
    except ValueError:
        return project.relative(path)


def resolve(project: Project, name: str) -> Path:
    if name.startswith(PACKAGE_PREFIX):
        return PACKAGE_DIR / name.removeprefix(PACKAGE_PREFIX)
    return project.root / name


def stamps(project: Project, paths: list[Path]) -> dict[str, Stamp]:
    return {key(project, path): stamp(path) for path in paths}


def up_to_date(project: Project, record: Mapping[str, Any] | None, code: str) -> bool:
    """Whether the outputs a record describes are all there, as recorded, and still match every input
    and listing it lists."""
    if not record or record["status"] != records.BUILT or record["code"] != code:
        return False
    outputs: dict[str, Any] = record["outputs"]
    if not outputs or not outputs_match(project, outputs):
        return False
    inputs: dict[str, Any] = record["inputs"]
    listings: dict[str, Any] = record["listings"]
    return (
        bool(inputs)
        and all(stamp(resolve(project, name)) == seen for name, seen in inputs.items())
        and all(_listing(project, key) == seen for key, seen in listings.items())
    )


def outputs_match(project: Project, outputs: Mapping[str, str]) -> bool:
    """Whether every file the record lists is there with the content it recorded: a build that
    published its files but could not write its record (a full disk) leaves a record that disagrees."""
    return bool(outputs) and all(_sha256(project.root / name) == sha for name, sha in outputs.items())


def _sha256(path: Path) -> str | None:
    """A listed output's SHA-256; None when it is not a regular file (a FIFO or device put in its place:
    stale, never a wait)."""
    try:
        return hashlib.sha256(read_regular(path)[1]).hexdigest()
    except (OSError, ValueError):
        return None


def _listing(project: Project, key: str) -> list[Any] | None:
    try:
        return project.listing(key)
    except ValueError:  # a record from another version of nianbao: stale
        return None


def format_file(format_id: str) -> Path:
    return PACKAGE_DIR / "formats" / f"{format_id}.yaml"


def format_files(years: list[int]) -> list[Path]:
    """The definitions of the formats of `years`, with the shared parts they extend."""
    from nianbao.formats import format_for_year  # reads the format definitions (YAML), still light

    files: list[Path] = []
    for year in years:
        fmt = format_for_year(year)
        for path in fmt.files if fmt else ():  # the package's, or NIANBAO_FORMATS_PATH's
            if path not in files:
                files.append(path)
    return files


def input_stamps(project: Project, inputs: Snapshot, years: list[int]) -> dict[str, Stamp]:
    """What a build read, as stamped when read, and the format definitions of its years."""
    return {**inputs.stamps(), **stamps(project, format_files(years))}


# ---------------------------------------------------------------- the year's files


def year_files(project: Project, agency: str, year: int) -> list[Path]:
    """The files a clerk edits for one year: every file in its folder (not the tool's own dot-files, not
    the folders in it, such as the one replaced files are kept in), the agency's profile and opening."""
    folder = project.year_dir(agency, year)
    try:
        inside = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and not p.is_dir())
    except OSError:  # no folder (any more), or one that cannot be listed: no files in it
        inside = []
    return [*inside, project.profile(agency), project.opening(agency)]


def year_stamps(
    project: Project, agency: str, year: int, seen: Mapping[str, Stamp] | None = None
) -> dict[str, Stamp]:
    """The stamps of the year's files: as `seen` (a build's snapshot: as read) where it has them, else as
    they are now. Taken before a check reads them, an edit made while it runs shows as a change."""
    seen = seen or {}
    # named as `project.relative` names them (not `key`: resolving every link is what costs here)
    now = {project.relative(path): stamp(path) for path in year_files(project, agency, year)}
    prefix = project.relative(project.year_dir(agency, year)) + "/"
    # a file read then deleted counts (as read); one that was missing when read and still is, does not
    read = {
        name: stamp
        for name, stamp in seen.items()
        if name in now or (name.startswith(prefix) and stamp is not None)
    }
    return dict(sorted({**now, **read}.items()))


def files_current(project: Project, agency: str, year: int, recorded: Mapping[str, Any] | None) -> bool:
    """Whether the year's files are exactly as a record stamped them (a record without stamps, from
    before they were kept, describes files nobody can tell: not current)."""
    return recorded is not None and dict(recorded) == year_stamps(project, agency, year)
