"""Tables 二, 三 and 四 found on a published page by their official labels, read by the cell-value contract.

The labels are the format's (its YAML), never retyped here. A label matches a cell whatever the markup did
to it: full-width or half-width forms (NFKC), spaces and `<br />` anywhere, straight or curly quotes, and a
note in brackets after it (`规章（县级无此项）`). A row's figures are the distinct cells to the right of
its label, in order: a cell spanning several columns counts once, so header and data rows may disagree on
colspans; when a row has more cells than figures, its non-blank cells are taken if they are exactly as many.
Table 四's row is the one under its row of column labels. Every cell goes through `cells.read_printed`:
blank in a computed cell (a 总计) is computed, blank elsewhere is 0 with a warning; a cell that is no
figure is refused, naming the page's line, the row and the column.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nianbao.errors import DataError
from nianbao.formats.tables import ActiveTable, ApplicationTable, Column, ReviewTable
from nianbao.inputs.cells import Cell, Place, read_printed
from nianbao.inputs.model import Mark
from nianbao.portal.grid import MAX_SLOTS, Grid, Page, Slot

QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
NOTE = re.compile(r"\(.*\)")  # after NFKC, （…） is (…)
HINT = (
    "请确认保存的是 2019 年起的年度报告页面，年度与页面一致；表格的标签要与国务院办公厅规定的格式相同"
    "（nianbao 的格式定义见 src/nianbao/formats/）。"
)


# Every label is looked for in every cell (some 80 labels): each text normalised once, not once per label
# (a page within the slots limit, `page_grid.MAX_SLOTS`, took 12 s of NFKC without it).
@functools.lru_cache(maxsize=2 * MAX_SLOTS)
def normal(text: str) -> str:
    """A label as compared: NFKC, no spaces at all, one kind of quotes."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(QUOTES)


def matches(text: str, label: str) -> bool:
    """Whether a cell's text is `label`, perhaps with a note in brackets after it."""
    shown, wanted = normal(text), normal(label)
    return shown == wanted or (shown.startswith(wanted) and NOTE.fullmatch(shown[len(wanted) :]) is not None)


@dataclass
class Printed:
    """What a page's tables print: each figure's cell by key (None where a blank total is computed), and
    the cells counted as 0 though no 0 was printed (blanks, not applicable)."""

    cells: dict[str, Cell | None] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)

    def put(self, key: str, cell: Cell | None) -> None:
        self.cells[key] = cell
        if cell is not None and cell.mark:
            self.marks.append(cell.mark)


@dataclass(frozen=True)
class Wanted:
    """A row to find: its table's name in messages, its id and label, its columns, which are computed."""

    table: str
    id: str
    label: str
    columns: Sequence[Column]
    computed: tuple[bool, ...]


@dataclass(frozen=True)
class Found:
    """A row of the page: the label's slot and the figures' slots after it."""

    label: Slot
    values: tuple[Slot, ...]


def read_tables(
    page: Page, where: str, tables: tuple[ActiveTable, ApplicationTable, ReviewTable], names: Sequence[str]
) -> Printed:
    """Every figure of tables 二, 三 and 四 as the page prints it. `names`: how messages name the three
    tables (their sections' labels). Refused, naming every label not found, when any is missing."""
    active, applications, reviews = tables
    texts = {normal(slot.text) for grid in page.grids for row in grid for slot in row}
    missing: list[str] = []
    printed = Printed()
    labels = [
        (names[0], [active.label_column, *(b.header for b in active.blocks)]),
        (names[0], [c.label for b in active.blocks for c in b.columns]),
        (names[1], [applications.header, *(c.label for c in applications.all_columns)]),
        (names[2], [g for c in reviews.columns for g in c.group]),
    ]
    for name, needed in labels:
        missing += [f"{name}“{label}”" for label in dict.fromkeys(needed) if not _present(label, texts)]
    rows = [
        Wanted(names[0], row.id, row.label, block.columns, (False,) * len(block.columns))
        for block in active.blocks
        for row in block.rows
    ]
    rows += [
        Wanted(
            names[1],
            row.id,
            row.label,
            applications.all_columns,
            tuple(applications.computed(row, c) for c in applications.all_columns),
        )
        for row in applications.data_rows
    ]
    found: dict[str, Found] = {}
    for wanted in rows:
        hit = _row(page.grids, wanted.label, len(wanted.columns))
        if hit is None:
            missing.append(f"{wanted.table}“{wanted.label}”")
        else:
            found[wanted.id] = hit
    review_row = _review_row(page.grids, reviews)
    if review_row is None:
        columns = "、".join(dict.fromkeys(c.label for c in reviews.columns))
        missing.append(f"{names[2]}“{columns}”一行及其下的数字")
    if missing:
        raise DataError(
            f"网页中找不到以下表格标签：{'、'.join(dict.fromkeys(missing))}", path=where, hint=HINT
        )
    for wanted in rows:
        values = _values(found[wanted.id], len(wanted.columns), wanted.label, where)
        for column, slot, computed in zip(wanted.columns, values, wanted.computed, strict=True):
            place = Place.page(where, slot.line, wanted.label, column.label)
            cell = read_printed(slot.text, column.type, column.unit, place, computed)
            printed.put(f"{wanted.id}.{column.id}", cell)
    if review_row is not None:
        label = names[2]
        values = _values(review_row, len(reviews.columns), label, where)
        for column, slot in zip(reviews.columns, values, strict=True):
            place = Place.page(where, slot.line, label, "".join(column.group) + column.label)
            computed = column.derive is not None
            printed.put(column.id, read_printed(slot.text, column.type, column.unit, place, computed))
    return printed


def _present(label: str, texts: Iterable[str]) -> bool:
    wanted = normal(label)
    return any(
        text == wanted or (text.startswith(wanted) and NOTE.fullmatch(text[len(wanted) :])) for text in texts
    )


def _after(row: list[Slot], index: int) -> tuple[Slot, ...]:
    """The distinct cells right of `row[index]`, in order (a spanning cell once)."""
    seen = {row[index].cell}
    cells: list[Slot] = []
    for slot in row[index + 1 :]:
        if slot.cell not in seen:
            seen.add(slot.cell)
            cells.append(slot)
    return tuple(cells)


def _row(grids: Sequence[Grid], label: str, width: int) -> Found | None:
    """The first row of the page with a cell labelled `label` and enough cells after it."""
    first: Found | None = None
    for grid in grids:
        for row in grid:
            for index in range(len(row) - 1, -1, -1):  # the innermost label of the row (1. under （三）)
                if matches(row[index].text, label):
                    hit = Found(row[index], _after(row, index))
                    if len(hit.values) >= width:
                        return hit
                    first = first or hit
                    break
    return first


def _review_row(grids: Sequence[Grid], reviews: ReviewTable) -> Found | None:
    """Table 四's figures: the first row with as many cells as it has columns, under the row of its
    column labels (结果维持 … 总计, three times)."""
    labels = [column.label for column in reviews.columns]
    for grid in grids:
        for r, row in enumerate(grid):
            distinct = _after([Slot("", -1, 0), *row], 0)
            if len(distinct) == len(labels) and all(map(matches, (s.text for s in distinct), labels)):
                for below in grid[r + 1 :]:
                    cells = _after([Slot("", -1, 0), *below], 0)
                    if len(cells) >= len(labels):
                        return Found(distinct[0], cells)
    return None


def _values(found: Found, width: int, label: str, where: str) -> tuple[Slot, ...]:
    """The `width` figures of a row: its cells, or its non-blank ones when the cells are too many."""
    cells = found.values
    if len(cells) == width:
        return cells
    filled = tuple(slot for slot in cells if slot.text.strip())
    if len(cells) > width and len(filled) == width:
        return filled
    raise DataError(
        f"网页源代码第 {found.label.line} 行“{label}”应有 {width} 个数字，网页中这一行有 {len(cells)} 格"
        f"（其中 {len(filled)} 格有内容）",
        path=where,
        hint="请对照网页上的表格核对这一行；如果网页本身缺格，请把页面另存后在相应位置补上空格或 0。",
    )
