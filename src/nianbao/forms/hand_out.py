"""Handing out and taking back the Excel forms: `make workbook`, `make workbooks`, `make collect`.

A form is filled with the figures already on file for its year (from figures.yaml and table 三's CSV, or
a form returned before); for a year not on file yet, with what it takes over from the year before (the
carry-over contract, `inputs/carry_over.py`), marked as pre-filled. Returned forms are matched by their
hidden sheet, never by their file name, and placed into data/ through `write_new` (never overwriting).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from nianbao.errors import DataError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.forms.writer import Value, form_bytes
from nianbao.inputs.carry_over import carry_over
from nianbao.inputs.load import (
    check_agency,
    load_agency_year,
    load_any_year,
    load_profile,
    years_on_file,
)
from nianbao.inputs.model import YearData
from nianbao.inputs.sheet_layout import CATEGORY_ROWS, DATE, NUMBER, workbook_layout
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic


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
