"""`make next-year`: start an agency's next year from the latest year on file, to be filled in.

What is carried over is what next year's format declares (`carry_over:` in its YAML, computed by
`inputs/carry_over.py`): table 三's 上年结转 from 结转下年度继续办理, gb2019's 上一年项目数量, the 历年累计 of
pre2019 (which chain on by themselves from the opening balance already on file). Nothing else is
copied — stocks such as 现行有效件数 are facts of the new year — so every other figure, the 文号 and the
date are written `待填`, and each section of the narrative keeps last year's text under a `待改写` line:
`make check` lists every one of them (`inputs/to_fill.py`) until they are gone. The files are next
year's format's, whatever last year's was, and are created through `write_new`: all or none, never
over an existing file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.authoring.serialize import (
    Quoted,
    html_comment,
    html_comment_text,
    noted,
    one_line,
    same_keys,
    yaml_comment,
)
from nianbao.errors import DataError
from nianbao.formats import ReportFormat, format_for_year, year_out_of_range
from nianbao.formats.tables import ApplicationTable
from nianbao.forms.hand_out import carried_from, carried_values
from nianbao.forms.writer import form_bytes
from nianbao.inputs.carry_over import CarriedOver, carry_over
from nianbao.inputs.cells import TO_FILL
from nianbao.inputs.load import check_agency, years_on_file
from nianbao.inputs.model import AgencyYear, Number
from nianbao.inputs.prose import rewrite_line
from nianbao.paths import Project
from nianbao.year.data_files import write_new

FIRST_CELL = "项目"  # table 三's top-left cell, any text (as the sample files have it)
REPORT_FIELDS = (("number", "文号中的序号"), ("date", "发文日期，如 {year}-01-20"))


@dataclass(frozen=True)
class Started:
    """A year started: its format, the year it came from and that year's format, what was written and
    carried."""

    agency: str
    year: int
    format: ReportFormat
    previous: ReportFormat
    written: list[str]
    carried: Mapping[str, Number]  # the figures written into the new files (a chain on file goes on)
    missing: tuple[str, ...]  # figures next year carries over that last year's format cannot give
    chained: int = 0  # figures carried over by a chain already on file (pre2019's 历年累计): nothing to write
    source: int = 0  # the year carried over from: the latest on file before it
    words: bool = True  # whether that year had words to copy (an imported year, a returned form has none)

    @property
    def format_changed(self) -> bool:
        return self.format != self.previous

    @property
    def gap(self) -> tuple[int, int] | None:
        """The years between the one carried from and this one, none of them on file."""
        return (self.source + 1, self.year - 1) if self.year - self.source > 1 else None


def start_next_year(project: Project, agency: str, year: int | None = None) -> Started:
    """Create `data/<agency>/<year>/` (by default the latest year on file + 1) from the latest year on
    file before it, whatever its format and however it came (typed, a returned form, an imported page);
    raise if anything is in the way."""
    agency = check_agency(project, agency)
    years = years_on_file(project, agency)
    if not years:
        raise DataError(
            f"机关 {agency} 还没有任何年度的数据，无法从上一年度开始新的年度",
            hint=f"第一个年度请按 README“新增一个机关或一个年度”建立 data/{agency}/<年度>/，"
            f"或用 make import 导入它上一年度已发布的年报网页。",
        )
    latest = years[-1]
    year = latest + 1 if year is None else year
    _can_start(agency, year, years)
    out_of_range = year_out_of_range(year)
    if out_of_range is not None:
        raise out_of_range
    model = carried_from(project, agency, latest, year)
    carried = carry_over(model, year)
    fmt = format_for_year(carried.year)
    if fmt is None:  # carry_over has refused such a year already
        raise ValueError(carried.year)
    if model.current.source is not None:  # last year's figures came in an Excel form: so do this year's
        files, in_form = next_year_form(project, model, fmt, carried)
        filled = {key: value for key, value in carried.figures.items() if key in in_form}
    else:
        files = next_year_files(project, model, fmt, carried)
        into = {path.relative_to(project.agency_dir(agency)).as_posix() for path in files}
        filled = {key: value for key, value in carried.figures.items() if carried.files[key] in into}
    source = project.relative(project.year_dir(agency, latest))
    written = write_new(project, files, "next-year", source)
    chained = len(carried.figures) - len(filled)
    words = bool(model.narrative)
    return Started(agency, year, fmt, model.format, written, filled, carried.missing, chained, latest, words)


def _can_start(agency: str, year: int, years: list[int]) -> None:
    """Refuse a year on file already, or one before the latest on file (an agency's years go on)."""
    if year in years:
        raise DataError(
            f"机关 {agency} 的 {year} 年度已经有数据（data/{agency}/{year}/），不用再开始",
            hint=f"填写它的文件；make check AGENCY={agency} YEAR={year} 列出还没有填写的地方。",
        )
    if year < years[-1]:
        raise DataError(
            f"机关 {agency} 已有 {years[-1]} 年度的数据：只能开始它以后的年度，不能开始更早的 {year} 年度",
            hint=f"开始下一年度：make next-year AGENCY={agency}（{years[-1] + 1} 年度）。",
        )


def next_year_files(
    project: Project, model: AgencyYear, fmt: ReportFormat, carried: CarriedOver
) -> dict[Path, bytes]:
    """Every file of the new year, by path: figures.yaml, the file tables, narrative.md, and the opening
    balance only when the agency has none yet (an existing one chains on through every year on file)."""
    agency, year = model.profile.slug, carried.year
    folder = project.year_dir(agency, year)
    files = {project.figures(agency, year): figures_yaml(model, fmt, carried).encode("utf-8")}
    for table in fmt.file_tables:
        files[folder / table.file] = table_csv(table, carried).encode("utf-8-sig")  # BOM: Excel reads UTF-8
    files[project.narrative(agency, year)] = narrative_md(model, fmt, year).encode("utf-8")
    opening = fmt.history.opening
    if opening is not None and not (project.agency_dir(agency) / opening).exists():
        balances = {key: value for key, value in carried.figures.items() if carried.files[key] == opening}
        if balances:
            text = opening_yaml(fmt, model.year, balances)
            files[project.agency_dir(agency) / opening] = text.encode("utf-8")
    return files


def next_year_form(
    project: Project, model: AgencyYear, fmt: ReportFormat, carried: CarriedOver
) -> tuple[dict[Path, bytes], set[str]]:
    """The new year as an Excel form (`figures.xlsx`, its carried cells filled, every other cell blank to
    fill, which `make check` lists) and narrative.md; and the keys the form carries over."""
    agency, year = model.profile.slug, carried.year
    values, in_form = carried_values(fmt, year, carried)
    files = {
        project.workbook(agency, year): form_bytes(fmt, agency, year, values, in_form),
        project.narrative(agency, year): narrative_md(model, fmt, year).encode("utf-8"),
    }
    return files, in_form


# ---------------------------------------------------------------- figures.yaml


def figures_yaml(model: AgencyYear, fmt: ReportFormat, carried: CarriedOver) -> str:
    """The new year's figures.yaml: every figure to fill on its own line, its printed label beside it.
    Written by `serialize` (names from the data cannot add a key or end a comment) and read back before
    it is returned."""
    year = carried.year
    head = yaml_comment(
        f"{one_line(model.profile.name)} {year} 年度 —— 数据（make next-year 从 {model.year} 年度生成）。\n"
        f"格式：{fmt.id}（适用年度：{fmt.span}）。每个“{TO_FILL}”都要换成数字：没有的填 0，不适用的填 -；\n"
        f"make check AGENCY={model.profile.slug} YEAR={year} 列出还没有填的。"
        "写了数字的是从上一年度结转过来的，请核对。合计由程序计算，不要填。"
    )
    tree: dict[str, Any] = {
        "report": {key: (TO_FILL, label.format(year=year + 1)) for key, label in REPORT_FIELDS}
    }
    for key, spec in fmt.fields.items():
        if spec.optional:  # a total (computed) or a figure the report may leave out
            continue
        value = carried.figures.get(key)
        unit = f"（{spec.unit}）" if spec.unit else ""
        note = f"{spec.label}{unit}" + ("；从上一年度结转" if value is not None else "")
        _put(tree, key.split("."), (TO_FILL if value is None else value, note))
    for categories in fmt.category_specs:  # the agency's own, by last year's names
        if categories.optional and not model.current.categories:
            continue  # 一、总体情况's categories: stated only by agencies that stated them last year
        names = [name for name, _ in model.current.categories] or ["其它"]
        leaves = {Quoted(name): (TO_FILL, categories.label(name)) for name in names}
        _put(tree, categories.field.split("."), leaves)
    return same_keys("\n".join([*head, "", *noted(tree)]) + "\n", tree)


def _put(tree: dict[str, Any], path: list[str], leaf: Any) -> None:
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
    tree[path[-1]] = leaf


def opening_yaml(fmt: ReportFormat, as_of: int, balances: Mapping[str, Number]) -> str:
    key = fmt.history.key
    if key is None:  # only a cumulative history (历年累计) has an opening balance
        raise ValueError(f"format {fmt.id} keeps no opening balance")
    head = yaml_comment(f"期初数：截至 {as_of} 年底的历年累计（make next-year 从 {as_of} 年度算出）。")
    values = {name.removeprefix(f"{key}."): value for name, value in balances.items()}
    tree: dict[str, Any] = {"as_of": as_of, key: values}
    return same_keys("\n".join([*head, *noted(tree)]) + "\n", tree)


# ---------------------------------------------------------------- the file tables (table 三)


def table_csv(table: ApplicationTable, carried: CarriedOver) -> str:
    """Table 三 laid out like the paper form: label rows empty, the computed （七）总计 row and 总计
    column left out, every other cell `待填` unless it is carried over."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as Excel saves a CSV
    writer.writerow([FIRST_CELL, *(column.label for column in table.columns)])
    for row in table.rows:
        if row.derive is not None:
            continue
        if row.kind == "group":
            writer.writerow([row.label, *([""] * len(table.columns))])
            continue
        cells = [carried.figures.get(f"{row.id}.{column.id}", TO_FILL) for column in table.columns]
        writer.writerow([row.label, *cells])
    return out.getvalue()


# ---------------------------------------------------------------- narrative.md


def narrative_md(model: AgencyYear, fmt: ReportFormat, year: int) -> str:
    """Next year's headings, each with the text of the same heading of the year carried from under a
    `待改写` line; the text of headings next year's format does not have is kept at the end, in a
    comment, for reference. A year with no words to copy (imported, or a returned form whose narrative
    was never written) gives each heading the marker line with what the section is for."""
    words = bool(model.narrative)
    last = {spec.heading: model.narrative.get(spec.id, "") for spec in model.format.prose} if words else {}
    source = f"make next-year 从 {model.year} 年度生成"
    source += "" if words else f"；{model.year} 年度没有文字可以参考"
    task = "改写成本年度的情况，改完" if words else "写成本年度的情况，写完"
    parts = [
        html_comment(
            f"{one_line(model.profile.name)} {year} 年度报告中由本机关撰写的文字（{source}）。\n"
            f"     每段都要{task}删去“待改写”一行；"
            "make check 列出还没有改写的段。"
        )
    ]
    for spec in fmt.prose:
        text = last.get(spec.heading)
        if text is None:
            parts.append(f"# {spec.heading}\n\n{rewrite_line(year, copied=False, hint=spec.hint)}")
        else:
            parts.append(f"# {spec.heading}\n\n{rewrite_line(year, source=model.year)}\n\n{text}".rstrip())
    headings = {spec.heading for spec in fmt.prose}
    left = [(heading, text) for heading, text in last.items() if heading not in headings and text]
    if left:
        kept = "\n\n".join(f"【{heading}】\n{text}" for heading, text in left)
        comment = html_comment_text(
            f"{model.year} 年度的其他文字（格式不同，没有对应的一段），供参考：\n\n{kept}"
        )
        parts.append(f"<!-- {comment}\n-->")  # the closing on a line of its own, as clerks see it
    return "\n\n".join(parts) + "\n"
