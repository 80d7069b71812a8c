"""The Excel form as a data source: `data/<agency>/<year>/figures.xlsx`, read cell by cell (openpyxl).

The form is read by the layout it was written from (`sheet_layout.py`), whatever wrote or resaved it
(nianbao, Excel, WPS, LibreOffice). Protection and validation are only advice — pasting bypasses both —
so every input cell is read again by the cell-value contract (`cells.py`), and totals are never read from
cached values: a total that is still its formula is computed here; one a clerk overwrote with a number is
kept, so the format's rules compare it with the sum. Every fault names the file, the sheet and the cell as
Excel shows it, and the printed row and column: `表三!D9（“自然人”列，“（一）予以公开”行）：…`.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.errors import DataError
from nianbao.formats import ReportFormat
from nianbao.inputs import printable, xlsx_parts
from nianbao.inputs.cells import Cell, Place, read_cell, shown
from nianbao.inputs.files import Reader, read_bytes
from nianbao.inputs.model import Mark
from nianbao.inputs.sheet_layout import (
    DATE,
    META_KEYS,
    META_SHEET,
    NUMBER,
    SheetLayout,
    Slot,
    workbook_layout,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# What an input cell holding a formula asks for instead, by the slot's kind.
ASK = {
    "count": "这一格请直接填数字",
    "name": "这一格请直接填写类别名称（文字）",
    "number": "这一格请直接填文号中的序号",
    "date": "这一格请直接填日期（如 2022-01-18）",
}
HINT = "请用 make workbook 生成的填报表填写，不要增删行、列或工作表；没有的填 0，不适用的填 -。"


@dataclass(frozen=True)
class Identity:
    """Whose form a workbook is, as its hidden sheet says."""

    agency: str
    year: int
    format: str


@dataclass(frozen=True)
class FormFigures:
    """A returned form's figures: typed cells by key (totals only where a person typed over them), the
    document number and date, the categories in the order written."""

    cells: dict[str, Cell]
    number: int
    date: dt.date
    categories: tuple[tuple[str, int], ...]
    marks: tuple[Mark, ...] = ()  # categories' counts typed as not applicable (—)


def open_book(data: bytes, where: str) -> Any:
    """The workbook in `data`, formulas as written (never their cached values). The bytes are checked
    first (`xlsx_parts`: sizes, counts, XML without entities); anything openpyxl still cannot read in
    them is a damaged file, told as one message, not its traceback."""
    import openpyxl  # here, not above: a few tenths of a second, only for a year typed in a form

    xlsx_parts.check(data, where)
    try:
        with warnings.catch_warnings():  # what openpyxl drops (extensions, …): the reader needs none of it
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as err:  # any fault of the parser of an untrusted file is the file's
        raise DataError("Excel 工作簿已损坏，无法读取", path=where, hint=xlsx_parts.RESAVE) from err


def identity(book: Any, where: str) -> Identity:
    """The agency, year and format the hidden sheet records; a workbook without it is not our form."""
    if META_SHEET not in book.sheetnames:
        raise DataError(
            "这不是 nianbao 的填报表（其中没有记录机关和年度的隐藏工作表）", path=where, hint=HINT
        )
    sheet = _worksheet(book, META_SHEET, where)
    found = {
        str(sheet.cell(line, 1).value): sheet.cell(line, 2).value for line in range(1, len(META_KEYS) + 1)
    }
    agency, year, fmt = (found.get(key) for key in META_KEYS)
    if not isinstance(agency, str) or type(year) is not int or not isinstance(fmt, str):
        raise DataError(
            "填报表中记录机关和年度的隐藏工作表被改动过，无法确定是哪个机关哪一年的", path=where, hint=HINT
        )
    return Identity(agency, year, fmt)


def read_form(path: Path, where: str, fmt: ReportFormat, agency: str, year: int) -> FormFigures:
    """Every figure of `agency`'s form for `year`, checked cell by cell."""
    book = open_book(read_bytes(path, where), where)
    found = identity(book, where)
    expected = Identity(agency, year, fmt.id)
    if found != expected:
        raise DataError(
            f"这份填报表是机关 {found.agency} {found.year} 年度的（{found.format} 格式），"
            f"不是 {agency} {year} 年度的（{fmt.id} 格式）",
            path=where,
            hint="把它放到它自己的机关和年度的文件夹中（make collect 会按隐藏工作表自动放置）。",
        )
    figures, faults = read_book(book, where, fmt, year)
    if faults or figures is None:
        raise DataError("\n  ".join(faults), path=where, hint=HINT)
    return figures


def read_book(book: Any, where: str, fmt: ReportFormat, year: int) -> tuple[FormFigures | None, list[str]]:
    """The form's figures, or None with every cell's fault (each named: `make check` lists them all).
    A form whose sheets or labels were changed raises at once: its cells cannot be told apart."""
    cells: dict[str, Cell] = {}
    number: int | None = None
    date: dt.date | None = None
    categories: list[tuple[str, int]] = []
    faults: list[str] = []
    marks: list[Mark] = []
    for layout in workbook_layout(fmt, year):
        sheet = _sheet(book, layout, where)
        names: dict[str, str] = {}
        for slot in layout.slots:
            raw = _value(sheet, slot)
            place = _place(where, layout.name, slot)
            try:
                if isinstance(raw, Formula):
                    if slot.kind == "name":
                        names[slot.key] = raw.text  # its count is not "without a name" as well
                    if slot.computed:
                        continue  # a total that is still its formula: computed here, never evaluated
                    raise place.error(f"填的是公式 {shown(raw.text)}；{ASK.get(slot.kind, ASK['count'])}")
                unprintable = printable.problem(raw) if isinstance(raw, str) else None
                if isinstance(raw, str) and unprintable:  # a cell is text like a file's line: same rule
                    if slot.kind == "name":
                        names[slot.key] = raw  # its count is not "without a name" as well
                    raise place.error(unprintable)
                if slot.key == NUMBER:
                    number = _number(raw, place)
                elif slot.key == DATE:
                    date = _date(raw, place, where)
                elif slot.kind == "name":
                    if raw is not None and str(raw).strip():
                        names[slot.key] = str(raw).strip()
                elif "#" in slot.key:  # a category's count
                    category = _category(raw, slot, place, names)
                    if category is not None:
                        categories.append(category[:2])
                        marks += [category[2]] if category[2] else []
                elif _blank(raw) and slot.key in fmt.fields and fmt.fields[slot.key].optional:
                    continue  # an optional figure left blank is not given (as when left out of the YAML)
                else:
                    cell = _figure(raw, slot, place)
                    if cell is not None:
                        cells[slot.key] = cell
            except DataError as err:
                faults.append(err.message)
    if faults or number is None or date is None:
        return None, faults
    return FormFigures(cells, number, date, tuple(categories), tuple(marks)), []


def _sheet(book: Any, layout: SheetLayout, where: str) -> Worksheet:
    """The sheet `layout` names, its labels where they were written (no row or column inserted)."""
    if layout.name not in book.sheetnames:
        present = "、".join(name for name in book.sheetnames if name != META_SHEET) or "（无）"
        raise DataError(
            f"缺少工作表“{layout.name}”；现有的工作表：{present}",
            path=where,
            hint=HINT,
        )
    sheet = _worksheet(book, layout.name, where)
    for label in layout.labels:
        if label.role == "title":
            continue
        value = sheet[label.ref].value
        text = "" if value is None else str(value).strip()
        if text != label.text:
            raise DataError(
                f"{layout.name}!{label.ref} 应为“{label.text}”，实际为 {shown(value)}：表格的行或列被改动过",
                path=where,
                hint=HINT,
            )
    return sheet


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (as its text), whatever its cached value: never evaluated. Only a
    total's own formula is expected; in an input cell it is a fault naming the cell."""

    text: str


def _worksheet(book: Any, name: str, where: str) -> Worksheet:
    """The sheet `name` of cells (a chart sheet of that name has none)."""
    from openpyxl.worksheet.worksheet import Worksheet

    sheet = book[name]
    if not isinstance(sheet, Worksheet):
        raise DataError(f"工作表“{name}”是图表或对话框工作表，没有单元格", path=where, hint=HINT)
    return sheet


def _value(sheet: Worksheet, slot: Slot) -> object:
    cell = sheet[slot.ref]
    value = cell.value
    if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        # text typed into a cell is text (`'=1+1`, a category named `=…`): only a formula is one
        return Formula(str(getattr(value, "text", None) or value))
    if isinstance(value, float) and slot.kind in ("count", "signed", "number") and value.is_integer():
        return int(value)  # Excel keeps every number as a float
    return value


def _place(where: str, sheet: str, slot: Slot) -> Place:
    """A cell as a message names it: `表三!D9（“自然人”列，“（一）予以公开”行）：`."""
    named = [f"“{slot.column}”列" if slot.column else "", f"“{slot.row}”行" if slot.row else ""]
    return Place(where, f"{sheet}!{slot.ref}（{'，'.join(n for n in named if n)}）：")


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _figure(raw: object, slot: Slot, place: Place) -> Cell | None:
    """A figure's cell by the contract; a blank total is computed (None)."""
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        raise place.error(f"应为数字，实际为日期 {raw}；请把这一格的格式改为“常规”后重新填写")
    return read_cell(raw, slot.kind, slot.unit, place, computed=slot.computed)


def _number(raw: object, place: Place) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise place.error("没有填写：请填文号中的序号（如 〔2018〕2号 中的 2）")
    cell = read_cell(raw, "count", "", place)
    if cell is None or cell.shown is not None or not isinstance(cell.value, int):
        raise place.error(f"应为文号中的序号（正整数），实际为 {shown(raw)}")
    return cell.value


def _date(raw: object, place: Place, where: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return Reader({DATE: raw}, where).date(DATE)
        except DataError:
            pass
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise place.error("没有填写：请填发文日期（如 2022-01-18）")
    raise place.error(f"应为日期（如 2022-01-18），实际为 {shown(raw)}")


def _category(
    raw: object, slot: Slot, place: Place, names: dict[str, str]
) -> tuple[str, int, Mark | None] | None:
    """A category's (name, count, mark); None for an empty row. A count without a name is an error."""
    name = names.get(slot.key.removesuffix(".count"))
    if name is None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        raise place.error(f"填了条数 {shown(raw)}，但左边的类别名称没有填写")
    cell = read_cell(raw, slot.kind, slot.unit, place)
    if cell is None:
        raise ValueError(slot.key)  # not a computed cell: never None
    return name, int(cell.value), cell.mark
