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
from typing import TYPE_CHECKING, NoReturn

from nianbao.batch import plan
from nianbao.errors import DataError, NianbaoError
from nianbao.paths import SUMMARY, Project
from nianbao.year import freshness, records, state
from nianbao.year.state import Stage

if TYPE_CHECKING:
    from nianbao.authoring.next_year import Started
    from nianbao.forms.collect import Collected


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
    workbook = commands.add_parser("workbook", help="生成一个机关一个年度的 Excel 填报表 / write one form")
    workbook.add_argument("agency", help="机关代号，如 minzheng")
    workbook.add_argument("year", help="报告年度，如 2021")
    workbooks = commands.add_parser(
        "workbooks", help="为每个机关生成某年度的 Excel 填报表 / every agency's form"
    )
    workbooks.add_argument("year", help="报告年度，如 2021")
    collect = commands.add_parser("collect", help="把收回的填报表放入 data/ / place returned forms in data/")
    collect.add_argument("folder", help="收回的填报表（.xlsx、.docx）所在的文件夹")
    next_year = commands.add_parser(
        "next-year", help="从最近一个年度开始下一年度，待填写 / start the next year, to be filled in"
    )
    next_year.add_argument("agency", nargs="?", help="机关代号，如 minzheng（默认：全部机关）")
    next_year.add_argument("--year", help="开始这一年度，如 2026（默认：各机关最近一个年度的下一年）")
    return parser.parse_args(argv)


def jobs(text: str) -> int:
    """`--jobs`: a positive number of ASCII digits (int() also takes '１２' and '²')."""
    if not re.fullmatch(r"[0-9]{1,3}", text.strip()) or int(text) < 1:
        raise ArgumentError(f"--jobs 的值 {text!r} 无效：应为正整数，如 2")
    return int(text)


def parse_year(text: str) -> int:
    # ASCII digits only: str.isdigit() also takes '²⁰¹⁷' (which int() refuses) and '٢٠١٧'.
    from nianbao.formats import year_out_of_range

    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        raise NianbaoError(f"年度 {text!r} 无效：应为四位数字的年份，如 2017")
    fault = year_out_of_range(int(text))
    if fault is not None:
        raise fault
    return int(text)


def run(args: argparse.Namespace) -> int:
    # The year first, before any heavy import: a wrong value (`make summary YEAR=-h`) fails at once. An
    # empty one (`make check YEAR=`) is wrong too, not "every year".
    given = getattr(args, "year", None)
    year = parse_year(given) if given is not None else None
    project = Project.discover()
    if args.command == "next-year":  # writes new files into data/ only
        return next_year(project, args.agency, year)
    if args.command == "check":  # writes check records only, each atomically: no lock needed
        return check(project, args.agency, year)
    if args.command == "import":  # these write new files into data/ only, never output/
        assert year is not None  # `import` requires it
        return import_page(project, args, year)
    if args.command in ("workbook", "workbooks", "collect"):
        return run_forms(project, args, year)
    from nianbao.batch import lock
    from nianbao.batch import run as batch

    # One build writes output/ at a time; each first removes what killed runs left behind.
    with lock.exclusive(project):
        batch.tidy(project)
        if args.command in ("reports", "summary", "index"):
            return run_batch(project, args, year)
        return report(project, args.agency, year)


def report(project: Project, agency: str, year: int | None) -> int:
    # Imported here, inside main's handlers: matplotlib and nbconvert take a second or two to
    # import, and a Ctrl-C meanwhile deserves the same calm message as one during the run.
    from nianbao.build import build_report

    assert year is not None  # `report` requires it
    from nianbao.inputs.load import check_agency

    found = state.of(project, check_agency(project, agency), year)
    if found.stage == Stage.HISTORY:
        raise NianbaoError(
            f"{agency} {year} 年度是从已发布网页导入的历史年度（没有 narrative.md），不生成报告",
            hint=f"如要为它生成报告，请补上 data/{agency}/{year}/narrative.md。",
        )
    if found.stage == Stage.WORDS:
        raise NianbaoError(f"{agency} {year} 年度：{words_to_write(project, agency, year)}")
    built = build_report(project, agency, year)
    plan.record_published(project, built)  # so that `make reports` knows this report is up to date
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
        from nianbao.publish import export

        assert year is not None  # `summary` requires it
        summary_ready(project, year)
        build_summary(project, year)
        print(f"已生成 / built: {project.relative(project.summary_html(year))}")
        for name in export.file_names(export.SUMMARY)[1:]:  # the page first, then the files made with it
            print(f"同一报告 / also: {project.relative(project.summary_file(year, name))}")
    write_index(project)
    print(f"索引页 / index: {project.relative(project.index_html)}")
    return 0


def import_page(project: Project, args: argparse.Namespace, year: int) -> int:
    """`import`: a published page as a year's data files; lists what it wrote."""
    from nianbao.portal.import_page import import_page as imported

    outcome = imported(project, Path(args.file), args.agency, year)
    print_warnings(outcome.warnings)
    for path in outcome.written:
        print(f"已写入 / written: {path}")
    print(
        f"{year} 年度是导入的历史年度（没有 narrative.md）："
        "供下一年度的上年结转和与上年相比，不单独生成报告。"
    )
    return 0


def run_forms(project: Project, args: argparse.Namespace, year: int | None) -> int:
    """`workbook`, `workbooks`: write the Excel forms to hand out; `collect`: place the returned ones."""
    from nianbao.forms import collect, hand_out

    if args.command == "collect":
        return print_collected(collect.collect(project, Path(args.folder)), Path(args.folder))
    if year is None:
        raise ValueError("workbook commands take a year")  # argparse requires it
    if args.command == "workbook" and args.agency == SUMMARY:  # the district has words only
        print_form(project, hand_out.write_words(project, SUMMARY, year), None)
        return 0
    if args.command == "workbook":
        path = hand_out.write_form(project, args.agency, year)
        print_form(project, path, hand_out.gap_note(project, args.agency, year))
        print_form(project, hand_out.write_words(project, args.agency, year), None)
        return 0
    handed = hand_out.write_forms(project, year)
    for one in handed:
        if one.path is not None:
            print_form(project, one.path, one.note)
    missing = [one for one in handed if one.why is not None]
    for one in missing:  # each with its reason, after the forms written
        print(f"未生成 / not written: {one.agency}：{one.why}", file=sys.stderr)
    if missing:
        print(
            f"生成了 {len(handed) - len(missing)} 份填报表，{len(missing)} 个机关没有生成（原因见上）。",
            file=sys.stderr,
        )
        return 1
    return 0


def print_form(project: Project, path: Path, note: str | None) -> None:
    what = "已生成文字填报表 / words form" if path.suffix == ".docx" else "已生成填报表 / form"
    print(f"{what}: {project.relative(path)}" + (f"（{note}）" if note else ""))


def print_collected(outcome: Collected, folder: Path) -> int:
    """`collect`'s listing: skipped, placed (with what each replaced, kept aside), refused, the count."""
    from nianbao.forms.collect import nothing_to_collect

    for name, why in outcome.skipped:  # no form: listed, but not a fault of the run
        print(f"跳过 / skipped: {name}：{why}")
    if not outcome.placed and not outcome.refused and not outcome.already:
        raise nothing_to_collect(folder)
    for name, why in outcome.already:  # a folder collected again: nothing to do, no fault
        print(f"不用再放 / unchanged: {name}：{why}")
    for name, target, faults in outcome.placed:
        state = f"还有 {faults} 格空着或填写有误，make check 逐格列出" if faults else "各格均已填写"
        if target.endswith("narrative.md"):
            left = outcome.to_rewrite.get(target, [])
            shown = "、".join(f"“{heading}”" for heading in left)
            state = f"还有 {len(left)} 段待改写：{shown}，make check 逐段列出" if left else "各段文字均已写好"
        print(f"已放置 / placed: {name} → {target}：{state}")
        for _, replaced, kept in (entry for entry in outcome.replaced if entry[0] == target):
            print(f"  已替换 / replaced: {replaced}（nianbao 生成、没有人改过），原文件移到 {kept}")
    for name, why in outcome.refused:
        print(f"未放置 / refused: {name}：{why}", file=sys.stderr)
    already = f"，{len(outcome.already)} 份已放置过" if outcome.already else ""
    skipped = f"，跳过 {len(outcome.skipped)} 个不是填报表的文件" if outcome.skipped else ""
    print(f"放置了 {len(outcome.placed)} 份，未放置 {len(outcome.refused)} 份{already}{skipped}。")
    return 1 if outcome.refused else 0  # a refused form is the clerk's to fix


def summary_ready(project: Project, year: int) -> None:
    """Refuse, saying why in one message, a summary nobody asked for (no district narrative) or one
    whose agencies are not all finished (a line each)."""
    summary = state.summary_of(project, year, state.of_agencies(project, year))
    narrative = project.relative(project.summary_narrative(year))
    if not summary.wanted and project.summary_profile.is_file():
        raise DataError(
            f"没有 {year} 年度的汇总报告文字：找不到 {narrative}",
            hint=f"汇总报告的文字写在 {narrative}（一级标题与该年度机关的 narrative.md 相同）。",
        )
    if summary.waiting:
        lines = "".join(f"\n  - {found}：{found.chinese}" for found in summary.waiting)
        raise DataError(
            f"{year} 年度的汇总报告还不能生成：{len(summary.waiting)} 个机关还没有填完：{lines}",
            hint="各机关填完、写好文字后再运行 make summary；make check 逐处列出还要做的。",
        )


def words_to_write(project: Project, agency: str, year: int) -> str:
    """Where the words of a year whose figures are on file go."""
    from nianbao.formats import format_for_year

    narrative = project.relative(project.narrative(agency, year))
    fmt = format_for_year(year)
    headings = f"，一级标题依次为 {'、'.join(f'# {spec.heading}' for spec in fmt.prose)}" if fmt else ""
    return (
        f"待写文字：数字已有，文字还没有写。请在 {narrative} 中写各段文字{headings}，"
        f"写好后运行 make check AGENCY={agency} YEAR={year}"
    )


def check(project: Project, agency: str | None, year: int | None) -> int:
    """Validate one report, or every agency and year on file; report every fault, not just the first."""
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
            what = f"{year} 年度没有任何机关的数据" if year is not None else "data/ 中没有任何机关的数据"
            raise NianbaoError(f"没有可校验的数据：{what}")
    failed = words = 0
    code = freshness.code_signature(project)
    for a, y in targets:
        stage = state.of(project, a, y, code).stage
        if stage == Stage.HISTORY:  # imported, no narrative: checked when the next year reads it
            print(
                f"导入的历史年度 / imported: {a} {y}（没有 narrative.md，不生成报告；下一年度生成时一并校验）"
            )
            continue
        ok = check_one(project, a, y, words=stage == Stage.WORDS)
        failed += not ok and stage != Stage.WORDS
        words += stage == Stage.WORDS
    if failed or words:
        also = f"，{words} 份待写文字" if words else ""
        print(f"校验了 {len(targets)} 份报告的数据，{failed} 份有错误{also}。", file=sys.stderr)
        return 1
    return 0


def check_one(project: Project, agency: str, year: int, *, words: bool) -> bool:
    """Check one year and record what was found, with the year's files as found (stamped before they
    are read: an edit made meanwhile shows as a change). A year whose words are still to write says
    where they go, and what is wrong with its figures, if anything."""
    from nianbao.build import check_model
    from nianbao.inputs.to_fill import UnfilledError

    files = freshness.year_stamps(project, agency, year)
    narrative = project.relative(project.narrative(agency, year))
    try:
        model = check_model(project, agency, year)
    except NianbaoError as err:
        if words and err.path == narrative:  # the figures were read: only the words are missing
            records.write(project.check_record(agency, year), records.check_record(None, [], files=files))
            print(f"{agency} {year}：{words_to_write(project, agency, year)}", file=sys.stderr)
            return False
        to_fill = list(err.items) if isinstance(err, UnfilledError) else []
        record = records.check_record(err.render(), [], to_fill=to_fill, files=files)
        records.write(project.check_record(agency, year), record)
        print(f"错误：{agency} {year}：{err.render()}", file=sys.stderr)
        if words:
            print(f"{agency} {year}：{words_to_write(project, agency, year)}", file=sys.stderr)
        return False
    records.write(project.check_record(agency, year), plan.passed(model, files))
    print_warnings(model.warnings)
    print(f"通过 / ok: {agency} {year}")
    return True


def next_year(project: Project, agency: str | None, year: int | None = None) -> int:
    """Start a year (by default the next) of one agency, or of every agency (each all or nothing; the
    others go on)."""
    from nianbao.authoring.next_year import start_next_year
    from nianbao.inputs.load import agencies_on_file

    targets = [agency] if agency is not None else agencies_on_file(project)
    if not targets:
        raise DataError("params/ 中没有任何机关的档案", hint="新增机关见 README“新增一个机关或一个年度”。")
    failed = 0
    for target in targets:
        try:
            started = start_next_year(project, target, year)
        except NianbaoError as err:
            if agency is not None:
                raise
            failed += 1
            print(f"错误：{target}：{err.render()}", file=sys.stderr)
            continue
        print_started(started)
    if failed:
        print(f"{len(targets)} 个机关中 {failed} 个没有开始新的年度（原因见上）。", file=sys.stderr)
        return 1
    return 0


def print_started(started: Started) -> None:
    new, old = started.format, started.previous
    print(f"{started.agency}：开始 {started.year} 年度（格式 {new.id}，{new.span}）")
    if started.gap is not None:
        first, last = started.gap
        missing = f"{first}–{last}" if first < last else str(first)
        print(f"  {missing} 年度没有数据：从 {started.source} 年度结转")
    if started.format_changed:
        print(
            f"  注意：{started.year} 年度的报告格式是 {new.id}，与 {started.source} 年度的 {old.id} 不同，"
            f"已按 {new.id} 的格式建立文件。"
        )
    for path in started.written:
        print(f"  已新建 / created: {path}")
    if started.carried:
        print(f"  从上一年度结转了 {len(started.carried)} 个数字（已填好，请核对）。")
    if started.missing:
        labels = grouped([new.label(key) for key in started.missing])
        print(f"  上一年度的格式中没有、无法结转的数字（写的是“待填”，请照上一年度的报告填写）：{labels}")
    if started.chained:
        print("  历年累计由程序从期初数逐年相加，不用填。")
    rest = "其余的数字" if started.carried else "每个数字"
    words = "" if started.words else f"（{started.source} 年度没有文字可以参考，每段写明了要写什么）"
    print(
        f"  {rest}、文号和发文日期写的是“待填”，narrative.md 每段有“待改写”一行{words}；"
        f"填好后运行 make check AGENCY={started.agency} YEAR={started.year}。"
    )


def grouped(labels: list[str]) -> str:
    """Labels of one row together: `二、上年结转…：自然人、商业企业；行政许可：上一年项目数量`."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        row, _, cell = label.partition("：")
        groups.setdefault(row, []).append(cell)
    return "；".join(f"{row}：{'、'.join(cells)}" if any(cells) else row for row, cells in groups.items())


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
