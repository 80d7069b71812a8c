"""Issue 25: every path of the office's year through make, as the README tells a new user to run it.

import → next-year → form (make workbook, filled, make collect) → words → check → report, and
import → next-year → YAML → check; `make next-year AGENCY=… YEAR=…` across a gap."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from nianbao.formats import format_for_year
from nianbao.inputs.prose import REWRITE
from nianbao.inputs.sheet_layout import workbook_layout
from nianbao.paths import Project
from tests.conftest import ROOT, copy_project
from tests.e2e.test_make_variables import run_make

PAGE = ROOT / "tests/fixtures/portal/gb2021-gb2312.html"


def new_agency_from_its_page(tmp_path: Path) -> Path:
    """shili as an agency new to nianbao: 2019 and 2020 typed, 2021 only a published page."""
    root = copy_project(tmp_path / "project")
    for year in range(2021, 2026):
        shutil.rmtree(root / f"data/shili/{year}")
    done = run_make(root, "import", f"FILE={PAGE}", "AGENCY=shili", "YEAR=2021")
    assert done.returncode == 0, done.stderr
    return root


def fill_form(path: Path, year: int) -> None:
    """Every empty input cell typed as a clerk would: 0, the 文号 and date, 结转下年度 = 上年结转."""
    fmt = format_for_year(year)
    assert fmt is not None
    book = openpyxl.load_workbook(path)
    for layout in workbook_layout(fmt, year):
        sheet = book[layout.name]
        refs = {slot.key: slot.ref for slot in layout.inputs}
        for slot in layout.inputs:
            if sheet[slot.ref].value is not None or slot.kind == "name" or "#" in slot.key:
                continue
            if slot.key.startswith("apply.carried_out."):
                value = sheet[refs[slot.key.replace("carried_out", "carried_in")]].value
            else:
                value = {"number": 3, "date": dt.date(year + 1, 1, 20)}.get(slot.kind, 0)
            sheet[slot.ref] = value
    book.save(path)


def write_words(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join("本年度按要求开展了这项工作。" if line.startswith(REWRITE) else line for line in lines)
        + "\n",
        encoding="utf-8",
    )


@pytest.mark.slow
def test_a_new_agency_from_its_page_through_a_form_to_its_report(tmp_path: Path) -> None:
    root = new_agency_from_its_page(tmp_path)
    started = run_make(root, "next-year", "AGENCY=shili")
    assert started.returncode == 0, started.stderr
    assert started.stdout.splitlines()[0] == "shili：开始 2022 年度（格式 gb2021，2021 年起）"

    handed = run_make(root, "workbook", "AGENCY=shili", "YEAR=2022")
    assert handed.stdout == (
        "已生成填报表 / form: output/workbooks/shili-2022.xlsx\n"
        "已生成文字填报表 / words form: output/workbooks/shili-2022.docx\n"
    ), handed.stderr
    returned = tmp_path / "收回的表格"
    returned.mkdir()
    shutil.copy(root / "output/workbooks/shili-2022.xlsx", returned / "示例局2022.xlsx")
    fill_form(returned / "示例局2022.xlsx", 2022)

    collected = run_make(root, "collect", f"DIR={returned}")
    assert collected.returncode == 0, collected.stderr
    assert collected.stdout.splitlines() == [
        "已放置 / placed: 示例局2022.xlsx → data/shili/2022/figures.xlsx：各格均已填写",
        "  已替换 / replaced: data/shili/2022/figures.yaml（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2022/已替换/figures.yaml",
        "  已替换 / replaced: data/shili/2022/applications.csv（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2022/已替换/applications.csv",
        "放置了 1 份，未放置 0 份。",
    ]
    still = run_make(root, "check", "AGENCY=shili", "YEAR=2022")
    assert still.returncode != 0 and "narrative.md（“# 主动公开”一段）还没有改写" in still.stderr
    write_words(root / "data/shili/2022/narrative.md")

    checked = run_make(root, "check", "AGENCY=shili", "YEAR=2022")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1] == "通过 / ok: shili 2022"
    built = run_make(root, "report", "AGENCY=shili", "YEAR=2022")
    assert built.returncode == 0, built.stderr
    assert (root / "output/shili/2022/report.html").is_file()


@pytest.mark.slow
def test_a_new_agency_from_its_page_through_yaml_to_a_clean_check(tmp_path: Path) -> None:
    from tests.unit.test_next_year import load_filled

    root = new_agency_from_its_page(tmp_path)
    assert run_make(root, "next-year", "AGENCY=shili").returncode == 0
    load_filled(Project(root), "shili", 2022)  # every 待填 typed, every section written
    checked = run_make(root, "check", "AGENCY=shili", "YEAR=2022")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1] == "通过 / ok: shili 2022"


@pytest.mark.slow
def test_make_next_year_passes_year_on(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    done = run_make(root, "next-year", "AGENCY=minzheng", "YEAR=2026")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "minzheng：开始 2026 年度（格式 gb2021，2021 年起）",
        "  2018–2025 年度没有数据：从 2017 年度结转",
    ]
    without = run_make(root, "next-year", "AGENCY=shili")  # without YEAR: the latest + 1, as ever
    assert without.stdout.splitlines()[0] == "shili：开始 2026 年度（格式 gb2021，2021 年起）"
