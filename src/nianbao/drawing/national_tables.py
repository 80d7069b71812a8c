"""Derived figures → tables 二, 三 and 四 of the national formats in the official layout.

Merged cells as in the published template: table 二's block header rows, table 三's two-level applicant
header with the 勾稽关系 note in its corner and its nested row labels (三、本年度办理结果 spanning its
rows), table 四's three header rows. Every cell is printed (0, never blank); all text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from nianbao.figures import numbers
from nianbao.formats.tables import ActiveTable, ApplicationTable, Column, ReviewTable, Row
from nianbao.inputs.model import Number


@dataclass(frozen=True)
class Cell:
    text: str
    tag: str = "td"
    css: str = ""
    rowspan: int = 1
    colspan: int = 1

    def __html__(self) -> str:
        attributes = "".join(
            f' {name}="{value}"'
            for name, value in (("class", self.css), ("rowspan", self.rowspan), ("colspan", self.colspan))
            if value not in ("", 1)
        )
        return f"<{self.tag}{attributes}>{escape(self.text)}</{self.tag}>"


def _tr(cells: Sequence[Cell]) -> str:
    return "<tr>" + "".join(cell.__html__() for cell in cells) + "</tr>"


def _table(css: str, head: Sequence[Sequence[Cell]], body: Sequence[Sequence[Cell]]) -> Markup:
    """Header rows stay in <tbody>: the stylesheet keeps <thead> cells on one line (right for the
    appendix), but these headers must wrap (the 勾稽关系 note, 社会公益组织 over a narrow column); leaving
    the stylesheet alone keeps the pre2019 report byte-identical."""
    rows = [*head, *body]
    html = [f'<table class="nb-table {css}">', "<tbody>", *(_tr(row) for row in rows), "</tbody>", "</table>"]
    return Markup("\n".join(html))


def value_text(value: Number, column: Column) -> str:
    """A cell as printed: integers as such, amounts without trailing zeros, the unit if the label lacks it."""
    text = numbers.amount(value) if isinstance(value, Decimal) else numbers.count(int(value))
    return f"{text}{column.unit}" if column.show_unit else text


def header_rows(paths: Sequence[tuple[str, ...]]) -> list[list[Cell]]:
    """Header rows for columns given as label paths (outer groups first, own label last).

    A group spans its consecutive columns; a label with fewer groups above it than the deepest column
    spans the rows below it (行政复议's 结果维持 covers two rows, 行政诉讼's sit under 未经复议直接起诉).
    """
    depth = max(len(path) for path in paths)
    rows: list[list[Cell]] = []
    for level in range(depth):
        cells: list[Cell] = []
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) - 1 == level:
                cells.append(Cell(path[level], "th", rowspan=depth - level))
                i += 1
            elif len(path) - 1 > level:
                j = i
                while (
                    j < len(paths)
                    and len(paths[j]) - 1 > level
                    and paths[j][: level + 1] == path[: level + 1]
                ):
                    j += 1
                cells.append(Cell(path[level], "th", colspan=j - i))
                i = j
            else:
                i += 1
        rows.append(cells)
    return rows


def active_table(table: ActiveTable, values: Mapping[str, Number]) -> Markup:
    """Table 二: per block a full-width header row, a 信息内容 | … row, then its rows."""
    width = table.width
    body: list[list[Cell]] = []
    for block in table.blocks:
        stretch = width - len(block.columns) + 1  # a narrower block's last column spans the rest
        spans = [1] * (len(block.columns) - 1) + [stretch]
        body.append([Cell(block.header, "th", "block", colspan=width + 1)])
        body.append(
            [Cell(table.label_column, "th")]
            + [Cell(c.label, "th", colspan=span) for c, span in zip(block.columns, spans, strict=True)]
        )
        for row in block.rows:
            body.append(
                [Cell(row.label, css="label")]
                + [
                    Cell(value_text(values[f"{row.id}.{c.id}"], c), css="num", colspan=span)
                    for c, span in zip(block.columns, spans, strict=True)
                ]
            )
    return _table("nb-active", [], body)


def application_table(table: ApplicationTable, values: Mapping[str, Number]) -> Markup:
    """Table 三: the corner note over the label columns, 申请人情况 › (自然人 | 法人或其他组织 › … | 总计)."""
    columns = table.all_columns
    head = header_rows([(table.header, *c.group, c.label) for c in columns])
    head[0].insert(0, Cell(table.note, "th", "corner", rowspan=len(head), colspan=table.depth))
    body: list[list[Cell]] = []
    pending: list[Cell] = []  # group labels waiting for their first data row
    for row in table.rows:
        level = len(table.ancestors(row))
        if row.kind == "group":
            pending.append(Cell(row.label, css="label group", rowspan=table.span(row)))
            continue
        label = Cell(row.label, css=_label_css(row), colspan=table.depth - level)
        cells = [Cell(numbers.count(int(values[f"{row.id}.{c.id}"])), css="num") for c in columns]
        body.append([*pending, label, *cells])
        pending = []
    return _table("nb-applications", head, body)


def _label_css(row: Row) -> str:
    return "label total" if row.derive else "label"


def review_table(table: ReviewTable, values: Mapping[str, Number]) -> Markup:
    """Table 四: 行政复议 | 行政诉讼 › (未经复议直接起诉 | 复议后起诉), one row of figures."""
    head = header_rows([(*c.group, c.label) for c in table.columns])
    body = [[Cell(value_text(values[c.id], c), css="num") for c in table.columns]]
    return _table("nb-reviews", head, body)
