"""Warnings that don't drown (issue 27): the cells a table prints blank or "/" are said in one warning per
file and kind of mark, listing the cells, after the warnings that may need correcting."""

from __future__ import annotations

from nianbao.inputs.cells import Place, grouped, read_cell, read_printed
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import Mark
from nianbao.paths import Project

CSV = "data/x/2025/applications.csv"


def marked(line: int, row: str, column: str, raw: str) -> Mark:
    place = Place.table(CSV, line, row, column)
    cell = read_printed(raw, "count", "件", place) if not raw else read_cell(raw, "count", "件", place)
    assert cell is not None and cell.mark is not None and cell.value == 0
    return cell.mark


def test_one_mark_is_said_as_it_is() -> None:
    mark = marked(3, "一、本年新收政府信息公开申请数量", "自然人", "/")
    assert grouped([mark]) == [
        f"{CSV}: 第 3 行“一、本年新收政府信息公开申请数量”的“自然人”填的是“/”（不适用或没有），"
        "按 0 计算，报告中照填写的显示，请核实"
    ]


def test_a_tables_marks_are_one_warning_per_kind_listing_each_row_once() -> None:
    marks = [
        marked(8, "1.属于国家秘密", "自然人", ""),
        marked(8, "1.属于国家秘密", "商业企业", ""),
        marked(9, "2.其他法律行政法规禁止公开", "自然人", "/"),
        marked(10, "3.危及“三安全一稳定”", "其他", ""),
        marked(9, "2.其他法律行政法规禁止公开", "科研机构", "/"),
    ]
    assert grouped(marks) == [
        f"{CSV}: 以下 3 格是空白（照已发布的报告），按 0 计算，请核实："
        "第 8 行“1.属于国家秘密”的“自然人”“商业企业”、第 10 行“3.危及“三安全一稳定””的“其他”",
        f"{CSV}: 以下 2 格填的是“/”（不适用或没有），按 0 计算，报告中照填写的显示，请核实："
        "第 9 行“2.其他法律行政法规禁止公开”的“自然人”“科研机构”",
    ]


def test_marks_of_two_files_are_two_warnings() -> None:
    one = Mark("a/figures.yaml", "字段 x", "—")
    other = Mark("b/figures.yaml", "字段 y", "—")
    assert grouped([one, other, one]) == [
        "a/figures.yaml: 以下 2 格填的是“—”（不适用或没有），按 0 计算，报告中照填写的显示，请核实：字段 x",
        str(other),
    ]


def test_a_table_of_slashes_is_one_warning_after_the_real_ones(project: Project) -> None:
    """Table 四 copied as printed, every result "/" and 行政复议's 总计 printed 5 over parts of 4: the
    broken total comes first, then one warning for the twelve "/" cells."""
    path = project.figures("shili", 2025)
    text = path.read_text(encoding="utf-8")
    table = text[text.index("review:") : text.index("fees:\n  info_processing")]
    slashes = "\n".join(f"    {kind}: /" for kind in ("upheld", "corrected", "other", "pending"))
    printed = (
        "review:\n  total: 5\n  upheld: 2\n  corrected: 0\n  other: 1\n  pending: 1\n"
        f"litigation:\n  direct:\n{slashes}\n  after_review:\n{slashes}\n\n"
    )
    path.write_text("as_printed: true\n" + text.replace(table, printed), encoding="utf-8")
    warnings = load_agency_year(project, "shili", 2025).warnings
    assert len(warnings) == 2
    assert warnings[0].startswith("data/shili/2025/figures.yaml: 规则 R1 不成立")
    assert warnings[1].startswith(
        "data/shili/2025/figures.yaml: 以下 8 格填的是“/”（不适用或没有），"
        "按 0 计算，报告中照填写的显示，请核实："
    )
    assert warnings[1].count("字段 litigation.") == 8
