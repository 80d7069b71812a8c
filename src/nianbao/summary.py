"""The district summary (汇总报告): one year's figures of every agency, summed, in one page.

The summary is computed the way an agency's report is, from a checked model: its year's figures are the
agencies' figures summed field by field (categories merged by name), its opening balance the agencies'
cumulative counts at the end of the previous year, so `Figures.derive` gives totals, shares and 历年累计
that equal the sums of the agency reports. Its profile is `params/_district.yaml` (the same fields as an
agency's) and its prose `data/_district/<year>/narrative.md` (the same headings). Everything format-
specific — fields, categories, appendix rows and their labels — is read from the format definition.

It is rendered in plain Python (no kernel: nothing of it is edited in JupyterLab) with the reports' CSS.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import jinja2
import matplotlib.pyplot as plt
import mistune
from markupsafe import Markup

from nianbao import charts, numbers, plan, tables
from nianbao.atomic import write_atomic
from nianbao.errors import DataError, NianbaoError
from nianbao.figures import Figures
from nianbao.formats import ReportFormat
from nianbao.load import load_agency_year, load_narrative, load_profile
from nianbao.model import AgencyYear, Number, Opening, YearData
from nianbao.narrative import render
from nianbao.paths import SUMMARY, TEMPLATES_DIR, Project

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "pages")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_MARKDOWN = mistune.create_markdown(escape=False)


def load_parts(project: Project, year: int) -> list[Figures]:
    """Every agency's figures for `year`: one broken agency makes the summary fail, naming it."""
    agencies = plan.agencies_for(project, year)
    if not agencies:
        raise DataError(f"没有任何机关有 {year} 年度的数据，无法汇总")
    return [Figures.derive(load_agency_year(project, agency, year)) for agency in agencies]


def summed(fmt: ReportFormat, parts: Sequence[Figures]) -> YearData:
    """The agencies' figures of the year, field by field; categories merged by name, first seen first."""
    values: dict[str, Number] = {}
    for key in fmt.fields:
        values[key] = sum((part.model.current.values[key] for part in parts), start=0)
    categories: dict[str, int] = {}
    for part in parts:
        for name, count in part.model.current.categories:
            categories[name] = categories.get(name, 0) + count
    current = [part.model.current for part in parts]
    return YearData(
        year=current[0].year,
        number=0,
        date=max(data.date for data in current),
        values=values,
        categories=tuple(categories.items()),
    )


def opening_before(fmt: ReportFormat, year: int, parts: Sequence[Figures]) -> Opening:
    """The agencies' 历年累计 at the end of the previous year, summed, for every typed appendix row."""
    cumulative = {
        row.id: sum(part.line(row.id).cumulative - part.line(row.id).value for part in parts)
        for row in fmt.appendix.typed_rows
    }
    return Opening(year - 1, cumulative)


def district_model(project: Project, year: int, parts: Sequence[Figures]) -> AgencyYear:
    fmt = parts[0].model.format
    if not project.summary_profile.is_file():
        raise DataError(
            "缺少汇总报告的档案文件",
            path=project.relative(project.summary_profile),
            hint="复制任一机关的 params/<机关>.yaml 为 params/_district.yaml，"
            "填写区（县）政府信息公开主管部门的信息。",
        )
    return AgencyYear(
        format=fmt,
        profile=load_profile(project, SUMMARY),
        year=year,
        history={year: summed(fmt, parts)},
        opening=opening_before(fmt, year, parts),
        narrative=load_narrative(project, fmt, SUMMARY, year),
    )


def breakdown(figures: Figures, parts: Sequence[Figures]) -> Markup:
    """机关 | each top-level appendix row: one row per agency, the district's total below."""
    rows = [row for row in figures.model.format.appendix.rows if row.parent is None]
    head = ["机关", *(f"{row.label}（{row.unit}）" for row in rows)]
    body = [
        tables._row(
            [("td", "", part.model.profile.name)]
            + [("td", "num", numbers.count(part.line(row.id).value)) for row in rows]
        )
        for part in parts
    ]
    total = [("th", "", "合计")] + [("td", "num", numbers.count(figures.line(row.id).value)) for row in rows]
    return tables._table("nb-breakdown", head, body, [tables._row(total)])


def breakdown_chart(figures: Figures, parts: Sequence[Figures]) -> str:
    """Each agency's count on the first appendix row (主动公开 in the pre-2019 format), as bars."""
    row = figures.model.format.appendix.rows[0]
    charts.cjk_font()
    labels = [charts.wrap(part.model.profile.name) for part in parts]
    counts = [part.line(row.id).value for part in parts]
    with plt.rc_context(charts.STYLE):  # type: ignore[arg-type]
        height = 0.9 + 0.45 * sum(label.count("\n") + 1 for label in labels)
        fig, ax = plt.subplots(figsize=(6.3, height))
        positions = list(range(len(labels)))[::-1]
        bars = ax.barh(positions, counts, color="#9b2c2c", height=0.6)
        ax.set_yticks(positions, labels)
        ax.bar_label(bars, labels=[f"{numbers.count(c)}{row.unit}" for c in counts], padding=4)
        ax.set_xlabel(f"{row.label}（{row.unit}）")
        ax.set_xlim(0, max(1, *counts) * 1.25)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    return buffer.getvalue()


def prose(figures: Figures, parts: Sequence[Figures], where: str) -> dict[str, Markup]:
    """The district's own text, placeholders filled from the summed figures (plus `agencies.count`)."""
    context = figures.context()
    context["agencies"] = {"count": len(parts), "names": "、".join(p.model.profile.name for p in parts)}
    return {
        part_id: Markup(_MARKDOWN(render(text, context, where=where)))
        for part_id, text in figures.model.narrative.items()
    }


def render_page(project: Project, year: int) -> bytes:
    parts = load_parts(project, year)
    figures = Figures.derive(district_model(project, year, parts))
    fmt = figures.model.format
    context: dict[str, Any] = {
        "css": Markup((TEMPLATES_DIR / "nianbao" / "report.css").read_text(encoding="utf-8")),
        "title": f"{figures.model.profile.district}{year}年{fmt.title}（汇总）",
        "district": figures.model.profile.district,
        "office": figures.model.profile.name,
        "year": year,
        "count": numbers.chinese(len(parts)) if len(parts) <= 10 else str(len(parts)),
        "agencies": [p.model.profile.name for p in parts],
        "headings": {spec.id: spec.heading for spec in fmt.prose},
        "prose": prose(figures, parts, project.relative(project.summary_narrative(year))),
        "active_total": numbers.count(figures.category_total),
        "category_table": tables.category_table(figures),
        "category_chart": Markup(charts.category_chart(figures)),
        "breakdown": breakdown(figures, parts),
        "breakdown_chart": Markup(breakdown_chart(figures, parts)),
        "appendix": tables.appendix_table(figures),
        "date": numbers.date(figures.model.current.date),
    }
    return _ENV.get_template("summary.html.j2").render(context).encode("utf-8")


def build_summary(project: Project, year: int) -> None:
    """Write `output/_district/<year>/summary.html` and its record; a user error is recorded, then raised."""
    seen = plan.stamps(project, plan.summary_inputs(project, year))
    code = plan.code_signature(project)
    record_path = project.summary_record(year)
    try:
        page = render_page(project, year)
    except NianbaoError as err:
        write_atomic(record_path, plan.record_bytes({"status": "failed", "error": err.render()}))
        raise
    write_atomic(project.summary_html(year), page)
    record = {"status": "built", "error": None, "inputs": seen, "code": code}
    write_atomic(record_path, plan.record_bytes(record))
