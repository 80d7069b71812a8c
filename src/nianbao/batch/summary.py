"""The district summary (汇总报告): one year's figures of every agency, summed, in one page.

The summary is computed the way an agency's report is, from a checked model, for any format: the
district's years (this one, and the one before when every agency has it) are the agencies' typed
figures summed key by key (categories merged by name; the format's totals left out, `Figures.derive`
recomputes them), so its tables, shares and totals equal the sums of the agency reports; chained
figures (历年累计) start from the agencies' at the end of the year before. What it draws and which
columns compare the agencies are the format's `summary:`. Its profile is `params/_district.yaml` (an
agency's fields) and its prose `data/_district/<year>/narrative.md` (the headings of that year's format).

The tables and charts are drawn by the very `Report` methods the template calls; the page is put together
in plain Python (no kernel: nothing of it is edited in JupyterLab), the one way every page is (`pages.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from nianbao.batch import plan, records
from nianbao.drawing import charts, table_html, tables
from nianbao.drawing.table_model import Cell, Table
from nianbao.errors import DataError, NianbaoError
from nianbao.figures import numbers
from nianbao.figures.derived import Figures
from nianbao.formats import ReportFormat
from nianbao.inputs import snapshot
from nianbao.inputs.derive import format_of, history_values
from nianbao.inputs.load import (
    agencies_on_file,
    load_agency_year,
    load_narrative,
    load_profile,
    years_on_file,
)
from nianbao.inputs.model import AgencyYear, Number, Opening, YearData
from nianbao.notebook.narrative import render_prose
from nianbao.paths import SUMMARY, Project
from nianbao.publish import pages
from nianbao.publish.atomic import write_atomic
from nianbao.report import Report


def load_parts(project: Project, year: int) -> list[Figures]:
    """Every agency's figures for `year`: one broken agency makes the summary fail, naming it."""
    agencies = [agency for agency in agencies_on_file(project) if year in years_on_file(project, agency)]
    if not agencies:
        raise DataError(f"没有任何机关有 {year} 年度的数据，无法汇总")
    return [Figures.derive(load_agency_year(project, agency, year)) for agency in agencies]


def summed(datas: Sequence[YearData], fmt: ReportFormat) -> YearData:
    """The agencies' typed figures of one year, key by key; categories merged by name, first seen first.

    The totals the format computes are left out even where an agency typed one: the derivation
    recomputes them."""
    computed = {total.key for total in fmt.sums}
    values: dict[str, Number] = {}
    for data in datas:
        for key, value in data.values.items():
            if key not in computed:
                values[key] = values.get(key, 0) + value
    categories: dict[str, int] = {}
    for data in datas:
        for name, count in data.categories:
            categories[name] = categories.get(name, 0) + count
    return YearData(
        year=datas[0].year,
        number=0,
        date=max(data.date for data in datas),
        values=values,
        categories=tuple(categories.items()),
    )


def opening_before(fmt: ReportFormat, year: int, parts: Sequence[Figures]) -> Opening | None:
    """The agencies' chained figures (历年累计) at the end of the year before `year`, summed, for every
    row whose opening balance is typed; None when the format's history chains nothing."""
    if fmt.history.opening is None:
        return None
    key = fmt.history.key
    before = [history_values(part.model)[year - 1] for part in parts]
    return Opening(
        year - 1, {row.id: sum(int(v[f"{key}.{row.id}"]) for v in before) for row in fmt.history.opening_rows}
    )


def district_model(project: Project, year: int, parts: Sequence[Figures]) -> AgencyYear:
    """The district as one agency: this year and the year before (when every agency has it on file),
    each the agencies' sum; chained figures start from the agencies' at the end of the year before."""
    fmt = parts[0].model.format
    if not project.summary_profile.is_file():
        raise DataError(
            "缺少汇总报告的档案文件",
            path=project.relative(project.summary_profile),
            hint="复制任一机关的 params/<机关>.yaml 为 params/_district.yaml，"
            "填写区（县）政府信息公开主管部门的信息。",
        )
    years = [y for y in (year - 1, year) if all(y in part.model.history for part in parts)]
    history = {y: summed([part.model.history[y] for part in parts], format_of(y)) for y in years}
    return AgencyYear(
        format=fmt,
        profile=load_profile(project, SUMMARY),
        year=year,
        history=history,
        opening=opening_before(fmt, years[0], parts),
        narrative=load_narrative(project, fmt, SUMMARY, year),
    )


def breakdown_columns(fmt: ReportFormat) -> list[tuple[str, str]]:
    """(key, heading) of the per-agency table: the format's `summary.breakdown`."""
    return list(fmt.summary.breakdown)


def breakdown(columns: list[tuple[str, str]], figures: Figures, parts: Sequence[Figures]) -> Markup:
    """The per-agency table, drawn by the one table renderer."""
    return table_html.html(breakdown_table(columns, figures, parts))


def breakdown_table(columns: list[tuple[str, str]], figures: Figures, parts: Sequence[Figures]) -> Table:
    """机关 | each column: one row per agency, the district's total below."""

    def figures_of(of: Figures) -> tuple[Cell, ...]:
        return tuple(tables.number(numbers.count(int(of.values[key]))) for key, _ in columns)

    head = tables.header(["机关", *(heading for _, heading in columns)])
    body = tuple((Cell(part.model.profile.name), *figures_of(part)) for part in parts)
    total = (Cell("合计", header=True), *figures_of(figures))
    # Its column headings are long (受理政府信息公开申请总数（条）): they wrap, or the table
    # outgrows the page.
    return Table("breakdown", head=(head,), body=body, foot=(total,), wrap_head=True)


def breakdown_chart(key: str, heading: str, parts: Sequence[Figures]) -> str:
    """Each agency's figure in the first column of the breakdown, as bars."""
    counts = [int(part.values[key]) for part in parts]
    chart = charts.bar_chart(
        [part.model.profile.name for part in parts],
        counts,
        [numbers.count(count) for count in counts],
        charts.wrap(heading, 30),
        png=False,  # a page, not a notebook: no exporter reads a PNG of it
    )
    return chart.svg


def prose(figures: Figures, parts: Sequence[Figures], where: str) -> list[tuple[str, Markup]]:
    """The district's own text by heading, placeholders filled from the summed figures (plus
    `agencies.count`)."""
    context = figures.context()
    context["agencies"] = {"count": len(parts), "names": "、".join(p.model.profile.name for p in parts)}
    headings = {spec.id: spec.heading for spec in figures.model.format.prose}
    return [
        (headings[part_id], pages.markdown(render_prose(text, context, where=where)))
        for part_id, text in figures.model.narrative.items()
    ]


def drawn(figures: Figures) -> list[Markup]:
    """The format's tables and charts (`summary.draw`), drawn by the template's own `Report` methods,
    as its page shows them (a table's HTML, a chart's SVG: the page needs no PNG)."""
    report = Report(figures, png=False)
    return [Markup(getattr(report, method)().shown()) for method in figures.format.summary.draw]


def render_page(project: Project, year: int) -> bytes:
    parts = load_parts(project, year)
    figures = Figures.derive(district_model(project, year, parts))
    profile, fmt = figures.model.profile, figures.model.format
    columns = breakdown_columns(fmt)
    title = f"{profile.district}{year}年{fmt.title}（汇总）"
    context: dict[str, Any] = {
        "title": title,
        "district": profile.district,
        "office": profile.name,
        "year": year,
        "count": numbers.chinese(len(parts)) if len(parts) <= 10 else str(len(parts)),
        "agencies": [p.model.profile.name for p in parts],
        "tables": drawn(figures),
        "breakdown": breakdown(columns, figures, parts),
        "breakdown_chart": Markup(breakdown_chart(*columns[0], parts)),
        "prose": prose(figures, parts, project.relative(project.summary_narrative(year))),
        "date": numbers.date(figures.model.current.date),
    }
    return pages.page(title, pages.render_body("summary.html.j2", context))


def build_summary(project: Project, year: int) -> None:
    """Write `output/_district/<year>/summary.html` and its record; a user error is recorded, then raised.

    Every input is read once, into the summary's snapshot, which its record lists."""
    code = plan.code_signature(project)
    record_path = project.summary_record(year)
    with snapshot.recording(project.root) as inputs:
        try:
            page = render_page(project, year)
        except NianbaoError as err:
            records.write(record_path, records.build_record(records.FAILED, error=err.render(), code=code))
            raise
    write_atomic(project.summary_html(year), page)
    years = sorted({y for key, seen in inputs.listings.items() if key.startswith("years:") for y in seen})
    record = records.build_record(
        records.BUILT,
        outputs=records.digests([project.summary_html(year)], project.root),
        inputs=plan.input_stamps(project, inputs, [y for y in years if y <= year]),
        listings=inputs.listings,
        code=code,
    )
    records.write(record_path, record)
