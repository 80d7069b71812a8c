"""The tool's own record of the files it generated in a year's folder: `.nianbao-written.json`.

nianbao never changes what a person wrote. A file it generated itself — next-year's files to fill, a
figures.yaml imported from a published page, a returned form placed by `make collect` — that nobody has
changed since may be replaced by what comes back for that year (a returned form for a begun year, a
corrected form for a year already collected). To know "nobody has changed it since", each year folder keeps
this record beside its files, in data/ (it travels with the folder; output/ can be deleted at any time): for
each file the tool wrote there, its SHA-256, the command that wrote it and where it came from. A file whose
bytes still match was not touched by a person.

The record is read as untrusted input like every data file (regular files only, bounded); a record that
cannot be read is no record: then nothing is taken as the tool's, and nothing is replaced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.inputs import snapshot
from nianbao.paths import Project

RECORD = ".nianbao-written.json"
COMMANDS = ("next-year", "import", "collect")  # what may have written a file
ASIDE = "已替换"  # the folder of a year's folder where a replaced file is kept (never deleted)


@dataclass(frozen=True)
class Written:
    """One file the tool wrote into a year's folder."""

    sha256: str
    command: str  # one of COMMANDS
    source: str | None = None  # the returned form's or the imported page's file name, as given


@dataclass(frozen=True)
class Aside:
    """A file the tool replaced by what came back for the year, and where it keeps it."""

    name: str  # its name in the year's folder (figures.yaml)
    aside: str  # where it is now, relative to the year's folder (已替换/figures.yaml)
    sha256: str
    command: str  # what had written it
    replaced_by: str  # the command that replaced it
    source: str | None = None  # what replaced it (the returned form's file name)


def record_path(project: Project, agency: str, year: int) -> Path:
    return project.year_dir(agency, year) / RECORD


def read(project: Project, agency: str, year: int) -> dict[str, Written]:
    """The files of `year`'s folder the tool wrote, by name; {} when there is no readable record."""
    return read_folder(project.year_dir(agency, year), project.root)[0]


def read_folder(folder: Path, root: Path) -> tuple[dict[str, Written], list[Aside]]:
    """A year folder's record: the files the tool wrote there, and those it replaced and kept aside."""
    try:
        content = json.loads(snapshot.read_bytes(folder / RECORD, root))
    except (NianbaoError, OSError, ValueError):
        return {}, []
    if not isinstance(content, dict):
        return {}, []
    return _files(content.get("files")), _asides(content.get("kept_aside"))


def _files(files: object) -> dict[str, Written]:
    if not isinstance(files, dict):
        return {}
    found: dict[str, Written] = {}
    for name, entry in files.items():
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and entry.get("command") in COMMANDS
            and isinstance(entry.get("source"), str | None)
        ):
            found[name] = Written(entry["sha256"], entry["command"], entry.get("source"))
    return found


def _asides(entries: object) -> list[Aside]:
    if not isinstance(entries, list):
        return []
    names = {field.name for field in fields(Aside)}
    kept: list[Aside] = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != names:
            continue
        texts = all(isinstance(entry[name], str) for name in names - {"source"})
        if texts and isinstance(entry["source"], str | None):
            kept.append(Aside(**entry))
    return kept


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_bytes(files: Mapping[str, Written], aside: Sequence[Aside] = ()) -> bytes:
    """The record's content: sorted, so the same files give the same bytes; the files kept aside in
    the order they were replaced."""
    content: dict[str, object] = {"files": {name: asdict(files[name]) for name in sorted(files)}}
    if aside:
        content["kept_aside"] = [asdict(one) for one in aside]
    return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def unchanged(project: Project, agency: str, year: int, name: str) -> Written | None:
    """The record of `name` when the tool wrote it and its bytes are still those it wrote; else None."""
    entry = read(project, agency, year).get(name)
    if entry is None:
        return None
    path = project.year_dir(agency, year) / name
    try:
        data = snapshot.read_bytes(path, project.root)
    except (NianbaoError, OSError):
        return None
    return entry if digest(data) == entry.sha256 else None
