"""What the template notebook calls: one object that holds a report's figures and draws its pieces.

The notebook stays thin: `report = open_report(agency, year)`, then `report.category_table()` etc.
Each method returns an IPython display object whose plain-text form is fixed, so executed notebooks
carry no memory addresses.
"""

from __future__ import annotations

from pathlib import Path

from IPython.display import HTML, SVG

from nianbao import charts, tables
from nianbao.figures import Figures
from nianbao.load import load_agency_year
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


def open_report(agency: str, year: int, root: Path | None = None) -> Report:
    """Load, check and derive one agency's report for `year` (the project is found from `root` or the cwd)."""
    project = Project.discover(root)
    return Report(Figures.derive(load_agency_year(project, agency, int(year))))
