"""`make collect`: the returned Excel forms placed into data/, matched by their hidden sheet.

nianbao never changes what a person wrote. A returned form goes to `data/<agency>/<year>/figures.xlsx`
when that year has no figures yet, or when every file of figures it has there is one the tool generated
and nobody changed since (the year's record, `year/written.py`, says so): next-year's files to fill of a
begun year, or the form placed before (a corrected form replaces the earlier return). Those are set
aside in `已替换/`, never deleted, and listed; the narrative is never touched. A form for a year whose
figures a person typed or changed, for a year imported from a published page, of an unknown agency or of
another format is refused, saying what to do. A form identical to the one placed is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import DataError, NianbaoError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.forms.hand_out import form_format
from nianbao.inputs import snapshot
from nianbao.inputs.files import read_bytes
from nianbao.inputs.load import agencies_on_file
from nianbao.inputs.workbook import Identity, identity, open_book, read_book
from nianbao.paths import Project
from nianbao.year import written
from nianbao.year.data_files import replace_and_write


@dataclass
class Collected:
    """What `collect` did: the forms placed (with their cells still empty or invalid), the files they
    replaced (kept aside), those refused, the files skipped as no form at all (each with why), and the
    forms placed before (the same bytes: a folder collected again)."""

    placed: list[tuple[str, str, int]] = field(default_factory=list)  # (from, placed at, faults)
    replaced: list[tuple[str, str, str]] = field(default_factory=list)  # (placed at, replaced, kept at)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    already: list[tuple[str, str]] = field(default_factory=list)  # (file, the same form placed)


@dataclass(frozen=True)
class Placing:
    """Where a returned form goes, how many of its cells are still empty or invalid, and the files of
    the year's figures it replaces (the tool's own, unchanged)."""

    name: str
    data: bytes
    faults: int
    replacing: tuple[Path, ...] = ()


class SameFormError(Exception):
    """The same form as the one placed for its year: nothing to do."""


# Files a folder of returned forms holds that are no form, and why, by the end of their names.
OTHER_FILES = {
    ".xls": "是旧版 Excel 97-2003 工作簿，请另存为 .xlsx",
    ".et": "是 WPS 表格文件，请另存为 .xlsx",
    ".ods": "是 OpenDocument 表格，请另存为 .xlsx",
    ".xlsm": "是带宏的工作簿，请另存为 .xlsx",
    ".csv": "是 CSV 文件，不是填报表：请用 make workbook 生成的 .xlsx 填报表",
}


def collect(project: Project, folder: Path) -> Collected:
    """Place every returned form in `folder` at `data/<agency>/<year>/figures.xlsx`, matched by its
    hidden sheet (replacing only what the rule above allows); refuse a form that cannot be read as one
    (damaged, hostile), of an unknown agency, of another format, for a year whose figures are a
    person's, or found twice in the folder. Every other file is skipped, saying why: a lock file, an
    .xls or .ods, a folder, a pipe, a file too large, the same form as the one placed."""
    if not folder.is_dir():
        raise DataError(f"找不到文件夹 {folder}", hint="make collect DIR=<收回的填报表所在的文件夹>")
    outcome = Collected()
    chosen: dict[Path, Placing] = {}
    # `..` resolved in the name (not links): `DIR=../收回的表格` is a folder beside the project, whose
    # files are no links out of it
    folder = Path(os.path.normpath(folder.absolute()))
    try:
        paths = sorted(folder.iterdir())
    except OSError as err:  # no permission to list it, a broken disk
        raise DataError(f"无法读取文件夹 {shown_name(str(folder))}：{err.strerror}") from None
    for path in paths:
        name = shown_name(path.name)
        why = _skipped(path)
        if why is not None:
            outcome.skipped.append((name, why))
            continue
        try:
            data = read_bytes(path, name)  # the one reader: a regular file only, never a wait
        except DataError as err:
            outcome.skipped.append((name, err.message))
            continue
        try:
            target, placing = _target(project, name, data, chosen)
        except SameFormError as same:
            outcome.already.append((name, str(same)))
            continue
        except NianbaoError as err:
            outcome.refused.append((name, err.message))
            continue
        chosen[target] = placing
    files = {target: placing.data for target, placing in chosen.items()}
    sources = {target: placing.name for target, placing in chosen.items()}
    replacing = [path for placing in chosen.values() for path in placing.replacing]
    done = replace_and_write(project, files, "collect", sources, replacing)
    outcome.placed = [(p.name, project.relative(target), p.faults) for target, p in chosen.items()]
    by = {project.relative(old): project.relative(t) for t, p in chosen.items() for old in p.replacing}
    outcome.replaced = [(by[replaced], replaced, kept) for replaced, kept in done.aside]
    return outcome


def nothing_to_collect(folder: Path) -> DataError:
    """A folder without a single .xlsx to read: the wrong folder, most likely."""
    return DataError(
        f"文件夹 {shown_name(str(folder))} 中没有可以放置的填报表（.xlsx 文件）",
        hint="把收回的填报表（填好交回的 .xlsx 文件）放进这个文件夹，再运行 make collect。",
    )


def shown_name(name: str) -> str:
    """A file's name as a listing prints it: a line break, a control character or bytes that are not
    UTF-8 in it shown as an escape (`\\u000a`), so no name can print a line of its own."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in name)


def _skipped(path: Path) -> str | None:
    """Why a file in the folder is no form to read (by its name alone), or None for an .xlsx."""
    name = path.name
    if name.startswith("~$"):
        return "是 Excel / WPS 打开文件时留下的锁文件，不是填报表"
    if name.startswith("."):
        return "是隐藏文件，不是填报表"
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return None
    return OTHER_FILES.get(suffix, "不是 .xlsx 填报表")


def _target(project: Project, name: str, data: bytes, chosen: Mapping[Path, Placing]) -> tuple[Path, Placing]:
    """Where a returned form goes and what it replaces, or a `DataError` saying why it is refused and
    what to do (a form whose sheets or rows were changed is refused too)."""
    book = open_book(data, name)
    found = identity(book, name)
    if found.agency not in agencies_on_file(project):
        raise DataError(
            f"机关 {found.agency} 没有档案（params/{found.agency}.yaml）：这份表不是本项目的机关的，"
            f"或是新增的机关；如是新增的机关，先建立 params/{found.agency}.yaml 再运行 make collect"
        )
    fmt = format_for_year(found.year)
    expected = fmt.id if fmt else "（不支持）"
    if found.format != expected:  # a form of last year's format handed out for the new year
        raise DataError(
            f"是 {found.format} 格式的填报表，{found.year} 年度应为 {expected} 格式；"
            f"请用 make workbook AGENCY={found.agency} YEAR={found.year} 生成这一年度的填报表，照填后交回"
        )
    target = project.workbook(found.agency, found.year)
    if target in chosen:
        raise DataError(f"与 {chosen[target].name} 是同一机关同一年度的填报表，只放置了前者")
    replacing = _replacing(project, form_format(found.year), found, data)
    return target, Placing(name, data, _faults(book, name, found.year), replacing)


def _replacing(project: Project, fmt: ReportFormat, found: Identity, data: bytes) -> tuple[Path, ...]:
    """The files of the year's figures the form replaces: none when there are none; all of them when
    each is the tool's own and unchanged (next-year's to fill, a form placed before); else refused."""
    agency, year = found.agency, found.year
    folder = project.year_dir(agency, year)
    files = [project.workbook(agency, year), project.figures(agency, year)]
    files += [folder / table.file for table in fmt.file_tables]
    present = [path for path in files if path.exists() or path.is_symlink()]
    if not present:
        return ()
    record = written.read(project, agency, year)
    if files[0] in present and _same(files[0], data):
        raise SameFormError(f"已放置过：与 {project.relative(files[0])} 完全相同")
    if any(record.get(path.name, _PERSON).command == "import" for path in present):
        raise DataError(
            f"机关 {agency} 的 {year} 年度是从已发布的网页导入的历史年度，不用填报表替换；"
            f"要改正导入的数字，请直接修改 {project.relative(project.figures(agency, year))}"
        )
    theirs = [
        project.relative(p) for p in present if written.unchanged(project, agency, year, p.name) is None
    ]
    if theirs:
        raise DataError(
            f"机关 {agency} 的 {year} 年度已有数据：{'、'.join(theirs)} 是手工填写的，或生成后有人改过，"
            f"nianbao 不会替换它；要改用这份填报表，请先把它移出 {project.relative(folder)}/，"
            "再运行 make collect"
        )
    return tuple(present)


_PERSON = written.Written("", "")  # no entry in the record: a file a person put there


def _same(path: Path, data: bytes) -> bool:
    """Whether `path` holds `data`: read as a regular file only (a FIFO there is not a wait)."""
    try:
        return snapshot.read_regular(path, snapshot.MAX_BYTES)[1] == data
    except OSError:  # NotRegularError too
        return False


def _faults(book: object, where: str, year: int) -> int:
    """How many input cells of a form are still empty or invalid (`make check` names each)."""
    return len(read_book(book, where, form_format(year), year)[1])
