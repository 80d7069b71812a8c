"""What is still to fill in a year's files: every `待填` cell and every `待改写` section, all at once.

`make next-year` writes `待填` in every figure it cannot carry over (and in the 文号 and the date), and
puts last year's text under a `待改写` line in each section of the narrative. A year is not ready until
none is left: the loader refuses it with one `UnfilledError` that lists every one, so `make check` (and
the index, through the check record) says exactly what is still to do, not just the first thing.

Only looks: the files are read through the build's snapshot like every other input, and whatever else
is wrong with them is left to the loader, which reports it as ever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from nianbao.errors import DataError
from nianbao.formats import ReportFormat
from nianbao.inputs.applications import csv_lines
from nianbao.inputs.cells import Place, is_to_fill
from nianbao.inputs.files import read_text, read_yaml
from nianbao.inputs.prose import to_rewrite
from nianbao.paths import Project

T = TypeVar("T")


class UnfilledError(DataError):
    """A year whose files still hold `待填` cells or `待改写` sections; `items` names each of them."""

    def __init__(self, items: list[str]) -> None:
        self.items = tuple(items)
        listed = "".join(f"\n  - {item}" for item in items)
        super().__init__(
            f"还有 {len(items)} 处没有填写或改写：{listed}",
            hint="把每个“待填”换成数字（没有的填 0，不适用的填 -），把每段文字改写成本年度的情况后"
            "删去“待改写”一行。",
        )


def check_filled(project: Project, fmt: ReportFormat, agency: str, year: int) -> None:
    """Raise an `UnfilledError` listing everything still to fill in `year`'s files, if anything is."""
    items = list(unfilled(project, fmt, agency, year))
    if items:
        raise UnfilledError(items)


def unfilled(project: Project, fmt: ReportFormat, agency: str, year: int) -> Iterator[str]:
    """Each cell still `待填` (figures.yaml, then the file tables) and each section still `待改写`.

    A file that cannot be read or parsed is skipped: the loader reports that fault, in its own order."""
    figures = project.figures(agency, year)
    content = _quietly(read_yaml, figures, project.relative(figures))
    if content is not None:
        yield from _in_yaml(project.relative(figures), content, fmt)
    for table in fmt.file_tables:
        path = project.year_dir(agency, year) / table.file
        where = project.relative(path)
        lines = _quietly(_table_lines, path, where) if path.is_file() else None
        yield from _in_table(where, lines or [])
    narrative = project.narrative(agency, year)
    where = project.relative(narrative)
    text = _quietly(read_text, narrative, where) if narrative.is_file() else None
    for heading in to_rewrite(text or ""):
        yield f"{where}（“# {heading}”一段）还没有改写：还有“待改写”一行"


def _quietly(read: Callable[..., T], *args: Any) -> T | None:
    try:
        return read(*args)
    except DataError:
        return None


def _table_lines(path: Path, where: str) -> list[tuple[int, list[str]]]:
    return csv_lines(read_text(path, where), where)


def _in_yaml(where: str, content: Mapping[str, Any], fmt: ReportFormat, prefix: str = "") -> Iterator[str]:
    """Every leaf of the file's nested keys, by its dotted key, that still holds `待填`."""
    lines = getattr(content, "lines", {})
    for name, value in content.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _in_yaml(where, value, fmt, f"{key}.")
        elif is_to_fill(value):
            place = Place.field(where, key, fmt.label(key), lines.get(name))
            yield f"{where}: {place.subject}还没有填写"


def _in_table(where: str, lines: list[tuple[int, list[str]]]) -> Iterator[str]:
    """A CSV laid out like the paper form: its header names the columns, each line's first cell the row."""
    if not lines:
        return
    header = lines[0][1]
    for number, cells in lines[1:]:
        columns = [
            header[column].strip() if column < len(header) else f"第 {column + 1} 列"
            for column, cell in enumerate(cells[1:], start=1)
            if is_to_fill(cell)
        ]
        if columns:  # one line per row of the form: its cells still to fill, by column
            yield f"{where}: 第 {number} 行“{cells[0].strip()}”还没有填写：{'、'.join(columns)}"
