"""The Word file read as a desk without the Windows fonts shows it (LibreOffice, as on 麒麟/UOS): a report of
each format and district summaries, converted to PDF by LibreOffice and read back.

- The faces: body text in a serif (宋/仿宋-like) Chinese face, 一、 headings in a sans (黑) face, the title
  larger than the body and not in the headings' sans; every Chinese face a simplified-Chinese one (the
  Japanese face LibreOffice falls back to draws some characters in their Japanese forms).
- Nothing stranded: the last page holds the end of the text before the sign-off, not the sign-off alone; a
  table's header rows stand on the page of its first body row, and so does the paragraph before it.
- The title breaks only between words: after the agency's name, around the year, before （汇总）, never
  leaving a scrap such as 报告 or 度报告 on a line of its own.

Skipped where LibreOffice or poppler-utils is not installed (.ci/run installs both)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nbformat
import pytest

from nianbao.build import build_report
from nianbao.drawing.table_model import Table
from nianbao.paths import Project
from nianbao.publish import document
from nianbao.publish.document import Document, Heading, Items, Paragraph
from tests import office, pdf_text
from tests.conftest import Summaries, copy_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not office.AVAILABLE, reason="needs LibreOffice and poppler-utils"),
]

REPORTS = {"pre2019": ("minzheng", 2017), "gb2019": ("shili", 2019), "gb2021": ("shili", 2025)}
SUMMARIES = (2017, 2025)
SERIF_MARKS = ("serif", "song", "ming")  # Noto/Source Han Serif, 宋体/仿宋 (FangSong), Ming
SANS_MARKS = ("sans", "hei", "gothic")  # Noto/Source Han Sans, 黑体 (SimHei)
NOT_SIMPLIFIED = ("jp", "kr", "tc", "hk")  # the CJK families' other regions: other glyph forms
SHORTEST_TITLE_LINE = 4  # characters: "报告", "度报告" alone on a line is what must not happen
YEAR = re.compile(r"\d{4}年")


@dataclass
class Rendered:
    name: str
    document: Document
    docx: Path

    @cached_property
    def pdf(self) -> Path:
        return office.to_pdf(self.docx)

    @cached_property
    def runs(self) -> list[office.Drawn]:
        return office.drawn(self.pdf)

    @cached_property
    def pages(self) -> list[str]:
        return office.pages(self.pdf)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(copy_project(tmp_path_factory.mktemp("typesetting") / "project"))


@pytest.fixture(scope="module")
def rendered(
    project: Project, summaries: Summaries, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("rendered")
    found: dict[str, Rendered] = {}
    for name, (agency, year) in REPORTS.items():
        built = build_report(project, agency, year)
        notebook = nbformat.read(built.notebook, as_version=4)  # type: ignore[no-untyped-call]
        saved = folder / f"{name}.docx"
        saved.write_bytes(project.report_file(agency, year, "report.docx").read_bytes())
        found[name] = Rendered(name, document.from_notebook(notebook), saved)
    for year in SUMMARIES:
        made = summaries(year)
        saved = folder / f"summary-{year}.docx"
        saved.write_bytes(made.project.summary_file(year, "summary.docx").read_bytes())
        found[f"summary-{year}"] = Rendered(f"summary-{year}", made.notebook.document(), saved)
    return found


KINDS = [*REPORTS, *(f"summary-{year}" for year in SUMMARIES)]


def _one(faces: set[str], what: str) -> str:
    assert len(faces) == 1, f"{what} drawn in {sorted(faces)}"
    return next(iter(faces))


@pytest.mark.parametrize("kind", KINDS)
def test_body_headings_and_title_are_drawn_in_their_own_faces(
    rendered: dict[str, Rendered], kind: str
) -> None:
    shown = rendered[kind]
    blocks = [block for block in shown.document.blocks if isinstance(block, Heading | Paragraph)]
    title, *found = office.located(shown.runs, [shown.document.title, *(block.text for block in blocks)])
    body = [
        run for block, runs in zip(blocks, found, strict=True) if isinstance(block, Paragraph) for run in runs
    ]
    headings = [
        run
        for block, runs in zip(blocks, found, strict=True)
        if isinstance(block, Heading) and block.level == 2
        for run in runs
    ]
    body_face = _one(office.cjk_families(body), "the body")
    heading_face = _one(office.cjk_families(headings), "the 一、 headings")
    assert body_face != heading_face
    assert any(mark in body_face.lower() for mark in SERIF_MARKS), (
        f"the body in {body_face}, not a serif (宋/仿宋)"
    )
    assert any(mark in heading_face.lower() for mark in SANS_MARKS), (
        f"一、 headings in {heading_face}, not a 黑 face"
    )
    assert heading_face not in office.cjk_families(title)
    assert min(run.size for run in title) > max(run.size for run in body)  # the title stands out by its size
    every = {office.family(run.face) for run in shown.runs if office.CJK.search(run.text)}
    assert not [face for face in every if any(f"cjk{region}" in face.lower() for region in NOT_SIMPLIFIED)]


def _last_words(block: object) -> str:
    """The last characters of a block as the PDF shows them (a table's: its last row's first cell)."""
    if isinstance(block, Paragraph):
        text = block.text
    elif isinstance(block, Items):
        text = block.items[-1][-1].text
    elif isinstance(block, Table):
        text = block.rows[-1][0].text
    else:
        text = getattr(block, "text", "")
    return pdf_text.squeezed(text)[-6:]


@pytest.mark.parametrize("kind", KINDS)
def test_the_sign_off_is_never_alone_on_the_last_page(rendered: dict[str, Rendered], kind: str) -> None:
    shown = rendered[kind]
    assert shown.document.signature
    last = shown.pages[-1]
    for line in shown.document.signature:
        assert pdf_text.squeezed(line) in last
    assert _last_words(shown.document.blocks[-1]) in last, (
        f"the last page holds only {last!r}: the sign-off is stranded from the text it closes"
    )


def _row_text(table: Table, rows: range) -> str:
    return "".join(pdf_text.squeezed(cell.text) for r, _, cell in table.placed() if r in rows)


@pytest.mark.parametrize("kind", KINDS)
def test_a_tables_head_stands_on_the_page_of_its_first_row(rendered: dict[str, Rendered], kind: str) -> None:
    shown = rendered[kind]
    cursor = (0, 0)
    blocks = shown.document.blocks
    tables = 0
    for i, block in enumerate(blocks):
        if not isinstance(block, Table) or not block.head or len(block.rows) == len(block.head):
            continue
        tables += 1
        before = blocks[i - 1] if i else None
        if isinstance(before, Heading | Paragraph):
            page_before, _ = pdf_text.page_of(shown.pages, pdf_text.squeezed(before.text)[-6:], cursor)
        else:
            page_before = None
        head = _row_text(block, range(len(block.head)))
        first = _row_text(block, range(len(block.head), len(block.head) + 1))
        head_page, at = pdf_text.page_of(shown.pages, head, cursor)
        first_page, at = pdf_text.page_of(shown.pages, first, (head_page, at))
        assert head_page == first_page, (
            f"{block.id}: its head on page {head_page + 1}, its first row on the next"
        )
        if page_before is not None:
            assert page_before == head_page, f"{block.id}: the text before it on page {page_before + 1}"
        cursor = (first_page, at)
    assert tables


def _title_lines(shown: Rendered) -> list[str]:
    """The title's lines on the first page, as laid out."""
    title = pdf_text.squeezed(shown.document.title)
    lines = [pdf_text.squeezed(line) for line in office.page_text(shown.pdf, 1, layout=True).splitlines()]
    start = next(i for i, line in enumerate(lines) if line and title.startswith(line))
    found: list[str] = []
    for line in lines[start:]:
        found.append(line)
        if "".join(found) == title:
            return found
    raise AssertionError(f"the title {title!r} is not on the first page as lines: {lines[start : start + 3]}")


def _word_boundaries(title: str) -> set[int]:
    """Where an office breaks a title: before and after its year (after the agency's name, before the
    report's name) and before a bracketed addition such as （汇总）."""
    points = {match.start() for match in YEAR.finditer(title)} | {
        match.end() for match in YEAR.finditer(title)
    }
    return points | {i for i, char in enumerate(title) if char == "（"}


@pytest.mark.parametrize("kind", KINDS)
def test_the_title_breaks_only_between_words(rendered: dict[str, Rendered], kind: str) -> None:
    shown = rendered[kind]
    lines = _title_lines(shown)
    title = "".join(lines)
    breaks = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines) - 1)]
    assert set(breaks) <= _word_boundaries(title), f"the title broken inside a word: {lines}"
    assert min(len(line) for line in lines) >= SHORTEST_TITLE_LINE, f"a scrap of the title alone: {lines}"
