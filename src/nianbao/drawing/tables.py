"""Derived figures → the pre2019 tables as models (`table_model`): the categories and the 附表."""

from __future__ import annotations

from nianbao.drawing.table_model import Cell, Table
from nianbao.figures import numbers
from nianbao.figures.derived import Figures


def header(labels: list[str]) -> tuple[Cell, ...]:
    return tuple(Cell(label, header=True) for label in labels)


def number(text: str) -> Cell:
    return Cell(text, classes=("num",))


def category_table(figures: Figures) -> Table:
    """类别 | 条数 | 占比, with a 合计 row (100%, as publishers print it)."""
    spec = figures.model.format.categories
    body = tuple(
        (Cell(line.name), number(numbers.count(line.count)), number(figures.percent(line.share)))
        for line in figures.categories
    )
    total = (
        Cell(spec.total_label, header=True),
        number(numbers.count(figures.category_total)),
        number(figures.percent(figures.category_share_total)),
    )
    head = header([spec.name_column, spec.count_column, spec.share_column])
    return Table("categories", head=(head,), body=body, foot=(total,))


def appendix_table(figures: Figures) -> Table:
    """附表：指标名称 | 单位 | <年度> | 历年累计, all rows of the format in order."""
    appendix = figures.model.format.appendix
    head = header(
        [appendix.label_column, appendix.unit_column, str(figures.model.year), figures.cumulative_heading]
    )
    body = tuple(
        (
            Cell(line.label, classes=("sub",) if line.parent else ()),
            Cell(line.unit, classes=("unit",)),
            number(numbers.cell(line.value, line.shown)),
            number(numbers.count(line.cumulative)),
        )
        for line in figures.appendix
    )
    return Table("appendix", head=(head,), body=body)
