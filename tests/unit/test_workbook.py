"""The Excel form: written from the format, filled as a clerk would, read back cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from nianbao.cli import main
from nianbao.errors import DataError, FormatError
from nianbao.formats import ReportFormat, format_for_year
from nianbao.forms.collect import collect
from nianbao.forms.hand_out import write_form
from nianbao.inputs.carry_over import carry_over
from nianbao.inputs.load import load_agency_year, load_any_year, years_on_file
from nianbao.inputs.sheet_layout import CATEGORY_ROWS, META_SHEET, workbook_layout
from nianbao.paths import Project
from tests.conftest import ROOT
from tests.unit.conftest import Edit

SAMPLES = [(agency, year) for agency in Project(ROOT).agencies() for year in Project(ROOT).years(agency)]
FORM = "data/shili/2021/figures.xlsx"


def form_format(year: int) -> ReportFormat:
    fmt = format_for_year(year)
    assert fmt is not None
    return fmt


def to_form(project: Project, agency: str, year: int) -> Path:
    """Replace the year's YAML and CSV by its form, filled with the same figures."""
    form = write_form(project, agency, year)
    folder = project.year_dir(agency, year)
    for name in ("figures.yaml", "applications.csv"):
        (folder / name).unlink(missing_ok=True)
    shutil.copy(form, project.workbook(agency, year))
    return project.workbook(agency, year)


def fill(path: Path, sheet: str, cell: str, value: object) -> None:
    """Type one cell as a clerk would, and save (openpyxl, as Excel would keep the rest)."""
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def error_of(project: Project, agency: str = "shili", year: int = 2021) -> str:
    with pytest.raises(DataError) as caught:
        load_agency_year(project, agency, year)
    return caught.value.render()


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize(("agency", "year"), SAMPLES, ids=[f"{a}-{y}" for a, y in SAMPLES])
def test_every_sample_reads_back_from_its_form_as_from_its_text_files(
    project: Project, agency: str, year: int
) -> None:
    before = load_any_year(project, agency, year)
    to_form(project, agency, year)
    after = load_any_year(project, agency, year)
    assert dict(after.values) == dict(before.values)
    assert after.categories == before.categories
    assert (after.number, after.date) == (before.number, before.date)
    assert dict(after.shown) == dict(before.shown)
    assert after.source == f"data/{agency}/{year}/figures.xlsx"


def test_the_same_figures_give_the_same_bytes(project: Project) -> None:
    first = write_form(project, "shili", 2021).read_bytes()
    again = write_form(project, "shili", 2021).read_bytes()
    assert first == again
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    # (openpyxl serialises through lxml when it is installed, with the namespaces on each element)
    assert re.search(r"<dcterms:modified [^>]*>2019-01-01T00:00:00Z</dcterms:modified>", core)


def test_editing_one_cell_changes_exactly_that_figure(project: Project) -> None:
    before = load_any_year(project, "shili", 2021)
    form = to_form(project, "shili", 2021)
    layout = {slot.key: slot for sheet in workbook_layout(form_format(2021), 2021) for slot in sheet.slots}
    slot = layout["apply.result.granted.natural"]
    assert slot.ref == "D8"
    fill(form, "表三", "D8", 20)
    after = load_any_year(project, "shili", 2021)
    changed = {
        k for k in before.values.keys() | after.values.keys() if before.values.get(k) != after.values.get(k)
    }
    assert changed == {"apply.result.granted.natural"}
    assert after.values["apply.result.granted.natural"] == 20


# ---------------------------------------------------------------- what the form holds


def test_the_form_is_laid_out_like_the_printed_table(project: Project) -> None:
    book = openpyxl.load_workbook(write_form(project, "shili", 2021))
    assert book.sheetnames == ["基本信息", "表二", "表三", "表四", META_SHEET]
    assert book[META_SHEET].sheet_state == "hidden"
    assert [[c.value for c in row] for row in book[META_SHEET]["A1:B3"]] == [
        ["agency", "shili"],
        ["year", 2021],
        ["format", "gb2021"],
    ]
    sheet = book["表三"]
    assert sheet["A1"].value == "收到和处理政府信息公开申请情况"
    assert sheet["A3"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A8:A29"} <= merged
    assert sheet["A8"].value == "三、本年度办理结果"
    assert sheet["D8"].value == 19 and sheet["D8"].protection.locked is False
    assert sheet["J8"].value == "=SUM(D8,E8,F8,G8,H8,I8)" and sheet["J8"].protection.locked is True
    assert sheet.protection.sheet is True and not sheet.protection.password
    assert book.calculation.fullCalcOnLoad is True
    rules = {
        str(v.sqref).split()[0]: (v.type, v.operator, v.formula1)
        for v in sheet.data_validations.dataValidation
    }
    assert ("whole", "greaterThanOrEqual", "0") in rules.values()
    review = book["表四"]
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5", "F5:F5"} - {"F5:F5"} <= {
        str(r) for r in review.merged_cells.ranges
    }
    assert review["E6"].value == "=SUM(A6,B6,C6,D6)"


@pytest.mark.parametrize(("agency", "year"), [("shili", 2021), ("shili", 2020), ("minzheng", 2017)])
def test_every_total_is_a_locked_formula_and_every_input_unlocked_and_validated(
    project: Project, agency: str, year: int
) -> None:
    book = openpyxl.load_workbook(write_form(project, agency, year))
    for layout in workbook_layout(form_format(year), year):
        sheet = book[layout.name]
        validated = {
            f"{get_column_letter(column)}{row}"
            for rule in sheet.data_validations.dataValidation
            for ranges in rule.sqref.ranges
            for row, column in ranges.cells
        }
        for slot in layout.slots:
            cell = sheet[slot.ref]
            if slot.computed:
                assert cell.protection.locked and str(cell.value).startswith("=SUM("), slot
            else:
                assert not cell.protection.locked, slot
                assert (slot.ref in validated) == (slot.kind != "name"), slot


def test_a_new_year_is_pre_filled_with_what_it_carries_over(project: Project) -> None:
    book = openpyxl.load_workbook(write_form(project, "shili", 2026))
    sheet = book["表三"]
    carried_in = [sheet.cell(7, column) for column in range(4, 10)]  # 二、上年结转
    carried = carry_over(load_agency_year(project, "shili", 2025)).figures
    columns = [c.id for c in (form_format(2026).applications or pytest.fail()).columns]
    assert [cell.value for cell in carried_in] == [carried[f"apply.carried_in.{c}"] for c in columns]
    assert all(cell.comment is not None and "上一年度结转" in cell.comment.text for cell in carried_in)
    assert sheet["D6"].value is None and sheet["D6"].comment is None  # 一、本年新收: to type


# ---------------------------------------------------------------- a clerk's mistakes


@pytest.fixture
def form(project: Project) -> Path:
    return to_form(project, "shili", 2021)


def test_text_in_a_number_cell_is_named_by_sheet_cell_row_and_column(project: Project, form: Path) -> None:
    fill(form, "表三", "D8", "约20")
    assert error_of(project).splitlines()[0] == (
        f'{FORM}: 表三!D8（“自然人”列，“（一）予以公开”行）：应为非负整数，实际为 "约20"'
    )


def test_a_negative_is_refused(project: Project, form: Path) -> None:
    fill(form, "表四", "B6", -1)
    assert error_of(project).splitlines()[0] == (
        f"{FORM}: 表四!B6（“结果纠正”列，“行政复议”行）：应为非负整数，实际为 -1"
    )


def test_a_blank_input_cell_is_refused_and_every_fault_is_listed(project: Project, form: Path) -> None:
    fill(form, "表三", "D6", None)
    fill(form, "表二", "B5", "")
    lines = error_of(project).splitlines()
    assert lines[:2] == [
        f"{FORM}: 表二!B5（“本年制发件数”列，“规章”行）：没有填写；没有的请填 0",
        "  表三!D6（“自然人”列，“一、本年新收政府信息公开申请数量”行）：没有填写；没有的请填 0",
    ]


def test_full_width_digits_and_text_numbers_are_read(project: Project, form: Path) -> None:
    fill(form, "表三", "D8", "２０")
    fill(form, "表三", "E8", " 8 ")
    fill(form, "表三", "D28", 0)  # keep 勾稽关系: one more granted, one fewer other
    fill(form, "表三", "E28", 1)
    values = load_any_year(project, "shili", 2021).values
    assert (values["apply.result.granted.natural"], values["apply.result.granted.legal.commercial"]) == (
        20,
        8,
    )


def test_a_broken_balance_names_the_form_and_its_cells(project: Project, form: Path) -> None:
    fill(form, "表三", "D8", 20)  # one more granted: 一 + 二 ≠ 七 + 四 in 自然人 (and in 总计)
    with pytest.raises(FormatError) as caught:
        load_agency_year(project, "shili", 2021)
    first, total = caught.value.render().splitlines()
    assert first.startswith(
        f"{FORM}: 规则 A1 不成立：表三“自然人”列：第一项（本年新收）加第二项（上年结转）之和，"
        "应等于第三项（办理结果总计）加第四项（结转下年度继续办理）之和"
    )
    assert first.endswith("（填报表中：表三!D6、表三!D7、表三!D29、表三!D30）")
    assert total.endswith("（填报表中：表三!J6、表三!J7、表三!J29、表三!J30）")


def test_a_total_typed_over_its_formula_is_compared(project: Project, form: Path) -> None:
    fill(form, "表四", "E6", 4)  # 2 + 1 + 0 + 0 is 3
    with pytest.raises(FormatError) as caught:
        load_agency_year(project, "shili", 2021)
    assert "规则 R1 不成立" in caught.value.render()


def test_a_formula_in_an_input_cell_is_refused(project: Project, form: Path) -> None:
    fill(form, "表三", "D8", "=10+9")
    assert error_of(project).splitlines()[0] == (
        f'{FORM}: 表三!D8（“自然人”列，“（一）予以公开”行）：填的是公式 "=10+9"；这一格请直接填数字'
    )


def test_a_deleted_sheet_is_named(project: Project, form: Path) -> None:
    book = openpyxl.load_workbook(form)
    del book["表四"]
    book.save(form)
    assert (
        error_of(project).splitlines()[0] == f"{FORM}: 缺少工作表“表四”；现有的工作表：基本信息、表二、表三"
    )


def test_an_inserted_row_is_named(project: Project, form: Path) -> None:
    book = openpyxl.load_workbook(form)
    book["表二"].insert_rows(6)
    book.save(form)
    assert error_of(project).splitlines()[0] == (
        f"{FORM}: 表二!A6 应为“行政规范性文件”，实际为 空值：表格的行或列被改动过"
    )


def test_a_foreign_workbook_is_refused(project: Project, form: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "自然人"
    book.save(form)
    assert error_of(project).splitlines()[0] == (
        f"{FORM}: 这不是 nianbao 的填报表（其中没有记录机关和年度的隐藏工作表）"
    )


def test_not_a_workbook_at_all_is_refused(project: Project, form: Path) -> None:
    form.write_text("自然人,商业企业\n", encoding="utf-8")
    assert error_of(project).splitlines()[0] == f"{FORM}: 不是 Excel 工作簿（.xlsx），无法读取"


def test_another_agencys_form_is_refused(project: Project) -> None:
    form = write_form(project, "shili", 2022)
    to_form(project, "shili", 2021)
    shutil.copy(form, project.workbook("shili", 2021))
    assert error_of(project).splitlines()[0] == (
        f"{FORM}: 这份填报表是机关 shili 2022 年度的（gb2021 格式），不是 shili 2021 年度的（gb2021 格式）"
    )


def test_both_a_form_and_text_files_is_an_error_naming_both(project: Project) -> None:
    form = write_form(project, "shili", 2021)
    shutil.copy(form, project.workbook("shili", 2021))
    assert error_of(project).splitlines()[0] == (
        f"2021 年度的数字既有填报表 {FORM}，"
        "又有 data/shili/2021/figures.yaml、data/shili/2021/applications.csv："
        "只能有一种，nianbao 不知道该用哪一个"
    )


def test_categories_are_read_in_order_and_a_count_needs_its_name(project: Project) -> None:
    form = to_form(project, "minzheng", 2017)
    fill(form, "类别", "B10", 3)
    with pytest.raises(DataError) as caught:
        load_agency_year(project, "minzheng", 2017)
    assert caught.value.render().splitlines()[0] == (
        "data/minzheng/2017/figures.xlsx: 类别!B10（“条数”列，“第 7 类”行）："
        "填了条数 3，但左边的类别名称没有填写"
    )
    fill(form, "类别", "A10", "其他类")
    model = load_agency_year(project, "minzheng", 2017)
    assert model.current.categories[-1] == ("其他类", 3)
    assert model.current.date == dt.date(2018, 1, 30)


# ---------------------------------------------------------------- collect


def test_collect_matches_by_the_hidden_sheet_and_refuses_what_it_must(
    project: Project, tmp_path: Path
) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    shutil.copy(write_form(project, "shili", 2026), returned / "示例局(1).xlsx")
    shutil.copy(write_form(project, "shili", 2026), returned / "示例局 - 副本.xlsx")
    shutil.copy(write_form(project, "minzheng", 2017), returned / "民政局.xlsx")
    openpyxl.Workbook().save(returned / "别的表.xlsx")
    for name, cell, value in (("旧格式.xlsx", "B3", "gb2019"), ("外单位.xlsx", "B1", "waidanwei")):
        book = openpyxl.load_workbook(write_form(project, "shili", 2025))
        book[META_SHEET][cell] = value
        book[META_SHEET]["B2"] = 2027
        book.save(returned / name)
    (returned / "说明.txt").write_text("不是表格", encoding="utf-8")
    outcome = collect(project, returned)
    fmt = form_format(2026)
    slots = [slot for sheet in workbook_layout(fmt, 2026) for slot in sheet.inputs]
    optional = sum(1 for slot in slots if slot.key in fmt.fields and fmt.fields[slot.key].optional)
    carried = len(carry_over(load_agency_year(project, "shili", 2025)).figures)  # pre-filled
    # every input cell is still to fill, but the pre-filled ones and those that may stay blank
    assert outcome.placed == [
        ("示例局 - 副本.xlsx", "data/shili/2026/figures.xlsx", len(slots) - carried - optional)
    ]
    assert outcome.refused == [
        ("别的表.xlsx", "这不是 nianbao 的填报表（其中没有记录机关和年度的隐藏工作表）"),
        (
            "外单位.xlsx",
            "机关 waidanwei 没有档案（params/waidanwei.yaml）：这份表不是本项目的机关的，或是新增的机关；"
            "如是新增的机关，先建立 params/waidanwei.yaml 再运行 make collect",
        ),
        (
            "旧格式.xlsx",
            "是 gb2019 格式的填报表，2027 年度应为 gb2021 格式；"
            "请用 make workbook AGENCY=shili YEAR=2027 生成这一年度的填报表，照填后交回",
        ),
        (
            "民政局.xlsx",
            "机关 minzheng 的 2017 年度已有数据：data/minzheng/2017/figures.yaml "
            "是手工填写的，或生成后有人改过，nianbao 不会替换它；"
            "要改用这份填报表，请先把它移出 data/minzheng/2017/，再运行 make collect",
        ),
        ("示例局(1).xlsx", "与 示例局 - 副本.xlsx 是同一机关同一年度的填报表，只放置了前者"),
    ]
    assert years_on_file(project, "shili")[-1] == 2026
    with pytest.raises(DataError, match="没有填写"):
        load_any_year(project, "shili", 2026)


# ---------------------------------------------------------------- other writers

FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"


@pytest.mark.parametrize(("agency", "year"), [("shili", 2021), ("minzheng", 2017)])
def test_a_form_resaved_by_libreoffice_reads_the_same(project: Project, agency: str, year: int) -> None:
    """The fixtures are `make workbook` forms resaved by LibreOffice 7.4 (`soffice --headless
    --convert-to xlsx`): its own zip, styles and shared strings, every total's value cached."""
    before = load_any_year(project, agency, year)
    to_form(project, agency, year)
    shutil.copy(FIXTURES / f"{agency}-{year}-libreoffice.xlsx", project.workbook(agency, year))
    cached = openpyxl.load_workbook(project.workbook(agency, year), data_only=True)
    assert cached[META_SHEET].sheet_state == "hidden"
    after = load_any_year(project, agency, year)
    assert dict(after.values) == dict(before.values)
    assert (after.categories, after.number, after.date) == (before.categories, before.number, before.date)


def test_a_form_written_by_xlsxwriter_reads_the_same(project: Project) -> None:
    """Another writer's file, whose formulas carry a cached 0 (xlsxwriter's default): never read."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    fmt = form_format(2021)
    before = load_any_year(project, "shili", 2021)
    original = openpyxl.load_workbook(to_form(project, "shili", 2021))
    target = project.workbook("shili", 2021)
    book = xlsxwriter.Workbook(str(target))
    for layout in workbook_layout(fmt, 2021):
        sheet = book.add_worksheet(layout.name)
        for label in layout.labels:
            if label.merge:
                sheet.merge_range(label.merge, label.text)
            else:
                sheet.write_string(label.ref, label.text)
        for slot in layout.slots:
            value = original[layout.name][slot.ref].value
            if slot.computed:
                sheet.write_formula(slot.ref, f"=SUM({','.join(slot.parts)})", None, 0)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(slot.ref, value, book.add_format({"num_format": "yyyy-mm-dd"}))
            elif value is not None:
                sheet.write(slot.ref, value)
    meta = book.add_worksheet(META_SHEET)
    for line, pair in enumerate((("agency", "shili"), ("year", 2021), ("format", "gb2021"))):
        meta.write_row(line, 0, pair)
    meta.hide()
    book.close()
    after = load_any_year(project, "shili", 2021)
    assert dict(after.values) == dict(before.values)
    assert (after.number, after.date) == (before.number, before.date)


def test_more_categories_than_the_form_has_rows_is_refused(project: Project, edit: Edit) -> None:
    many = "".join(f"    类别{n}: 1\n" for n in range(CATEGORY_ROWS - 4))
    edit(project.figures("minzheng", 2017), "    其它: 4\n", f"    其它: 4\n{many}")
    with pytest.raises(DataError) as caught:
        write_form(project, "minzheng", 2017)
    assert caught.value.message == f"2017 年度有 {CATEGORY_ROWS + 1} 个类别，填报表只有 {CATEGORY_ROWS} 行"


def test_a_category_typed_as_not_applicable_is_warned_about(project: Project) -> None:
    form = to_form(project, "minzheng", 2017)
    fill(form, "类别", "B5", "—")
    fill(form, "类别", "B4", 5)  # the same total: one more 机构职能
    model = load_agency_year(project, "minzheng", 2017)
    assert model.current.categories[1] == ("规划计划", 0)
    assert any("类别!B5（“条数”列，“第 2 类”行）：填的是“—”" in warning for warning in model.warnings)


def test_the_command_line_names_an_unknown_agency(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project.root)
    assert main(["workbook", "nosuch", "2021"]) == 1
    assert capsys.readouterr().err.startswith("错误：没有机关 nosuch")
    assert main(["workbook", "shili", "2021"]) == 0
    assert capsys.readouterr().out == (
        "已生成填报表 / form: output/workbooks/shili-2021.xlsx\n"
        "已生成文字填报表 / words form: output/workbooks/shili-2021.docx\n"
    )


def test_a_sheet_whose_figures_share_one_unit_says_it_once_as_the_printed_tables_do(project: Project) -> None:
    book = openpyxl.load_workbook(write_form(project, "shili", 2021))
    found = {
        name: [c.value for row in book[name].iter_rows(min_row=2, max_row=2) for c in row if c.value]
        for name in ("表二", "表三", "表四")
    }
    assert found == {"表二": [], "表三": ["单位：件"], "表四": ["单位：件"]}  # 表二's units head its columns
