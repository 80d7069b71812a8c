"""End to end: the PDFs read like an official document, checked on the rendered files (issue 29).

For a report of each format (pre2019: minzheng 2017; gb2019 and gb2021: shili 2019 and 2021) and the
district summary (2017):
- the title breaks only where an office would break it: after the agency's (district's) name, after the
  year, before （汇总）; never inside a word, a number or a name; a heading is never broken;
- a phone number, a number and a web address stand whole on one line;
- every full-width mark (，。；：、（）《》“” …) keeps its full advance: lines are justified by the space
  between characters, not by squeezing the marks (read from where the PDF puts each glyph);
- a table's header rows (its head, or 表二's 第二十条 block row with its 信息内容 row) are on the page
  of the first row they head;
- a chart's lettering prints at least at 五号 (10.5 pt), near the body's size rather than 5–8 pt.

Line breaks are read with `pdftotext -layout` (poppler-utils): those checks skip where it is missing.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from matplotlib.textpath import TextToPath

from nianbao.build import build_report
from nianbao.paths import Project
from tests.conftest import copy_project, run_cli
from tests.pdf_glyphs import Glyph, lines, multiply, operations, page_glyphs, scale_of
from tests.pdf_text import page_of, reader, squeezed

pytestmark = pytest.mark.slow

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")

BODY_SIZE = 16.0  # 三号: the body text's size in the PDF
SMALLEST_PRINT = 10.5  # 五号: the least a chart's lettering may print at

CASES = {
    "pre2019": ("minzheng", 2017),
    "gb2019": ("shili", 2019),
    "gb2021": ("shili", 2021),
    "summary": (None, 2017),
}


@dataclass(frozen=True)
class Output:
    pdf: Path
    html: str

    @property
    def data(self) -> bytes:
        return self.pdf.read_bytes()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(copy_project(tmp_path_factory.mktemp("typesetting") / "project"))
    done = run_cli(project.root, "reports", "2017", seconds=900)  # the 2017 reports and their summary
    assert done.returncode == 0, done.stderr
    for agency, year in CASES.values():
        if agency is not None and year != 2017:
            build_report(project, agency, year)
    return project


@pytest.fixture(params=list(CASES))
def output(request: pytest.FixtureRequest, project: Project) -> Output:
    agency, year = CASES[request.param]
    if agency is None:
        pdf, html = project.summary_file(year, "summary.pdf"), project.summary_html(year)
    else:
        pdf, html = project.report_file(agency, year, "report.pdf"), project.report_html(agency, year)
    return Output(pdf, html.read_text(encoding="utf-8"))


def layout(pdf: Path, page: int | None = None) -> str:
    """The text as `pdftotext -layout` lays it out, of one page (1-based) or all."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def text_lines(text: str) -> list[str]:
    return [squeezed(line) for line in text.splitlines() if line.strip()]


# --- the title --------------------------------------------------------------------------------------

TITLE = re.compile(r"^(?P<name>.+?)(?P<year>\d{4}年)(?P<kind>.+?)(?P<suffix>（汇总）)?$")


def title_lines(output: Output) -> tuple[str, list[str]]:
    """The document's title (its PDF metadata) and the lines page 1 sets it in."""
    metadata = reader(output.data).metadata
    assert metadata is not None and metadata.title
    title = str(metadata.title)
    found: list[str] = []
    for line in text_lines(layout(output.pdf, 1)):
        if not found and not title.startswith(line):
            continue  # the 文号 above it
        found.append(line)
        if "".join(found) == title:
            return title, found
        if not title.startswith("".join(found)):
            break
    raise AssertionError(f"the title {title!r} is not set whole at the top of page 1: {found}")


@needs_pdftotext
def test_the_title_breaks_only_between_its_parts(output: Output) -> None:
    title, found = title_lines(output)
    parts = TITLE.match(title)
    assert parts is not None, title
    name, year, kind = parts["name"], parts["year"], parts["kind"]
    allowed = {len(name), len(name) + len(year)}
    if parts["suffix"]:
        allowed.add(len(name) + len(year) + len(kind))
    breaks = [len("".join(found[: i + 1])) for i in range(len(found) - 1)]
    assert set(breaks) <= allowed, f"{title} set as {found}"


def test_the_title_lines_are_balanced(output: Output) -> None:
    """A title of two lines or more is not a full line and a scrap: the shortest line is at least a
    third of the longest (measured on the page, in pt)."""
    glyphs = page_glyphs(output.data)[0]
    widths = [
        line[-1].x + line[-1].width - line[0].x for line in lines(glyphs) if line[0].size > BODY_SIZE + 1
    ]
    assert widths, "no line set larger than the body on page 1"
    assert min(widths) >= max(widths) / 3, widths


# --- headings, numbers, addresses ---------------------------------------------------------------------


class PageText(HTMLParser):
    """From a page: its headings, its text outside tables, and its tables' rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.prose: list[str] = []
        self.tables: list[list[Row]] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self._row: list[tuple[str, bool, str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "svg"):
            self._skip += 1
        elif tag in ("h1", "h2", "h3", "h4"):
            self._heading = []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._cell_info = (tag == "th", dict(attrs).get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "svg"):
            self._skip -= 1
        elif tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            header, classes = self._cell_info
            self._row.append(("".join(self._cell).strip(), header, classes))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(Row(tuple(self._row)))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)
        elif self._row is None:
            self.prose.append(data)


@dataclass(frozen=True)
class Row:
    cells: tuple[tuple[str, bool, str], ...]  # (text, is a header cell, classes)

    @property
    def heads(self) -> bool:
        """A row of header cells only: a table's head, or 表二's block and 信息内容 rows."""
        return all(header for _, header, _ in self.cells)

    @property
    def first(self) -> str:
        return self.cells[0][0]


def parsed(output: Output) -> PageText:
    page = PageText()
    page.feed(output.html)
    return page


@needs_pdftotext
def test_no_heading_is_broken(output: Output) -> None:
    found = text_lines(layout(output.pdf))
    headings = [squeezed(h) for h in parsed(output).headings[1:]]  # [0] is the title
    assert headings
    assert [h for h in headings if not any(h in line for line in found)] == []


# A phone number (0598—8328341, 010-12345678), a web address (http://…, www.…, shili.example/xxgk), a
# number with its decimals or thousands (1,234.5, 41.46%).
WHOLE = re.compile(
    r"\d{3,4}[—\-－]\d{7,8}"
    r"|(?:https?://)?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)+(?:/[A-Za-z0-9._~%/\-?=&#]*)?"
    r"|\d+(?:[.,]\d+)+%?"
)


@needs_pdftotext
def test_phone_numbers_numbers_and_addresses_stand_whole(output: Output) -> None:
    prose = squeezed("".join(parsed(output).prose))
    wholes = sorted({match.group() for match in WHOLE.finditer(prose)})
    if not wholes:
        assert output.pdf.name == "summary.pdf", "a report's prose gives a phone number and an address"
        pytest.skip("the summary's prose has no phone number or address")
    found = text_lines(layout(output.pdf))
    assert [w for w in wholes if not any(w in line for line in found)] == []


def test_no_line_breaks_inside_a_number(output: Output) -> None:
    """No line of the body ends inside a number (its next line going on with a digit or a %)."""
    body = [
        "".join(g.char for g in line)
        for page in page_glyphs(output.data)
        for line in lines(page)
        if all(abs(g.size - BODY_SIZE) < 0.01 for g in line)
    ]
    broken = [
        (line, after)
        for line, after in itertools.pairwise(body)
        if re.search(r"[0-9][.,—\-]?$", line) and re.match(r"[0-9.,%]", after)
    ]
    assert broken == []


# --- full-width marks ---------------------------------------------------------------------------------

# The marks the check measures; each is full-width in the body face (its own advance is 1 em).
MARKS = "，。；：、？！（）《》“”「」〔〕【】"


def mark_advances(data: bytes) -> list[tuple[str, float, str]]:
    """(mark, advance in em, its line) of every full-width mark of the body with a glyph after it."""
    found = []
    for page in page_glyphs(data):
        for line in lines(page):
            text = "".join(g.char for g in line)
            for glyph, following in itertools.pairwise(line):
                if glyph.char in MARKS and abs(glyph.size - BODY_SIZE) < 0.01:
                    assert glyph.width == pytest.approx(glyph.size, rel=0.01), f"{glyph.char} not full-width"
                    found.append((glyph.char, (following.x - glyph.x) / glyph.size, text))
    return found


def test_full_width_marks_keep_a_full_em(output: Output) -> None:
    found = mark_advances(output.data)
    assert len(found) >= 10, "too few marks to measure"
    squeezed_marks = [(mark, round(em, 3), line) for mark, em, line in found if em < 0.99]
    assert squeezed_marks == []


def test_justified_lines_still_reach_the_right_margin(output: Output) -> None:
    """Marks kept whole, the space comes from between the characters: a paragraph's full lines still
    end at the text block's right edge (within a quarter em)."""
    ends = []
    for page in page_glyphs(output.data):
        for line in lines(page):
            if len(line) > 15 and all(abs(g.size - BODY_SIZE) < 0.01 for g in line):
                ends.append(line[-1].x + line[-1].width)
    right = max(ends)
    full = [end for end in ends if end > right - 2 * BODY_SIZE]  # not a paragraph's last line
    assert len(full) >= 5
    assert all(end > right - BODY_SIZE / 4 for end in full), sorted(full)


# --- tables -------------------------------------------------------------------------------------------


def pages_squeezed(pdf: Path) -> list[str]:
    count = len(reader(pdf.read_bytes()).pages)
    return [squeezed(layout(pdf, n)) for n in range(1, count + 1)]


def needle(cell: str) -> str:
    """What to look for of a cell: its first characters, which stay together on the cell's first line
    (pdftotext interleaves a wrapped cell's later lines with the cells beside it)."""
    return squeezed(cell)[:4]


@needs_pdftotext
def test_table_heads_stay_with_their_first_row(output: Output) -> None:
    """Every run of header rows (a table's head; 表二's 第二十条 row and its 信息内容 row) is on the
    page of the first body row below it, never alone at a page's foot."""
    pages = pages_squeezed(output.pdf)
    at, checked, stranded = (0, 0), 0, []
    for table in parsed(output).tables:
        heads: list[Row] = []
        for row in table:
            if row.heads:
                heads.append(row)
                continue
            if heads:
                head_at = page_of(pages, needle(heads[0].first), at)
                at = page_of(pages, needle(row.first), head_at)
                checked += 1
                if head_at[0] != at[0]:
                    stranded.append((heads[0].first, head_at[0] + 1, row.first, at[0] + 1))
                heads = []
    assert checked
    assert stranded == []


# --- charts -------------------------------------------------------------------------------------------

# matplotlib draws a chart's text as paths: each glyph is a path in 1/64 units of a FONT_SCALE-point
# em, placed at `size / FONT_SCALE`; Typst draws each under one `cm`, so a glyph prints at
# 64 × FONT_SCALE × that transform's scale.
GLYPH_EM = 64 * TextToPath.FONT_SCALE


def chart_text_sizes(data: bytes) -> list[float]:
    """The printed em, in pt, of every glyph drawn as a path (the charts' lettering)."""
    pdf = reader(data)
    sizes = []
    for page in pdf.pages:
        for _, op, ctm in operations(pdf, page):
            # A glyph's transform: upright (the chart itself is drawn y-flipped) and tiny.
            if op == b"cm" and ctm[3] > 0 and scale_of(ctm) < 0.01:
                sizes.append(round(scale_of(ctm) * GLYPH_EM, 2))
    return sizes


def test_chart_lettering_prints_near_the_body_size(output: Output) -> None:
    charts = output.html.count('role="img"')
    sizes = chart_text_sizes(output.data)
    assert charts and sizes, "a chart is drawn, its lettering as glyph paths"
    assert min(sizes) >= SMALLEST_PRINT, sorted(set(sizes))


def test_glyph_reading_is_right() -> None:
    """The reader of glyph positions, on a matrix: a flip and a move, applied in PDF order."""
    flipped = multiply((1, 0, 0, -1, 0, 0), (1, 0, 0, 1, 10, 20))
    assert flipped == (1, 0, 0, -1, 10, 20)
    assert scale_of((0.5, 0, 0, 0.5, 3, 4)) == 0.5
    assert lines([Glyph("b", 20, 100, 16, 16), Glyph("a", 4, 100.2, 16, 16), Glyph("c", 4, 80, 16, 16)]) == [
        [Glyph("a", 4, 100.2, 16, 16), Glyph("b", 20, 100, 16, 16)],
        [Glyph("c", 4, 80, 16, 16)],
    ]
