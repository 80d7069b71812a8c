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

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from nianbao.drawing import charts, table_html, tables
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.outputs import Output, piece_of
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
from nianbao.publish import export, pages
from nianbao.publish.atomic import publish
from nianbao.publish.document import Block, Document, Heading, Paragraph, Span, from_markdown
from nianbao.report import Report
from nianbao.year import freshness, records, state


def load_parts(project: Project, year: int) -> list[Figures]:
    """Every agency's figures for `year`: one broken agency makes the summary fail, naming it."""
    agencies = [  # not a year imported as history: it has no report of its own
        agency
        for agency in agencies_on_file(project)
        if year in years_on_file(project, agency) and not state.is_history(project, agency, year)
    ]
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
        year - 1,
        {row.id: sum(int(v[f"{key}.{row.id}"]) for v in before) for row in fmt.history.opening_rows},
        known=all(part.model.opening is None or part.model.opening.known for part in parts),
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


def breakdown_chart(key: str, heading: str, parts: Sequence[Figures], *, png: bool = False) -> Chart:
    """Each agency's figure in the first column of the breakdown, as bars (the page needs no PNG)."""
    counts = [int(part.values[key]) for part in parts]
    return charts.bar_chart(
        [part.model.profile.name for part in parts],
        counts,
        [numbers.count(count) for count in counts],
        charts.wrap(heading, 30),
        png=png,
    )


def prose(figures: Figures, parts: Sequence[Figures], where: str) -> list[tuple[str, str]]:
    """The district's own text (Markdown) by heading, placeholders filled from the summed figures (plus
    `agencies.count`)."""
    context = figures.context()
    context["agencies"] = {"count": len(parts), "names": "、".join(p.model.profile.name for p in parts)}
    headings = {spec.id: spec.heading for spec in figures.model.format.prose}
    return [
        (headings[part_id], render_prose(text, context, where=where))
        for part_id, text in figures.model.narrative.items()
    ]


@dataclass(frozen=True)
class Summary:
    """What a summary says, whatever it is published as: its page and its documents (PDF, Word) are
    each made from this one content."""

    title: str
    intro: str
    figures: Figures  # the district's, summed
    parts: tuple[Figures, ...]  # each agency's
    prose: tuple[tuple[str, str], ...]  # (heading, Markdown)
    office: str
    date: dt.date  # the latest of the agencies' reports'

    @property
    def columns(self) -> list[tuple[str, str]]:
        return breakdown_columns(self.figures.model.format)

    def drawn(self, *, png: bool) -> list[Output]:
        """The format's tables and charts (`summary.draw`), drawn by the template's own `Report`
        methods."""
        report = Report(self.figures, png=png)
        drawn = [getattr(report, method)() for method in self.figures.model.format.summary.draw]
        return [output for output in drawn if output is not None]  # a table of nothing is not drawn

    def breakdown(self) -> Table:
        return breakdown_table(self.columns, self.figures, self.parts)

    def breakdown_chart(self, *, png: bool) -> Chart:
        return breakdown_chart(*self.columns[0], self.parts, png=png)

    def page(self) -> bytes:
        """Its page, for the one table of output kinds (`publish.export.OUTPUTS`)."""
        return render_page(self)

    def document(self) -> Document:
        """Its document, for the one table of output kinds (`publish.export.OUTPUTS`)."""
        return document(self)


def summarise(project: Project, year: int) -> Summary:
    parts = load_parts(project, year)
    figures = Figures.derive(district_model(project, year, parts))
    profile, fmt = figures.model.profile, figures.model.format
    count = numbers.chinese(len(parts)) if len(parts) <= 10 else str(len(parts))
    names = "、".join(p.model.profile.name for p in parts)
    intro = (
        f"本报告汇总{profile.district}{count}个机关（单位）{year}年政府信息公开工作年度报告中的数据：{names}。"
        f"各表中的数字为各机关报告中相应数字之和，统计期限为{year}年1月1日至{year}年12月31日。"
    )
    return Summary(
        title=f"{profile.district}{year}年{fmt.title}（汇总）",
        intro=intro,
        figures=figures,
        parts=tuple(parts),
        prose=tuple(prose(figures, parts, project.relative(project.summary_narrative(year)))),
        office=profile.name,
        date=figures.model.current.date,
    )


def render_page(summary: Summary) -> bytes:
    """The summary's page: tables as HTML, charts as SVG."""
    context: dict[str, Any] = {
        "title": summary.title,
        "sections": SECTIONS,
        "intro": summary.intro,
        "tables": [Markup(output.shown()) for output in summary.drawn(png=False)],
        "breakdown": table_html.html(summary.breakdown()),
        "breakdown_chart": Markup(summary.breakdown_chart(png=False).svg),
        "prose": [(heading, pages.markdown(text)) for heading, text in summary.prose],
        "office": summary.office,
        "date": numbers.date(summary.date),
    }
    return pages.page(summary.title, pages.render_body("summary.html.j2", context))


def document(summary: Summary) -> Document:
    """The summary as a document, for exporters other than HTML: the page's blocks in the page's order."""
    overall, agencies, notes = SECTIONS
    pieces = [piece_of({"data": output.data}) for output in summary.drawn(png=True)]
    blocks: list[Block] = [
        Paragraph((Span(summary.intro),)),
        Heading(2, overall),
        *(piece for piece in pieces if piece is not None),
        Heading(2, agencies),
        summary.breakdown(),
        summary.breakdown_chart(png=True),
        Heading(2, notes),
    ]
    for heading, text in summary.prose:
        blocks += [Heading(3, heading), *from_markdown(text)]
    signature = (summary.office, numbers.date(summary.date))
    return Document(summary.title, None, tuple(blocks), signature, summary.date)


SECTIONS = ("一、汇总情况", "二、各机关情况", "三、说明")


def build_summary(project: Project, year: int) -> None:
    """Write `output/_district/<year>/summary.html` and its record; a user error is recorded, then raised.

    Every input is read once, into the summary's snapshot, which its record lists."""
    code = freshness.code_signature(project)
    record_path = project.summary_record(year)
    with snapshot.recording(project.root) as inputs:
        try:
            content = summarise(project, year)
            made = export.made(export.SUMMARY, content)
            files = {project.summary_file(year, name): data for name, data in made.items()}
        except NianbaoError as err:
            failure = records.build_record(records.FAILED, error=err.render(), code=code)
            with contextlib.suppress(NianbaoError):  # a full disk: the error itself is what matters
                records.write(record_path, failure)
            raise
    publish(files)
    years = sorted({y for key, seen in inputs.listings.items() if key.startswith("years:") for y in seen})
    record = records.build_record(
        records.BUILT,
        outputs=records.digests(list(files), project.root),
        inputs=freshness.input_stamps(project, inputs, [y for y in years if y <= year]),
        listings=inputs.listings,
        code=code,
    )
    records.write(record_path, record)
    project.summary_failure_log(year).unlink(missing_ok=True)  # evidence of a failure now fixed
