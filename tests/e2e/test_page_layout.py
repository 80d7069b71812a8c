"""How every page kind lays out in a real browser (headless Chromium) at a phone's width (390 px) and a
desktop's (1280 px), measured on the rendered page:
- the index uses a desktop's width and hides no link: at 1280 px every link is in sight, at 390 px every
  link is in sight or reachable by scrolling its own box (never cut off by a box that does not scroll);
- no table's column head is narrower than two characters (no "自/然/人", one character a line);
- a wide table scrolls inside its own box on a phone, and the page itself never scrolls sideways; on a
  desktop 表三 fits without scrolling, its labels not broken every few characters;
- the executed notebook's tables, as JupyterLab shows them (its table rules, its sanitizer), keep their
  borders and alignment.
The sample site is the one tests/e2e/test_pages_in_browser.py builds (its fixtures)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import pytest

from tests import jupyterlab
from tests.e2e.test_pages_in_browser import DESKTOP, PAGES, PHONE, driver, site

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.slow
__all__ = ["driver", "site"]  # the fixtures, used here by name

WIDE = ["gb2019", "gb2021", "summary2025"]  # the pages with 表三 (nb-applications)
SLACK = 0.5  # px: a rectangle's edges are fractional

# Each link of the page: its rectangle and, for each box around it that does not show what overflows
# (overflow-x other than visible), the part of the box that is shown and the extent of its content.
LINKS = """
return Array.from(document.querySelectorAll('a'), a => {
  const r = a.getBoundingClientRect();
  const boxes = [];
  for (let el = a.parentElement; el && el !== document.documentElement; el = el.parentElement) {
    const css = getComputedStyle(el);
    if (css.overflowX === 'visible') continue;
    const left = el.getBoundingClientRect().left + el.clientLeft;
    boxes.push({overflow: css.overflowX, shown: [left, left + el.clientWidth],
                content: [left - el.scrollLeft, left - el.scrollLeft + el.scrollWidth]});
  }
  return {text: a.textContent, left: r.left, right: r.right, width: r.width, height: r.height,
          visibility: getComputedStyle(a).visibility, boxes};
});
"""

# Each column head (a header cell of a <thead>) with two characters or more: the width of its widest
# line of text and its font size.
HEADS = """
return Array.from(document.querySelectorAll('thead th'), th => {
  const range = document.createRange();
  range.selectNodeContents(th);
  const widest = Math.max(0, ...Array.from(range.getClientRects(), r => r.width));
  return {text: th.textContent.trim(), widest, font: parseFloat(getComputedStyle(th).fontSize)};
}).filter(head => head.text.length >= 2);
"""

# The box around table 三 (its scroll box) and the page's own width.
WIDE_BOX = """
const box = document.querySelector('table.nb-applications').parentElement;
return {overflow: getComputedStyle(box).overflowX, scroll: box.scrollWidth, client: box.clientWidth,
        page: document.documentElement.scrollWidth, window: window.innerWidth};
"""

# The lines each cell of a selector takes: distinct tops of its text's line boxes.
LINES = """
return Array.from(document.querySelectorAll(arguments[0]), cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
  const css = getComputedStyle(cell);
  return {text: cell.textContent.trim(), lines: tops.size, font: parseFloat(css.fontSize),
          inner: cell.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight)};
});
"""


def opened(driver: WebDriver, page: Path, width: int) -> WebDriver:
    driver.set_window_size(width, 900)
    driver.get(page.as_uri())
    assert driver.execute_script("return window.innerWidth") == width
    return driver


def within(left: float, right: float, span: list[float]) -> bool:
    return left >= span[0] - SLACK and right <= span[1] + SLACK


def in_sight(link: dict[str, Any], width: int) -> bool:
    """The whole link is in the window and in the shown part of every box around it."""
    return within(link["left"], link["right"], [0, width]) and all(
        within(link["left"], link["right"], box["shown"]) for box in link["boxes"]
    )


def reachable(link: dict[str, Any], width: int) -> bool:
    """The link is in sight once the boxes that scroll are scrolled: inside each scrolling box's content,
    inside the shown part of any box that cuts off (hidden, clip), and each box itself in the window."""
    for box in link["boxes"]:
        span = box["content"] if box["overflow"] in ("auto", "scroll") else box["shown"]
        if not within(link["left"], link["right"], span) or not within(*box["shown"], [0, width]):
            return False
    return bool(link["boxes"]) or within(link["left"], link["right"], [0, width])


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_index_hides_no_link(site: Path, driver: WebDriver, width: int) -> None:
    links = opened(driver, site / PAGES["index"], width).execute_script(LINKS)
    assert len(links) >= 10  # the summaries' and every built report's files
    shown = [link for link in links if link["width"] > 0 and link["height"] > 0]
    assert [link["text"] for link in links if link not in shown or link["visibility"] != "visible"] == []
    if width == DESKTOP:  # nothing to scroll on a desktop
        assert [link["text"] for link in links if not in_sight(link, width)] == []
    else:
        assert [link["text"] for link in links if not reachable(link, width)] == []


def test_the_index_uses_a_desktops_width(site: Path, driver: WebDriver) -> None:
    """The agencies' table is not a 600 px column: the page's body takes most of the window and an
    agency's name stays on one line."""
    page = opened(driver, site / PAGES["index"], DESKTOP)
    body = page.execute_script("return document.querySelector('main').getBoundingClientRect().width")
    assert body >= 0.8 * DESKTOP
    names = page.execute_script(LINES, "table.nb-index:last-of-type tbody td:first-child:not([colspan])")
    assert len(names) >= 10
    assert [name["text"] for name in names if name["lines"] != 1] == []


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_column_head_is_narrower_than_two_characters(
    site: Path, driver: WebDriver, name: str, width: int
) -> None:
    heads = opened(driver, site / PAGES[name], width).execute_script(HEADS)
    assert heads
    narrow = [
        (h["text"], round(h["widest"] / h["font"], 2)) for h in heads if h["widest"] < 2 * h["font"] - SLACK
    ]
    assert narrow == []


@pytest.mark.parametrize("name", WIDE)
def test_a_wide_table_scrolls_in_its_own_box_on_a_phone(site: Path, driver: WebDriver, name: str) -> None:
    box = opened(driver, site / PAGES[name], PHONE).execute_script(WIDE_BOX)
    assert box["overflow"] in ("auto", "scroll")
    assert box["scroll"] > box["client"]  # the table is wider than the phone: it scrolls, not squeezed
    assert box["page"] <= box["window"] == PHONE


@pytest.mark.parametrize("name", WIDE)
def test_table_3_fits_a_desktop_with_its_labels_in_lines_of_words(
    site: Path, driver: WebDriver, name: str
) -> None:
    """At 1280 px table 三 needs no scrolling, and a row label is not broken every three or four
    characters: each has room for six characters a line (or its whole text, if shorter)."""
    page = opened(driver, site / PAGES[name], DESKTOP)
    box = page.execute_script(WIDE_BOX)
    assert box["scroll"] <= box["client"] and box["page"] <= DESKTOP
    labels = page.execute_script(LINES, "table.nb-applications td.label")
    assert len(labels) >= 20
    cramped = [
        (label["text"], round(label["inner"] / label["font"], 1))
        for label in labels
        if label["inner"] < min(len(label["text"]), 6) * label["font"] - SLACK
    ]
    assert cramped == []


# ---------------------------------------------------------------- the notebook's tables in JupyterLab

# An output area as JupyterLab renders a sanitised text/html output, with its table rules.
OUTPUT_AREA = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>
<body style="width: 1000px"><div class="jp-OutputArea-output jp-RenderedHTMLCommon jp-RenderedHTML">
{tables}</div></body></html>"""

CELLS = """
return Array.from(document.querySelectorAll('th, td'), cell => {
  const css = getComputedStyle(cell);
  const range = document.createRange();
  range.selectNodeContents(cell);
  return {tag: cell.tagName.toLowerCase(), cls: cell.className, text: cell.textContent.trim(),
          border: [css.borderTopWidth, css.borderTopStyle, css.borderLeftWidth, css.borderLeftStyle],
          align: css.textAlign, head: !!cell.closest('thead'), font: parseFloat(css.fontSize),
          widest: Math.max(0, ...Array.from(range.getClientRects(), r => r.width))};
});
"""


def as_jupyterlab_keeps_it(table: str) -> str:
    """A table's HTML with each `style` attribute cut to what JupyterLab's sanitizer keeps."""

    def cut(found: re.Match[str]) -> str:
        return f'style="{html.escape(jupyterlab.sanitised_style(html.unescape(found[1])))}"'

    return re.sub(r'style="([^"]*)"', cut, table)


@pytest.mark.parametrize("report", ["pre2019", "gb2021"])
def test_jupyterlab_shows_the_notebooks_tables_like_the_page(
    site: Path, driver: WebDriver, report: str, tmp_path: Path
) -> None:
    notebook = nbformat.read(site / PAGES[report].replace(".html", ".ipynb"), as_version=4)  # type: ignore[no-untyped-call]
    tables = [
        output["data"]["text/html"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "nb-table" in output.get("data", {}).get("text/html", "")
    ]
    assert len(tables) >= 2
    shown = tmp_path / "jupyterlab.html"
    body = "\n".join(as_jupyterlab_keeps_it(table) for table in tables)
    shown.write_text(OUTPUT_AREA.format(css=jupyterlab.TABLE_CSS, tables=body), encoding="utf-8")
    cells = opened(driver, shown, DESKTOP).execute_script(CELLS)
    assert [c["text"] for c in cells if c["border"] != ["1px", "solid", "1px", "solid"]] == []
    heads = [c for c in cells if c["head"] and "corner" not in c["cls"]]
    assert heads and [c["text"] for c in heads if c["align"] != "center"] == []
    figures = [c for c in cells if "num" in c["cls"].split()]
    assert figures and [c["text"] for c in figures if c["align"] != "right"] == []
    labels = [c for c in cells if c["tag"] == "td" and not {"num", "unit"} & set(c["cls"].split())]
    assert labels and [c["text"] for c in labels if c["align"] != "left"] == []
    narrow = [c["text"] for c in heads if len(c["text"]) >= 2 and c["widest"] < 2 * c["font"] - SLACK]
    assert narrow == []


# The title's parts (the text between its <wbr>) and its lines as shown: each character's line box top.
TITLE_LINES = """
const h1 = document.querySelector('h1');
const texts = Array.from(h1.childNodes).filter(node => node.nodeType === Node.TEXT_NODE);
const lines = [];
let top = null;
for (const node of texts) {
  for (let i = 0; i < node.textContent.length; i++) {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const at = Math.round(range.getBoundingClientRect().top);
    if (at !== top) { lines.push(''); top = at; }
    lines[lines.length - 1] += node.textContent[i];
  }
}
return {parts: texts.map(node => node.textContent), lines};
"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", [name for name in PAGES if name != "index"])
def test_a_title_breaks_only_between_its_parts(site: Path, driver: WebDriver, name: str, width: int) -> None:
    """示例区2017年 / 政府信息公开工作年度报告（汇总）, never …年政 / 府…: a line ends where a part does."""
    title = opened(driver, site / PAGES[name], width).execute_script(TITLE_LINES)
    parts, lines = title["parts"], title["lines"]
    assert len(parts) >= 3 and "".join(lines) == "".join(parts)
    ends = {len("".join(parts[:i])) for i in range(1, len(parts) + 1)}
    assert {len("".join(lines[:i])) for i in range(1, len(lines) + 1)} <= ends, lines
    if width == PHONE:
        assert len(lines) >= 2  # too long for a phone's line: the test sees a real break
