"""Data files → checked model.

Reads an agency's profile, its yearly figures, its opening balance and its narrative, checks every key
and every value's type, and returns an `AgencyYear`. Every fault becomes a `DataError` that names the
file (relative to the project), the field, what was expected and what was found. Files are only read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from nianbao.checks import check_rules
from nianbao.errors import DataError, did_you_mean
from nianbao.formats import ReportFormat, all_formats, format_for_year
from nianbao.model import AgencyYear, Contact, Link, Number, Opening, Profile, YearData
from nianbao.narrative import parse_narrative
from nianbao.paths import Project

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 with or without BOM, then what Excel/WPS save on Chinese Windows


def load_agency_year(project: Project, agency: str, year: int) -> AgencyYear:
    """Step 1: read and check everything one report needs."""
    agency = check_agency(project, agency)
    fmt = check_year(project, agency, year)
    profile = load_profile(project, agency)
    opening = load_opening(project, agency, fmt)
    history = {y: load_year(project, fmt, agency, y) for y in years_to_chain(project, agency, opening, year)}
    narrative = parse_narrative(
        read_text(project.narrative(agency, year), project),
        fmt,
        where=_rel(project, project.narrative(agency, year)),
    )
    for data in history.values():  # earlier years feed the cumulative counts: they must hold too
        check_rules(fmt, data, where=_rel(project, project.figures(agency, data.year)))
    return AgencyYear(fmt, profile, year, history, opening, narrative)


# ---------------------------------------------------------------- parameters


def agencies_on_file(project: Project) -> list[str]:
    return sorted(path.stem for path in (project.root / "params").glob("*.yaml"))


def years_on_file(project: Project, agency: str) -> list[int]:
    folder = project.agency_dir(agency)
    return sorted(
        int(p.name) for p in folder.glob("*") if p.name.isdigit() and (p / "figures.yaml").is_file()
    )


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
        supported = "、".join(f"{f.first_year}—{f.last_year}" for f in all_formats())
        raise DataError(f"nianbao 目前只支持以下年度的报告格式：{supported}；{year} 年度暂不支持")
    return fmt


# ---------------------------------------------------------------- files


def _rel(project: Project, path: Path) -> str:
    return project.relative(path)


def read_text(path: Path, project: Project) -> str:
    """A text file as staff save it: UTF-8 (with or without BOM) or GBK/GB18030, any line ends."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError("找不到这个文件", path=_rel(project, path)) from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise DataError("文件编码无法识别：应为 UTF-8 或 GBK/GB18030", path=_rel(project, path))


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without guessing dates (a date is checked by `Reader.date`, so 2018-02-30 gets a clear
    message, not a crash) and without silently keeping the last of two equal keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"字段 {key} 出现了两次", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, project: Project) -> dict[str, Any]:
    text = read_text(path, project)
    try:
        content = yaml.load(text, Loader=StrictLoader)  # a SafeLoader: builds no Python objects
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise DataError(
            f"YAML 格式错误{line}：{problem}",
            path=_rel(project, path),
            hint="检查缩进和冒号（冒号后要有空格）。",
        ) from err
    if not isinstance(content, dict):
        raise DataError("文件内容应为“字段: 值”的列表", path=_rel(project, path))
    return content


class Reader:
    """Pulls typed values out of one parsed YAML file, naming the file and the field on every fault."""

    def __init__(self, content: Mapping[str, Any], where: str) -> None:
        self.content = content
        self.where = where

    def fail(self, message: str) -> DataError:
        return DataError(message, path=self.where)

    def section(self, key: str) -> Reader:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"字段 {key} 应为一组“字段: 值”，实际为 {_shown(value)}")
        return Reader({f"{key}.{k}": v for k, v in value.items()}, self.where)

    def get(self, key: str) -> Any:
        if key not in self.content:
            raise self.fail(f"缺少字段 {key}")
        return self.content[key]

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"字段 {key} 应为文字（数字开头的电话等请加引号），实际为 {_shown(value)}")
        return value.strip()

    def count(self, key: str) -> int:
        return as_count(self.get(key), key, self.where)

    def amount(self, key: str) -> Decimal:
        value = self.get(key)
        try:
            amount = (
                Decimal(str(value))
                if isinstance(value, int | float | str) and not isinstance(value, bool)
                else None
            )
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise self.fail(f"字段 {key} 应为非负的金额（元），实际为 {_shown(value)}")
        return amount

    def date(self, key: str) -> dt.date:
        value = self.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", value.strip())
            if match:
                try:
                    return dt.date(*(int(part) for part in match.groups()))
                except ValueError:
                    pass
        raise self.fail(f"字段 {key} 应为日期（如 2018-01-30），实际为 {_shown(value)}")

    def only(self, expected: Iterable[str]) -> None:
        """Refuse keys nobody reads: a typo would otherwise silently drop a figure."""
        allowed = list(expected)
        for key in self.content:
            if key not in allowed:
                raise self.fail(
                    f"未知字段 {key}{did_you_mean(str(key), allowed)}；允许的字段：{'、'.join(allowed)}"
                )


def as_count(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataError(f"字段 {key} 应为非负整数，实际为 {_shown(value)}", path=where)
    return value


def _shown(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def flatten(content: Mapping[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Nested mappings → dotted keys (`apply: {online: 1}` → `apply.online`), except the keys in `keep`."""
    kept = set(keep)
    flat: dict[str, Any] = {}
    for key, value in content.items():
        if isinstance(value, dict) and str(key) not in kept:
            for sub_key, sub_value in flatten(
                value, {k.split(".", 1)[1] for k in kept if k.startswith(f"{key}.")}
            ).items():
                flat[f"{key}.{sub_key}"] = sub_value
        else:
            flat[str(key)] = value
    return flat


# ---------------------------------------------------------------- the files of an agency


def load_profile(project: Project, agency: str) -> Profile:
    path = project.profile(agency)
    reader = Reader(flatten(read_yaml(path, project)), _rel(project, path))
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
        website=Link(t("website.name"), t("website.url")),
        portal=Link(t("portal.name"), t("portal.url")),
        contact=Contact(t("contact.office"), t("contact.address"), t("contact.phone")),
    )


def load_year(project: Project, fmt: ReportFormat, agency: str, year: int) -> YearData:
    path = project.figures(agency, year)
    where = _rel(project, path)
    categories_key = fmt.categories.field
    reader = Reader(flatten(read_yaml(path, project), keep=[categories_key]), where)
    reader.only(["report.number", "report.date", categories_key, *fmt.fields])
    values: dict[str, Number] = {}
    for key, spec in fmt.fields.items():
        values[key] = reader.amount(key) if spec.type == "amount" else reader.count(key)
    return YearData(
        year=year,
        number=reader.count("report.number"),
        date=reader.date("report.date"),
        values=values,
        categories=_categories(reader.get(categories_key), categories_key, where),
    )


def _categories(value: Any, key: str, where: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict) or not value:
        raise DataError(f"字段 {key} 应为“类别名: 条数”的列表，至少一类，实际为 {_shown(value)}", path=where)
    return tuple(
        (str(name).strip(), as_count(count, f"{key}.{name}", where)) for name, count in value.items()
    )


def load_opening(project: Project, agency: str, fmt: ReportFormat) -> Opening:
    path = project.opening(agency)
    where = _rel(project, path)
    reader = Reader(read_yaml(path, project), where)
    reader.only(["as_of", "cumulative"])
    as_of = reader.count("as_of")
    balances = reader.get("cumulative")
    if not isinstance(balances, dict):
        raise DataError(f"字段 cumulative 应为“指标: 累计数”的列表，实际为 {_shown(balances)}", path=where)
    rows = Reader({f"cumulative.{k}": v for k, v in balances.items()}, where)
    typed = [f"cumulative.{row.id}" for row in fmt.appendix.typed_rows]
    rows.only(typed)
    return Opening(as_of, {key.split(".", 1)[1]: rows.count(key) for key in typed})


def years_to_chain(project: Project, agency: str, opening: Opening, year: int) -> list[int]:
    """The years whose figures add up to `year`'s cumulative counts: all of them must be on file."""
    if opening.as_of >= year:
        raise DataError(
            f"期初数截至 {opening.as_of} 年底，晚于或等于报告年度 {year}：无法计算 {year} 年的历年累计",
            path=_rel(project, project.opening(agency)),
            hint=f"as_of 应为本系统中第一个年度的前一年（不晚于 {year - 1}）。",
        )
    needed = list(range(opening.as_of + 1, year + 1))
    missing = [y for y in needed if y not in years_on_file(project, agency)]
    if missing:
        shown = "、".join(str(y) for y in missing)
        raise DataError(
            f"历年累计从 {opening.as_of} 年底的期初数逐年相加到 {year} 年，但缺少 {shown} 年度的数据",
            path=_rel(project, project.opening(agency)),
            hint=f"补上 data/{agency}/<年度>/figures.yaml，"
            f"或把 as_of 改为 {year - 1} 并填入截至那年的累计数。",
        )
    return needed
