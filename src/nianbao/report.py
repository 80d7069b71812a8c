"""What the template notebooks call: one object that holds a report's figures and draws its pieces, and
its kind for the district summary.

The notebooks stay thin: `report = open_report(agency, year)`, then `report.category_table()` etc.;
`summary = open_summary(year, agencies)`, then `summary.drawn()`, `summary.breakdown_table()`.
Each method returns a display object (`drawing.outputs.Output`) with every mimetype the executed
notebook keeps: a table's HTML and its model as JSON, a chart's SVG and PNG, and a fixed plain-text
form, so executed notebooks carry no memory addresses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from nianbao.drawing import breakdown, charts, national_tables, tables
from nianbao.drawing.outputs import Output, chart_output, table_output
from nianbao.figures.derived import Figures
from nianbao.figures.district import District
from nianbao.inputs import snapshot
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import Number
from nianbao.inputs.snapshot import Snapshot
from nianbao.paths import Project


class Report:
    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def category_table(self) -> Output | None:
        """The categories' table; nothing for a report that lists no categories (they are optional)."""
        if not self.figures.categories:
            return None
        return table_output(tables.category_table(self.figures))

    def category_chart(self) -> Output | None:
        if not self.figures.categories:
            return None
        return chart_output(charts.category_chart(self.figures))

    def appendix_table(self) -> Output:
        return table_output(tables.appendix_table(self.figures))

    # ---- national formats (gb2019, gb2021): tables 二, 三, 四 and the chart of outcomes

    def active_table(self) -> Output:
        return table_output(national_tables.active_table(*self._national("active")))

    def application_table(self) -> Output:
        return table_output(national_tables.application_table(*self._national("applications")))

    def review_table(self) -> Output:
        return table_output(national_tables.review_table(*self._national("reviews")))

    def outcome_chart(self) -> Output:
        return chart_output(charts.outcome_chart(self.figures))

    def _national(self, table: str) -> tuple[Any, Mapping[str, Number], Mapping[str, str]]:
        """A national table's spec, the figures it shows and how not-applicable cells were typed; a
        template cell of another format is a bug."""
        spec = getattr(self.figures.model.format, table)
        if spec is None:
            raise ValueError(f"format {self.figures.model.format.id} has no table {table}")
        return spec, self.figures.values, self.figures.shown


class Summary(Report):
    """The district summary: the district's figures drawn by the report's own methods, and the agencies'."""

    def __init__(self, district: District) -> None:
        super().__init__(district.figures)
        self.district = district

    def drawn(self) -> list[Output]:
        """The tables and charts the format sums up (its `summary.draw`: method names of `Report`), in
        order; a table of nothing is not drawn."""
        drawn = [getattr(self, method)() for method in self.figures.model.format.summary.draw]
        return [output for output in drawn if output is not None]

    def breakdown_table(self) -> Output:
        return table_output(breakdown.breakdown_table(self.figures, self.district.parts))

    def breakdown_chart(self) -> Output:
        return chart_output(breakdown.breakdown_chart(self.figures, self.district.parts))


# The inputs the build handed this kernel (`notebook/handover.py`), as JSON; None when the template runs
# without a build (opened in JupyterLab): then it reads the project. A kernel runs one report only.
_received: str | None = None


def receive_inputs(text: str) -> None:
    """Called by the build, before the template runs: the snapshot of the inputs to load from."""
    global _received
    _received = text


def open_report(agency: str, year: int, root: Path | None = None) -> Report:
    """Load, check and derive one agency's report for `year` (the project is found from `root` or the cwd),
    from the build's snapshot of its inputs when there is one."""
    project = Project.discover(root)
    with _inputs(project):
        return Report(Figures.derive(load_agency_year(project, agency, int(year))))


def open_summary(year: int, agencies: Sequence[str], root: Path | None = None) -> Summary:
    """Load, check and derive the district summary of `agencies` for `year` (as `open_report`)."""
    project = Project.discover(root)
    with _inputs(project):
        return Summary(District.derive(project, int(year), [str(agency) for agency in agencies]))


def _inputs(project: Project) -> AbstractContextManager[object]:
    """Reading from the build's snapshot when there is one, else from the project's files."""
    if _received is None:
        return contextlib.nullcontext()
    return snapshot.using(Snapshot.from_json(project.root, _received))
