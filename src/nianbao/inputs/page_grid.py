"""A saved web page's tables as grids: every `<table>`, nested ones too, with rowspan and colspan expanded.

Portal pages are Word tables pasted into a CMS, so nothing about their markup can be trusted: `<th>` or
`<td>`, cells wrapped in `<p align="center">` and `<span>`, `<br />` inside labels, `&nbsp;` for blanks,
data tables inside layout tables. `pandas.read_html` flattens nested tables into their parents and coerces
cells to numbers, so the grid is built here from lxml's tree: each table keeps its own rows only (those
whose nearest enclosing table it is), a cell spanning several rows or columns fills each slot it covers,
and every slot remembers its cell (`Slot.cell`), so a reader can tell one wide cell from several equal ones.

The page is decoded as it declares (`<meta charset>` or `http-equiv` Content-Type: GB2312, GBK, UTF-8…),
GB2312 and GBK read as GB18030, their superset, as browsers do; undeclared, UTF-8 then GB18030.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.html
from lxml.etree import ParserError, _Element, strip_elements

from nianbao.errors import DataError

# The first bytes are enough to find a declaration (the HTML standard's prescan reads 1024; CMS pages put
# scripts first, so more).
PRESCAN = 8192
DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# What browsers read these labels as (WHATWG Encoding: gb2312 and gbk are GBK, decoded as gb18030 here).
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030"}
UNDECLARED = ("utf-8-sig", "gb18030")
MAX_SPAN = 100  # a Word table never spans more; a larger rowspan/colspan is a typo (rowspan="2000")


@dataclass(frozen=True)
class Slot:
    """One position of a grid: the text of the cell that covers it, the cell's number in its table
    (equal for every slot a spanning cell covers) and its line in the page."""

    text: str
    cell: int
    line: int


Grid = list[list[Slot]]


@dataclass(frozen=True)
class Page:
    """A saved page: its tables as grids, in document order (an outer layout table before its inner
    ones), and all its text (where the date of publication is)."""

    grids: list[Grid]
    text: str


def decode_page(raw: bytes, where: str) -> str:
    """The page's text, in the encoding it declares (else UTF-8, else GB18030)."""
    declared = DECLARED.search(raw[:PRESCAN])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        encoding = SUPERSETS.get(name, name)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(f"网页声明的字符编码 {name} 无法识别", path=where) from None
        try:
            return raw.decode("utf-8-sig" if encoding in ("utf-8", "utf8") else encoding)
        except UnicodeDecodeError:
            raise DataError(
                f"网页声明的字符编码是 {name}，但内容不是这种编码",
                path=where,
                hint="请在浏览器中用“另存为 → 网页，仅 HTML”重新保存这个页面。",
            ) from None
    for encoding in UNDECLARED:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError("网页的字符编码无法识别：应为 UTF-8 或 GB2312/GBK", path=where)


def read_page(raw: bytes, where: str) -> Page:
    """A saved page's bytes as its grids and its text."""
    text = decode_page(raw, where)
    # lxml refuses a str that still carries an XML encoding declaration (XHTML pages saved by IE).
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except ParserError:
        raise DataError("这个文件不是网页（没有可读的 HTML 内容）", path=where) from None
    strip_elements(root, "script", "style", with_tail=False)
    text = " ".join("".join(str(part) for part in root.itertext()).replace("\xa0", " ").split())
    return Page([grid(table) for table in root.iter("table")], text)


def grid(table: _Element) -> Grid:
    """One table's own rows (not those of tables nested in it), spans expanded."""
    rows: Grid = []
    taken: dict[tuple[int, int], Slot] = {}  # slots filled from rows above by a rowspan
    number = 0
    for r, row in enumerate(own_rows(table)):
        line: list[Slot] = []
        c = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                line.append(taken.pop((r, c)))
                c += 1
            slot = Slot(cell_text(cell), number, int(getattr(cell, "sourceline", 0) or 0))
            number += 1
            rowspan, colspan = span(cell, "rowspan"), span(cell, "colspan")
            for _ in range(colspan):
                line.append(slot)
                for below in range(1, rowspan):
                    taken[(r + below, c)] = slot
                c += 1
        while (r, c) in taken:
            line.append(taken.pop((r, c)))
            c += 1
        rows.append(line)
    return rows


def own_rows(table: _Element) -> list[_Element]:
    """The `<tr>`s whose nearest enclosing table is `table` (through thead/tbody/tfoot, or none)."""
    return [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]


def span(cell: _Element, name: str) -> int:
    """A cell's rowspan or colspan as browsers read it: leading digits, at least 1, at most MAX_SPAN."""
    digits = re.match(r"\s*(\d+)", cell.get(name) or "")
    return min(max(int(digits.group(1)), 1), MAX_SPAN) if digits else 1


def cell_text(cell: _Element) -> str:
    """What a cell shows, without the text of tables nested in it; `<br>` and `&nbsp;` as spaces."""
    parts: list[str] = []
    _collect(cell, parts)
    return " ".join("".join(parts).replace("\xa0", " ").split())


def _collect(element: _Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag == "table":
            parts.append(" ")
        elif isinstance(child.tag, str):
            if child.tag == "br":
                parts.append(" ")
            _collect(child, parts)
            if child.tag in ("p", "div"):
                parts.append(" ")
        if child.tail:
            parts.append(child.tail)
