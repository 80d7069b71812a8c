"""The command line: a thin wrapper on `build_report`, and the one place where user errors are reported.

A `NianbaoError` prints its message (Chinese first, naming the file and field) and exits 1 without a
traceback; any other exception is a bug and keeps its traceback. NIANBAO_DEBUG=1 shows tracebacks always.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Sequence

from nianbao.batch import plan, records
from nianbao.errors import NianbaoError
from nianbao.paths import Project


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nianbao", description="政府信息公开工作年度报告 / annual disclosure reports"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="生成一份报告 / build one report")
    report.add_argument("agency", help="机关代号，即 params/ 下档案文件的文件名，如 minzheng")
    report.add_argument("year", help="报告年度，如 2017")
    check = commands.add_parser("check", help="只校验数据，不生成报告 / validate without building")
    check.add_argument("--agency", help="只校验这个机关（默认：全部机关）")
    check.add_argument("--year", help="只校验这个年度（默认：全部年度）")
    reports = commands.add_parser(
        "reports", help="生成所有过期的报告、汇总报告和索引页 / build every stale report"
    )
    reports.add_argument("year", nargs="?", help="只生成这一年度的报告，如 2017（默认：所有年度）")
    reports.add_argument("--jobs", "-j", type=int, help="同时生成几份（默认取 make -j 的值，否则 1）")
    summary = commands.add_parser(
        "summary", help="生成某一年度的区（县）汇总报告 / build the district summary"
    )
    summary.add_argument("year", help="报告年度，如 2017")
    commands.add_parser("index", help="重新生成索引页 output/index.html / rebuild the index page")
    return parser.parse_args(argv)


def parse_year(text: str) -> int:
    # ASCII digits only: str.isdigit() also takes '²⁰¹⁷' (which int() refuses) and '٢٠١٧'.
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        raise NianbaoError(f"年度 {text!r} 无效：应为四位数字的年份，如 2017")
    return int(text)


def run(args: argparse.Namespace) -> int:
    # The year first, before any heavy import: a wrong value (`make summary YEAR=-h`) fails at once. An
    # empty one (`make check YEAR=`) is wrong too, not "every year".
    given = getattr(args, "year", None)
    year = parse_year(given) if given is not None else None
    if args.command in ("reports", "summary", "index"):
        return run_batch(Project.discover(), args, year)
    # Imported here, inside main's handlers: pandas, matplotlib and nbconvert take a second or two to
    # import, and a Ctrl-C meanwhile deserves the same calm message as one during the run.
    from nianbao.build import build_report

    project = Project.discover()
    if args.command == "check":
        return check(project, args.agency, year)
    assert year is not None  # `report` requires it
    built = build_report(project, args.agency, year)
    plan.record_built(project, built)  # so that `make reports` knows this report is up to date
    print_warnings(built.warnings)
    for published in built.exports or (built.html,):  # the page, the Word file, …
        print(f"已生成 / built: {project.relative(published)}")
    print(f"供审阅的笔记本 / for review: {project.relative(built.notebook)}")
    return 0


def run_batch(project: Project, args: argparse.Namespace, year: int | None) -> int:
    """`reports`, `summary`, `index`: kept light, a batch imports the heavy modules in its workers only."""
    from nianbao.batch.index import write_index

    if args.command == "reports":
        from nianbao.batch import run as batch

        outcome = batch.run_batch(project, year, args.jobs or batch.jobs_from_make())
        batch.print_summary(outcome)
        return 0 if outcome.ok else 1
    if args.command == "summary":
        from nianbao.batch.summary import build_summary

        assert year is not None  # `summary` requires it
        build_summary(project, year)
        print(f"已生成 / built: {project.relative(project.summary_html(year))}")
    write_index(project)
    print(f"索引页 / index: {project.relative(project.index_html)}")
    return 0


def check(project: Project, agency: str | None, year: int | None) -> int:
    """Validate one report, or every agency and year on file; report every fault, not just the first."""
    from nianbao.build import check_report
    from nianbao.inputs.load import agencies_on_file, check_agency, years_on_file

    if agency is not None:
        agency = check_agency(project, agency)
    if agency is not None and year is not None:
        targets = [(agency, year)]
    else:
        targets = [
            (a, y)
            for a in ([agency] if agency else agencies_on_file(project))
            for y in years_on_file(project, a)
            if year is None or y == year
        ]
        if not targets:
            what = f"{year} 年度没有任何机关的数据" if year else "data/ 中没有任何机关的数据"
            raise NianbaoError(f"没有可校验的数据：{what}")
    failed = 0
    for a, y in targets:
        try:
            warnings = check_report(project, a, y)
        except NianbaoError as err:
            failed += 1
            records.write(project.check_record(a, y), records.check_record(err.render(), []))
            print(f"错误：{a} {y}：{err.render()}", file=sys.stderr)
            continue
        records.write(project.check_record(a, y), records.check_record(None, list(warnings)))
        print_warnings(warnings)
        print(f"通过 / ok: {a} {y}")
    if failed:
        print(f"校验了 {len(targets)} 份报告的数据，{failed} 份有错误。", file=sys.stderr)
        return 1
    return 0


def print_warnings(warnings: Sequence[str]) -> None:
    for warning in warnings:
        print(f"警告：{warning}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except NianbaoError as err:
        if os.environ.get("NIANBAO_DEBUG") == "1":
            raise
        print(f"错误：{err.render()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # nbclient's kernel watchers die with the interrupted run; asyncio would log their unretrieved
        # "Kernel died" errors with tracebacks at exit, after our one message.
        logging.getLogger("asyncio").disabled = True
        print("已中断；上一次生成的报告没有被改动。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
