"""End to end: a built report's PDF says what its page says — headings in order, every table cell, the
文号 — on numbered A4 pages, its charts as vectors."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from nianbao.build import build_report
from nianbao.paths import Project
from tests.conftest import copy_project
from tests.pdf_text import in_order, pages_text, reader, squeezed, xobjects

pytestmark = pytest.mark.slow


class Sequence(HTMLParser):
    """The page's headings and table cells, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.cells: list[str] = []
        self.open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "th", "td"):
            self.open = [tag]

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[0] == tag:
            text = "".join(self.open[1:]).strip()
            (self.headings if tag.startswith("h") else self.cells).append(text)
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.open.append(data)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_project(tmp_path_factory.mktemp("pdf") / "project"))


@pytest.mark.parametrize(
    ("agency", "year", "number"), [("minzheng", 2017, "元民〔2018〕2号"), ("shili", 2025, None)]
)
def test_the_pdf_says_what_the_page_says(
    project: Project, agency: str, year: int, number: str | None
) -> None:
    build_report(project, agency, year)
    data = project.report_file(agency, year, "report.pdf").read_bytes()
    page = Sequence()
    page.feed(project.report_html(agency, year).read_text(encoding="utf-8"))
    pages = pages_text(data)
    text = "".join(pages)
    assert page.headings and in_order(page.headings, text) == []
    assert [cell for cell in page.cells if squeezed(cell) not in squeezed(text)] == []
    if number:
        assert squeezed(text).startswith(squeezed(number))
    for n, on_page in enumerate(pages, 1):
        assert on_page.rstrip().endswith(f"— {n} —")
        assert reader(data).pages[n - 1].mediabox.width == pytest.approx(595.28, abs=0.01)
    assert "/Image" not in xobjects(data)  # the charts are drawn as vectors, from their SVG
