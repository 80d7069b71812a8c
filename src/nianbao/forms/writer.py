"""The Excel form a clerk fills (`make workbook`): the year's format laid out like the printed tables.

Written from `inputs/sheet_layout.py`, the layout the reader reads back by. Input cells are unlocked and
carry data validation (a warning, not a stop: a clerk may still type `—` for not applicable); totals are
formulas in locked cells, and the workbook asks for a full calculation on load (openpyxl writes no cached
values), so Excel, WPS and LibreOffice show them while the clerk types. Sheets are protected without a
password: protection and validation are advice, the loader checks every cell again. A hidden sheet
records the agency, the year and the format, so a returned file matches whatever it was renamed to.

The same figures give the same bytes: fixed document properties and fixed timestamps in the zip.

No formula but the form's own totals: every text (a category's name from figures.yaml, a label, a `—`) is
written as text, never as a formula openpyxl would make of a leading `=`, and one that a spreadsheet would
read as a formula when the clerk edits the cell (`= + - @`, a tab or a line break first: OWASP's "CSV
injection") carries the quote-prefix style, as Excel sets for text typed after an apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Collection, Mapping
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from nianbao.formats import ReportFormat
from nianbao.inputs.sheet_layout import META_KEYS, META_SHEET, SheetLayout, Slot, workbook_layout
from nianbao.publish import stable_zip

Value = int | Decimal | str | dt.date
FIXED_TIME = dt.datetime(2019, 1, 1)  # the document's created/modified: no clock in the bytes
CARRIED = "由上一年度结转，已预填；请核对"

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
STYLES = {
    "title": (Font(bold=True, size=14), Alignment(horizontal="center", vertical="center"), None),
    "head": (Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True), "EEEEEE"),
    "note": (Font(size=9), Alignment(horizontal="left", vertical="center", wrap_text=True), "EEEEEE"),
    "label": (Font(), Alignment(vertical="center", wrap_text=True), None),
    "unit": (Font(), Alignment(horizontal="center", vertical="center"), None),
}
INPUT_FILL, CARRIED_FILL, TOTAL_FILL = "FFF9E0", "DDEBF7", "E7E6E6"
# What each kind of input accepts, as Excel checks it (a warning: the loader decides).
VALIDATION = {
    "count": ("whole", "greaterThanOrEqual", "0", "请填非负整数；没有的填 0，不适用的填 -"),
    "signed": ("whole", "between", "-1000000000", "请填整数，减少的填负数"),
    "amount": ("decimal", "greaterThanOrEqual", "0", "请填非负的金额"),
    "number": ("whole", "greaterThanOrEqual", "1", "请填文号中的序号（正整数）"),
    "date": ("date", "greaterThanOrEqual", "36526", "请填日期，如 2022-01-18"),
}
# What makes a spreadsheet read typed text as a formula (OWASP's list, with the line feed).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMATS = {"count": "0", "signed": "0", "number": "0", "amount": "0.00##", "date": "yyyy-mm-dd"}


def form_bytes(
    fmt: ReportFormat,
    agency: str,
    year: int,
    values: Mapping[str, Value],
    carried: Collection[str] = (),
) -> bytes:
    """The form for `agency`'s `year` as .xlsx bytes: `values` fill their cells (by slot key), those in
    `carried` marked as taken over from the year before."""
    book = Workbook()
    book.remove(book.active)
    for layout in workbook_layout(fmt, year):
        _sheet(book.create_sheet(layout.name), layout, values, carried)
    meta = book.create_sheet(META_SHEET)
    recorded: tuple[Value, ...] = (agency, year, fmt.id)
    for line, (key, value) in enumerate(zip(META_KEYS, recorded, strict=True), start=1):
        put(meta.cell(line, 1), key)
        put(meta.cell(line, 2), value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    book.calculation = CalcProperties(fullCalcOnLoad=True)
    book.properties.creator = book.properties.lastModifiedBy = "nianbao"
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.title = f"{fmt.title}（{year} 年度）"
    stream = io.BytesIO()
    # ExcelWriter, not Workbook.save: save stamps the modified time with the clock.
    ExcelWriter(book, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)).save()
    return stable_zip.rewritten(stream.getvalue())  # openpyxl stamps members with the clock


def _sheet(
    sheet: Worksheet, layout: SheetLayout, values: Mapping[str, Value], carried: Collection[str]
) -> None:
    for column, width in layout.widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for label in layout.labels:
        cell = sheet[label.ref]
        put(cell, label.text)
        font, alignment, fill = STYLES[label.role]
        cell.font, cell.alignment = font, alignment
        if label.role != "title":
            cell.border = BOX
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if label.merge:
            sheet.merge_cells(label.merge)
            if label.role != "title":
                _box(sheet, label.merge)
    _heights(sheet, layout)
    validations: dict[str, DataValidation] = {}
    for slot in layout.slots:
        _slot(sheet, slot, values, carried, validations)
    for validation in validations.values():
        sheet.add_data_validation(validation)
    sheet.protection.sheet = True  # no password: advice, as the loader checks every cell anyway
    # Printed on one page across, as the paper form is (landscape for the wide tables 三 and 四).
    sheet.page_setup.orientation = "landscape" if len(layout.widths) > 4 else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _slot(
    sheet: Worksheet,
    slot: Slot,
    values: Mapping[str, Value],
    carried: Collection[str],
    validations: dict[str, DataValidation],
) -> None:
    cell = sheet[slot.ref]
    cell.border = BOX
    name = slot.kind == "name"  # a category's name, long ones wrapped
    cell.alignment = Alignment(horizontal="left" if name else "right", vertical="center", wrap_text=name)
    if slot.kind in FORMATS:
        cell.number_format = FORMATS[slot.kind]
    if slot.merge:
        sheet.merge_cells(slot.merge)
        _box(sheet, slot.merge)
    if slot.computed:
        cell.value = f"=SUM({','.join(slot.parts)})"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=TOTAL_FILL)
        return  # locked, as every cell is unless unlocked
    cell.protection = Protection(locked=False)
    pre_filled = slot.key in carried
    cell.fill = PatternFill("solid", fgColor=CARRIED_FILL if pre_filled else INPUT_FILL)
    if pre_filled:
        cell.comment = Comment(CARRIED, "nianbao", width=200, height=40)
    if slot.key in values:
        value = values[slot.key]
        put(cell, float(value) if isinstance(value, Decimal) else value)
    if slot.kind in VALIDATION:
        kind, operator, formula, message = VALIDATION[slot.kind]
        if slot.kind not in validations:
            validations[slot.kind] = DataValidation(
                type=kind,
                operator=operator,
                formula1=formula,
                formula2="1000000000" if operator == "between" else None,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="请核对",
                error=message,
                showInputMessage=False,
            )
        validations[slot.kind].add(slot.ref)


def put(cell: Cell, value: Value | float) -> None:
    """`value` into `cell`, text always as text: the one way anything is written into a form's cell."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes text that starts with `=` a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel, WPS, LibreOffice keep it text when it is edited


def _heights(sheet: Worksheet, layout: SheetLayout) -> None:
    """Taller rows for a label that wraps (（六）其他处理's long items): Excel and LibreOffice do not grow a
    row for wrapped text on their own when opening a file. A Chinese character is about 1.7 widths."""
    for label in layout.labels:
        left, top, right, bottom = range_boundaries(label.merge or f"{label.ref}:{label.ref}")
        if label.role not in ("label", "head") or top != bottom:
            continue
        width = sum(layout.widths.get(column, 8.43) for column in range(left, right + 1))
        lines = math.ceil(len(label.text) * 1.7 / width)
        if lines > 1:
            sheet.row_dimensions[top].height = max(sheet.row_dimensions[top].height or 15, 15 * lines)


def _box(sheet: Worksheet, cells: str) -> None:
    """A thin border round every cell of a merged range (Excel draws a merged cell's border per cell)."""
    for row in sheet[cells]:
        for cell in row:
            cell.border = BOX
