"""The index says what is true of each agency-year, and every piece of advice it prints is a real command."""

from __future__ import annotations

import html
import re
import shutil

from nianbao.batch import index
from nianbao.paths import Project
from nianbao.year import freshness, records, state
from nianbao.year.state import Stage

COMMAND = re.compile(r"make ([a-z][a-z-]*)((?: [A-Z]+=\S+)*)")


def rows(page: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(name, year) → (status, the advice line under it)."""
    found = re.findall(
        r'<tr><td>([^<]*)</td><td class="unit">(\d{4})</td><td class="[^"]*">([^<]*)</td>.*?</tr>\n'
        r'(?:<tr><td class="(?:error|note)" colspan="\d+">([^<]*)</td></tr>)?',
        page,
    )
    return {(name, year): (status, html.unescape(advice)) for name, year, status, advice in found}


def makefile_targets(project: Project) -> set[str]:
    text = (project.root / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"(?m)^([a-z][a-z-]*):", text))


def makefile_variables(project: Project) -> set[str]:
    """The variables the Makefile reads from its command line (as data: `$(value X)`)."""
    text = (project.root / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"\$\(value ([A-Z]+)\)", text))


def every_state(project: Project) -> None:
    """The sample project with a year in each state the clerk has to act on."""
    project.narrative("shili", 2021).unlink()  # imported history (the year after is on file)
    (project.year_dir("shili", 2021) / "applications.csv").unlink()
    form = project.year_dir("shili-renshe", 2025)
    form.mkdir()
    (form / "figures.xlsx").write_bytes(b"PK")  # a returned form, no words, 13 wrong cells
    wrong = "\n  ".join(f"data/shili-renshe/2025/figures.xlsx: 表二!C{n} 不是数字" for n in range(5, 18))
    files = freshness.year_stamps(project, "shili-renshe", 2025)
    records.write(project.check_record("shili-renshe", 2025), records.check_record(wrong, [], files=files))
    begun = project.year_dir("shili-wenti", 2025)
    shutil.copytree(project.year_dir("shili", 2025), begun)
    figures = project.figures("shili-wenti", 2025)
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("  number: 8 ", "  number: 待填 "), "utf-8"
    )
    shutil.copy(project.profile("minzheng"), project.profile("xinjian"))  # a new agency: nothing on file


def test_every_state_is_shown_truthfully_with_what_to_do(project: Project) -> None:
    every_state(project)
    page = rows(index.render(project).decode("utf-8"))
    assert page[("shili-renshe", "2025")] == (
        "待写文字",
        "数字已有，文字还没有写：请在 data/shili-renshe/2025/narrative.md 中写各段文字，写好后运行 "
        "make check AGENCY=shili-renshe YEAR=2025；数字有误（13 处），第一处："
        "data/shili-renshe/2025/figures.xlsx: 表二!C5 不是数字",
    )
    assert page[("shili", "2021")] == (
        "已导入",
        "从已发布的网页导入的历史年度（没有 narrative.md），供下一年度衔接，不生成报告",
    )
    status, advice = page[("shili-wenti", "2025")]
    assert status == "待填"
    assert advice.startswith("还有 1 处待填或待改写，第一处：data/shili-wenti/2025/figures.yaml: 第 5 行")
    assert page[("minzheng", "2025")] == (
        "缺少数据",
        "还没有这一年度的数据（上一次的数据是 2017 年度，中间 2018—2024 年度没有数据）："
        "运行 make next-year AGENCY=minzheng YEAR=2025 开始这一年度",
    )
    assert page[("xinjian", "2025")] == (
        "缺少数据",
        "还没有任何年度的数据：导入它上一年度已发布的年报网页 make import FILE=<保存的网页> "
        "AGENCY=xinjian YEAR=2024，再运行 make next-year AGENCY=xinjian YEAR=2025",
    )
    # one row for the year the district works on, not one per year since the agency's last
    assert [year for name, year in page if name == "minzheng"] == ["2017", "2025"]
    assert ("minzheng", "2018") not in page


def test_imported_history_without_the_year_after_advises_starting_it(project: Project) -> None:
    project.narrative("shili", 2025).unlink()
    found = state.of(project, "shili", 2025)
    assert found.stage == Stage.HISTORY
    assert index.advice(project, found) == (
        "从已发布的网页导入的历史年度（没有 narrative.md），供下一年度衔接，不生成报告；"
        "开始下一年度：make next-year AGENCY=shili YEAR=2026"
    )


def test_every_command_the_index_advises_is_a_makefile_target_with_its_variables(project: Project) -> None:
    every_state(project)
    records.write(  # and a failed build, an invalid year, a checked one
        project.build_record("shili", 2024),
        records.build_record(
            records.FAILED, error="第 3 个单元格执行失败", files=freshness.year_stamps(project, "shili", 2024)
        ),
    )
    for year, error in ((2023, "错"), (2022, None)):
        files = freshness.year_stamps(project, "shili", year)
        records.write(project.check_record("shili", year), records.check_record(error, [], files=files))
    text = html.unescape(index.render(project).decode("utf-8"))
    commands = COMMAND.findall(text)
    targets, variables = makefile_targets(project), makefile_variables(project)
    assert {target for target, _ in commands} >= {"next-year", "check", "reports", "import"}
    for target, assignments in commands:
        assert target in targets, f"make {target}: no such target"
        for name in re.findall(r" ([A-Z]+)=", assignments):
            assert name in variables, f"make {target}: the Makefile reads no {name}"
    stages = {s.stage for s in state.of_project(project)}
    assert stages >= {Stage.MISSING, Stage.HISTORY, Stage.WORDS, Stage.TO_FILL, Stage.INVALID, Stage.FAILED}
    assert stages >= {Stage.CHECKED, Stage.UNCHECKED}


def test_the_district_summary_row_says_it_waits_for_its_agencies(project: Project) -> None:
    every_state(project)
    page = index.render(project).decode("utf-8")
    assert (
        '<tr><td class="unit">2025</td><td class="failed">待填（等 2 个机关填完）</td><td></td></tr>' in page
    )
