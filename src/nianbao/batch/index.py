"""`output/index.html`, the district office's dashboard: every agency × year, where it stands, by when
the law wants it, its headline figures and links to every file of its report.

Read from the build and check records only (`records.py`; no data is loaded, so a no-op `make reports`
stays fast), plus which folders and files exist. Each report is in one state, decided by `state()`:

- missing: the agency has no figures for the project's latest year (it has not started it);
- imported: figures but no narrative — a year imported from its published page, history for the next
  year, never built here (as `nianbao import` leaves it);
- to_fill: the last check found cells still `待填` or sections still `待改写` (how many, the first);
- invalid: the last check found an error (the first error);
- failed: the data passed but the last build failed (its error; the last good report stays linked);
- built: published (with the check's warnings counted);
- valid: checked, no errors (N warnings), not built yet;
- unchecked: neither checked nor built yet.

Whether the report's date (发文日期) is within the legal deadline comes from the check record, which
has both (the deadline from the format definition). A summary line per year counts the states.
Deterministic: rows sorted by agency and year, no dates or times of the build, the reports' CSS inlined.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nianbao.batch import plan
from nianbao.formats import all_formats, index_columns
from nianbao.inputs.snapshot import read_regular
from nianbao.paths import Project
from nianbao.publish import pages
from nianbao.publish.atomic import write_atomic
from nianbao.year import records

TITLE = "政府信息公开工作年度报告索引"
# state → (what the status column says, its CSS class)
STATES: dict[str, tuple[str, str]] = {
    "missing": ("缺少数据", "failed"),
    "to_fill": ("待填", "failed"),
    "invalid": ("数据有误", "failed"),
    "failed": ("生成失败", "failed"),
    "built": ("已生成", ""),
    "imported": ("已导入", ""),
    "valid": ("校验通过", ""),
    "unchecked": ("尚未校验", ""),
}
DONE, TO_FILL, FAILING = ("built", "imported"), ("missing", "to_fill"), ("invalid", "failed")
# How a link to one of a report's files is labelled, by the file's suffix (others: its name).
FILE_LABELS = {
    ".html": "网页",
    ".pdf": "PDF",
    ".docx": "Word",
    ".xlsx": "Excel",
    ".ipynb": "笔记本（审阅用）",
}
NOT_IN_FORMAT = "不适用"
ON_FILE = ("missing", "imported", "report")  # no figures; figures, no narrative; both


def link(project: Project, page: Path) -> str:
    """A page's address relative to output/, for a link from the index."""
    return page.relative_to(project.root / "output").as_posix()


def state(on_file: str, build: Mapping[str, Any] | None, check: Mapping[str, Any] | None) -> str:
    """Where one report stands (see the module's docstring): `on_file` is what of its year is on file
    (`ON_FILE`); then its records, a newer check of the data before an older build, so data broken
    since the last build shows as broken."""
    if on_file != "report":
        return on_file
    if check and check.get("to_fill"):
        return "to_fill"
    if check and check["status"] == records.FAILED:
        return "invalid"
    if build and build["status"] in (records.BUILT, records.FAILED):
        return str(build["status"])
    return "valid" if check else "unchecked"


def report_files(project: Project, build: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """A link to each file the last good build wrote that is still there, the page first."""
    outputs = sorted((build or {}).get("outputs") or {}, key=lambda name: (not name.endswith(".html"), name))
    files = [project.root / name for name in outputs]
    return [
        {"href": link(project, path), "text": FILE_LABELS.get(path.suffix, path.name)}
        for path in files
        if path.is_file()
    ]


def report_row(
    project: Project, job: plan.Job, columns: tuple[tuple[str, str], ...], on_file: str = "report"
) -> dict[str, Any]:
    """One report's line; `columns`: the headline columns (id, heading)."""
    build = records.read(project.build_record(job.agency, job.year))
    check = records.read_check(project.check_record(job.agency, job.year))
    current = state(on_file, build, check)
    status, css = STATES[current]
    headline = (build or {}).get("headline") or {} if current in ("built", "failed") else {}
    own = _format_columns().get((build or {}).get("format") or "", None)
    warnings = len((check or {}).get("warnings") or [])
    date, deadline = (check or {}).get("date"), (check or {}).get("deadline")
    return {
        "name": (build or {}).get("name") or _name(project, job.agency) or job.agency,
        "year": job.year,
        "state": current,
        "status": status,
        "css": css,
        "detail": _detail(job, current, build, check),
        "warnings": warnings if current in ("built", "valid") else 0,
        "date": date,
        "late": bool(date and deadline and date > deadline),
        "deadline": deadline,
        "figures": [
            headline.get(column, "—" if own is None or column in own else NOT_IN_FORMAT)
            for column, _ in columns
        ],
        "files": report_files(project, build),
    }


def _detail(
    job: plan.Job, current: str, build: Mapping[str, Any] | None, check: Mapping[str, Any] | None
) -> str | None:
    """What to do next, in one line: what is still to fill (how many, the first), or the first error."""
    if current == "to_fill" and check:
        items = check["to_fill"]
        return f"还有 {len(items)} 处待填或待改写，第一处：{items[0]}"
    if current == "invalid" and check:
        return str(check["error"]).split("\n", 1)[0]
    if current == "failed" and build:
        return str(build["error"]).split("\n", 1)[0]
    if current == "missing":
        return f"还没有这一年度的数据：运行 make next-year AGENCY={job.agency} 开始这一年度"
    if current == "imported":
        return "从已发布的网页导入的历史年度（没有 narrative.md），供下一年度衔接，不生成报告"
    return None


def _format_columns() -> dict[str, set[str]]:
    """Each format's headline columns: a column another format has is 不适用 in this one's rows."""
    return {fmt.id: {item.id for item in fmt.headline} for fmt in all_formats()}


def _name(project: Project, agency: str) -> str | None:
    """An agency's name from the record of any of its reports (no profile is read)."""
    for year in reversed(project.years(agency)):
        record = records.read(project.build_record(agency, year))
        if record and record.get("name"):
            return str(record["name"])
    return None


def expected(project: Project) -> list[tuple[plan.Job, str]]:
    """Every agency × year on file, and for the project's latest year each agency that has not started
    it, by agency then year: (job, what of it is on file — `ON_FILE`)."""
    on_file = {
        plan.Job(agency, year): "report" if project.narrative(agency, year).exists() else "imported"
        for agency in project.agencies()
        for year in project.years(agency)
    }
    latest = max((job.year for job in on_file), default=None)
    if latest is not None:
        for agency in project.agencies():
            on_file.setdefault(plan.Job(agency, latest), "missing")
    return sorted(on_file.items())


def year_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year: how many agencies are done, still to fill, failing, late."""
    lines = []
    for year in sorted({row["year"] for row in rows}):
        mine = [row for row in rows if row["year"] == year]
        lines.append(
            {
                "year": year,
                "total": len(mine),
                "done": sum(row["state"] in DONE for row in mine),
                "to_fill": sum(row["state"] in TO_FILL for row in mine),
                "failing": sum(row["state"] in FAILING for row in mine),
                "late": sum(row["late"] for row in mine),
            }
        )
    return lines


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
            }
        )
    return rows


def render(project: Project) -> bytes:
    columns = index_columns()
    rows = [report_row(project, job, columns, on_file) for job, on_file in expected(project)]
    years = sorted({row["year"] for row in rows})
    counts = {state: sum(row["state"] == state for row in rows) for state in STATES}
    body = pages.render_body(
        "index.html.j2",
        {
            "title": TITLE,
            "rows": rows,
            "years": year_lines(rows),
            "summaries": summary_rows(project, years),
            "headline": [heading for _, heading in columns],
            "counts": counts,
            "states": STATES,
        },
    )
    return pages.page(TITLE, body, beside=True)  # its links go to the pages it lists


def write_index(project: Project) -> bool:
    """Write the index if its content changed; True when it did."""
    page = render(project)
    target = project.index_html
    if _content(target) == page:
        return False
    write_atomic(target, page)
    return True


def _content(path: Path) -> bytes | None:
    """A page as it is on disk; None when it is missing or not a regular file (never waited for)."""
    try:
        return read_regular(path)[1]
    except OSError:
        return None
