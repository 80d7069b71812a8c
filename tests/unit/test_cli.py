"""The edge: user errors are one message and exit 1; bugs keep their tracebacks; NIANBAO_DEBUG shows all."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import build
from nianbao.cli import main
from nianbao.errors import DataError
from nianbao.paths import Project
from tests.conftest import ROOT

# Every agency of the sample project: an unknown agency's message lists them all.
SAMPLE = Project(ROOT)
KNOWN = "、".join(SAMPLE.agencies())


@pytest.fixture(autouse=True)
def in_project(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)


def test_a_user_error_is_one_message_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "minzhen", "2017"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"错误：没有机关 minzhen（是不是 minzheng？）。已有的机关：{KNOWN}\n"
        "  处理办法：新增机关请先建立 params/minzhen.yaml。\n"
    )


def test_nianbao_debug_shows_the_traceback_of_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_DEBUG", "1")
    with pytest.raises(DataError, match="没有机关 minzhen"):
        main(["report", "minzhen", "2017"])


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ZeroDivisionError("a bug, not the user's fault")

    monkeypatch.setattr(build, "build_report", broken)
    with pytest.raises(ZeroDivisionError, match="a bug"):
        main(["report", "minzheng", "2017"])


def test_ctrl_c_is_exit_130_with_a_calm_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "build_report", interrupted)
    assert main(["report", "minzheng", "2017"]) == 130
    assert capsys.readouterr().err == "已中断；上一次生成的报告没有被改动。\n"


def test_check_reports_every_report_and_exits_0_when_all_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    every = [(agency, year) for agency in SAMPLE.agencies() for year in SAMPLE.years(agency)]
    assert ("minzheng", 2017) in every
    assert capsys.readouterr().out == "".join(f"通过 / ok: {agency} {year}\n" for agency, year in every)


def test_check_of_a_year_nobody_has(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--year", "2003"]) == 1
    assert capsys.readouterr().err == "错误：没有可校验的数据：2003 年度没有任何机关的数据\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "minzheng", "²⁰¹⁷"],  # str.isdigit() says yes, int() says no: once a traceback
        ["report", "minzheng", "٢٠١٧"],  # Arabic-Indic digits: once taken for 2017
        ["check", "--year="],  # `make check YEAR=`: once every year, silently
        ["reports", "--", ""],
        ["summary", "--", "-h"],  # `make summary YEAR=-h`: a value, not the help option
    ],
)
def test_a_year_is_four_ascii_digits(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"错误：年度 {argv[-1].removeprefix('--year=')!r} 无效：应为四位数字的年份，如 2017\n"


def test_an_agency_after_double_dash_is_a_value_not_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--", "-h", "2017"]) == 1
    assert capsys.readouterr().err.startswith("错误：机关代号 '-h' 无效：只能由小写字母、数字、- 和 _ 组成")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bogus"], "命令行有误：没有命令 bogus"),
        (["report", "minzheng", "2017", "extra"], "命令行有误：多余的参数：extra"),
        (["check", "--agency"], "命令行有误：参数 --agency 后面缺少值"),
        (["summary"], "命令行有误：缺少参数：year"),
        (["reports", "--jobs", "0"], "--jobs 的值 '0' 无效：应为正整数，如 2"),
        (["reports", "-j", "²"], "--jobs 的值 '²' 无效：应为正整数，如 2"),
    ],
)
def test_argparse_faults_are_the_clis_chinese_message_and_status_1(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Never argparse's English usage line and status 2 (issue 12)."""
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0] == f"错误：{message}"
