"""The command line: a thin wrapper on `build_report`, and the one place where user errors are reported.

A `NianbaoError` prints its message (Chinese first, naming the file and field) and exits 1 without a
traceback; any other exception is a bug and keeps its traceback. NIANBAO_DEBUG=1 shows tracebacks always.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

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
    if not text.strip().isdigit() or len(text.strip()) != 4:
        raise NianbaoError(f"年度 {text!r} 无效：应为四位数字的年份，如 2017")
    return int(text)


def run(args: argparse.Namespace) -> int:
    project = Project.discover()
    if args.command == "reports":  # kept light: the batch imports the heavy modules only in its workers
        from nianbao import batch

        year = parse_year(args.year) if args.year else None
        outcome = batch.run_batch(project, year, args.jobs or batch.jobs_from_make())
        batch.print_summary(outcome)
        return 0 if outcome.ok else 1
    if args.command == "summary":
        from nianbao.index import write_index
        from nianbao.summary import build_summary

        year = parse_year(args.year)
        build_summary(project, year)
        write_index(project)
        print(f"已生成 / built: {project.relative(project.summary_html(year))}")
    if args.command == "index":
        from nianbao.index import write_index

        write_index(project)
        print(f"已生成 / built: {project.relative(project.index_html)}")
    if args.command == "report":
        from nianbao.build import build_report

        built = build_report(project, args.agency, parse_year(args.year))
        print(f"已生成 / built: {project.relative(built.html)}")
        print(f"供审阅的笔记本 / for review: {project.relative(built.notebook)}")
    return 0


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
        print("已中断；上一次生成的报告没有被改动。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
