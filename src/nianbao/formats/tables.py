"""The tables a format may have, as declarative specs parsed from its YAML.

- the categories (pre2019): 类别 | 条数 | 占比, the categories' names typed by the agency;
- the appendix (pre2019): 指标名称 | 单位 | <年度> | 历年累计, rows typed or summed, each chained;
- table 二 (national): a stack of blocks (one per 条例 Art. 20 item), each with its own column headers;
- table 三 (national): rows (data or label-only groups, nested) × applicant columns, typed in a CSV;
- table 四 (national): one row of columns under nested group headers.

Only the shape is here, and what follows from it: the figures each table adds to `figures.yaml`, the
totals it computes (`Sum`s), the labels by which messages and headings name its figures, and the lists
a rule's `each:` may run over. Loading, deriving and rendering read these specs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.formats.schema import DefinitionError, build, mapping, only, required, sequence

FIELD_TYPES = ("count", "signed", "amount")
Named = tuple[str, str]  # (id, label) of a value that a rule's `each:` runs over


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    unit: str
    # "count": a non-negative integer; "signed": any integer (本年增/减); "amount": a non-negative sum
    type: str = "count"
    optional: bool = False  # a total a person may type; when left out (or blank) it is computed
    # whether the Excel form has a row for it: figures added to a format later (channels, 全文电子化率
    # in the national formats) are typed in figures.yaml only, so forms already filled still read
    form: bool = True


def field(key: str, raw: Any, at: str) -> Field:
    spec = build(Field, raw, at, id=key)
    _check_type(spec.type, at)
    return spec


def _check_type(kind: str, at: str) -> None:
    if kind not in FIELD_TYPES:
        raise DefinitionError(f"{at}.type 应为 {'、'.join(FIELD_TYPES)} 之一，实际为 {kind!r}")


@dataclass(frozen=True)
class Sum:
    """A total the format computes: `key` = the sum of `parts` (and of the categories' counts when
    `categories` names the categories' field). A total a person typed is kept instead, so a rule can
    compare it with the sum."""

    key: str
    parts: tuple[str, ...]
    categories: str | None = None


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str = "count"
    unit: str = "件"
    show_unit: bool = False  # the label does not name the unit, so the cell does (采购总金额)
    group: tuple[str, ...] = ()  # merged headers above the label, outermost first
    derive: str | None = None  # "sum": the total of the other columns of its group


def _column(raw: Any, at: str) -> Column:
    group = mapping(raw, at).get("group", [])
    groups = tuple([group] if isinstance(group, str) else sequence(group, f"{at}.group"))
    column = build(Column, raw, at, group=groups)
    _check_type(column.type, at)
    if column.derive not in (None, "sum"):
        raise DefinitionError(f"{at}.derive 只能是 sum（其余各列之和），实际为 {column.derive!r}")
    return column


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    parent: str | None = None
    kind: str = "data"  # "data": has cells; "group": a label spanning the rows under it
    derive: str | None = None  # "leaves": the sum of the data rows under the same heading


def _row(raw: Any, at: str) -> Row:
    row = build(Row, raw, at)
    if row.kind not in ("data", "group") or row.derive not in (None, "leaves"):
        raise DefinitionError(f"{at}：kind 只能是 data 或 group，derive 只能是 leaves")
    return row


def _items(raw: Any, at: str) -> list[tuple[Any, str]]:
    """The items of a YAML list with the path of each, for messages."""
    return [(item, f"{at}[{i}]") for i, item in enumerate(sequence(raw, at))]


# ---------------------------------------------------------------- categories (pre2019)


@dataclass(frozen=True)
class CategorySpec:
    field: str
    name_column: str
    count_column: str
    share_column: str
    unit: str
    total_label: str
    total: str | None = None  # the figure the categories add up to (active.total): computed unless typed
    optional: bool = False  # the categories may be left out (only some reports list them)
    note: str = "categories"  # where the page prints its shares' notes (`notes.<place>`)

    def label(self, name: str) -> str:
        """How a message names one category's count: 类别“工作动态”的条数."""
        return f"{self.name_column}“{name}”的{self.count_column}"

    @property
    def sum_key(self) -> str:
        """The key of the categories' own sum (active.categories.total), which a typed total is checked
        against."""
        return f"{self.field}.total"

    @property
    def sum_label(self) -> str:
        return f"各{self.name_column}{self.count_column}之和"


def _columns(items: Mapping[str, Any], names: Sequence[str], at: str) -> dict[str, Any]:
    """`columns: {name: 类别, …}` as the spec's `name_column`, … (each required)."""
    columns = mapping(items.get("columns"), f"{at}.columns")
    only(columns, names, f"{at}.columns")
    return {f"{name}_column": required(columns, name, f"{at}.columns") for name in names}


def categories(raw: Any, at: str) -> CategorySpec:
    items = mapping(raw, at)
    flat = {key: value for key, value in items.items() if key != "columns"}
    return build(CategorySpec, {**flat, **_columns(items, ("name", "count", "share"), at)}, at)


# ---------------------------------------------------------------- the appendix (pre2019)


@dataclass(frozen=True)
class AppendixRow:
    id: str
    label: str
    unit: str
    parent: str | None = None
    derive: str | None = None  # None: typed; "sum": sum of its child rows; "categories": sum of categories


@dataclass(frozen=True)
class Appendix:
    title: str
    label_column: str
    unit_column: str
    cumulative_column: str
    rows: tuple[AppendixRow, ...]

    def children(self, row_id: str) -> tuple[AppendixRow, ...]:
        return tuple(row for row in self.rows if row.parent == row_id)

    @property
    def typed_rows(self) -> tuple[AppendixRow, ...]:
        """Rows whose cumulative opening balance a person types (the others are derived)."""
        return tuple(row for row in self.rows if row.derive != "sum")

    def sums(self, categories_field: str | None, prefix: str = "") -> tuple[Sum, ...]:
        """Its `sum` rows (and, without `prefix`, its `categories` row), `prefix` before every key."""
        sums = []
        for row in self.rows:
            if row.derive == "sum":
                parts = tuple(f"{prefix}{child.id}" for child in self.children(row.id))
                sums.append(Sum(f"{prefix}{row.id}", parts))
            elif row.derive == "categories" and not prefix:
                sums.append(Sum(row.id, (), categories=categories_field))
        return tuple(sums)

    def lists(self) -> dict[str, tuple[Named, ...]]:
        return {
            "appendix": tuple((row.id, row.label) for row in self.rows),
            "opening_rows": tuple((row.id, row.label) for row in self.typed_rows),
        }


def appendix(raw: Any, at: str) -> Appendix:
    items = mapping(raw, at)
    rows = []
    for row, where in _items(items.get("rows"), f"{at}.rows"):
        rows.append(build(AppendixRow, row, where))
        if rows[-1].derive not in (None, "sum", "categories"):
            raise DefinitionError(f"{where}.derive 只能是 sum 或 categories，实际为 {rows[-1].derive!r}")
    flat = {key: value for key, value in items.items() if key not in ("columns", "rows")}
    named = _columns(items, ("label", "unit", "cumulative"), at)
    return build(Appendix, {**flat, **named}, at, rows=tuple(rows))


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

    def lists(self) -> dict[str, tuple[Named, ...]]:
        return {"active_rows": tuple((row.id, row.label) for block in self.blocks for row in block.rows)}


def active_table(raw: Any, at: str) -> ActiveTable:
    items = mapping(raw, at)
    blocks = []
    for block, where in _items(items.get("blocks"), f"{at}.blocks"):
        parts = mapping(block, where)
        columns = tuple(_column(c, w) for c, w in _items(parts.get("columns"), f"{where}.columns"))
        rows = tuple(_row(r, w) for r, w in _items(parts.get("rows"), f"{where}.rows"))
        blocks.append(build(Block, block, where, columns=columns, rows=rows))
    if not blocks:
        raise DefinitionError(f"{at}.blocks 至少要有一块")
    return build(ActiveTable, raw, at, blocks=tuple(blocks))


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

    def computed(self, row: Row, column: Column) -> bool:
        """Whether a cell is computed here (its 总计 column, its （七）总计 row): blank means "computed"."""
        return row.derive is not None or column == self.total

    def cells(self) -> dict[str, str]:
        """Every cell's key (`apply.new.natural`) with the words a heading uses for it: the row's label
        for its 总计, else 行标签：列标签."""
        return {
            f"{row.id}.{column.id}": row.label if column == self.total else f"{row.label}：{column.label}"
            for row in self.data_rows
            for column in self.all_columns
        }

    def sums(self) -> tuple[Sum, ...]:
        """（七）总计 of every applicant column, then every data row's 总计 (（七）总计's own included)."""
        result = self.derived_row.id
        by_column = tuple(
            Sum(f"{result}.{column.id}", tuple(f"{leaf.id}.{column.id}" for leaf in self.leaves))
            for column in self.columns
        )
        by_row = tuple(
            Sum(f"{row.id}.{self.total.id}", tuple(f"{row.id}.{column.id}" for column in self.columns))
            for row in self.data_rows
        )
        return (*by_column, *by_row)

    def kinds(self, heading: str) -> tuple[tuple[Row, tuple[Row, ...]], ...]:
        """The rows directly under `heading` that are not its total, each with the leaves it covers."""
        return tuple(
            (row, tuple(leaf for leaf in self.leaves if leaf == row or row.id in self.ancestors(leaf)))
            for row in self.children(heading)
            if row.derive is None
        )

    def lists(self) -> dict[str, tuple[Named, ...]]:
        """(id, label) lists a rule's `each:` and `[…]` sums may name."""
        return {
            "applicants": tuple((c.id, c.label) for c in self.columns),
            "columns": tuple((c.id, c.label) for c in self.all_columns),
            "data_rows": tuple((r.id, r.label) for r in self.data_rows),
            "leaves": tuple((r.id, r.label) for r in self.leaves),
        }


def application_table(raw: Any, at: str, format_id: str) -> ApplicationTable:
    """Table 三 of `format_id`: a row marked `formats: [...]` belongs to those formats only."""
    items = mapping(raw, at)
    rows = []
    for row, where in _items(items.get("rows"), f"{at}.rows"):
        own = mapping(row, where)
        if format_id in own.get("formats", [format_id]):
            rows.append(_row({key: value for key, value in own.items() if key != "formats"}, where))
    columns = tuple(_column(c, w) for c, w in _items(items.get("columns"), f"{at}.columns"))
    table = build(
        ApplicationTable,
        raw,
        at,
        columns=columns,
        total=_column(items.get("total"), f"{at}.total"),
        rows=tuple(rows),
    )
    derived = [row for row in table.rows if row.derive == "leaves"]
    if len(derived) != 1 or derived[0].parent is None:
        raise DefinitionError(f"{at}.rows 中应恰有一行 derive: leaves（某一标题下各项之和，如“（七）总计”）")
    return table


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
            # 行政诉讼—未经复议直接起诉—结果维持: the headers above the cell, as the printed table nests them
            c.id: Field(c.id, "—".join((*c.group, c.label)), c.unit, c.type, optional=c.derive is not None)
            for c in self.columns
        }

    def sums(self) -> tuple[Sum, ...]:
        return tuple(
            Sum(column.id, tuple(part.id for part in self.parts(column)))
            for column in self.columns
            if column.derive == "sum"
        )


def review_table(raw: Any, at: str) -> ReviewTable:
    columns = tuple(_column(c, w) for c, w in _items(mapping(raw, at).get("columns"), f"{at}.columns"))
    if not columns:
        raise DefinitionError(f"{at}.columns 至少要有一列")
    return build(ReviewTable, raw, at, columns=columns)
