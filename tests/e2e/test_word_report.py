"""End to end: a built report's report.docx says what its page says — the headings on their styles, every
table cell for cell with the page's cells and merges, its charts — rebuilds byte for byte, and a Word
file that cannot be made fails the report, leaving nothing half-published."""

from __future__ import annotations

from html.parser import HTMLParser

import nbformat
import pytest

from nianbao.build import build_report
from nianbao.drawing.chart_model import Chart
from nianbao.paths import Project
from nianbao.publish import document, export, titles, word
from nianbao.publish.document import Heading
from tests import word_reading
from tests.conftest import copy_project
from tests.word_reading import ReadCell

pytestmark = pytest.mark.slow
ROLES = {1: "标题", 2: "一级标题", 3: "二级标题"}


class PageTables(HTMLParser):
    """The cells of every table of a page, row by row, with their spans."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[ReadCell]]] = []
        self.cell: list[str] | None = None
        self.spans = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
            self.spans = (int(found.get("rowspan") or 1), int(found.get("colspan") or 1))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(ReadCell("".join(self.cell).strip(), *self.spans))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_project(tmp_path_factory.mktemp("word") / "project"))


@pytest.mark.parametrize(
    ("agency", "year", "merges"),
    [("minzheng", 2017, False), ("shili", 2025, True)],
    ids=["pre2019", "gb2021"],
)
def test_the_word_file_says_what_the_page_says_and_rebuilds_byte_for_byte(
    project: Project, agency: str, year: int, merges: bool
) -> None:
    built = build_report(project, agency, year)
    saved = project.report_file(agency, year, "report.docx")
    assert saved in built.exports
    opened = word_reading.opened(saved.read_bytes())
    notebook = nbformat.read(built.notebook, as_version=4)  # type: ignore[no-untyped-call]
    expected = document.from_notebook(notebook)

    headings = [(style, text) for style, text in word_reading.paragraphs(opened) if style in ROLES.values()]
    title_lines = titles.lines(expected.title_in_parts, word.TITLE_WIDTH)  # a long title breaks between words
    assert headings == [(ROLES[1], "\n".join(title_lines))] + [
        (ROLES.get(h.level, "三级标题"), h.text) for h in expected.blocks if isinstance(h, Heading)
    ]
    page = PageTables()
    page.feed(built.html.read_text(encoding="utf-8"))
    assert word_reading.tables(opened) == page.tables  # figures, labels and merges as the page shows them
    spans = [
        cell for table in page.tables for row in table for cell in row if cell.rowspan * cell.colspan > 1
    ]
    assert bool(spans) == merges  # the national tables' merged headers are merged in Word too
    assert len(opened.inline_shapes) == sum(isinstance(block, Chart) for block in expected.blocks) >= 1
    assert word_reading.paragraphs(opened)[-1] == ("落款", "\n".join(expected.signature))

    first = saved.read_bytes()
    build_report(project, agency, year)
    assert saved.read_bytes() == first


def test_a_word_file_that_cannot_be_made_fails_the_report(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(source: object) -> bytes:
        raise RuntimeError("Word export failed")

    page = project.report_html("minzheng", 2017)
    page.unlink(missing_ok=True)
    monkeypatch.setitem(export.OUTPUTS, "docx", broken)
    with pytest.raises(RuntimeError, match="Word export failed"):
        build_report(project, "minzheng", 2017)
    assert not page.exists()  # all or nothing: the page is not published without its Word file
