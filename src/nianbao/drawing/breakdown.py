"""The district summary's per-agency table and chart: the format's `summary.breakdown` columns, one row
(or bar) per agency, the district's total below."""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.drawing import charts, tables
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.table_model import Cell, Table
from nianbao.figures import numbers
from nianbao.figures.derived import Figures


def breakdown_table(district: Figures, parts: Sequence[Figures]) -> Table:
    """机关 | each column: one row per agency, the district's total below."""
    columns = district.model.format.summary.breakdown

    def figures_of(of: Figures) -> tuple[Cell, ...]:
        return tuple(tables.number(numbers.count(int(of.values[key]))) for key, _ in columns)

    head = tables.header(["机关", *(heading for _, heading in columns)])
    body = tuple((Cell(part.model.profile.name), *figures_of(part)) for part in parts)
    total = (Cell("合计", header=True), *figures_of(district))
    # Its column headings are long (受理政府信息公开申请总数（条）): they wrap, or the table
    # outgrows the page.
    return Table("breakdown", head=(head,), body=body, foot=(total,), wrap_head=True)


def breakdown_chart(district: Figures, parts: Sequence[Figures], *, png: bool = True) -> Chart:
    """Each agency's figure in the first column of the breakdown, as bars."""
    key, heading = district.model.format.summary.breakdown[0]
    counts = [int(part.values[key]) for part in parts]
    return charts.bar_chart(
        [part.model.profile.name for part in parts],
        counts,
        [numbers.count(count) for count in counts],
        charts.wrap(heading, 30),
        png=png,
    )
