"""Table 三 as staff fill it: a CSV laid out like the paper form, read into figures keyed `<row>.<column>`.

The first column holds a row's label exactly as the format writes it, the other columns the six applicant
columns under their exact labels (an optional 总计 column may follow). Label-only rows (（三）不予公开 …)
may be present with empty cells or left out. Every cell is read by the cell-value contract (`cells.py`):
a data row's blank cell is an error, never a silent 0; the 总计 column and the （七）总计 row are computed,
so there a blank means "computed here", and a typed total is kept so rules A2 and A3 compare it. In a
year copied from a published report (`as_printed: true` in its figures.yaml), a blank input cell is what
the publisher printed — many print only a row's 总计 and leave the applicant cells empty — so it reads as
0 with a warning naming it, as an imported page's does.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from nianbao.errors import DataError, NianbaoError, did_you_mean, together
from nianbao.formats.tables import ApplicationTable, Column, Row
from nianbao.inputs.cells import Cell, Place, read_cell, read_printed
from nianbao.inputs.files import read_text

HINT = "用 Excel / WPS 打开这个文件，对照纸质表格逐格填写；没有的填 0，不要留空。"


def read_applications(
    path: Path, where: str, table: ApplicationTable, as_printed: bool = False
) -> dict[str, Cell]:
    """Every typed cell of table 三, by key (`apply.new.natural`), read by the cell-value contract;
    totals only if a person typed them. `as_printed`: a blank input cell is 0, with a warning."""
    lines = _csv_lines(read_text(path, where), where)
    if not lines:
        raise DataError("文件是空的：应为表三，第一行是表头", path=where, hint=HINT)
    header_line, header = lines[0]
    columns = _header(header, header_line, where, table)
    values: dict[str, Cell] = {}
    seen: dict[str, int] = {}
    faults: list[NianbaoError] = []  # every wrong cell of the table, in one message
    by_label = {row.label: row for row in table.rows}
    for number, cells in lines[1:]:
        label = cells[0].strip()
        if label not in by_label:
            raise DataError(
                f"第 {number} 行：第一列 “{label}” 不是表三的行标签{did_you_mean(label, by_label)}",
                path=where,
                hint="行标签要与格式原文一字不差（包括全角括号和标点）。",
            )
        row = by_label[label]
        if row.id in seen:
            raise DataError(f"第 {number} 行：“{label}” 在第 {seen[row.id]} 行已经出现过", path=where)
        seen[row.id] = number
        try:
            values.update(_row(row, cells[1:], columns, number, where, table, as_printed))
        except DataError as err:
            faults.append(err)
    if faults:
        raise together(faults)
    missing = [row.label for row in table.data_rows if row.derive is None and row.id not in seen]
    if missing:
        raise DataError(f"缺少以下行：{'、'.join(missing)}", path=where, hint=HINT)
    return values


def _csv_lines(text: str, where: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row, trailing empty cells (Excel's stray commas) dropped."""
    reader = csv.reader(io.StringIO(text), strict=True)
    lines: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                lines.append((reader.line_num, cells))
    except csv.Error as err:
        raise DataError(
            f"CSV 格式错误（第 {reader.line_num} 行）：{_csv_problem(err)}",
            path=where,
            hint="含逗号或引号的文字要整体放在英文双引号中；用 Excel / WPS 另存为 CSV 可以避免这个问题。",
        ) from err
    return lines


def _header(cells: list[str], number: int, where: str, table: ApplicationTable) -> tuple[Column, ...]:
    """The value columns the header names: the six applicants in order, optionally 总计 after them."""
    found = [cell.strip() for cell in cells[1:]]
    expected = [column.label for column in table.columns]
    if found == expected:
        return table.columns
    if found == [*expected, table.total.label]:
        return table.all_columns
    raise DataError(
        f"第 {number} 行（表头）：第一列之后应依次为 {'、'.join(expected)}"
        f"（可以再加一列 {table.total.label}），实际为 {'、'.join(found) or '（空）'}",
        path=where,
        hint=HINT,
    )


def _row(
    row: Row,
    cells: list[str],
    columns: tuple[Column, ...],
    number: int,
    where: str,
    table: ApplicationTable,
    as_printed: bool,
) -> dict[str, Cell]:
    if len(cells) > len(columns):
        raise DataError(f"第 {number} 行“{row.label}”：数字比表头的列多", path=where)
    if row.kind == "group":
        if any(cell.strip() for cell in cells):
            raise DataError(
                f"第 {number} 行“{row.label}”是分组标题，不填数字；数字填在它下面的各行", path=where
            )
        return {}
    cells = cells + [""] * (len(columns) - len(cells))
    values: dict[str, Cell] = {}
    read = read_printed if as_printed else read_cell
    faults: list[NianbaoError] = []
    for column, text in zip(columns, cells, strict=True):
        place = Place.table(where, number, row.label, column.label)
        try:
            cell = read(text, column.type, column.unit, place, computed=table.computed(row, column))
        except DataError as err:
            faults.append(err)
            continue
        if cell is not None:  # a blank total is computed, like one left out
            values[f"{row.id}.{column.id}"] = cell
    if faults:
        raise together(faults)
    return values


def _csv_problem(err: csv.Error) -> str:
    """The csv module's English reason in words a report author can act on."""
    text = str(err)
    if "unexpected end of data" in text:
        return '有一个英文双引号（"）没有配对，直到文件末尾都没有结束'
    if "expected after" in text:
        return '一个单元格以英文双引号开头，引号结束后却还有文字；单元格中的引号要写成两个（""）'
    return text


def csv_lines(text: str, where: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row of a table's CSV, as the reader above sees them."""
    return _csv_lines(text, where)
