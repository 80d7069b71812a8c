"""A saved web page's tables as grids: every `<table>`, nested ones too, with rowspan and colspan expanded.

Portal pages are Word tables pasted into a CMS, so nothing about their markup can be trusted: `<th>` or
`<td>`, cells wrapped in `<p align="center">` and `<span>`, `<br />` inside labels, `&nbsp;` for blanks,
data tables inside layout tables. `pandas.read_html` flattens nested tables into their parents and coerces
cells to numbers, so the grid is built here from lxml's tree: each table keeps its own rows only (those
whose nearest enclosing table it is), a cell spanning several rows or columns fills each slot it covers,
and every slot remembers its cell (`Slot.cell`), so a reader can tell one wide cell from several equal ones.
Spans are read as browsers read them (at most 1000 columns and 65534 rows, never past the end of the
cell's row group), and a page whose tables would fill more than `MAX_SLOTS` slots is refused while they are
expanded, before anything is allocated: a 170 KB page of colspan="1000" cells would otherwise need billions.

The page is decoded as browsers decode it: a byte order mark first; else the charset it declares
(`<meta charset>` or `http-equiv` Content-Type), which must be one of the Web's encodings
(`web_encodings.yaml`, GB2312 and GBK read as GB18030, their superset); undeclared, by the encoding rules of
every file a clerk hands over (`files.decode`: UTF-8, else GB18030).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import yaml
from lxml.etree import ErrorTypes, ParserError, _Element, strip_elements

from nianbao.errors import DataError
from nianbao.inputs.files import decode

ENCODINGS = Path(__file__).with_name("web_encodings.yaml")
# The first bytes are enough to find a declaration (the HTML standard's prescan reads 1024; CMS pages put
# scripts first, so more).
PRESCAN = 8192
DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# A byte order mark decides the encoding before any declaration, as in browsers (IE's "Unicode" pages).
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xfe\xff", "utf-16", "UTF-16BE"),
    (b"\xff\xfe", "utf-16", "UTF-16LE"),
)
# Characters no page shows that reached the text: a terminal would obey them when a message quotes a cell.
# Word's pasted tables leave some (\x07, \x0b), so they are replaced (a cell holding one is no figure),
# not refused; NUL is refused before (`_no_nul`).
CONTROLS = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# How browsers bound spans (HTML's table model): colspan 1 to 1000, rowspan 0 (to the end of its row group)
# to 65534; what cannot be read as a number is 1.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
# The slots all the tables of a page may fill, spans expanded, each row counting as one more: a report's
# tables 二–四 have about 700, a portal's layout tables a few hundred more. Bounds the memory and the time
# of finding the labels (each of some 80 is looked for in every slot).
MAX_SLOTS = 50_000
# lxml's HTML parser, with libxml2's limits kept (no huge_tree): no element deeper than 256 levels (so
# `_collect` never recurses deeper), no text over 10 MB; it never expands a DTD's entities (an entity bomb
# or an external entity stays the text `&a;`) and never reads from the network.
DEPTH = 256
SAVE_AGAIN = "请在浏览器中用“另存为 → 网页，仅 HTML”重新保存这个页面。"


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


@functools.cache
def web_encodings() -> dict[str, str | None]:
    """Every label of the Web's encodings (lower case) → its Python codec (None: nothing readable)."""
    table = yaml.safe_load(ENCODINGS.read_text(encoding="utf-8"))
    return {label: entry["codec"] for entry in table.values() for label in entry["labels"]}


def decode_page(raw: bytes, where: str) -> str:
    """The page's text: by its byte order mark, else in the encoding it declares, else by the rules of
    every clerk file (UTF-8, else GB18030). A NUL is refused, other control characters replaced."""
    for bom, codec, name in BOMS:
        if raw.startswith(bom):
            return _no_nul(
                _decoded(raw, codec, f"网页开头的字节顺序标记（BOM）表明编码是 {name}", where), where
            )
    if b"\x00" in raw:  # before any decoding: UTF-16 without its mark fails it with a vaguer message
        raise _nul(raw.count(b"\n", 0, raw.index(b"\x00")) + 1, where)
    declared = DECLARED.search(raw[:PRESCAN])
    text = decode(raw, where) if declared is None else _declared(raw, declared.group(1), where)
    return _no_nul(text, where)


def _declared(raw: bytes, found: bytes, where: str) -> str:
    """The page in the encoding it declares, which must be one of the Web's (`web_encodings.yaml`)."""
    label = found.decode("ascii").lower()  # the pattern takes ASCII letters, digits and _:.- only
    codec = web_encodings().get(label)
    # Refused, not ignored for the rules' detection (as browsers ignore it): the page says something
    # about its bytes that cannot be honoured, so any reading of them is a guess, and a figure is never
    # read from a guess; the label is put right in Notepad in a minute (the hint says how).
    if codec is None:
        raise DataError(
            f"网页声明的字符编码“{label}”不是网页可用的字符编码（应为 UTF-8、GBK/GB2312、GB18030、Big5 等）",
            path=where,
            hint=f"请用记事本打开这个文件，把 charset={label} 改为网页实际的编码（多为 utf-8 或 gbk）后保存；"
            "或在浏览器中打开网页，确认显示正常后“另存为 → 网页，仅 HTML”。",
        )
    return _decoded(raw, codec, f"网页声明的字符编码是 {label}", where)


def _decoded(raw: bytes, codec: str, said: str, where: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise DataError(f"{said}，但内容不是这种编码", path=where, hint=SAVE_AGAIN) from None


def _no_nul(text: str, where: str) -> str:
    """The text, its control characters (which no page shows) replaced by U+FFFD; refused with a NUL."""
    if "\x00" in text:
        raise _nul(text.count("\n", 0, text.index("\x00")) + 1, where)
    return CONTROLS.sub("\ufffd", text)


def _nul(line: int, where: str) -> DataError:
    """No saved page holds a NUL: it is a UTF-16 page without its byte order mark, or no text at all."""
    return DataError(
        f"网页第 {line} 行有空字符（U+0000）：这不是保存下来的网页文本",
        path=where,
        hint="如果网页是用“Unicode”（UTF-16）编码另存的，请用记事本把它另存为 UTF-8 编码；" + SAVE_AGAIN,
    )


def read_page(raw: bytes, where: str) -> Page:
    """A saved page's bytes as its grids and its text."""
    text = decode_page(raw, where)
    # lxml refuses a str that still carries an XML encoding declaration (XHTML pages saved by IE).
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    root = _parse(text, where)
    strip_elements(root, "script", "style", with_tail=False)
    text = " ".join("".join(str(part) for part in root.itertext()).replace("\xa0", " ").split())
    found = grids(root, where)
    if not any(found):
        raise DataError(
            "这个文件中没有表格：应是保存下来的年度报告网页，表二、表三、表四是网页上的表格",
            path=where,
            hint="请在浏览器中打开年度报告页面，“另存为 → 网页，仅 HTML”；"
            "如果报告的表格在网页上是图片或附件（PDF、Word），nianbao 无法导入它。",
        )
    return Page(found, text)


def _parse(text: str, where: str) -> _Element:
    """The page's tree; refused where the parser stopped at one of its limits (the rest would be lost,
    and the labels after it reported missing for no visible reason)."""
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False)  # its own: its error log is ours
    try:
        root: _Element | None = lxml.html.document_fromstring(text, parser=parser)
    except ParserError:
        root = None
    for error in parser.error_log:
        if error.type == ErrorTypes.ERR_RESOURCE_LIMIT:
            raise DataError(
                f"网页源代码第 {error.line} 行起的内容无法读取：元素嵌套超过 {DEPTH} 层"
                "（表格套表格、div 套 div），或一段文字超过 10 MB",
                path=where,
                hint="年度报告的网页不会这样；请确认保存的是年度报告页面本身（“另存为 → 网页，仅 HTML”）。",
            )
    if root is None:
        raise DataError("这个文件不是网页（没有可读的 HTML 内容）", path=where)
    return root


def grids(root: _Element, where: str) -> list[Grid]:
    """Every table of the page as a grid, in document order; refused once they fill `MAX_SLOTS`."""
    rows = own_rows(root)
    found: list[Grid] = []
    room = MAX_SLOTS
    for number, table in enumerate(root.iter("table"), 1):
        table_rows = rows.get(table, [])
        try:
            found.append(grid(table_rows, room))
        except TooManySlotsError:
            raise DataError(
                f"网页中的表格太大：合并单元格（rowspan、colspan）展开后超过 {MAX_SLOTS} 格，"
                f"超出处在第 {number} 个表格（网页源代码第 {_line(table)} 行）",
                path=where,
                hint="年度报告的表格一共只有几百格。请检查这个表格的 rowspan、colspan 是否写错"
                '（如 colspan="1000"），或确认保存的是年度报告页面本身。',
            ) from None
        room -= sum(map(len, found[-1])) + len(found[-1])
    return found


class TooManySlotsError(Exception):
    """A table that would fill more slots than it has room for (spans expanded)."""


def grid(rows: list[_Element], room: int = MAX_SLOTS) -> Grid:
    """One table's own rows (not those of tables nested in it), spans expanded; `TooManySlotsError` before
    a cell whose span would take the grid past `room` slots is expanded."""
    lines: Grid = []
    taken: dict[tuple[int, int], Slot] = {}  # slots filled from rows above by a rowspan
    rows = rows[: max(room, 0) + 1]  # a row costs a slot: the grid ends before any row after these
    ends = group_ends(rows)
    number = 0
    for r, row in enumerate(rows):
        room -= 1  # a row counts too, even empty: a million `<tr>`s cost their time
        if room < 0:
            raise TooManySlotsError
        line: list[Slot] = []
        c = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                line.append(taken.pop((r, c)))
                c += 1
            slot = Slot(cell_text(cell), number, _line(cell))
            number += 1
            colspan = span(cell, "colspan", MAX_COLSPAN) or 1
            rowspan = min(span(cell, "rowspan", MAX_ROWSPAN) or MAX_ROWSPAN, ends[r] - r)
            room -= colspan * rowspan  # every slot the cell can ever fill, counted before any is
            if room < 0:
                raise TooManySlotsError
            for _ in range(colspan):
                line.append(slot)
                for below in range(1, rowspan):
                    taken[(r + below, c)] = slot
                c += 1
        while (r, c) in taken:
            line.append(taken.pop((r, c)))
            c += 1
        lines.append(line)
    return lines


def own_rows(root: _Element) -> dict[_Element, list[_Element]]:
    """Each table's own `<tr>`s (those whose nearest enclosing table it is, through thead/tbody/tfoot or
    none), in order: one pass over the page, however deep its tables nest."""
    rows: dict[_Element, list[_Element]] = {}
    for row in root.iter("tr"):
        table = next(row.iterancestors("table"), None)
        if table is not None:
            rows.setdefault(table, []).append(row)
    return rows


def group_ends(rows: list[_Element]) -> list[int]:
    """For each row, the index after the last row of its row group (consecutive rows of one thead, tbody,
    tfoot, or of the table itself): where browsers end a rowspan."""
    ends = [len(rows)] * len(rows)
    for index in range(len(rows) - 2, -1, -1):
        same = rows[index].getparent() is rows[index + 1].getparent()
        ends[index] = ends[index + 1] if same else index + 1
    return ends


def span(cell: _Element, name: str, most: int) -> int:
    """A cell's rowspan or colspan as browsers parse it: leading digits (a + allowed), at most `most`;
    what is no number is 1, and 0 stays 0 (the caller says what it means)."""
    digits = re.match(r"[ \t\n\f\r]*\+?(\d+)", cell.get(name) or "")
    if digits is None:
        return 1
    value = digits.group(1).lstrip("0") or "0"
    return most if len(value) > len(str(most)) else min(int(value), most)  # never int() of 10,000 digits


def _line(element: _Element) -> int:
    return int(getattr(element, "sourceline", 0) or 0)


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
