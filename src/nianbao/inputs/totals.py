"""Each year's value of every row the format derives (totals), from the typed figures: what the checks
compare and the figures build on."""

from __future__ import annotations

from nianbao.formats import ReportFormat
from nianbao.inputs import national
from nianbao.inputs.model import Opening, YearData


def row_values(fmt: ReportFormat, data: YearData) -> dict[str, int]:
    """One year's value for every appendix row: typed rows from the data, totals computed.

    National formats have no appendix: their derived figures are the totals nobody typed."""
    if not fmt.cumulative:
        return national.totals(fmt, data.values)
    values: dict[str, int] = {}
    for row in fmt.appendix.rows:
        if row.derive is None:
            values[row.id] = int(data.values[row.id])
    for row in fmt.appendix.rows:
        if row.derive == "categories":
            values[row.id] = sum(count for _, count in data.categories)
        elif row.derive == "sum":
            values[row.id] = sum(values[child.id] for child in fmt.appendix.children(row.id))
    return values


def opening_values(fmt: ReportFormat, opening: Opening) -> dict[str, int]:
    """The opening balance of every appendix row: typed rows as given, `sum` rows from their children."""
    values = dict(opening.cumulative)
    for row in fmt.appendix.rows:
        if row.derive == "sum":
            values[row.id] = sum(values[child.id] for child in fmt.appendix.children(row.id))
    return values
