"""`output/index.html`, the district office's dashboard: every agency × year, where it stands, by when
the law wants it, its headline figures and links to every file of its report.

Where each agency-year stands comes from the one model (`year/state.py`): the build and check records,
the tool's own record in data/ and which files exist — no data is loaded, so a no-op `make reports`
stays fast. Every agency-year on file has a row, and so has, for the year the district is working on
(the latest that some agency has begun), each agency that has not begun it: one row, however long ago
its last year was (the row says so). Each row says what to do next as a command that does it.

Whether the report's date (发文日期) is within the legal deadline comes from the check record, which
has both (the deadline from the format definition). A summary line per year counts the states.
Deterministic: rows sorted by agency and year, no dates or times of the build, the reports' CSS inlined.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nianbao.formats import all_formats, index_columns
from nianbao.inputs.snapshot import read_regular
from nianbao.paths import Project
from nianbao.publish import pages
from nianbao.publish.atomic import write_atomic
from nianbao.year import freshness, records, state
from nianbao.year.state import CHINESE, Stage, YearState

TITLE = "政府信息公开工作年度报告索引"
ALARM = (Stage.MISSING, Stage.TO_FILL, Stage.WORDS, Stage.INVALID, Stage.FAILED)  # shown in red
# state → (what the status column says, its CSS class), in the order the page's last line counts them
STATES: dict[Stage, tuple[str, str]] = {
    stage: (CHINESE[stage], "failed" if stage in ALARM else "")
    for stage in (
        Stage.MISSING,
        Stage.TO_FILL,
        Stage.WORDS,
        Stage.INVALID,
        Stage.FAILED,
        Stage.STALE,
        Stage.BUILT,
        Stage.HISTORY,
        Stage.CHECKED,
        Stage.UNCHECKED,
    )
}
DONE, TO_FILL, FAILING = (
    (Stage.BUILT, Stage.HISTORY),
    (Stage.MISSING, Stage.TO_FILL, Stage.WORDS),
    (Stage.INVALID, Stage.FAILED),
)
# How a link to one of a report's files is labelled, by the file's suffix (others: its name).
FILE_LABELS = {
    ".html": "网页",
    ".pdf": "PDF",
    ".docx": "Word",
    ".xlsx": "Excel",
    ".ipynb": "笔记本（审阅用）",
}
NOT_IN_FORMAT = "不适用"


def link(project: Project, page: Path) -> str:
    """A page's address relative to output/, for a link from the index."""
    return page.relative_to(project.root / "output").as_posix()


def report_files(project: Project, build: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """A link to each file the last good build wrote that is still there, the page first."""
    outputs = sorted((build or {}).get("outputs") or {}, key=lambda name: (not name.endswith(".html"), name))
    files = [project.root / name for name in outputs]
    return [
        {"href": link(project, path), "text": FILE_LABELS.get(path.suffix, path.name)}
        for path in files
        if path.is_file()
    ]


def report_row(project: Project, found: YearState, columns: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """One agency-year's line; `columns`: the headline columns (id, heading)."""
    build, check, stage = found.build, found.check, found.stage
    status, css = STATES[stage]
    headline = (
        (build or {}).get("headline") or {} if stage in (Stage.BUILT, Stage.FAILED, Stage.STALE) else {}
    )
    own = _format_columns().get((build or {}).get("format") or "", None)
    date, deadline = (check or {}).get("date"), (check or {}).get("deadline")
    return {
        "name": (build or {}).get("name") or _name(project, found.agency) or found.agency,
        "year": found.year,
        "state": stage,
        "status": status,
        "css": css,
        "detail": advice(project, found),
        "warnings": len((check or {}).get("warnings") or []) if stage in (Stage.BUILT, Stage.CHECKED) else 0,
        "date": date,
        "late": bool(date and deadline and date > deadline),
        "deadline": deadline,
        "figures": [
            headline.get(column, "—" if own is None or column in own else NOT_IN_FORMAT)
            for column, _ in columns
        ],
        "files": report_files(project, build),
    }


def advice(project: Project, found: YearState) -> str | None:
    """What to do next, in one line, as a command that does it (None: nothing to do)."""
    agency, year = found.agency, found.year
    check = f"make check AGENCY={agency} YEAR={year}"
    narrative = project.relative(project.narrative(agency, year))
    if found.stage == Stage.MISSING:
        return _missing(agency, year, found.since)
    if found.stage == Stage.HISTORY:
        said = "从已发布的网页导入的历史年度（没有 narrative.md），供下一年度衔接，不生成报告"
        if year + 1 in project.years(agency):
            return said
        return f"{said}；开始下一年度：make next-year AGENCY={agency} YEAR={year + 1}"
    if found.stage == Stage.WORDS:
        said = f"数字已有，文字还没有写：请在 {narrative} 中写各段文字，写好后运行 {check}"
        if found.items:
            said += f"；数字还有 {len(found.items)} 处待填，第一处：{found.items[0]}"
        elif found.first_error:
            said += f"；数字有误（{found.errors} 处），第一处：{found.first_error}"
        return said
    if found.stage == Stage.TO_FILL:
        return f"还有 {len(found.items)} 处待填或待改写，第一处：{found.items[0]}；填好后运行 {check}"
    if found.stage == Stage.INVALID:
        return f"数据有误（{found.errors} 处），第一处：{found.first_error}；改正后运行 {check}"
    if found.stage == Stage.FAILED:
        return f"{found.first_error}（上一次成功生成的报告保持不变）；运行 make reports 重试"
    if found.stage in (Stage.STALE, Stage.CHECKED):
        return f"{CHINESE[found.stage]}：运行 make reports 生成"
    if found.stage == Stage.UNCHECKED:
        return f"运行 {check} 校验，或 make reports 生成"
    return None


def _missing(agency: str, year: int, since: int | None) -> str:
    """A year the district expects that the agency has not begun: how to begin it."""
    if since is None:
        return (
            f"还没有任何年度的数据：导入它上一年度已发布的年报网页 make import FILE=<保存的网页> "
            f"AGENCY={agency} YEAR={year - 1}，再运行 make next-year AGENCY={agency} YEAR={year}"
        )
    gap = (
        ""
        if since == year - 1
        else f"（上一次的数据是 {since} 年度，中间 {_span(since + 1, year - 1)} 年度没有数据）"
    )
    return f"还没有这一年度的数据{gap}：运行 make next-year AGENCY={agency} YEAR={year} 开始这一年度"


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}—{last}"


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


def summary_rows(project: Project, years: list[int], found: list[YearState]) -> list[dict[str, Any]]:
    """A line per year whose summary is wanted (its district narrative is there) or was made."""
    rows = []
    for year in years:
        summary = state.summary_of(project, year, found)
        record = records.read(project.summary_record(year)) or {}
        page = project.summary_html(year)
        if summary.wanted and summary.waiting:
            status, css = f"待填（等 {len(summary.waiting)} 个机关填完）", "failed"
        elif summary.wanted and summary.blocked:
            status, css = f"没有生成（等 {len(summary.blocked)} 个机关改正数据）", "failed"
        elif record.get("status") == records.BUILT and page.is_file():
            status, css = "已生成", ""
        elif record:
            status, css = "生成失败", "failed"
        elif summary.wanted and summary.agencies:
            status, css = "尚未生成：运行 make reports", ""
        else:
            continue
        rows.append(
            {
                "year": year,
                "status": status,
                "css": css,
                "files": report_files(project, record if record.get("status") == records.BUILT else None),
            }
        )
    return rows


def render(
    project: Project, known: Mapping[tuple[str, int], YearState] | None = None, code: str | None = None
) -> bytes:
    """The page; `known`: the states a batch has computed already (the others are computed here)."""
    columns = index_columns()
    found = state.of_project(project, known, code or freshness.code_signature(project))
    rows = [report_row(project, one, columns) for one in found]
    years = sorted({row["year"] for row in rows})
    counts = {stage: sum(row["state"] == stage for row in rows) for stage in STATES}
    body = pages.render_body(
        "index.html.j2",
        {
            "title": TITLE,
            "rows": rows,
            "years": year_lines(rows),
            "summaries": summary_rows(project, years, found),
            "headline": [heading for _, heading in columns],
            "counts": counts,
            "states": STATES,
        },
    )
    # its links go to the pages it lists; a dashboard, it takes a desktop's width
    return pages.page(TITLE, body, beside=True, wide=True)


def write_index(
    project: Project, known: Mapping[tuple[str, int], YearState] | None = None, code: str | None = None
) -> bool:
    """Write the index if its content changed; True when it did."""
    page = render(project, known, code)
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
