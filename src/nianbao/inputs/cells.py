"""What a figure's cell may hold and what each means: the one contract every input path reads through.

Whoever types a figure — in figures.yaml, in the table-三 CSV, later in an Excel workbook or a page
imported from a published report — may write:

- a number: `12`, `１２` (full width), `1,234` (thousands as printed) — that number (an amount: a
  Decimal);
- an amount with its unit: `251000元`, `25.1万元` — that amount, converted to the field's unit;
- nothing, in a computed cell (a 总计) — "computed here": the total is computed, as if left out;
- nothing, anywhere else — a cell forgotten: an error naming it;
- `-`, `—`, `/` — not applicable / none: counted as 0, printed as typed, with a warning for reviewers;
- `待填` — still to fill: an error naming the cell (`make check` finds every one).

Counts are non-negative integers, signed figures (本年增/减) any integer, amounts non-negative decimals.
Every message names the file, the line (and column), and the cell by the printed form's label.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from nianbao.errors import DataError
from nianbao.inputs.model import Mark, Number

NOT_APPLICABLE = ("-", "—", "——", "/")  # after NFKC: full-width －, ／ become - and /
TO_FILL = "待填"
# No figure of a report has more digits (千万亿); far longer ones cannot even be printed (Python's
# 4,300-digit limit on int ↔ str), and would fail a build long after the check.
MAX_DIGITS = 15
SHOWN_MAX = 60  # characters of a wrong value a message quotes
UNITS = {"元": Decimal(1), "万元": Decimal(10_000)}  # the units an amount may be typed in, in 元
MAX_DIGITS = 15  # of a number, typed or in YAML (`files.StrictLoader`): the largest figure has a dozen
NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
EXPECTED = {
    "count": "非负整数",
    "signed": "整数（减少写负数）",
}


@dataclass(frozen=True)
class Place:
    """Where a cell is, as a message names it: the file, and the cell in the words of the form.

    `subject` starts the message (`第 12 行：字段 apply.online（网络申请数）`); `cell` is what a blank is
    called (`一格` for a table's cell)."""

    file: str
    subject: str
    cell: str = ""
    line: int | None = None  # the line (from 1) of the file, when known: a rule's message points to it
    row: str = ""  # a table's cell: the subject up to its column (`第 3 行“一、…”`), to list a row's once
    column: str = ""

    @classmethod
    def field(cls, file: str, key: str, label: str, line: int | None) -> Place:
        """A field of a YAML file: its line, its key and its label."""
        named = f"字段 {key}（{label}）" if label and label != key else f"字段 {key}"
        return cls(file, f"第 {line} 行：{named}" if line else named, line=line)

    @classmethod
    def table(cls, file: str, line: int, row: str, column: str) -> Place:
        """A cell of a table laid out like the paper form: its line, its row's and its column's labels."""
        at = f"第 {line} 行“{row}”"
        return cls(file, f"{at}的“{column}”", cell="一格", line=line, row=at, column=column)

    @classmethod
    def page(cls, file: str, line: int, row: str, column: str) -> Place:
        """A cell of a table on a saved web page: the line of the page's source where the cell starts
        (what Notepad shows), its row's and its column's labels."""
        at = f"网页源代码第 {line} 行“{row}”"
        return cls(file, f"{at}的“{column}”", cell="一格", row=at, column=column)

    def error(self, message: str) -> DataError:
        return DataError(f"{self.subject}{message}", path=self.file)


def grouped(marks: Sequence[Mark]) -> list[str]:
    """One warning per file and kind of mark (a table of "/" is one warning listing its cells, not one
    per cell), in the order first met; a mark alone is said as it is."""
    groups: dict[tuple[str, str], list[Mark]] = {}
    for mark in marks:
        groups.setdefault((mark.file, mark.shown), []).append(mark)
    said = []
    for (file, _), group in groups.items():
        if len(group) == 1:
            said.append(str(group[0]))
            continue
        said.append(f"{file}: 以下 {len(group)} 格{group[0].what}：{_listed(group)}")
    return said


def _listed(marks: Sequence[Mark]) -> str:
    """The cells of `marks`, a table's row named once before its columns (第 8 行“1.属于国家秘密”的
    “自然人”“商业企业”), other cells as they are named."""
    rows: dict[str, list[str]] = {}
    for mark in marks:
        if mark.row:
            rows.setdefault(mark.row, []).append(f"“{mark.column}”")
        else:
            rows.setdefault(mark.cell, [])
    return "、".join(f"{row}的{''.join(columns)}" if columns else row for row, columns in rows.items())


@dataclass(frozen=True)
class Cell:
    """A cell's figure, and how it was typed when that was not a plain number (`—`: printed as typed)."""

    value: Number
    shown: str | None = None
    mark: Mark | None = None  # counted as 0 though no 0 was typed: for reviewers
    # where it was typed (the place's line), for the rules' messages; not part of what the cell holds
    line: int | None = field(default=None, compare=False)


def read_cell(raw: object, kind: str, unit: str, place: Place, computed: bool = False) -> Cell | None:
    """The figure a cell holds, by the contract above; None for a blank computed cell.

    `raw`: what the file gave (a YAML scalar, or a CSV cell's text); `kind`: count, signed or amount;
    `unit`: the field's unit (an amount typed in another unit is converted to it)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal | None):
        raise _wrong(raw, kind, unit, place)
    text = unicodedata.normalize("NFKC", raw).strip() if isinstance(raw, str) else raw
    if text is None or text == "":
        if computed:
            return None
        raise place.error(f"{place.cell}没有填写；没有的请填 0")
    if text == TO_FILL:
        if _LEFT_OUT.get():
            return None
        raise place.error(f"还没有填写（写的是“{TO_FILL}”）；请填入数字，没有的填 0，不适用的填 -")
    if text in NOT_APPLICABLE:
        shown = str(raw).strip()
        mark = Mark(place.file, place.subject, shown, place.row, place.column)
        return Cell(Decimal(0) if kind == "amount" else 0, shown, mark, place.line)
    digits = sum(char.isdigit() for char in str(text))
    if isinstance(text, str) and digits > MAX_DIGITS:  # never converted: int() refuses 4,300 digits
        raise place.error(f"有 {digits} 位数字，超过 {MAX_DIGITS} 位，不是一个报告中的数")
    value = _number(text, kind, unit)
    if value is None:
        raise _wrong(raw, kind, unit, place)
    return Cell(value, line=place.line)


_LEFT_OUT: ContextVar[bool] = ContextVar("left_out_to_fill", default=False)


@contextlib.contextmanager
def left_out_to_fill() -> Iterator[None]:
    """Within it, a `待填` cell is read as no figure (None) instead of refused: a year begun by
    `make next-year`, handed out as a form whose `待填` cells are its empty ones."""
    token = _LEFT_OUT.set(True)
    try:
        yield
    finally:
        _LEFT_OUT.reset(token)


def is_to_fill(raw: object) -> bool:
    """Whether a cell still holds the `待填` marker (as `make next-year` writes it), however spaced or
    typed in full width: what `make check` lists, all at once, before reading any figure."""
    return isinstance(raw, str) and unicodedata.normalize("NFKC", raw).strip() == TO_FILL


def _number(value: int | float | str | Decimal, kind: str, unit: str) -> Number | None:
    """The number `value` stands for as a figure of `kind` in `unit`, or None if it is none."""
    if isinstance(value, str):
        typed_unit = next((u for u in sorted(UNITS, key=len, reverse=True) if value.endswith(u)), None)
        digits = value.removesuffix(typed_unit).strip() if typed_unit else value
        if not NUMBER.fullmatch(digits) or (typed_unit and (kind != "amount" or unit not in UNITS)):
            return None
        number = Decimal(digits.replace(",", ""))
        if typed_unit:
            number = number * UNITS[typed_unit] / UNITS[unit]
    elif isinstance(value, float):
        if kind != "amount":
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
    else:
        number = Decimal(value)
    if not number.is_finite() or (kind != "signed" and number < 0) or number.adjusted() >= MAX_DIGITS:
        return None
    if kind == "amount":
        return number if isinstance(value, str | float) else Decimal(str(value))
    if number != number.to_integral_value() or (isinstance(value, str) and "." in value):
        return None
    return int(number)


def _wrong(raw: object, kind: str, unit: str, place: Place) -> DataError:
    expected = EXPECTED.get(kind, f"非负的金额（{unit}）")
    return place.error(f"应为{expected}，实际为 {shown(raw)}")


def shown(value: object) -> str:
    """A value as a message quotes it: text in quotes, nothing as 空值."""
    if value is None:
        return "空值"
    text = f'"{value}"' if isinstance(value, str) else str(value)
    return text if len(text) <= SHOWN_MAX else f"{text[: SHOWN_MAX - 2]}…（共 {len(text)} 个字符）"


def read_printed(raw: str, kind: str, unit: str, place: Place, computed: bool = False) -> Cell | None:
    """A cell of a published table (a portal page being imported, or a year typed `as_printed`), by the
    contract above, except that a blank input cell reads as 0 with a warning naming it: it is a record
    of what was printed, and publishers print a 0 as an empty cell (`&nbsp;`, or only a row's 总计).
    A blank computed cell is computed, as anywhere."""
    if not computed and not unicodedata.normalize("NFKC", raw).strip():
        return Cell(
            Decimal(0) if kind == "amount" else 0,
            None,
            Mark(place.file, place.subject, "", place.row, place.column),
        )
    return read_cell(raw, kind, unit, place, computed)
