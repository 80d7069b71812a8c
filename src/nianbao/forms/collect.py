"""`make collect`: the returned Excel forms placed into data/, matched by their hidden sheet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import DataError, NianbaoError
from nianbao.formats import format_for_year
from nianbao.forms.hand_out import form_format
from nianbao.inputs.files import read_bytes
from nianbao.inputs.load import (
    agencies_on_file,
    years_on_file,
)
from nianbao.inputs.workbook import identity, open_book, read_book
from nianbao.paths import Project
from nianbao.year.data_files import write_new


@dataclass
class Collected:
    """What `collect` did: the forms placed (with their cells still empty or invalid), those refused, the
    files skipped as no form at all (each with why)."""

    placed: list[tuple[str, str, int]] = field(default_factory=list)  # (from, placed at, faults)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


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
    hidden sheet; refuse a form that cannot be read as one (damaged, hostile), of an unknown agency, of
    another format, or whose year is on file already (or found twice in the folder). Every other file is
    skipped, saying why: a lock file, an .xls or .ods, a folder, a pipe, a file too large."""
    if not folder.is_dir():
        raise DataError(f"找不到文件夹 {folder}", hint="make collect DIR=<收回的填报表所在的文件夹>")
    outcome = Collected()
    chosen: dict[Path, tuple[str, bytes, int]] = {}
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
            target, faults = _target(project, name, data, chosen)
        except NianbaoError as err:
            outcome.refused.append((name, err.message))
            continue
        chosen[target] = (name, data, faults)
    write_new(project, {target: data for target, (_, data, _) in chosen.items()})
    outcome.placed = [(name, project.relative(target), n) for target, (name, _, n) in chosen.items()]
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


def _target(
    project: Project, name: str, data: bytes, chosen: Mapping[Path, tuple[str, bytes, int]]
) -> tuple[Path, int]:
    """Where a returned form goes and how many of its cells are still empty or invalid, or a
    `DataError` saying why it is refused (a form whose sheets or rows were changed is refused too)."""
    book = open_book(data, name)
    found = identity(book, name)
    if found.agency not in agencies_on_file(project):
        raise DataError(f"机关 {found.agency} 没有档案（params/{found.agency}.yaml）")
    fmt = format_for_year(found.year)
    expected = fmt.id if fmt else "（不支持）"
    if found.format != expected:  # a form of last year's format handed out for the new year
        raise DataError(f"是 {found.format} 格式的填报表，{found.year} 年度应为 {expected} 格式")
    target = project.workbook(found.agency, found.year)
    if found.year in years_on_file(project, found.agency) or target.exists():
        raise DataError(f"机关 {found.agency} 的 {found.year} 年度已有数据，不会覆盖")
    if target in chosen:
        raise DataError(f"与 {chosen[target][0]} 是同一机关同一年度的填报表，只放置了前者")
    return target, _faults(book, name, found.year)


def _faults(book: object, where: str, year: int) -> int:
    """How many input cells of a form are still empty or invalid (`make check` names each)."""
    return len(read_book(book, where, form_format(year), year)[1])
