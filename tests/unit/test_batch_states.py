"""`make reports` and `make summary` read the year model: a year still to fill is no failure, a summary
waits for its agencies without repeating them, a year without the district's narrative has no summary."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from nianbao import cli
from nianbao.batch import plan, pool
from nianbao.batch import run as batch
from nianbao.inputs.to_fill import UnfilledError
from nianbao.paths import Project
from nianbao.year import freshness, records, state, written
from nianbao.year.state import Stage


def begin(project: Project, agency: str, year: int) -> None:
    """`year` begun from the agency's latest year: its files copied, its document number `待填`."""
    folder = project.year_dir(agency, year)
    shutil.copytree(project.year_dir(agency, max(project.years(agency))), folder)
    figures = project.figures(agency, year)
    text = figures.read_text(encoding="utf-8")
    figures.write_text(re.sub(r"(?m)^(  number:\s*)\d+", r"\g<1>待填", text, count=1), encoding="utf-8")


def words(project: Project, agency: str, year: int) -> None:
    """`year` with its figures returned on the form and no words yet."""
    project.year_dir(agency, year).mkdir()
    (project.year_dir(agency, year) / "figures.xlsx").write_bytes(b"PK")


def reports(project: Project, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(project.root)
    return cli.main(["reports", *args])


def test_years_to_fill_and_words_to_write_are_listed_once_and_are_no_failure(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    begin(project, "shili", 2026)
    words(project, "shili-jiaoyu", 2026)

    assert reports(project, monkeypatch, "2026") == 0

    said = capsys.readouterr()
    assert said.out == (
        "已生成 0 份，无需重新生成 0 份，失败 0 份，待填 2 份 / built 0, up to date 0, failed 0, to fill 2\n"
        "待填 2 份（不是失败：填好、写好后再运行 make reports；make check AGENCY=… YEAR=… 逐处列出）"
        "/ still to fill:\n"
        "  shili 2026（还有 1 处待填或待改写）\n"
        "  shili-jiaoyu 2026（待写文字：写在 data/shili-jiaoyu/2026/narrative.md）\n"
    )  # no summary: data/_district/2026/narrative.md is not there
    assert "失败" not in said.err and "汇总" not in said.err
    assert not project.summary_record(2026).exists()
    page = project.index_html.read_text(encoding="utf-8")
    assert '<td class="unit">2026</td><td class="failed">待写文字</td>' in page


def test_after_every_agency_began_the_year_the_batch_is_short_and_exits_0(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for agency in project.agencies():
        begin(project, agency, 2026)
    shutil.copytree(project.root / "data/_district/2025", project.root / "data/_district/2026")

    assert reports(project, monkeypatch, "2026") == 0

    said = capsys.readouterr()
    lines = said.out.splitlines()
    agencies = len(project.agencies())
    assert len(lines) == 2 + agencies + 1  # the count, the heading, a line each, the summary's line
    assert lines[-1] == (
        f"汇总 2026：待填，{agencies} 个机关还没有填完（见上），都完成后再生成"
        " / summary 2026 waits for its agencies"
    )
    assert said.out.count("minzheng 2026") == 1  # never repeated by the summary
    assert said.err == ""


def test_make_summary_of_an_unfinished_year_says_which_agencies_in_one_message(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    begin(project, "shili", 2026)
    words(project, "minzheng", 2026)
    monkeypatch.chdir(project.root)
    assert cli.main(["summary", "2026"]) == 1
    assert capsys.readouterr().err == (
        "错误：没有 2026 年度的汇总报告文字：找不到 data/_district/2026/narrative.md\n"
        "  处理办法：汇总报告的文字写在 data/_district/2026/narrative.md"
        "（一级标题与该年度机关的 narrative.md 相同）。\n"
    )
    shutil.copytree(project.root / "data/_district/2025", project.root / "data/_district/2026")
    assert cli.main(["summary", "2026"]) == 1
    assert capsys.readouterr().err == (
        "错误：2026 年度的汇总报告还不能生成：2 个机关还没有填完：\n"
        "  - minzheng 2026：待写文字\n"
        "  - shili 2026：待填\n"
        "  处理办法：各机关填完、写好文字后再运行 make summary；make check 逐处列出还要做的。\n"
    )
    assert not project.summary_record(2026).exists()


def test_a_year_without_the_districts_narrative_has_no_summary_and_no_failure(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agency with a 2010 year: nobody asked for a 2010 summary, so none is made or failed."""
    shutil.copytree(project.year_dir("minzheng", 2017), project.year_dir("minzheng", 2010))
    done = state.YearState("minzheng", 2010, Stage.BUILT)
    monkeypatch.setattr(
        plan, "plan", lambda project, year, code: plan.Plan({plan.Job("minzheng", 2010): done})
    )

    def never(project: Project, year: int) -> None:
        raise AssertionError(f"a {year} summary was built")

    monkeypatch.setattr("nianbao.batch.summary.build_summary", never)
    outcome = batch.run_batch(project, 2010, 1)
    assert outcome.ok and outcome.summaries == [] and outcome.summaries_failed == []
    assert outcome.summaries_waiting == []
    batch.print_summary(outcome)
    assert "汇总" not in capsys.readouterr().out


def test_a_real_failure_still_fails_the_batch_and_is_listed_apart_from_the_years_to_fill(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    begin(project, "shili", 2026)
    shutil.copytree(project.year_dir("shili", 2025), project.year_dir("shili-wenti", 2026))

    def fail(project: Project, todo: list[plan.Job], workers: int, outcome: batch.Outcome) -> None:
        for job in todo:
            outcome.failed.append((str(job), "数字错"))
            files = freshness.year_stamps(project, job.agency, job.year)
            plan.record_failed(project, job, "数字错", checked=True, files=files)

    monkeypatch.setattr(batch, "run_jobs", fail)
    assert reports(project, monkeypatch, "2026") == 1
    said = capsys.readouterr()
    assert "失败 1 份，待填 1 份" in said.out
    assert "  shili 2026（还有 1 处待填或待改写）\n" in said.out
    assert "  shili-wenti 2026：数字错\n" in said.err
    assert state.of(project, "shili-wenti", 2026).stage == Stage.INVALID


def test_a_build_that_finds_cells_to_fill_reports_them_as_to_fill_not_failed(project: Project) -> None:
    job = plan.Job("shili", 2025)
    files = freshness.year_stamps(project, "shili", 2025)
    result: dict[str, Any] = pool.failed(
        project, job, UnfilledError(["a", "b"]), 0.0, checked=True, files=files
    )
    assert (result["status"], result["to_fill"]) == ("to_fill", ["a", "b"])
    record = records.read_check(project.check_record("shili", 2025))
    assert record is not None and record["to_fill"] == ["a", "b"]
    assert state.of(project, "shili", 2025).items == ("a", "b")


def test_make_check_of_a_year_without_words_says_where_they_go(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typed figures, no narrative, and the tool's record not saying `import` wrote them: words."""
    shutil.copytree(project.year_dir("shili", 2025), project.year_dir("shili", 2026))
    project.narrative("shili", 2026).unlink()
    data = (project.year_dir("shili", 2026) / "applications.csv").read_bytes()
    entry = {"applications.csv": written.Written(written.digest(data), "next-year")}
    written.record_path(project, "shili", 2026).write_bytes(written.record_bytes(entry))
    monkeypatch.chdir(project.root)
    assert cli.main(["check", "--agency", "shili", "--year", "2026"]) == 1
    assert capsys.readouterr().err == (
        "shili 2026：待写文字：数字已有，文字还没有写。请在 data/shili/2026/narrative.md 中写各段文字"
        "，一级标题依次为 # 主动公开、# 依申请公开、# 政府信息管理、# 政府信息公开平台建设、# 监督保障、"
        "# 存在的主要问题及改进情况、# 其他需要报告的事项，写好后运行 make check AGENCY=shili YEAR=2026\n"
        "校验了 1 份报告的数据，0 份有错误，1 份待写文字。\n"
    )
    found = state.of(project, "shili", 2026)
    assert (found.stage, found.error, found.check is not None) == (Stage.WORDS, None, True)


def test_make_report_of_a_year_without_words_says_where_they_go(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    words(project, "shili", 2026)
    monkeypatch.chdir(project.root)
    assert cli.main(["report", "shili", "2026"]) == 1
    assert capsys.readouterr().err.startswith(
        "错误：shili 2026 年度：待写文字：数字已有，文字还没有写。"
        "请在 data/shili/2026/narrative.md 中写各段文字，"
    )
    assert not project.output_dir("shili", 2026).exists()
