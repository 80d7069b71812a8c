"""Every kind of page in a real browser (headless Chromium, tests/browser.py): a report of each format, the
district summaries and the index, at a phone's width and a desktop's, and printed to PDF on A4.

Measured, not looked at: the document never scrolls sideways; the printed summary holds every column
heading and every agency's row of figures; table 三's header is on every printed page the table runs
over; no page ends with a heading. What is expected comes from each page's own HTML."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import browser
from tests.conftest import copy_project

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.slow

# A report of each format (pre2019, gb2019, gb2021), the district summary of a year of each kind, the index.
REPORTS = {"pre2019": ("minzheng", 2017), "gb2019": ("shili", 2020), "gb2021": ("shili", 2025)}
SUMMARY_YEARS = (2017, 2025)
PAGES = {
    **{name: f"output/{agency}/{year}/report.html" for name, (agency, year) in REPORTS.items()},
    **{f"summary{year}": f"output/_district/{year}/summary.html" for year in SUMMARY_YEARS},
    "index": "output/index.html",
}
PHONE, DESKTOP = 390, 1280


@dataclass
class Page(HTMLParser):
    """A page's headings and, for each table (by its nb-<id> class), the text of its header cells and
    of its other rows."""

    headings: list[str] = field(default_factory=list)
    heads: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
        self.table: str | None = None
        self.section = ""
        self.text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = (dict(attrs).get("class") or "").split()[1]
            self.heads[self.table], self.rows[self.table] = [], []
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr" and self.table and self.section != "thead":
            self.rows[self.table].append([])
        elif tag in ("td", "th", "h1", "h2", "h3", "h4"):
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.text is None or tag not in ("td", "th", "h1", "h2", "h3", "h4"):
            if tag == "table":
                self.table = None
            return
        text, self.text = "".join(self.text).strip(), None
        if tag.startswith("h"):
            self.headings.append(text)
        elif self.table and self.section == "thead":
            self.heads[self.table].append(text)
        elif self.table:
            self.rows[self.table][-1].append(text)


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project's reports of each format, two summaries and the index, built by the CLI."""
    browser.require_browser()
    root = copy_project(tmp_path_factory.mktemp("browser") / "project")
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    commands = [["report", "--", agency, str(year)] for agency, year in REPORTS.values()]
    commands += [["summary", "--", str(year)] for year in SUMMARY_YEARS]
    for command in [*commands, ["index"]]:
        subprocess.run(
            [sys.executable, "-m", "nianbao.cli", *command],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
    return root


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    with browser.chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def prints(site: Path, driver: WebDriver) -> dict[str, list[str]]:
    """Each page printed to PDF: its pages' text."""
    return {name: browser.printed(driver, site / path) for name, path in PAGES.items()}


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_never_scrolls_sideways(site: Path, driver: WebDriver, name: str, width: int) -> None:
    """A wide table scrolls inside its own box; the document itself is never wider than the window."""
    viewport, scroll_width = browser.widths(driver, site / PAGES[name], width)
    assert viewport == width
    assert scroll_width <= viewport


@pytest.mark.parametrize("name", [name for name in PAGES if name != "index"])
def test_every_chart_is_seen_whole_on_a_phone(site: Path, driver: WebDriver, name: str) -> None:
    """A chart shrinks to the window; it is never cut off at the edge of a scroll box."""
    edges = browser.chart_edges(driver, site / PAGES[name], PHONE)
    assert edges  # every report and summary has charts
    assert [edge for edge in edges if edge > PHONE] == []


@pytest.mark.parametrize("year", SUMMARY_YEARS)
def test_the_printed_summary_holds_every_column_and_every_agencys_figures(
    site: Path, prints: dict[str, list[str]], year: int
) -> None:
    page = parsed(site / PAGES[f"summary{year}"])
    text = "\n".join(prints[f"summary{year}"])
    headings, rows = page.heads["nb-breakdown"], page.rows["nb-breakdown"]
    assert len(headings) >= 7 and len(rows) >= 2  # 机关 and six columns; the agencies and the total
    assert [h for h in headings if not browser.contains(text, h)] == []
    # A row's cells in order: the agency's name, then each of its figures (a cut-off column loses them).
    assert [row for row in rows if not browser.contains(text, " ".join(row))] == []


@pytest.mark.parametrize("name", ["gb2019", "gb2021"])
def test_table_3s_header_is_on_every_printed_page_it_runs_over(
    site: Path, prints: dict[str, list[str]], name: str
) -> None:
    page = parsed(site / PAGES[name])
    labels = [row[0] for row in page.rows["nb-applications"] if len(row[0]) >= 6]
    spanned = [text for text in prints[name] if any(browser.contains(text, label) for label in labels)]
    assert len(spanned) >= 2  # table 三 is longer than an A4 page: it does run over
    header = page.heads["nb-applications"]
    assert "申请人情况" in header
    missing = [(n, h) for n, text in enumerate(spanned) for h in header if not browser.contains(text, h)]
    assert missing == []


@pytest.mark.parametrize("name", list(PAGES))
def test_no_printed_page_ends_with_a_heading(site: Path, prints: dict[str, list[str]], name: str) -> None:
    headings = parsed(site / PAGES[name]).headings
    assert headings
    last_lines = [[line for line in text.splitlines() if line.strip()][-1:] for text in prints[name]]
    ending = [
        (n + 1, last[0])
        for n, last in enumerate(last_lines)
        if last and any(browser.same(last[0], heading) for heading in headings)
    ]
    assert ending == []
