"""The years a report reads, and the one loop that checks them.

Which years follow from the format's history: chained from an opening balance (历年累计), every year
since the opening must be on file; otherwise the report's year, and the year before when it is on file
in a format of the same kind of history (上年结转, year-on-year changes). Every year read is checked
with its own format's rules (2020 is checked as gb2019 even for a 2021 report), chained to the year
before: earlier years feed the later ones, so their rules must hold too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nianbao.errors import DataError, FormatError
from nianbao.formats import ReportFormat, Rule, format_for_year
from nianbao.inputs.checks import Year, check_rules
from nianbao.inputs.derive import format_of, history_values
from nianbao.inputs.model import AgencyYear, Opening, YearData
from nianbao.inputs.sheet_layout import form_cells
from nianbao.paths import Project


def years_to_read(
    project: Project, agency: str, fmt: ReportFormat, opening: Opening | None, year: int, on_file: list[int]
) -> list[int]:
    if opening is not None:
        return years_to_chain(project, agency, fmt, opening, year, on_file)
    before = format_for_year(year - 1)
    if year - 1 in on_file and fmt.history.reads_year_before(before.history if before else None):
        return [year - 1, year]
    return [year]


def years_to_chain(
    project: Project, agency: str, fmt: ReportFormat, opening: Opening, year: int, on_file: list[int]
) -> list[int]:
    """The years whose figures add up to `year`'s chained figures: all of them must be on file."""
    where = project.relative(project.agency_dir(agency) / str(fmt.history.opening))
    if opening.as_of >= year:
        raise DataError(
            f"期初数截至 {opening.as_of} 年底，晚于或等于报告年度 {year}：无法计算 {year} 年的历年累计",
            path=where,
            hint=f"as_of 应为本系统中第一个年度的前一年（不晚于 {year - 1}）。",
        )
    needed = list(range(opening.as_of + 1, year + 1))
    missing = [y for y in needed if y not in on_file]
    if missing:
        shown = "、".join(str(y) for y in missing)
        raise DataError(
            f"历年累计从 {opening.as_of} 年底的期初数逐年相加到 {year} 年，但缺少 {shown} 年度的数据",
            path=where,
            hint=f"补上 data/{agency}/<年度>/figures.yaml，"
            f"或把 as_of 改为 {year - 1} 并填入截至那年的累计数。",
        )
    return needed


def check_history(project: Project, model: AgencyYear) -> tuple[str, ...]:
    """Apply each year's own format's rules to every year the model reads, each chained to the year
    before (the first to the opening balance, when there is one). A broken rule is reported against
    the file its figures are typed in (table 三's rules against the CSV). Returns the warnings, oldest
    year first (the cells typed as not applicable are the loader's to add, after all of them)."""
    agency = model.profile.slug
    values = history_values(model)
    previous: Year | None = None
    if model.opening is not None:
        opening = project.agency_dir(agency) / str(model.format.history.opening)
        previous = Year(
            model.opening.as_of, values[model.opening.as_of], project.relative(opening), model.format.labels
        )
    warnings: list[str] = []
    for year in sorted(model.history):
        fmt, data = format_of(year), model.history[year]
        source = data.source  # the Excel form holds every table
        for file, rules in fmt.rule_files():
            path = project.year_dir(agency, year) / file if file else project.figures(agency, year)
            where = source or project.relative(path)
            checked = Year(year, values[year], where, labels(fmt, data), data.lines, data.as_printed)
            if source is None:
                warnings += check_rules(rules, checked, previous)
            else:
                warnings += _check_form(rules, checked, previous, form_cells(fmt, year))
        previous = Year(
            year, values[year], source or project.relative(project.figures(agency, year)), fmt.labels
        )
    return tuple(warnings)


def _check_form(
    rules: Sequence[Rule], year: Year, previous: Year | None, cells: Mapping[str, str]
) -> tuple[str, ...]:
    """`check_rules` rule by rule, each broken one followed by the form's cells it reads (表三!D6、…)."""
    errors: list[str] = []
    warnings: list[str] = []
    for rule in rules:
        named = "、".join(dict.fromkeys(cells[key] for key in rule.keys if key in cells))
        at = f"（填报表中：{named}）" if named else ""
        try:
            warnings += [f"{warning}{at}" for warning in check_rules((rule,), year, previous)]
        except FormatError as err:
            errors.append(f"{err.message}{at}")
    if errors:
        raise FormatError("\n  ".join(errors), path=year.where)
    return tuple(warnings)


def labels(fmt: ReportFormat, data: YearData) -> dict[str, str]:
    """The format's labels, the categories' sum naming this year's categories (各类别条数之和（工作动态 2 +
    其它 4）), so a typed total that differs from them shows its parts."""
    named = dict(fmt.labels)
    if data.categories:
        parts = " + ".join(f"{name} {count}" for name, count in data.categories)
        for spec in fmt.category_specs:
            named[spec.sum_key] = f"{spec.sum_label}（{parts}）"
    return named
