"""Derived figures → tables 二, 三 and 四 of the national formats as models, in the official layout.

Merged cells as in the published template: table 二's block header rows, table 三's two-level applicant
header with the 勾稽关系 note in its corner and its nested row labels (三、本年度办理结果 spanning its
rows), table 四's three header rows. Every cell is printed (0, never blank); a
cell typed as not applicable (—, /) is printed as typed (`shown`), though it counts as 0. Their headers wrap
(`wrap_head`): the 勾稽关系 note and 社会公益组织 over a narrow column do not fit on one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from nianbao.drawing.table_model import Cell, Table, header_rows
from nianbao.figures import numbers
from nianbao.formats.tables import ActiveTable, ApplicationTable, Column, ReviewTable, Row
from nianbao.inputs.model import Number


def value_text(value: Number, column: Column) -> str:
    """A cell as printed: integers as such, amounts without trailing zeros, the unit if the label lacks it."""
    text = numbers.amount(value) if isinstance(value, Decimal) else numbers.count(int(value))
    return f"{text}{column.unit}" if column.show_unit else text


NOTHING_SHOWN: Mapping[str, str] = {}


def active_table(
    table: ActiveTable, values: Mapping[str, Number], shown: Mapping[str, str] = NOTHING_SHOWN
) -> Table:
    """Table 二: per block a full-width header row, a 信息内容 | … row, then its rows."""
    width = table.width
    body: list[tuple[Cell, ...]] = []
    for block in table.blocks:
        stretch = width - len(block.columns) + 1  # a narrower block's last column spans the rest
        spans = [1] * (len(block.columns) - 1) + [stretch]
        body.append((Cell(block.header, header=True, colspan=width + 1, classes=("block",)),))
        body.append(
            (
                Cell(table.label_column, header=True),
                *(
                    Cell(c.label, header=True, colspan=span)
                    for c, span in zip(block.columns, spans, strict=True)
                ),
            )
        )
        for row in block.rows:
            body.append(
                (
                    Cell(row.label, classes=("label",)),
                    *(
                        Cell(
                            shown.get(key := f"{row.id}.{c.id}") or value_text(values[key], c),
                            colspan=span,
                            classes=("num",),
                        )
                        for c, span in zip(block.columns, spans, strict=True)
                    ),
                )
            )
    return Table("active", head=(), body=tuple(body), wrap_head=True)


def application_table(
    table: ApplicationTable, values: Mapping[str, Number], shown: Mapping[str, str] = NOTHING_SHOWN
) -> Table:
    """Table 三: the corner note over the label columns, 申请人情况 › (自然人 | 法人或其他组织 › … | 总计)."""
    columns = table.all_columns
    head = header_rows([(table.header, *c.group, c.label) for c in columns])
    corner = Cell(table.note, header=True, rowspan=len(head), colspan=table.depth, classes=("corner",))
    head[0].insert(0, corner)
    body: list[tuple[Cell, ...]] = []
    pending: list[Cell] = []  # group labels waiting for their first data row
    for row in table.rows:
        level = len(table.ancestors(row))
        if row.kind == "group":
            pending.append(Cell(row.label, rowspan=table.span(row), classes=("label", "group")))
            continue
        label = Cell(row.label, colspan=table.depth - level, classes=_label_classes(row))
        cells = [
            Cell(shown.get(key := f"{row.id}.{c.id}") or numbers.count(int(values[key])), classes=("num",))
            for c in columns
        ]
        body.append((*pending, label, *cells))
        pending = []
    return Table("applications", head=tuple(map(tuple, head)), body=tuple(body), wrap_head=True)


def _label_classes(row: Row) -> tuple[str, ...]:
    return ("label", "total") if row.derive else ("label",)


def review_table(
    table: ReviewTable, values: Mapping[str, Number], shown: Mapping[str, str] = NOTHING_SHOWN
) -> Table:
    """Table 四: 行政复议 | 行政诉讼 › (未经复议直接起诉 | 复议后起诉), one row of figures."""
    head = header_rows([(*c.group, c.label) for c in table.columns])
    body = (
        tuple(Cell(shown.get(c.id) or value_text(values[c.id], c), classes=("num",)) for c in table.columns),
    )
    return Table("reviews", head=tuple(map(tuple, head)), body=body, wrap_head=True)
