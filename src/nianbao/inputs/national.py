"""The national formats (gb2019, gb2021): one year's files → typed figures, and the totals derived from them.

A year is `figures.yaml` (report number and date, the cells of tables 二 and 四, other typed figures)
plus the table-三 CSV. Totals (table 三's 总计 column and （七）总计 row, table 四's 总计 columns) are
computed here; a total a person typed is kept instead, so the format's rules (A2, A3, R1–R3) compare it
with the sum and fail with a clear message. There is no 历年累计: no opening balance is needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from nianbao.formats import PREVIOUS, ReportFormat, Rule, format_for_year
from nianbao.formats.tables import Field
from nianbao.inputs.applications import read_applications
from nianbao.inputs.checks import Year, check_rules
from nianbao.inputs.files import Reader, flatten, read_yaml, shown
from nianbao.inputs.model import Number, YearData
from nianbao.paths import Project


def load_year(project: Project, fmt: ReportFormat, agency: str, year: int) -> YearData:
    """One year's typed figures: figures.yaml checked field by field, then table 三 from its CSV."""
    path = project.figures(agency, year)
    where = project.relative(path)
    reader = Reader(flatten(read_yaml(path, where), where), where)
    reader.only(["report.number", "report.date", *fmt.fields])
    values: dict[str, Number] = {
        key: typed(reader, spec)
        for key, spec in fmt.fields.items()
        if not (spec.optional and key not in reader.content)
    }
    if fmt.applications is not None:
        table = project.year_dir(agency, year) / fmt.applications.file
        values.update(read_applications(table, project.relative(table), fmt.applications))
    return YearData(
        year=year,
        number=reader.count("report.number"),
        date=reader.date("report.date"),
        values=values,
        categories=(),
    )


def typed(reader: Reader, spec: Field) -> Number:
    """One figure checked against its field type (rule N1): count, signed integer or amount."""
    if spec.type == "count":
        return reader.count(spec.id)
    value = reader.get(spec.id)
    if spec.type == "signed":
        if isinstance(value, bool) or not isinstance(value, int):
            raise reader.fail(f"字段 {spec.id}（{spec.label}）应为整数（减少写负数），实际为 {shown(value)}")
        return value
    return _amount(reader, spec, value)


def _amount(reader: Reader, spec: Field, value: Any) -> Decimal:
    try:
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        amount = Decimal(str(value)) if ok else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise reader.fail(
            f"字段 {spec.id}（{spec.label}）应为非负的金额（{spec.unit}），实际为 {shown(value)}"
        )
    return amount


def totals(fmt: ReportFormat, values: Mapping[str, Number]) -> dict[str, int]:
    """Every total nobody typed: table 三's 总计 column and （七）总计 row, table 四's 总计 columns."""
    derived: dict[str, int] = {}

    def value(key: str) -> int:
        return int(derived[key] if key in derived else values[key])

    def put(key: str, parts: list[str]) -> None:
        if key not in values:
            derived[key] = sum(value(part) for part in parts)

    table = fmt.applications
    if table is not None:
        result = table.derived_row.id
        for column in table.columns:
            put(f"{result}.{column.id}", [f"{leaf.id}.{column.id}" for leaf in table.leaves])
        for row in table.data_rows:
            put(f"{row.id}.{table.total.id}", [f"{row.id}.{column.id}" for column in table.columns])
    if fmt.reviews is not None:
        for column in fmt.reviews.columns:
            if column.derive == "sum":
                put(column.id, [part.id for part in fmt.reviews.parts(column)])
    return derived


def years_to_chain(year: int, on_file: list[int]) -> list[int]:
    """The report's year and, when on file in a national format too, the year before (for A5, H1/H2, YoY)."""
    before = format_for_year(year - 1)
    if year - 1 in on_file and before is not None and not before.cumulative:
        return [year - 1, year]
    return [year]


def check_years(project: Project, agency: str, history: Mapping[int, YearData]) -> tuple[str, ...]:
    """Apply each year's own format's rules (2020 is checked as gb2019 even for a 2021 report), chaining
    every year to the one before. Returns the warnings, oldest year first.

    A rule is reported against the file its figures are typed in: table 三's rules (A1–A3, A5) against
    the CSV, the others against figures.yaml.
    """
    checked: dict[int, tuple[Year, Year]] = {}
    warnings: list[str] = []
    for year in sorted(history):
        fmt = format_for_year(year)
        if fmt is None:
            raise ValueError(year)  # loaded years always have a format
        values = {**history[year].values, **totals(fmt, history[year].values)}
        table_rules, other_rules = _by_file(fmt)
        figures_file = project.relative(project.figures(agency, year))
        table_file = (
            project.relative(project.year_dir(agency, year) / fmt.applications.file)
            if fmt.applications
            else ""
        )
        checked[year] = (Year(year, values, table_file), Year(year, values, figures_file))
        before = checked.get(year - 1)
        warnings += check_rules(table_rules, checked[year][0], before[0] if before else None)
        warnings += check_rules(other_rules, checked[year][1], before[1] if before else None)
    return tuple(warnings)


def _by_file(fmt: ReportFormat) -> tuple[ReportFormat, ReportFormat]:
    """The format with only its table-三 rules, and with only the others."""
    table = fmt.applications
    cells = {f"{r.id}.{c.id}" for r in table.data_rows for c in table.all_columns} if table else set()

    def on_table(rule: Rule) -> bool:
        return any(key.removeprefix(PREVIOUS) in cells for key in (*rule.left, *rule.right))

    return (
        dataclasses.replace(fmt, rules=tuple(r for r in fmt.rules if on_table(r))),
        dataclasses.replace(fmt, rules=tuple(r for r in fmt.rules if not on_table(r))),
    )
