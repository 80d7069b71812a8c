"""What the template notebook calls: one object that holds a report's figures and draws its pieces.

The notebook stays thin: `report = open_report(agency, year)`, then `report.category_table()` etc.
Each method returns an IPython display object whose plain-text form is fixed, so executed notebooks
carry no memory addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from IPython.display import HTML, SVG

from nianbao.drawing import charts, national_tables, tables
from nianbao.figures.derived import Figures
from nianbao.inputs import snapshot
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import Number
from nianbao.inputs.snapshot import Snapshot
from nianbao.paths import Project


class Report:
    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def category_table(self) -> HTML:
        return HTML(str(tables.category_table(self.figures)))  # type: ignore[no-untyped-call]

    def category_chart(self) -> SVG:
        return SVG(charts.category_chart(self.figures))  # type: ignore[no-untyped-call]

    def appendix_table(self) -> HTML:
        return HTML(str(tables.appendix_table(self.figures)))  # type: ignore[no-untyped-call]

    # ---- national formats (gb2019, gb2021): tables 二, 三, 四 and the chart of outcomes

    def active_table(self) -> HTML:
        return HTML(str(national_tables.active_table(*self._national("active"))))  # type: ignore[no-untyped-call]

    def application_table(self) -> HTML:
        table = national_tables.application_table(*self._national("applications"))
        return HTML(str(table))  # type: ignore[no-untyped-call]

    def review_table(self) -> HTML:
        return HTML(str(national_tables.review_table(*self._national("reviews"))))  # type: ignore[no-untyped-call]

    def outcome_chart(self) -> SVG:
        return SVG(charts.outcome_chart(self.figures))  # type: ignore[no-untyped-call]

    def _national(self, table: str) -> tuple[Any, Mapping[str, Number]]:
        """A national table's spec and the figures it shows; a template cell of another format is a bug."""
        spec = getattr(self.figures.model.format, table)
        if spec is None or self.figures.national is None:
            raise ValueError(f"format {self.figures.model.format.id} has no table {table}")
        return spec, self.figures.national.values


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
    if _received is None:
        return Report(Figures.derive(load_agency_year(project, agency, int(year))))
    with snapshot.using(Snapshot.from_json(project.root, _received)):
        return Report(Figures.derive(load_agency_year(project, agency, int(year))))
