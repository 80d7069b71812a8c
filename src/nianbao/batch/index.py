"""`output/index.html`: one page listing every agency × year with a link to its report, how its last
build went, and its headline figures (the formats' `headline:`, one column per id) — read from the build
records, so it costs no data loading.

Deterministic: rows sorted by agency and year, no dates or times, the reports' own CSS inlined.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nianbao.batch import plan, records
from nianbao.formats import index_columns
from nianbao.paths import Project
from nianbao.publish import pages
from nianbao.publish.atomic import write_atomic

TITLE = "政府信息公开工作年度报告索引"


def link(project: Project, page: Path) -> str:
    """A page's address relative to output/, for a link from the index."""
    return page.relative_to(project.root / "output").as_posix()


def existing_link(project: Project, file: Path) -> str | None:
    """The link to a published file beside a page (its PDF), if there is one."""
    return link(project, file) if file.is_file() else None


def report_row(project: Project, job: plan.Job, columns: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """One report's line; `columns`: the headline columns (id, heading), a figure or — in each."""
    record = records.read(project.build_record(job.agency, job.year)) or {}
    page = project.report_html(job.agency, job.year)
    headline = record.get("headline") or {}
    status = record.get("status")
    row = {
        "name": record.get("name") or job.agency,
        "year": job.year,
        "figures": [headline.get(column, "—") for column, _ in columns],
        "link": link(project, page) if page.is_file() else None,
        "link_text": "查看报告",
        "pdf": existing_link(project, project.report_file(job.agency, job.year, "report.pdf")),
        "error": None,
        "state": "built" if status == "built" and page.is_file() else status or "missing",
    }
    if row["state"] == "built":
        row.update(status="已生成", css="")
    elif row["state"] == "failed":
        row.update(status="生成失败", css="failed", error=record.get("error"), link_text="上一次的报告")
    else:
        row.update(status="尚未生成", css="")
    return row


def imported_row(project: Project, job: plan.Job, columns: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A year imported from its published page: history for the next year's report, not built here."""
    return {
        "name": _name(project, job.agency),
        "year": job.year,
        "figures": ["—" for _ in columns],
        "link": None,
        "link_text": "",
        "error": None,
        "state": "imported",
        "status": "已导入（历史年度，不生成报告）",
        "css": "",
    }


def _name(project: Project, agency: str) -> str:
    """The agency's name from any of its build records (an imported year has none of its own)."""
    for year in project.years(agency):
        name = (records.read(project.build_record(agency, year)) or {}).get("name")
        if name:
            return str(name)
    return agency


def summary_rows(project: Project, years: list[int]) -> list[dict[str, Any]]:
    rows = []
    for year in years:
        record = records.read(project.summary_record(year)) or {}
        page = project.summary_html(year)
        if not record and not page.is_file():
            continue
        built = record.get("status") == "built" and page.is_file()
        rows.append(
            {
                "year": year,
                "status": "已生成" if built else "生成失败",
                "css": "" if built else "failed",
                "link": link(project, page) if page.is_file() else None,
                "pdf": existing_link(project, project.summary_file(year, "summary.pdf")),
            }
        )
    return rows


def render(project: Project) -> bytes:
    columns = index_columns()
    built = {job: report_row(project, job, columns) for job in plan.jobs(project)}
    history = {job: imported_row(project, job, columns) for job in plan.imported(project)}
    rows = [row for _, row in sorted({**built, **history}.items())]
    years = sorted({row["year"] for row in built.values()})
    states = ("built", "failed", "missing", "imported")
    counts = {state: sum(row["state"] == state for row in rows) for state in states}
    body = pages.render_body(
        "index.html.j2",
        {
            "title": TITLE,
            "rows": rows,
            "reports": len(built),
            "summaries": summary_rows(project, years),
            "headline": [heading for _, heading in columns],
            "counts": counts,
        },
    )
    return pages.page(TITLE, body)


def write_index(project: Project) -> bool:
    """Write the index if its content changed; True when it did."""
    page = render(project)
    target = project.index_html
    if target.is_file() and target.read_bytes() == page:
        return False
    write_atomic(target, page)
    return True
