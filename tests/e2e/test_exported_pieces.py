"""End to end: a built sample report's notebook gives an exporter the very tables and charts of its page,
in the page's order (the page itself is pinned byte for byte by the golden file)."""

from __future__ import annotations

import re

import nbformat
import pytest

from nianbao.build import build_report
from nianbao.drawing import charts, national_tables, tables
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.outputs import pieces, svg_element
from nianbao.drawing.table_model import Table
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from tests.conftest import copy_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_project(tmp_path_factory.mktemp("pieces") / "project"))


def built(project: Project, agency: str, year: int) -> tuple[list[Table | Chart], str, Figures]:
    """The pieces read back from the executed notebook, the page, and the figures drawn in this process."""
    result = build_report(project, agency, year)
    executed = nbformat.read(project.report_notebook(agency, year), as_version=4)  # type: ignore[no-untyped-call]
    figures = Figures.derive(load_agency_year(project, agency, year))
    return pieces(executed), result.html.read_text(encoding="utf-8"), figures


def shown(page: str) -> list[str]:
    """The tables (by id) and charts of a page, in order."""
    return [m[1] or "chart" for m in re.finditer(r'<table class="nb-table nb-(\w+)[" ]|<svg\b', page)]


def drawn_here(chart: Chart) -> Chart:
    return Chart(svg_element(chart.svg), chart.png)


def test_a_pre2019_report(project: Project) -> None:
    found, page, figures = built(project, "minzheng", 2017)
    assert found == [
        tables.category_table(figures),
        drawn_here(charts.category_chart(figures)),  # the kernel drew the same PNG bytes as this process
        tables.appendix_table(figures),
    ]
    assert shown(page) == [piece.id if isinstance(piece, Table) else "chart" for piece in found]
    appendix = found[2]
    assert isinstance(appendix, Table) and appendix.body[0][3].text == "192"  # 历年累计 of 主动公开文件数


def test_a_national_report_in_the_templates_order(project: Project) -> None:
    found, page, figures = built(project, "shili", 2025)
    fmt, national = figures.model.format, figures
    assert fmt.active and fmt.applications and fmt.reviews
    assert found == [
        national_tables.active_table(fmt.active, national.values),
        national_tables.application_table(fmt.applications, national.values),
        drawn_here(charts.outcome_chart(figures)),
        national_tables.review_table(fmt.reviews, national.values),
    ]
    assert shown(page) == [piece.id if isinstance(piece, Table) else "chart" for piece in found]
    applications = found[1]
    assert isinstance(applications, Table)
    assert [cell.text for cell in applications.head[1]] == ["自然人", "法人或其他组织", "总计"]
