"""Handing out the Excel forms: `make workbook`, `make workbooks`.

A form is filled with the figures already on file for its year (from figures.yaml and table 三's CSV, or
a form returned before). A year begun by `make next-year` and still to fill has each `待填` cell empty and
its carried-over cells filled; a form placed but not yet complete is handed out again as it is. For a year
not on file yet, the form holds what it takes over from the latest year on file before it (the carry-over
contract, `inputs/carry_over.py`), marked as pre-filled; when years lie between, its listing says so.
Each form of the figures has a Word form of the words beside it (`word_form.py`), and the district its
own Word form for the summary's words (`make workbooks`). Returned forms are placed by `forms/collect.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from nianbao.errors import DataError, NianbaoError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.forms.word_form import district_form, write_word_form
from nianbao.forms.writer import Value, form_bytes
from nianbao.inputs.carry_over import CarriedOver, carry_over
from nianbao.inputs.files import read_bytes
from nianbao.inputs.load import (
    Begun,
    check_agency,
    load_any_year,
    load_begun,
    load_carried_year,
    load_profile,
    years_on_file,
)
from nianbao.inputs.model import AgencyYear, YearData
from nianbao.inputs.sheet_layout import CATEGORY_ROWS, DATE, NUMBER, workbook_layout
from nianbao.inputs.to_fill import UnfilledError, unfilled
from nianbao.inputs.workbook import Identity, identity, open_book
from nianbao.paths import SUMMARY, Project
from nianbao.publish.atomic import write_atomic


@dataclass(frozen=True)
class HandedOut:
    """One agency's form for a year: where it was written and what its listing says, or why not."""

    agency: str
    path: Path | None = None
    note: str | None = None  # the years missing between the latest on file and the form's
    why: str | None = None  # why no form was written (the whole message)


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
    data = form_file(project, fmt, agency, year)
    path = project.blank_form(agency, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return path


def write_words(project: Project, agency: str, year: int) -> Path:
    """`output/workbooks/<agency>-<year>.docx`, the Word form of the year's words. Returns its path."""
    if agency != SUMMARY:
        agency = check_agency(project, agency)
    return _written(project.words_form(agency, year), write_word_form(project, agency, year))


def write_forms(project: Project, year: int) -> list[HandedOut]:
    """Both forms for every agency with a profile, and the district's Word form when it has one: each one
    that can be written is, whatever the others; each that cannot is listed with the reason."""
    handed: list[HandedOut] = []
    for agency in project.agencies():
        try:
            path = write_form(project, agency, year)
        except NianbaoError as err:
            handed.append(HandedOut(agency, why=err.render()))
        else:
            handed.append(HandedOut(agency, path, gap_note(project, agency, year)))
        try:
            handed.append(HandedOut(agency, write_words(project, agency, year)))
        except NianbaoError as err:
            handed.append(HandedOut(agency, why=f"文字填报表：{err.render()}"))
    try:
        district = district_form(project, year)
    except NianbaoError as err:
        handed.append(HandedOut(SUMMARY, why=f"汇总报告的文字填报表：{err.render()}"))
    else:
        if district is not None:
            handed.append(HandedOut(SUMMARY, _written(project.words_form(SUMMARY, year), district)))
    return handed


def _written(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return path


def gap_note(project: Project, agency: str, year: int) -> str | None:
    """What a form's listing says when the agency's latest year on file is older than the year before:
    the form carries over from that year, across the years missing."""
    years = years_on_file(project, agency)
    if year in years:
        return None
    before = [y for y in years if y < year]
    if not before:
        return "还没有以前年度的数据：没有结转的数字"
    latest = before[-1]
    if latest == year - 1:
        return None
    missing = f"{latest + 1}–{year - 1}" if latest + 1 < year - 1 else str(latest + 1)
    return f"最近的数据是 {latest} 年度，中间缺 {missing} 年度"


def form_file(project: Project, fmt: ReportFormat, agency: str, year: int) -> bytes:
    """The form's bytes: written from the year's values; a form on file that cannot be read complete
    (placed with cells still empty, or begun as a form by next-year) is handed out again as it is."""
    try:
        values, carried = form_values(project, fmt, agency, year)
    except DataError:
        kept = _form_on_file(project, fmt, agency, year)
        if kept is None:
            raise
        return kept
    return form_bytes(fmt, agency, year, values, carried)


def _form_on_file(project: Project, fmt: ReportFormat, agency: str, year: int) -> bytes | None:
    """The year's own form in data/, as it is, when its hidden sheet says it is this year's."""
    path = project.workbook(agency, year)
    where = project.relative(path)
    try:
        data = read_bytes(path, where)
        found = identity(open_book(data, where), where)
    except (DataError, OSError):
        return None
    return data if found == Identity(agency, year, fmt.id) else None


def form_values(
    project: Project, fmt: ReportFormat, agency: str, year: int
) -> tuple[dict[str, Value], set[str]]:
    """The cells to fill, by the layout's keys, and those of them carried over from the year before."""
    years = years_on_file(project, agency)
    if year in years:
        if _begun(project, fmt, agency, year):
            return _begun_values(fmt, year, load_begun(project, fmt, agency, year))
        return _on_file(fmt, load_any_year(project, agency, year)), set()
    before = [y for y in years if y < year]
    if not before:
        return {}, set()
    return carried_values(fmt, year, carry_over(carried_from(project, agency, before[-1], year), year))


def carried_from(project: Project, agency: str, source: int, year: int) -> AgencyYear:
    """The year `source`, which `year` carries over from; refused in one line while it is still to fill
    (`make check` lists each place)."""
    try:
        return load_carried_year(project, agency, source)
    except UnfilledError as err:
        raise DataError(
            f"机关 {agency} 的 {source} 年度还有 {len(err.items)} 处没有填写，"
            f"先填完它再开始 {year} 年度（make check AGENCY={agency} YEAR={source} 列出这些地方）"
        ) from err


def carried_values(fmt: ReportFormat, year: int, carried: CarriedOver) -> tuple[dict[str, Value], set[str]]:
    """The carried-over figures the form of `year` has cells for, and their keys (marked pre-filled)."""
    keys = _input_keys(fmt, year)
    values = {key: _cell(value) for key, value in carried.figures.items() if key in keys}
    return values, set(values)


def _input_keys(fmt: ReportFormat, year: int) -> set[str]:
    return {slot.key for sheet in workbook_layout(fmt, year) for slot in sheet.inputs}


def _begun(project: Project, fmt: ReportFormat, agency: str, year: int) -> bool:
    """Whether the year's figures are text files (not a form) still holding a `待填` cell."""
    if project.workbook(agency, year).is_file():
        return False
    narrative = project.relative(project.narrative(agency, year))
    return any(not item.startswith(narrative) for item in unfilled(project, fmt, agency, year))


def _begun_values(fmt: ReportFormat, year: int, begun: Begun) -> tuple[dict[str, Value], set[str]]:
    """A begun year's form: what is filled in its files fills its cells, each `待填` an empty cell; the
    figures its format carries over are marked pre-filled."""
    values: dict[str, Value] = {key: _cell(value) for key, value in begun.values.items()}
    values.update(begun.shown)
    if begun.date is not None:
        values[DATE] = begun.date
    if begun.number is not None:
        values[NUMBER] = begun.number
    for spec in fmt.category_specs:
        _fits(spec.name_column, len(begun.categories), year)
        for number, (name, count) in enumerate(begun.categories, start=1):
            values[f"{spec.field}#{number}"] = name
            if count is not None:
                values[f"{spec.field}#{number}.count"] = count
    carried = {item.key for item in fmt.carry_over} & set(values) & _input_keys(fmt, year)
    return values, carried


def _fits(name_column: str, count: int, year: int) -> None:
    if count > CATEGORY_ROWS:
        raise DataError(
            f"{year} 年度有 {count} 个{name_column}，填报表只有 {CATEGORY_ROWS} 行",
            hint=f"把较小的{name_column}合并到“其他”中，或继续用 figures.yaml 填写。",
        )


def _on_file(fmt: ReportFormat, data: YearData) -> dict[str, Value]:
    values: dict[str, Value] = {key: _cell(value) for key, value in data.values.items()}
    values.update(data.shown)  # a cell typed as not applicable stays as typed (—)
    values[DATE] = data.date
    if data.number is not None:  # a report without a 文号 prints none
        values[NUMBER] = data.number
    for spec in fmt.category_specs:
        _fits(spec.name_column, len(data.categories), data.year)
        for number, (name, count) in enumerate(data.categories, start=1):
            values[f"{spec.field}#{number}"] = name
            values[f"{spec.field}#{number}.count"] = count
    return values


def _cell(value: int | Decimal) -> Value:
    """An integral amount as an integer: it reads back as the same Decimal (300, not 300.0)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value
