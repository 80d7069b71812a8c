"""Handing out and taking back the Excel forms: `make workbook`, `make workbooks`, `make collect`.

A form is filled with the figures already on file for its year (from figures.yaml and table 三's CSV, or
a form returned before); for a year not on file yet, with what it takes over from the year before (the
carry-over contract, `inputs/carry_over.py`), marked as pre-filled. Returned forms are matched by their
hidden sheet, never by their file name, and placed into data/ through `write_new` (never overwriting).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.errors import DataError, NianbaoError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.inputs.carry_over import carry_over
from nianbao.inputs.files import read_bytes
from nianbao.inputs.load import (
    agencies_on_file,
    check_agency,
    load_agency_year,
    load_any_year,
    load_profile,
    years_on_file,
)
from nianbao.inputs.model import YearData
from nianbao.inputs.sheet_layout import CATEGORY_ROWS, DATE, NUMBER, workbook_layout
from nianbao.inputs.workbook import identity, open_book, read_book
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic
from nianbao.publish.data_files import write_new
from nianbao.publish.workbook import Value, form_bytes


def form_format(year: int) -> ReportFormat:
    fmt = format_for_year(year)
    if fmt is None:
        raise DataError(f"nianbao 不支持 {year} 年度的报告格式，无法生成填报表")
    return fmt


def write_form(project: Project, agency: str, year: int) -> Path:
    """`output/workbooks/<agency>-<year>.xlsx`, filled with what is on file. Returns its path."""
    agency = check_agency(project, agency)
    load_profile(project, agency)  # a broken profile is named now, not by the clerk's returned form
    fmt = form_format(year)
    values, carried = form_values(project, fmt, agency, year)
    path = project.blank_form(agency, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, form_bytes(fmt, agency, year, values, carried))
    return path


def write_forms(project: Project, year: int) -> list[Path]:
    """A form for every agency with a profile."""
    return [write_form(project, agency, year) for agency in project.agencies()]


def form_values(
    project: Project, fmt: ReportFormat, agency: str, year: int
) -> tuple[dict[str, Value], set[str]]:
    """The cells to fill, by the layout's keys, and those of them carried over from the year before."""
    years = years_on_file(project, agency)
    if year in years:
        return _on_file(fmt, load_any_year(project, agency, year)), set()
    if year - 1 not in years:
        return {}, set()
    carried = carry_over(load_agency_year(project, agency, year - 1))
    keys = {slot.key for sheet in workbook_layout(fmt, year) for slot in sheet.inputs}
    values = {key: _cell(value) for key, value in carried.figures.items() if key in keys}
    return values, set(values)


def _on_file(fmt: ReportFormat, data: YearData) -> dict[str, Value]:
    values: dict[str, Value] = {key: _cell(value) for key, value in data.values.items()}
    values.update(data.shown)  # a cell typed as not applicable stays as typed (—)
    values[DATE] = data.date
    if data.number is not None:  # a report without a 文号 prints none
        values[NUMBER] = data.number
    for spec in fmt.category_specs:
        if len(data.categories) > CATEGORY_ROWS:
            raise DataError(
                f"{data.year} 年度有 {len(data.categories)} 个{spec.name_column}，"
                f"填报表只有 {CATEGORY_ROWS} 行",
                hint=f"把较小的{spec.name_column}合并到“其他”中，或继续用 figures.yaml 填写。",
            )
        for number, (name, count) in enumerate(data.categories, start=1):
            values[f"{spec.field}#{number}"] = name
            values[f"{spec.field}#{number}.count"] = count
    return values


def _cell(value: int | Decimal) -> Value:
    """An integral amount as an integer: it reads back as the same Decimal (300, not 300.0)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


# ---------------------------------------------------------------- collect


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
