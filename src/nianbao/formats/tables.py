"""The tables of the national formats (二, 三, 四) as declarative specs, parsed from the format YAML.

Table 二 is a stack of blocks (one per 条例 Art. 20 item), each with its own column headers; table 三 is
rows (data or label-only groups, nested) × applicant columns; table 四 is one row of columns under
nested group headers. Only the shape is here: loading, deriving and rendering read these specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELD_TYPES = ("count", "signed", "amount")


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    unit: str
    # "count": a non-negative integer; "signed": any integer (本年增/减); "amount": a non-negative sum
    type: str = "count"
    optional: bool = False  # a total a person may type; when left out it is computed


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str = "count"
    unit: str = "件"
    show_unit: bool = False  # the label does not name the unit, so the cell does (采购总金额)
    group: tuple[str, ...] = ()  # merged headers above the label, outermost first
    derive: str | None = None  # "sum": the total of the other columns of its group


def _column(raw: dict[str, Any]) -> Column:
    group = raw.get("group", ())
    column = Column(**{**raw, "group": tuple([group] if isinstance(group, str) else group)})
    if column.type not in FIELD_TYPES:
        raise ValueError(f"column {column.id}: unknown type {column.type}")  # a bug in a shipped format
    return column


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    parent: str | None = None
    kind: str = "data"  # "data": has cells; "group": a label spanning the rows under it
    derive: str | None = None  # "leaves": the sum of the data rows under the same heading


# ---------------------------------------------------------------- table 二


@dataclass(frozen=True)
class Block:
    header: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ActiveTable:
    label_column: str
    blocks: tuple[Block, ...]

    @property
    def width(self) -> int:
        """Value columns of the widest block; narrower blocks stretch their last column."""
        return max(len(block.columns) for block in self.blocks)

    def fields(self) -> dict[str, Field]:
        """Every cell as a typed figure keyed `<row>.<column>` (active.regulations.issued)."""
        return {
            f"{row.id}.{column.id}": Field(
                f"{row.id}.{column.id}", f"{row.label}：{column.label}", column.unit, column.type
            )
            for block in self.blocks
            for row in block.rows
            for column in block.columns
        }

    def lists(self) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"active_rows": tuple((row.id, row.label) for block in self.blocks for row in block.rows)}


def active_table(raw: dict[str, Any]) -> ActiveTable:
    return ActiveTable(
        label_column=raw["label_column"],
        blocks=tuple(
            Block(
                header=block["header"],
                columns=tuple(_column(column) for column in block["columns"]),
                rows=tuple(Row(**row) for row in block["rows"]),
            )
            for block in raw["blocks"]
        ),
    )


# ---------------------------------------------------------------- table 三


@dataclass(frozen=True)
class ApplicationTable:
    file: str  # the CSV beside figures.yaml
    note: str  # the 勾稽关系 text in the top-left corner
    header: str  # 申请人情况, spanning every value column
    columns: tuple[Column, ...]  # the six applicant columns
    total: Column  # 总计: the sum of the six, computed
    rows: tuple[Row, ...]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*self.columns, self.total)

    @property
    def data_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.kind == "data")

    @property
    def derived_row(self) -> Row:
        return next(row for row in self.rows if row.derive == "leaves")

    @property
    def leaves(self) -> tuple[Row, ...]:
        """The data rows that （七）总计 adds up: every typed data row under its heading."""
        heading = self.derived_row.parent
        return tuple(
            row
            for row in self.data_rows
            if row.derive is None and heading is not None and heading in self.ancestors(row)
        )

    def row(self, row_id: str) -> Row:
        return next(row for row in self.rows if row.id == row_id)

    def ancestors(self, row: Row) -> tuple[str, ...]:
        parents: list[str] = []
        while row.parent is not None:
            parents.append(row.parent)
            row = self.row(row.parent)
        return tuple(parents)

    def children(self, row_id: str) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.parent == row_id)

    def span(self, row: Row) -> int:
        """How many table rows a label covers: 1 for a data row, its data rows for a group."""
        if row.kind == "data":
            return 1
        return sum(self.span(child) for child in self.children(row.id))

    @property
    def depth(self) -> int:
        """Label columns of the table: one per nesting level (三、 › （三） › 1.)."""
        return 1 + max(len(self.ancestors(row)) for row in self.rows)

    def lists(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """(id, label) lists a rule's `each:` and `[…]` sums may name."""
        return {
            "applicants": tuple((c.id, c.label) for c in self.columns),
            "columns": tuple((c.id, c.label) for c in self.all_columns),
            "data_rows": tuple((r.id, r.label) for r in self.data_rows),
            "leaves": tuple((r.id, r.label) for r in self.leaves),
        }


def application_table(raw: dict[str, Any], format_id: str) -> ApplicationTable:
    rows = tuple(
        Row(**{key: value for key, value in row.items() if key != "formats"})
        for row in raw["rows"]
        if format_id in row.get("formats", [format_id])
    )
    return ApplicationTable(
        file=raw["file"],
        note=raw["note"],
        header=raw["header"],
        columns=tuple(_column(column) for column in raw["columns"]),
        total=_column(raw["total"]),
        rows=rows,
    )


# ---------------------------------------------------------------- table 四


@dataclass(frozen=True)
class ReviewTable:
    columns: tuple[Column, ...]

    def parts(self, total: Column) -> tuple[Column, ...]:
        """The columns a `derive: sum` column adds up: the others of its group."""
        return tuple(c for c in self.columns if c.group == total.group and c.derive is None)

    @property
    def depth(self) -> int:
        """Header rows: the deepest group path plus the label row."""
        return 1 + max(len(column.group) for column in self.columns)

    def fields(self) -> dict[str, Field]:
        return {
            c.id: Field(c.id, "".join(c.group) + c.label, c.unit, c.type, optional=c.derive is not None)
            for c in self.columns
        }


def review_table(raw: dict[str, Any]) -> ReviewTable:
    return ReviewTable(columns=tuple(_column(column) for column in raw["columns"]))
