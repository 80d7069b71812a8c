"""The Excel form's layout: where every label, every input cell and every total sits, sheet by sheet.

One layout serves both directions: `forms/writer.py` writes the form from it and `inputs/workbook.py`
reads the returned form by it, so a figure is always read from the cell it was asked for in. The layout is
computed from the format's definition alone (its tables, its labels, its `workbook:` section): no label is
typed here. Sheets are laid out like the printed tables — merged headers, nested row labels, the
勾稽关系 note in table 三's corner — with a title row above (the section's label) and the table from row 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.formats import ReportFormat
from nianbao.formats.spec import WorkbookSheet
from nianbao.formats.tables import Column

META_SHEET = "_nianbao"  # the hidden sheet: which agency, year and format a returned file is
META_KEYS = ("agency", "year", "format")
NUMBER, DATE = "report.number", "report.date"  # the report's document number and date
CATEGORY_ROWS = 20  # blank rows the categories sheet offers (more when more are on file)
TOP = 3  # the table starts below the title row and an empty row


def ref(row: int, column: int) -> str:
    """`D9` for row 9, column 4 (both from 1)."""
    # Imported here: openpyxl takes a few tenths of a second to import, and only a form needs it (not
    # every `make check` and every report's kernel, which import this module through the loader).
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


@dataclass(frozen=True)
class Label:
    """A printed label: its cell, its text, what it is (title, head, label, note, unit), the range it
    spans when merged."""

    ref: str
    text: str
    role: str
    merge: str | None = None


@dataclass(frozen=True)
class Slot:
    """A cell that holds a figure: an input (`parts` empty) or a total, the sum of the cells `parts`.

    `kind`: count, signed, amount (by the cell-value contract), or number / date (the report's document
    number and date) / name (a category's name); `row` and `column`: the printed labels a message names
    it by; `merge`: the range an input spans (a narrow block's last column in table 二)."""

    ref: str
    key: str
    kind: str
    unit: str
    row: str
    column: str
    parts: tuple[str, ...] = ()
    merge: str | None = None

    @property
    def computed(self) -> bool:
        return bool(self.parts)


@dataclass
class SheetLayout:
    name: str
    labels: list[Label] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # column (from 1) → width in characters

    def label(self, row: int, column: int, text: str, role: str, rows: int = 1, columns: int = 1) -> None:
        merge = None
        if rows > 1 or columns > 1:
            merge = f"{ref(row, column)}:{ref(row + rows - 1, column + columns - 1)}"
        self.labels.append(Label(ref(row, column), text, role, merge))

    def slot(self, slot: Slot) -> Slot:
        self.slots.append(slot)
        return slot

    @property
    def inputs(self) -> list[Slot]:
        return [slot for slot in self.slots if not slot.computed]


def workbook_layout(fmt: ReportFormat, year: int) -> list[SheetLayout]:
    """Every sheet of `fmt`'s form for `year`, the report's own figures first. A format without a
    `workbook:` section has no form (a bug to ask: every format declares one)."""
    spec = fmt.workbook
    if spec is None:
        raise ValueError(f"format {fmt.id} declares no workbook")
    tables = [_table_sheet(fmt, sheet, year) for sheet in spec.sheets]
    placed = {slot.key for sheet in tables for slot in sheet.slots}
    report = SheetLayout(spec.report_sheet, widths={1: 36, 2: 16, 3: 8})
    report.label(1, 1, fmt.title, "title", columns=3)
    rows: list[tuple[str, str, str, str]] = [
        (NUMBER, spec.number_label, "number", ""),
        (DATE, spec.date_label, "date", ""),
    ]
    rows += [(k, f.label, f.type, f.unit) for k, f in fmt.fields.items() if k not in placed and f.form]
    for line, (key, label, kind, unit) in enumerate(rows, start=TOP):
        report.label(line, 1, label, "label")
        report.slot(Slot(ref(line, 2), key, kind, unit, label, ""))
        if unit:
            report.label(line, 3, unit, "unit")
    return [report, *tables]


def form_cells(fmt: ReportFormat, year: int) -> dict[str, str]:
    """Every figure's cell as Excel names it (`表三!D6`), by key."""
    return {
        slot.key: f"{sheet.name}!{slot.ref}" for sheet in workbook_layout(fmt, year) for slot in sheet.slots
    }


def _table_sheet(fmt: ReportFormat, sheet: WorkbookSheet, year: int) -> SheetLayout:
    layout = SheetLayout(sheet.name)
    draw = {
        "active": _active,
        "applications": _applications,
        "reviews": _reviews,
        "appendix": _appendix,
        "categories": _categories,
    }[sheet.table]
    width = draw(fmt, layout, year)
    title = fmt.section(sheet.section).label if sheet.section else fmt.appendix.title
    layout.label(1, 1, title, "title", columns=width)
    units = {slot.unit for slot in layout.slots if slot.kind in ("count", "signed", "amount")}
    if len(units) == 1 and "" not in units:  # one unit for every figure (表三, 表四): said once, as printed
        layout.label(TOP - 1, width, f"单位：{units.pop()}", "unit")
    return layout


def _active(fmt: ReportFormat, layout: SheetLayout, year: int) -> int:
    """Table 二: per block its header across the table, a 信息内容 | … row, then its rows; a block
    narrower than the widest stretches its last column (merged) over the rest."""
    table = fmt.active
    if table is None:
        raise ValueError("no table 二")
    width = table.width
    layout.widths = {1: 24, **{c: 16 for c in range(2, width + 2)}}
    line = TOP
    for block in table.blocks:
        layout.label(line, 1, block.header, "head", columns=width + 1)
        layout.label(line + 1, 1, table.label_column, "head")
        for index, column in enumerate(block.columns):
            span = width - len(block.columns) + 1 if index == len(block.columns) - 1 else 1
            layout.label(line + 1, 2 + index, _head(column), "head", columns=span)
        line += 2
        for row in block.rows:
            layout.label(line, 1, row.label, "label")
            for index, column in enumerate(block.columns):
                span = width - len(block.columns) + 1 if index == len(block.columns) - 1 else 1
                merge = f"{ref(line, 2 + index)}:{ref(line, 1 + index + span)}" if span > 1 else None
                key = f"{row.id}.{column.id}"
                layout.slot(
                    Slot(
                        ref(line, 2 + index),
                        key,
                        column.type,
                        column.unit,
                        row.label,
                        column.label,
                        (),
                        merge,
                    )
                )
            line += 1
    return width + 1


def _head(column: Column) -> str:
    """A column's header; the unit after it when the label does not name it (采购总金额（万元）)."""
    return f"{column.label}（{column.unit}）" if column.show_unit else column.label


def _headers(layout: SheetLayout, paths: Sequence[tuple[str, ...]], top: int, left: int) -> int:
    """Nested column headers from each column's path (outermost group first, its label last): a group
    merged across its columns, a label merged down to the last header row. Returns the header rows."""
    depth = max(len(path) for path in paths)
    for level in range(depth):
        index = 0
        while index < len(paths):
            path = paths[index]
            if len(path) <= level:
                index += 1
                continue
            if len(path) == level + 1:  # the column's own label: down to the last header row
                layout.label(top + level, left + index, path[level], "head", rows=depth - level)
                index += 1
                continue
            end = index
            while end + 1 < len(paths) and len(paths[end + 1]) > level + 1:
                if paths[end + 1][: level + 1] != path[: level + 1]:
                    break
                end += 1
            layout.label(top + level, left + index, path[level], "head", columns=end - index + 1)
            index = end + 1
    return depth


def _applications(fmt: ReportFormat, layout: SheetLayout, year: int) -> int:
    """Table 三: the 勾稽关系 note in the corner over the label columns, 申请人情况 over the seven value
    columns, the nested row labels (a group's label spans its rows), 总计 as formulas."""
    table = fmt.applications
    if table is None:
        raise ValueError("no table 三")
    depth = table.depth
    columns = table.all_columns
    paths = [(table.header, *column.group, column.label) for column in columns]
    heads = _headers(layout, paths, TOP, depth + 1)
    layout.label(TOP, 1, table.note, "note", rows=heads, columns=depth)
    layout.widths = {**{c: 6 for c in range(1, depth)}, depth: 40, **{depth + i: 10 for i in range(1, 8)}}
    line = TOP + heads
    at: dict[str, int] = {}
    for row in table.rows:
        level = len(table.ancestors(row))
        if row.kind == "group":
            layout.label(line, level + 1, row.label, "label", rows=table.span(row))
            continue
        layout.label(line, level + 1, row.label, "label", columns=depth - level)
        at[row.id] = line
        line += 1
    cell = {
        (row.id, column.id): ref(at[row.id], depth + 1 + index)
        for row in table.data_rows
        for index, column in enumerate(columns)
    }
    for row in table.data_rows:
        for column in columns:
            parts: tuple[str, ...] = ()
            if column == table.total:
                parts = tuple(cell[(row.id, c.id)] for c in table.columns)
            elif row.derive is not None:
                parts = tuple(cell[(leaf.id, column.id)] for leaf in table.leaves)
            key = f"{row.id}.{column.id}"
            slot = Slot(
                cell[(row.id, column.id)], key, column.type, column.unit, row.label, column.label, parts
            )
            layout.slot(slot)
    return depth + len(columns)


def _reviews(fmt: ReportFormat, layout: SheetLayout, year: int) -> int:
    """Table 四: three header rows over one row of fifteen cells, each 总计 the sum of its group."""
    table = fmt.reviews
    if table is None:
        raise ValueError("no table 四")
    heads = _headers(layout, [(*c.group, c.label) for c in table.columns], TOP, 1)
    line = TOP + heads
    layout.widths = {c: 9 for c in range(1, len(table.columns) + 1)}
    cell = {column.id: ref(line, index) for index, column in enumerate(table.columns, start=1)}
    for column in table.columns:
        parts = tuple(cell[part.id] for part in table.parts(column)) if column.derive else ()
        row = "".join(column.group)
        layout.slot(Slot(cell[column.id], column.id, column.type, column.unit, row, column.label, parts))
    return len(table.columns)


def _appendix(fmt: ReportFormat, layout: SheetLayout, year: int) -> int:
    """The appendix: 指标名称 | 单位 | <year>, this year's figures only (the 历年累计 is computed from the
    years on file); a summed row as the formula of its rows, the categories' row as their total's."""
    appendix = fmt.appendix
    layout.widths = {1: 30, 2: 8, 3: 14}
    for column, text in enumerate((appendix.label_column, appendix.unit_column, str(year)), start=1):
        layout.label(TOP, column, text, "head")
    at = {row.id: TOP + 1 + index for index, row in enumerate(appendix.rows)}
    categories = _category_total(fmt)
    for row in appendix.rows:
        line = at[row.id]
        layout.label(line, 1, row.label, "label")
        layout.label(line, 2, row.unit, "unit")
        parts: tuple[str, ...] = ()
        if row.derive == "sum":
            parts = tuple(ref(at[child.id], 3) for child in appendix.children(row.id))
        elif row.derive == "categories":
            parts = (categories,)
        layout.slot(Slot(ref(line, 3), row.id, "count", row.unit, row.label, str(year), parts))
    return 3


def category_sheet(fmt: ReportFormat) -> str:
    spec = fmt.workbook
    sheets = spec.sheets if spec else ()
    return next(sheet.name for sheet in sheets if sheet.table == "categories")


def _category_total(fmt: ReportFormat) -> str:
    """The categories' total cell, as another sheet's formula names it (`'类别'!B24`)."""
    return f"'{category_sheet(fmt)}'!{ref(TOP + 1 + CATEGORY_ROWS, 2)}"


def _categories(fmt: ReportFormat, layout: SheetLayout, year: int) -> int:
    """The categories: 类别 | 条数, blank rows for the agency's own names, then 合计 (a formula)."""
    spec = fmt.categories
    layout.widths = {1: 50, 2: 12}
    layout.label(TOP, 1, spec.name_column, "head")
    layout.label(TOP, 2, spec.count_column, "head")
    lines = list(range(TOP + 1, TOP + 1 + CATEGORY_ROWS))
    for number, line in enumerate(lines, start=1):
        name = f"{spec.field}#{number}"
        layout.slot(Slot(ref(line, 1), name, "name", "", f"第 {number} 类", spec.name_column))
        layout.slot(
            Slot(ref(line, 2), f"{name}.count", "count", spec.unit, f"第 {number} 类", spec.count_column)
        )
    total = lines[-1] + 1
    layout.label(total, 1, spec.total_label, "label")
    parts = tuple(ref(line, 2) for line in lines)
    layout.slot(
        Slot(ref(total, 2), spec.field, "count", spec.unit, spec.total_label, spec.count_column, parts)
    )
    return 2
