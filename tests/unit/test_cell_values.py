"""The cell-value contract (inputs/cells.py): what a figure's cell may hold and what each means, in
every input path — figures.yaml and the table-三 CSV alike."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.build import check_report
from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.figures.numbers import cell
from nianbao.inputs.cells import Cell, Place, read_cell
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project

FIELD = Place.field("data/x/2025/figures.yaml", "active.fees.amount", "采购总金额", 12)
TABLE = Place.table("data/x/2025/applications.csv", 3, "一、本年新收政府信息公开申请数量", "自然人")


def value(raw: object, kind: str = "count", unit: str = "件", computed: bool = False) -> object:
    read = read_cell(raw, kind, unit, FIELD, computed)
    return None if read is None else read.value


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(12, 12, id="yaml-int"),
        pytest.param("12", 12, id="text"),
        pytest.param(" 12 ", 12, id="spaces"),
        pytest.param("１２", 12, id="full-width"),
        pytest.param("1,234", 1234, id="thousands"),
        pytest.param("１，２３４", 1234, id="full-width-thousands"),
        pytest.param(0, 0, id="zero"),
    ],
)
def test_a_count_may_be_written_as_printed(raw: object, expected: int) -> None:
    assert value(raw) == expected
    assert isinstance(value(raw), int)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param(-1, "-1", id="negative"),
        pytest.param(1.5, "1.5", id="fraction"),
        pytest.param(1.0, "1.0", id="float"),
        pytest.param("1.0", '"1.0"', id="decimal-text"),
        pytest.param("12,34", '"12,34"', id="bad-thousands"),
        pytest.param("三", '"三"', id="chinese-numeral"),
        pytest.param("12件", '"12件"', id="count-with-unit"),
        pytest.param(True, "True", id="yes"),
        pytest.param([1], "[1]", id="list"),
    ],
)
def test_anything_else_in_a_count_names_the_cell(raw: object, shown: str) -> None:
    with pytest.raises(DataError) as caught:
        value(raw)
    assert caught.value.render() == (
        "data/x/2025/figures.yaml: "
        f"第 12 行：字段 active.fees.amount（采购总金额）应为非负整数，实际为 {shown}"
    )


def test_a_signed_figure_may_be_negative() -> None:
    assert value(-2, "signed") == -2 and value("－2", "signed") == -2
    with pytest.raises(DataError, match=re.escape('应为整数（减少写负数），实际为 "减2"')):
        value("减2", "signed")


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        pytest.param(103.46, "万元", Decimal("103.46"), id="yaml-float"),
        pytest.param(0, "元", Decimal(0), id="yaml-int"),
        pytest.param("25.1万元", "万元", Decimal("25.1"), id="same-unit"),
        pytest.param("251000元", "万元", Decimal("25.1"), id="yuan-into-wan"),
        pytest.param("251,000元", "万元", Decimal("25.1"), id="yuan-with-thousands"),
        pytest.param("25.1万元", "元", Decimal(251000), id="wan-into-yuan"),
        pytest.param("１２.５ 元", "元", Decimal("12.5"), id="full-width-and-space"),
    ],
)
def test_an_amount_may_carry_its_unit_and_is_converted_to_the_fields(
    raw: object, unit: str, expected: Decimal
) -> None:
    amount = value(raw, "amount", unit)
    assert isinstance(amount, Decimal)
    assert amount == expected


@pytest.mark.parametrize("raw", [-5, "五十", "5美元", float("nan"), "-3万元"], ids=str)
def test_a_wrong_amount_names_the_unit_it_expects(raw: object) -> None:
    with pytest.raises(DataError, match=re.escape("（采购总金额）应为非负的金额（万元），实际为")):
        value(raw, "amount", "万元")


# ---------------------------------------------------------------- blank, not applicable, still to fill


@pytest.mark.parametrize("raw", [None, "", "  "], ids=["yaml-null", "empty", "spaces"])
def test_a_blank_computed_cell_is_computed_here(raw: object) -> None:
    assert read_cell(raw, "count", "件", FIELD, computed=True) is None


def test_a_blank_cell_anywhere_else_is_an_error_naming_it() -> None:
    with pytest.raises(DataError) as caught:
        read_cell("", "count", "件", TABLE)
    assert caught.value.render() == (
        "data/x/2025/applications.csv: "
        "第 3 行“一、本年新收政府信息公开申请数量”的“自然人”一格没有填写；没有的请填 0"
    )


@pytest.mark.parametrize("raw", ["-", "—", "/", "－", "／", "——"])
def test_not_applicable_counts_as_0_shown_as_typed_with_a_warning(raw: str) -> None:
    read = read_cell(raw, "count", "件", TABLE)
    assert read is not None and read.value == 0 and read.shown == raw
    assert str(read.mark) == (
        f"data/x/2025/applications.csv: 第 3 行“一、本年新收政府信息公开申请数量”的“自然人”填的是“{raw}”"
        "（不适用或没有），按 0 计算，报告中照填写的显示，请核实"
    )
    assert read_cell(raw, "amount", "元", TABLE) == Cell(Decimal(0), raw, read.mark)


def test_still_to_fill_is_an_error_naming_the_cell() -> None:
    with pytest.raises(DataError) as caught:
        read_cell("待填", "count", "件", FIELD, computed=True)
    assert caught.value.render() == (
        "data/x/2025/figures.yaml: "
        "第 12 行：字段 active.fees.amount（采购总金额）还没有填写（写的是“待填”）；"
        "请填入数字，没有的填 0，不适用的填 -"
    )


def test_a_table_cell_prints_as_typed_when_not_applicable() -> None:
    assert cell(0, "—") == "—"
    assert cell(0) == "0" and cell(Decimal("12.50")) == "12.5"


# ---------------------------------------------------------------- every input path goes through it


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_figures_yaml_reads_every_form_of_the_contract(project: Project) -> None:
    figures = project.figures("shili", 2020)
    replace(figures, "    decisions: 298", '    decisions: "—"')  # 行政强制：处理决定数量
    replace(figures, "    amount: 103.46   # 万元", "    amount: 1,034,600元")
    replace(figures, "    prev_items: 91", "    prev_items: ９１")
    model = load_agency_year(project, "shili", 2020)
    values = model.current.values
    assert values["active.coercion.decisions"] == 0
    assert values["active.procurement.amount"] == Decimal("103.46")
    assert values["active.penalty.prev_items"] == 91
    assert model.current.shown == {"active.coercion.decisions": "—"}
    assert model.warnings == (
        "data/shili/2020/figures.yaml: 第 32 行：字段 active.coercion.decisions（行政强制：处理决定数量）"
        "填的是“—”（不适用或没有），按 0 计算，报告中照填写的显示，请核实",
    )
    assert Figures.derive(model).shown == {"active.coercion.decisions": "—"}


def test_a_blank_total_in_figures_yaml_is_computed(project: Project) -> None:
    replace(project.figures("shili", 2025), "  pending: 1\n", "  pending: 1\n  total:\n")
    figures = Figures.derive(load_agency_year(project, "shili", 2025))
    assert figures.values["review.total"] == 4


def test_the_table_csv_reads_every_form_of_the_contract(project: Project) -> None:
    table = project.year_dir("shili", 2025) / "applications.csv"
    replace(
        table,
        "二、上年结转政府信息公开申请数量,0,1,0,0,0,0",
        "二、上年结转政府信息公开申请数量,-,１,/,0,0,0,",
    )
    model = load_agency_year(project, "shili", 2025)
    assert model.current.values["apply.carried_in.natural"] == 0
    assert model.current.values["apply.carried_in.legal.commercial"] == 1
    assert model.current.shown == {"apply.carried_in.natural": "-", "apply.carried_in.legal.research": "/"}
    assert len(model.warnings) == 2
    assert model.warnings[0].startswith(
        "data/shili/2025/applications.csv: 第 3 行“二、上年结转政府信息公开申请数量”的“自然人”填的是“-”"
    )


def test_a_blank_total_column_in_the_csv_is_computed(project: Project) -> None:
    table = project.year_dir("shili", 2025) / "applications.csv"
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    lines[0] += ",总计"
    lines[1] += ","  # 一、本年新收: total left blank
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = Figures.derive(load_agency_year(project, "shili", 2025))
    assert figures.values["apply.new.total"] == 76


def test_still_to_fill_fails_make_check_naming_the_cell(project: Project) -> None:
    replace(project.figures("minzheng", 2017), "  visitors: 272 ", "  visitors: 待填 ")
    with pytest.raises(
        DataError, match=re.escape("字段 interpretation.visitors（政策解读现场接待）还没有填写")
    ):
        check_report(project, "minzheng", 2017)


def test_the_opening_balance_goes_through_the_contract(project: Project) -> None:
    replace(project.opening("minzheng"), "  active.total: 175", "  active.total: 待填")
    with pytest.raises(DataError) as caught:
        load_agency_year(project, "minzheng", 2017)
    assert caught.value.render().startswith(
        "data/minzheng/opening.yaml: "
        "第 6 行：字段 cumulative.active.total（主动公开文件数的历年累计）还没有填写"
    )


def test_a_bare_dash_in_yaml_says_how_to_write_not_applicable(project: Project) -> None:
    replace(project.figures("shili", 2025), "    decisions: 20\n", "    decisions: -\n")
    with pytest.raises(DataError) as caught:
        load_agency_year(project, "shili", 2025)
    assert '不适用的格请写 "-"（加引号）或 —、/' in caught.value.render()


def test_not_applicable_in_the_opening_balance_is_warned_about(project: Project) -> None:
    replace(project.opening("minzheng"), "  complaints: 0", '  complaints: "/"')
    (warning,) = load_agency_year(project, "minzheng", 2017).warnings
    assert warning.startswith("data/minzheng/opening.yaml: 第 16 行：字段 cumulative.complaints（")


def test_a_row_printed_with_its_total_only_reads_as_printed_in_a_year_copied_as_printed(
    project: Project,
) -> None:
    """Publishers print a row of zeros as its 总计 alone (0), the applicant cells empty: a year typed from
    such a report (`as_printed: true`) reads each blank as 0 and says so; any other year refuses it."""
    table = project.year_dir("shili", 2025) / "applications.csv"
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    lines[0] += ",总计"
    secret = next(i for i, line in enumerate(lines) if line.startswith("1.属于国家秘密,"))
    assert lines[secret] == "1.属于国家秘密,0,0,0,0,0,0"
    lines[secret] = "1.属于国家秘密,,,,,,,0"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"第 8 行“1\.属于国家秘密”的“自然人”"):
        load_agency_year(project, "shili", 2025)
    figures = project.figures("shili", 2025)
    figures.write_text("as_printed: true\n" + figures.read_text(encoding="utf-8"), encoding="utf-8")
    model = load_agency_year(project, "shili", 2025)
    keys = [key for key in model.current.values if key.startswith("apply.result.withheld.state_secret.")]
    assert keys and all(model.current.values[key] == 0 for key in keys)
    blanks = [w for w in model.warnings if "“1.属于国家秘密”" in w]
    assert blanks == [  # one warning for the table, each applicant column named, after the others
        "data/shili/2025/applications.csv: 以下 6 格是空白（照已发布的报告），按 0 计算，请核实："
        "第 8 行“1.属于国家秘密”的“自然人”“商业企业”“科研机构”“社会公益组织”“法律服务机构”“其他”"
    ]
    assert model.warnings[-1] == blanks[0]


def test_every_wrong_figure_of_a_file_is_named_in_one_message(project: Project) -> None:
    """A clerk fixes the file in one go: each wrong cell of figures.yaml, and of the table's CSV, listed."""
    figures = project.figures("minzheng", 2017)
    replace(figures, "  visitors: 272 ", "  visitors: 二百 ")
    replace(figures, "  calls: 313 ", "  calls: 约300 ")
    with pytest.raises(DataError) as caught:
        load_agency_year(project, "minzheng", 2017)
    assert caught.value.render().splitlines() == [
        "data/minzheng/2017/figures.yaml: 第 21 行：字段 interpretation.visitors（政策解读现场接待）"
        '应为非负整数，实际为 "二百"',
        '  第 22 行：字段 interpretation.calls（政策解读接听电话）应为非负整数，实际为 "约300"',
    ]
    table = project.year_dir("shili", 2025) / "applications.csv"
    carried = "二、上年结转政府信息公开申请数量"
    replace(table, f"{carried},0,1,0,0,0,0", f"{carried},x,1,0,0,y,0")
    replace(table, "1.属于国家秘密,0,0,0,0,0,0", "1.属于国家秘密,0,0,z,0,0,0")
    with pytest.raises(DataError) as caught:
        load_agency_year(project, "shili", 2025)
    message = caught.value.render()
    assert message.count("应为") == 3  # x, y and z, each with its row and column
    for named in (
        f"第 3 行“{carried}”的“自然人”",
        f"第 3 行“{carried}”的“法律服务机构”",
        "“1.属于国家秘密”的“科研机构”",
    ):
        assert named in message
