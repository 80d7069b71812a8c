"""`nianbao import`: last year's published report page, saved from the portal, as that year's data files.

An agency new to nianbao has last year's report only as a page on its portal; this year's carry-overs
(上年结转), its year-on-year figures and the checks that chain years need it on file. The page's tables
二, 三 and 四 are found by their official labels (`portal/tables.py`, over the grids of
`portal/grid.py`) and written as `data/<agency>/<year>/figures.yaml` and table 三's CSV, through
`data_files.write_new` (new files only, all or none, listed). What the page printed is what is written,
errors included: a figure that breaks a rule of the format is imported as printed and the broken rule
reported, for the clerk to see. The figures file says `as_printed: true`, so the printed inconsistencies the
format allows for (totals against their parts) stay warnings; any other error rule will stop next year's
report until the figure is put right.

The year gets no narrative.md: it is history, read by the next year's report and never built itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.authoring.serialize import dump, one_line, same_keys, yaml_comment
from nianbao.errors import DataError, FormatError, NianbaoError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.formats.tables import ApplicationTable
from nianbao.inputs import dates, snapshot
from nianbao.inputs.cells import Cell, grouped
from nianbao.inputs.checks import Year, check_rules
from nianbao.inputs.derive import year_values
from nianbao.inputs.history import labels
from nianbao.inputs.load import check_agency, load_any_year, load_profile, load_year, years_on_file
from nianbao.inputs.shares import nest
from nianbao.paths import Project
from nianbao.portal.grid import Page, read_page
from nianbao.portal.tables import Printed, read_tables
from nianbao.year.data_files import written_unless

TABLES = ("表二", "表三", "表四")  # how messages name the tables, as the issue and the clerks do
CSV_BOM = "\ufeff"  # Excel on Windows opens a UTF-8 CSV correctly only with it (as the samples have)


@dataclass(frozen=True)
class Imported:
    written: list[str]  # project-relative paths
    warnings: list[str]


def import_page(project: Project, page_path: Path, agency: str, year: int) -> Imported:
    """Import the saved page at `page_path` as `agency`'s `year`; refuse, writing nothing, when its tables
    cannot be found or a cell is no figure."""
    agency = check_agency(project, agency)
    fmt = format_for_year(year)
    tables = fmt.printed_tables if fmt is not None else None
    if fmt is None or tables is None:
        raise DataError(
            f"{year} 年度的报告格式没有表二、表三、表四：nianbao 只能导入按全国统一格式发布的年度报告页面"
        )
    where = page_path.name
    page = read_page(_page_bytes(page_path), where)
    printed = read_tables(page, where, tables, TABLES)
    warnings: list[str] = []
    report, report_warnings = _report(project, agency, year, page, where)
    warnings += report_warnings
    figures = _figures(fmt, printed, where, year, warnings)
    files = {
        project.figures(agency, year): _figures_yaml(report, figures, where, year),
        project.year_dir(agency, year) / tables[1].file: _applications_csv(tables[1], printed),
    }
    # The rules are applied to the files as written (they are read back, chained to the year before):
    # should that fail, the files go again — an import that fails leaves nothing behind.
    with written_unless(project, files, "import", where) as written:
        broken = _broken_rules(project, fmt, agency, year)
    # what needs correcting first; the cells printed blank or "/", one warning per kind of mark, last
    return Imported(written, warnings + broken + grouped(printed.marks))


def _page_bytes(page_path: Path) -> bytes:
    """The saved page's bytes, by the one reader (a regular file, within the input size limit)."""
    named = page_path.as_posix()
    try:
        if page_path.is_dir():
            raise DataError("这是一个文件夹，不是保存下来的网页文件", path=named)
        if page_path.exists() and not page_path.is_file():  # a FIFO would block
            raise DataError("这不是普通文件（是设备、管道或套接字），不是保存下来的网页文件", path=named)
        return snapshot.read_handed(page_path)
    except FileNotFoundError:
        raise DataError("找不到这个网页文件", path=named) from None
    except OSError as err:  # a name too long for the system, a broken disk
        raise DataError(f"无法读取这个网页文件：{err.strerror}", path=named) from None


def _report(
    project: Project, agency: str, year: int, page: Page, where: str
) -> tuple[dict[str, Any], list[str]]:
    """The report's number and date as the page prints them (the number as 0 when not found)."""
    text = unicodedata.normalize("NFKC", page.text)
    warnings: list[str] = []
    prefix = unicodedata.normalize("NFKC", load_profile(project, agency).doc_prefix)
    numbers = re.findall(rf"{re.escape(prefix)}\s*[〔\[(]{year + 1}[〕\])]\s*(\d+)\s*号", text)
    if numbers:
        number = int(numbers[0])
    else:
        number = 0
        warnings.append(
            f"{where}: 网页中找不到本机关 {year + 1} 年的文号，report.number 写为 0，请按原件改正"
        )
    published = [date for date in dates.in_text(text) if date.year == year + 1]
    if published:
        date = published[-1]  # the date under the signature, after any cited in the text
    else:
        date = dt.date(year + 1, 1, 31)  # 年报 are due by the end of January of the year after
        warnings.append(
            f"{where}: 网页中找不到 {year + 1} 年的发布日期，report.date 写为 {date}，请按原件改正"
        )
    return {"number": number, "date": date}, warnings


def _figures(
    fmt: ReportFormat, printed: Printed, where: str, year: int, warnings: list[str]
) -> dict[str, Any]:
    """figures.yaml's figures by key, in the format's order: the tables' as printed (a blank total left
    out, to be computed), and 0 for a figure the tables do not hold (stated in the text, if at all)."""
    values: dict[str, Any] = {}
    for key, spec in fmt.fields.items():
        if key in printed.cells:
            cell = printed.cells[key]
            if cell is not None:
                values[key] = _value(cell)
        elif not spec.optional:  # an optional figure (一、总体情况's 主动公开 count) is left out
            values[key] = Decimal(0) if spec.type == "amount" else 0
            warnings.append(
                f"{where}: “{spec.label}”不在表格中，figures.yaml 中写为 0；请按报告正文改正（{year} 年度）"
            )
    return values


def _value(cell: Cell) -> Any:
    """What the file holds for a cell: a not-applicable mark as printed (—), else its number."""
    return cell.shown if cell.shown is not None else cell.value


def _figures_yaml(report: dict[str, Any], figures: dict[str, Any], where: str, year: int) -> bytes:
    head = yaml_comment(
        f"{year} 年度的数字，由 nianbao import 从网页 {one_line(where)} 导入："
        "照网页所载，网页上的错误也照录。\n"
        "这一年度没有 narrative.md：它是历史年度，供下一年度的上年结转和与上年相比，本身不生成报告。"
    )
    # Transcribed from a published report: the form's printed inconsistencies are flagged, not refused
    # (rules marked `as_printed: warning`), so next year's report can still read this year.
    content = {"as_printed": True, "report": report, **nest(figures)}
    return same_keys("\n".join(head) + "\n" + dump(content), content).encode("utf-8")


def _applications_csv(table: ApplicationTable, printed: Printed) -> bytes:
    """Table 三 laid out like the form, as clerks keep it: every row, the 总计 column as printed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["项目", *(column.label for column in table.all_columns)])
    for row in table.rows:
        cells = [printed.cells.get(f"{row.id}.{column.id}") for column in table.all_columns]
        writer.writerow([row.label, *("" if cell is None else str(_value(cell)) for cell in cells)])
    return (CSV_BOM + out.getvalue()).encode("utf-8")


def _broken_rules(project: Project, fmt: ReportFormat, agency: str, year: int) -> list[str]:
    """The format's rules applied to the year just written (chained to the year before when it is on
    file): every broken one, error or warning, as a warning of the import."""
    data = load_year(project, fmt, agency, year)
    found: list[str] = []
    previous: Year | None = None
    before_fmt = format_for_year(year - 1)
    on_file = year - 1 in years_on_file(project, agency)
    if on_file and before_fmt is not None and fmt.history.reads_year_before(before_fmt.history):
        try:
            before = load_any_year(project, agency, year - 1)
        except NianbaoError as err:  # the files are written: say why the chaining rules were not applied
            found.append(f"{year - 1} 年度的数据有误，没有核对与它衔接的规则：{err.render()}")
        else:
            previous = Year(year - 1, year_values(before_fmt, before, None), "", before_fmt.labels)
    values = year_values(fmt, data, previous.values if previous else None)
    for file, rules in fmt.rule_files():
        path = project.year_dir(agency, year) / file if file else project.figures(agency, year)
        current = Year(year, values, project.relative(path), labels(fmt, data), data.lines, data.as_printed)
        try:  # the file says `as_printed: true`: the form's printed inconsistencies come back as warnings
            found += check_rules(rules, current, previous)
        except FormatError as err:  # a rule not even a published report may break
            found.append(f"{err.render()}\n  （照网页导入；下一年度的报告要等这里改正后才能生成）")
    return found
