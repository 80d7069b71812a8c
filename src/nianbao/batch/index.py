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


def beside(project: Project, published: Path) -> str | None:
    """The link to a file published beside a page (its Word file), when there is one."""
    return link(project, published) if published.is_file() else None


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
        "word": beside(project, project.report_word(job.agency, job.year)),
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
                "word": beside(project, project.summary_word(year)),
            }
        )
    return rows


def render(project: Project) -> bytes:
    columns = index_columns()
    rows = [report_row(project, job, columns) for job in plan.jobs(project)]
    years = sorted({row["year"] for row in rows})
    counts = {state: sum(row["state"] == state for row in rows) for state in ("built", "failed", "missing")}
    body = pages.render_body(
        "index.html.j2",
        {
            "title": TITLE,
            "rows": rows,
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
