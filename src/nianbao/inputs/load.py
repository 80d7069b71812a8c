"""Data files → checked model.

Reads an agency's profile, its yearly figures, its opening balance and its narrative, checks every key
and every value's type, and returns an `AgencyYear`. Every fault becomes a `DataError` that names the
file (relative to the project), the field, what was expected and what was found. Files are only read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nianbao.errors import DataError, did_you_mean
from nianbao.formats import ReportFormat, all_formats, format_for_year
from nianbao.inputs import national, snapshot
from nianbao.inputs.checks import Year, check_rules
from nianbao.inputs.files import Reader, as_count, flatten, read_text, read_yaml, shown
from nianbao.inputs.model import AgencyYear, Contact, Link, Number, Opening, Profile, YearData
from nianbao.inputs.prose import parse_narrative
from nianbao.inputs.totals import opening_values, row_values
from nianbao.paths import Project

PUBLISHED = "published_cumulative"  # figures.yaml: 历年累计 as printed in that year's report (optional)
CUMULATIVE = "cumulative"  # the computed 历年累计, as rules name it
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def load_agency_year(project: Project, agency: str, year: int) -> AgencyYear:
    """Step 1: read and check everything one report needs."""
    agency = check_agency(project, agency)
    fmt = check_year(project, agency, year)
    profile = load_profile(project, agency)
    opening = load_opening(project, agency, fmt) if fmt.cumulative else None  # 历年累计 start from it
    if opening is not None:
        years = years_to_chain(project, agency, opening, year)
    else:
        years = national.years_to_chain(year, years_on_file(project, agency))
    history = {y: load_any_year(project, agency, y) for y in years}
    narrative = load_narrative(project, fmt, agency, year)
    warnings = check_history(project, fmt, agency, opening, history)
    return AgencyYear(fmt, profile, year, history, opening, narrative, warnings)


def check_history(
    project: Project, fmt: ReportFormat, agency: str, opening: Opening | None, history: Mapping[int, YearData]
) -> tuple[str, ...]:
    """Apply the format's rules to every year on file up to the report's: earlier years feed the
    cumulative counts, so they must hold too. Returns the warnings, oldest year first.

    Each year's figures include its computed 历年累计 (`cumulative.<row>`), so a rule can chain a
    published 历年累计 from the year before; the year before the first is the opening balance.
    """
    if opening is None:  # the national formats have no 历年累计
        return national.check_years(project, agency, history)
    cumulative = opening_values(fmt, opening)
    where = project.relative(project.opening(agency))
    checked = {opening.as_of: _cumulative_year(opening.as_of, cumulative, where)}
    warnings: list[str] = []
    for year in sorted(history):
        rows = row_values(fmt, history[year])
        cumulative = {row: cumulative[row] + value for row, value in rows.items()}
        where = project.relative(project.figures(agency, year))
        values = {**history[year].values, **rows, **_cumulative_year(year, cumulative, where).values}
        checked[year] = Year(year, values, where)
        warnings += check_rules(fmt, checked[year], checked.get(year - 1))
    return tuple(warnings)


def _cumulative_year(year: int, cumulative: Mapping[str, int], where: str) -> Year:
    return Year(year, {f"{CUMULATIVE}.{row}": value for row, value in cumulative.items()}, where)


# ---------------------------------------------------------------- parameters


def agencies_on_file(project: Project) -> list[str]:
    return _listed(project, "agencies")


def years_on_file(project: Project, agency: str) -> list[int]:
    return _listed(project, f"years:{agency}")


def _listed(project: Project, key: str) -> list[Any]:
    """A listing of the project's folders, through the build's snapshot when there is one."""
    return snapshot.listing(key, lambda: project.listing(key))


def check_agency(project: Project, agency: str) -> str:
    """Refuse anything but a plain slug before any path is built from it."""
    if not SLUG.fullmatch(agency or ""):
        raise DataError(
            f"机关代号 {agency!r} 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
            hint="AGENCY 是 params/ 下档案文件的文件名（不含 .yaml）。",
        )
    known = agencies_on_file(project)
    if agency not in known:
        raise DataError(
            f"没有机关 {agency}{did_you_mean(agency, known)}。已有的机关：{'、'.join(known) or '（无）'}",
            hint=f"新增机关请先建立 params/{agency}.yaml。",
        )
    return agency


def check_year(project: Project, agency: str, year: int) -> ReportFormat:
    years = years_on_file(project, agency)
    if year not in years:
        shown = "、".join(str(y) for y in years) or "（无）"
        raise DataError(
            f"机关 {agency} 没有 {year} 年度的数据。已有的年度：{shown}",
            hint=f"新增年度请建立 data/{agency}/{year}/figures.yaml 和 narrative.md。",
        )
    fmt = format_for_year(year)
    if fmt is None:
        supported = "、".join(f.span for f in all_formats())
        raise DataError(f"nianbao 目前只支持以下年度的报告格式：{supported}；{year} 年度暂不支持")
    return fmt


# ---------------------------------------------------------------- files


def _open(project: Project, path: Path, keep: list[str] | None = None) -> Reader:
    """A reader over one YAML file, nested keys flattened to dotted ones (except those in `keep`)."""
    where = project.relative(path)
    return Reader(flatten(read_yaml(path, where), where, keep=keep or []), where)


# ---------------------------------------------------------------- the files of an agency


def load_profile(project: Project, agency: str) -> Profile:
    reader = _open(project, project.profile(agency))
    keys = (
        "name",
        "self_reference",
        "district",
        "doc_prefix",
        "website.name",
        "website.url",
        "portal.name",
        "portal.url",
        "contact.office",
        "contact.address",
        "contact.phone",
    )
    reader.only(keys)
    t = reader.text
    return Profile(
        slug=agency,
        name=t("name"),
        self_reference=t("self_reference"),
        district=t("district"),
        doc_prefix=t("doc_prefix"),
        website=Link(t("website.name"), reader.url("website.url")),
        portal=Link(t("portal.name"), reader.url("portal.url")),
        contact=Contact(t("contact.office"), t("contact.address"), t("contact.phone")),
    )


def load_any_year(project: Project, agency: str, year: int) -> YearData:
    """One year's figures, read as the format of that year says."""
    fmt = format_for_year(year)
    if fmt is None:
        raise DataError(f"nianbao 不支持 {year} 年度的报告格式")
    if fmt.cumulative:
        return load_year(project, fmt, agency, year)
    return national.load_year(project, fmt, agency, year)


def load_year(project: Project, fmt: ReportFormat, agency: str, year: int) -> YearData:
    categories_key = fmt.categories.field
    reader = _open(project, project.figures(agency, year), keep=[categories_key, PUBLISHED])
    reader.only(["report.number", "report.date", categories_key, *fmt.fields, PUBLISHED])
    values: dict[str, Number] = {}
    for key, spec in fmt.fields.items():
        values[key] = reader.amount(key) if spec.type == "amount" else reader.count(key)
    if PUBLISHED in reader.content:  # optional: the 历年累计 column as that year's report printed it
        published = reader.section(PUBLISHED)
        published.only(f"{PUBLISHED}.{row.id}" for row in fmt.appendix.rows)
        values.update({key: published.count(key) for key in published.content})
    return YearData(
        year=year,
        number=reader.count("report.number"),
        date=reader.date("report.date"),
        values=values,
        categories=_categories(reader.get(categories_key), categories_key, reader.where),
    )


def _categories(value: Any, key: str, where: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict) or not value:
        raise DataError(f"字段 {key} 应为“类别名: 条数”的列表，至少一类，实际为 {shown(value)}", path=where)
    return tuple(
        (str(name).strip(), as_count(count, f"{key}.{name}", where)) for name, count in value.items()
    )


def load_opening(project: Project, agency: str, fmt: ReportFormat) -> Opening:
    reader = _open(project, project.opening(agency), keep=["cumulative"])
    where = reader.where
    reader.only(["as_of", "cumulative"])
    as_of = reader.count("as_of")
    balances = reader.get("cumulative")
    if not isinstance(balances, dict):
        raise DataError(f"字段 cumulative 应为“指标: 累计数”的列表，实际为 {shown(balances)}", path=where)
    rows = Reader({f"cumulative.{k}": v for k, v in balances.items()}, where)
    typed = [f"cumulative.{row.id}" for row in fmt.appendix.typed_rows]
    rows.only(typed)
    return Opening(as_of, {key.split(".", 1)[1]: rows.count(key) for key in typed})


def load_narrative(project: Project, fmt: ReportFormat, agency: str, year: int) -> dict[str, str]:
    path = project.narrative(agency, year)
    where = project.relative(path)
    return parse_narrative(read_text(path, where), fmt, where=where)


def years_to_chain(project: Project, agency: str, opening: Opening, year: int) -> list[int]:
    """The years whose figures add up to `year`'s cumulative counts: all of them must be on file."""
    if opening.as_of >= year:
        raise DataError(
            f"期初数截至 {opening.as_of} 年底，晚于或等于报告年度 {year}：无法计算 {year} 年的历年累计",
            path=project.relative(project.opening(agency)),
            hint=f"as_of 应为本系统中第一个年度的前一年（不晚于 {year - 1}）。",
        )
    needed = list(range(opening.as_of + 1, year + 1))
    missing = [y for y in needed if y not in years_on_file(project, agency)]
    if missing:
        shown = "、".join(str(y) for y in missing)
        raise DataError(
            f"历年累计从 {opening.as_of} 年底的期初数逐年相加到 {year} 年，但缺少 {shown} 年度的数据",
            path=project.relative(project.opening(agency)),
            hint=f"补上 data/{agency}/<年度>/figures.yaml，"
            f"或把 as_of 改为 {year - 1} 并填入截至那年的累计数。",
        )
    return needed
