"""End to end: nianbao's own published pages, imported back, rebuild the same tables; and an agency new to
nianbao that imports last year's page gets this year's carry-overs and year-on-year figures right."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from nianbao.build import build_report
from nianbao.drawing.outputs import pieces
from nianbao.drawing.table_model import Table
from nianbao.inputs.load import years_on_file
from nianbao.paths import Project
from nianbao.portal.import_page import import_page
from tests.conftest import copy_project

pytestmark = pytest.mark.slow
AGENCY = "shili"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample project with every year of the national sample agency built."""
    project = Project(copy_project(tmp_path_factory.mktemp("published") / "project"))
    for year in years_on_file(project, AGENCY):
        build_report(project, AGENCY, year)
    return project


def tables(project: Project, year: int) -> list[Table]:
    notebook = nbformat.read(project.report_notebook(AGENCY, year), as_version=4)  # type: ignore[no-untyped-call]
    return [piece for piece in pieces(notebook) if isinstance(piece, Table)]


def forget(project: Project, year: int, *names: str) -> None:
    for name in names:
        (project.year_dir(AGENCY, year) / name).unlink()


@pytest.mark.parametrize("year", range(2019, 2026))
def test_an_imported_page_rebuilds_the_same_tables(published: Project, tmp_path: Path, year: int) -> None:
    project = Project(copy_project(tmp_path / "project"))
    forget(project, year, "figures.yaml", "applications.csv")  # the narrative stays: the year is built
    import_page(project, published.report_html(AGENCY, year), AGENCY, year)
    build_report(project, AGENCY, year)
    assert tables(project, year) == tables(published, year)


def test_last_years_page_gives_this_years_carry_overs_and_changes(published: Project, tmp_path: Path) -> None:
    project = Project(copy_project(tmp_path / "project"))
    for year in (2023, 2024):  # the agency's files before 2025: only last year's page
        forget(project, year, "figures.yaml", "applications.csv", "narrative.md")
    page = tmp_path / "2024年报.html"
    page.write_bytes(published.report_html(AGENCY, 2024).read_bytes())
    import_page(project, page, AGENCY, 2024)
    assert not project.narrative(AGENCY, 2024).exists()  # history: never built
    built = build_report(project, AGENCY, 2025)
    assert tables(project, 2025) == tables(published, 2025)
    ours, theirs = (p.report_html(AGENCY, 2025).read_text(encoding="utf-8") for p in (project, published))
    changes = next(p for p in theirs.split("<p>") if "与2024年相比" in p)  # the year-on-year sentence
    assert "比上年" in changes and changes in ours
    assert not [w for w in built.warnings if "A5" in w]  # 上年结转 = 2024's 结转下年度, as printed
