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
from pathlib import Path
from typing import NoReturn

from nianbao.batch import plan, records
from nianbao.errors import NianbaoError
from nianbao.paths import Project


class ArgumentError(NianbaoError):
    """A command line argparse refuses: said in Chinese, like every other fault."""


# argparse's own messages, by their fixed beginnings, in the CLI's words.
ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{}"),
    (re.compile(r"unrecognized arguments: (.*)"), "多余的参数：{}"),
    (re.compile(r"argument command: invalid choice: '([^']*)'.*"), "没有命令 {}"),
    (re.compile(r"argument (\S+): invalid \w+ value: '([^']*)'"), "参数 {} 的值 {} 无效"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {} 后面缺少值"),
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose faults are `ArgumentError`s (reported by `main` in Chinese, status 1),
    never argparse's English usage line and status 2."""

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in ARGPARSE_MESSAGES:
            match = pattern.fullmatch(message)
            if match:
                message = chinese.format(*match.groups())
                break
        raise ArgumentError(
            f"命令行有误：{message}",
            # The usage line names the commands (nianbao) or the arguments (nianbao report): never stale.
            hint=f"用法：{self.format_usage().strip().removeprefix('usage: ')}；nianbao -h 显示说明。"
            "通常请用 make report AGENCY=… YEAR=… 等。",
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = Parser(prog="nianbao", description="政府信息公开工作年度报告 / annual disclosure reports")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
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
    reports.add_argument("--jobs", "-j", type=jobs, help="同时生成几份（默认取 make -j 的值，否则 1）")
    summary = commands.add_parser(
        "summary", help="生成某一年度的区（县）汇总报告 / build the district summary"
    )
    summary.add_argument("year", help="报告年度，如 2017")
    page = commands.add_parser(
        "import", help="把上一年度已发布的年报网页导入为该年度的数据 / import a published report page"
    )
    page.add_argument("file", help="从门户网站保存下来的年报网页（.html）")
    page.add_argument("agency", help="机关代号，即 params/ 下档案文件的文件名，如 shili")
    page.add_argument("year", help="网页所载报告的年度，如 2021")
    commands.add_parser("index", help="重新生成索引页 output/index.html / rebuild the index page")
    return parser.parse_args(argv)


def jobs(text: str) -> int:
    """`--jobs`: a positive number of ASCII digits (int() also takes '１２' and '²')."""
    if not re.fullmatch(r"[0-9]{1,3}", text.strip()) or int(text) < 1:
        raise ArgumentError(f"--jobs 的值 {text!r} 无效：应为正整数，如 2")
    return int(text)


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
    if args.command == "import":
        assert year is not None  # `import` requires it
        return import_page(Project.discover(), args, year)
    # Imported here, inside main's handlers: pandas, matplotlib and nbconvert take a second or two to
    # import, and a Ctrl-C meanwhile deserves the same calm message as one during the run.
    from nianbao.build import build_report

    project = Project.discover()
    if args.command == "check":
        return check(project, args.agency, year)
    assert year is not None  # `report` requires it
    from nianbao.inputs.load import check_agency

    if project.is_history(check_agency(project, args.agency), year):
        raise NianbaoError(
            f"{args.agency} {year} 年度是从已发布网页导入的历史年度（没有 narrative.md），不生成报告",
            hint=f"如要为它生成报告，请补上 data/{args.agency}/{year}/narrative.md。",
        )
    built = build_report(project, args.agency, year)
    plan.record_built(project, built)  # so that `make reports` knows this report is up to date
    print_warnings(built.warnings)
    print(f"已生成 / built: {project.relative(built.html)}")
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


def import_page(project: Project, args: argparse.Namespace, year: int) -> int:
    """`import`: a published page as a year's data files; lists what it wrote."""
    from nianbao.publish.import_page import import_page as imported

    outcome = imported(project, Path(args.file), args.agency, year)
    print_warnings(outcome.warnings)
    for path in outcome.written:
        print(f"已写入 / written: {path}")
    print(
        f"{year} 年度是导入的历史年度（没有 narrative.md）："
        "供下一年度的上年结转和与上年相比，不单独生成报告。"
    )
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
        if project.is_history(a, y):  # imported, no narrative: checked when the next year reads it
            print(
                f"导入的历史年度 / imported: {a} {y}（没有 narrative.md，不生成报告；下一年度生成时一并校验）"
            )
            continue
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
    try:
        return run(parse_args(argv))
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
