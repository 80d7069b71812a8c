"""Tables as data: every official table is a `Table` of rows of `Cell`s, which every renderer reads.

The HTML renderer (`table_html`) draws the pages from it; the executed notebook carries it beside the
HTML as JSON (`to_json`, mimetype `MIMETYPE`), so later PDF and Word exporters draw the very same cells
without parsing HTML. The JSON (schema "nianbao.table", version 1):

    {"schema": "nianbao.table", "version": 1,
     "id": "applications",          which table: categories, appendix, active, applications,
                                    reviews, breakdown (the page styles it as `nb-<id>`)
     "wrap_head": true,             header text may wrap (else header cells keep to one line)
     "head": [row, …],              header rows, repeated at the top of each printed page
     "body": [row, …],
     "foot": [row, …]}              total rows below the body (may be empty)
    row  = [cell, …]
    cell = {"text": "…",            exactly as printed (numbers already formatted)
            "header": true,         a header cell (<th>); left out when false
            "rowspan": 2,           merged cells; each left out when 1
            "colspan": 3,
            "class": ["label", …]}  left out when empty; see CLASSES

A cell covered by another's rowspan or colspan is not written (as in HTML). A reader refuses another
schema or version; a later version that changes the meaning of a field gets a new number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MIMETYPE = "application/vnd.nianbao.table+json"
SCHEMA = "nianbao.table"
VERSION = 1

# What each cell class means; the HTML stylesheet styles them, other renderers should too.
CLASSES = {
    "num": "a figure: right-aligned, tabular digits",
    "unit": "a unit of measure: centred",
    "sub": "the label of a sub-row (其中：…): indented",
    "label": "a row label of a national table",
    "group": "a row label spanning the rows below it (三、本年度办理结果)",
    "total": "the label of a computed total row",
    "block": "a block heading across the whole table (表二's 第二十条第（一）项)",
    "corner": "the note in the top-left corner (表三's 勾稽关系)",
}


@dataclass(frozen=True)
class Cell:
    text: str
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    classes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The cell's JSON: its text, and every other field that differs from its default."""
        data: dict[str, Any] = {"text": self.text}
        if self.header:
            data["header"] = True
        if self.rowspan != 1:
            data["rowspan"] = self.rowspan
        if self.colspan != 1:
            data["colspan"] = self.colspan
        if self.classes:
            data["class"] = list(self.classes)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cell:
        unknown = sorted(set(data) - {"text", "header", "rowspan", "colspan", "class"})
        if unknown:
            raise ValueError(f"table cell: unknown fields {unknown}")
        cell = cls(
            text=_typed(data, "text", str),
            header=_typed(data, "header", bool, False),
            rowspan=_typed(data, "rowspan", int, 1),
            colspan=_typed(data, "colspan", int, 1),
            classes=tuple(_typed(data, "class", list, [])),
        )
        if cell.rowspan < 1 or cell.colspan < 1 or not all(isinstance(c, str) for c in cell.classes):
            raise ValueError(f"table cell {cell.text!r}: spans must be ≥ 1 and classes strings")
        return cell


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    id: str
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    foot: tuple[Row, ...] = ()
    wrap_head: bool = False

    @property
    def rows(self) -> tuple[Row, ...]:
        """Every row, top to bottom."""
        return (*self.head, *self.body, *self.foot)

    def placed(self) -> list[tuple[int, int, Cell]]:
        """Each cell with the grid row and column of its top-left corner, placed as HTML places them:
        left to right, past the slots a cell above still covers. A renderer that merges a grid's
        cells (python-docx) starts from here."""
        covered: set[tuple[int, int]] = set()
        found = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in covered:
                    c += 1
                found.append((r, c, cell))
                covered |= {(r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan)}
                c += cell.colspan
        return found

    @property
    def width(self) -> int:
        """Columns of the grid."""
        return max((c + cell.colspan for _, c, cell in self.placed()), default=0)

    def to_json(self) -> dict[str, Any]:
        def rows(part: tuple[Row, ...]) -> list[list[dict[str, Any]]]:
            return [[cell.to_json() for cell in row] for row in part]

        return {
            "schema": SCHEMA,
            "version": VERSION,
            "id": self.id,
            "wrap_head": self.wrap_head,
            "head": rows(self.head),
            "body": rows(self.body),
            "foot": rows(self.foot),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Table:
        """The table a notebook carries; another schema or version is refused, not guessed at."""
        if data.get("schema") != SCHEMA or data.get("version") != VERSION:
            found = f"{data.get('schema')!r} version {data.get('version')!r}"
            raise ValueError(f"table: expected schema {SCHEMA!r} version {VERSION}, found {found}")
        unknown = sorted(set(data) - {"schema", "version", "id", "wrap_head", "head", "body", "foot"})
        if unknown:
            raise ValueError(f"table: unknown fields {unknown}")

        def rows(part: str) -> tuple[Row, ...]:
            return tuple(tuple(Cell.from_json(cell) for cell in row) for row in _typed(data, part, list))

        return cls(
            id=_typed(data, "id", str),
            head=rows("head"),
            body=rows("body"),
            foot=rows("foot"),
            wrap_head=_typed(data, "wrap_head", bool),
        )


def _typed(data: Mapping[str, Any], key: str, kind: type, *default: Any) -> Any:
    """`data[key]`, which must be a `kind` (bool is not an int here); `default` when it may be left out."""
    if key not in data and default:
        return default[0]
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"table: field {key!r} should be {kind.__name__}, found {value!r}")
    return value


def header_rows(paths: Sequence[tuple[str, ...]]) -> list[list[Cell]]:
    """Header rows for columns given as label paths (outer groups first, own label last).

    A group spans its consecutive columns; a label with fewer groups above it than the deepest column
    spans the rows below it (行政复议's 结果维持 covers two rows, 行政诉讼's sit under 未经复议直接起诉).
    """
    depth = max(len(path) for path in paths)
    rows: list[list[Cell]] = []
    for level in range(depth):
        cells: list[Cell] = []
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) - 1 == level:
                cells.append(Cell(path[level], header=True, rowspan=depth - level))
                i += 1
            elif len(path) - 1 > level:
                j = i
                while (
                    j < len(paths)
                    and len(paths[j]) - 1 > level
                    and paths[j][: level + 1] == path[: level + 1]
                ):
                    j += 1
                cells.append(Cell(path[level], header=True, colspan=j - i))
                i = j
            else:
                i += 1
        rows.append(cells)
    return rows
