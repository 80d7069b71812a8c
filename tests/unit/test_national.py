"""The national formats on the sample agency 示例市示例局 (shili, 2019–2025): loading, chaining, rules.

Every rule of formats.md §4 has a fixture that breaks it, with its message pinned. Fixtures edit a copy
of the sample data cell by cell (by row label and column label), so no figure is written twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nianbao.errors import DataError, FormatError
from nianbao.formats import format_for_year
from nianbao.inputs.derive import year_values
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear
from nianbao.paths import Project

YEARS = range(2019, 2026)
GB2019, GB2021 = format_for_year(2020), format_for_year(2025)
NATURAL = "自然人"


def load(project_dir: Path, year: int) -> AgencyYear:
    return load_agency_year(Project(project_dir), "shili", year)


def csv_path(project_dir: Path, year: int) -> Path:
    return project_dir / f"data/shili/{year}/applications.csv"


def figures_path(project_dir: Path, year: int) -> Path:
    return project_dir / f"data/shili/{year}/figures.yaml"


def rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]


def write_rows(path: Path, table: list[list[str]]) -> None:
    path.write_text("\n".join(",".join(cells) for cells in table) + "\n", encoding="utf-8")


def cell(path: Path, label: str, column: str) -> int:
    table = rows(path)
    (row,) = [r for r in table if r[0] == label]
    return int(row[table[0].index(column)])


def add(path: Path, label: str, column: str, delta: int) -> None:
    """Add `delta` to one cell of a table-三 CSV, found by its row and column labels."""
    table = rows(path)
    (row,) = [r for r in table if r[0] == label]
    index = table[0].index(column)
    row[index] = str(int(row[index]) + delta)
    write_rows(path, table)


def replace_line(path: Path, prefix: str, new: str) -> str:
    """Replace the first line of `path` that starts with `prefix` (`{old}` in `new` stands for it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    old = lines[index]
    lines[index] = new.replace("{old}", old)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return old


# ---------------------------------------------------------------- the sample agency


@pytest.mark.parametrize("year", YEARS)
def test_every_sample_year_loads_in_its_format_without_warnings(project: Project, year: int) -> None:
    model = load_agency_year(project, "shili", year)
    assert model.format.id == ("gb2019" if year <= 2020 else "gb2021")
    assert model.opening is None
    assert model.warnings == ()
    assert sorted(model.history) == ([year] if year == 2019 else [year - 1, year])


def test_sample_years_chain_carried_in_to_last_years_carried_out(project: Project) -> None:
    table = GB2021.applications
    assert table is not None
    for year in YEARS[1:]:
        model = load_agency_year(project, "shili", year)
        current, previous = model.current.values, model.history[year - 1].values
        for column in table.columns:
            assert current[f"apply.carried_in.{column.id}"] == previous[f"apply.carried_out.{column.id}"]


def test_in_force_chains_in_gb2021_sample(project: Project) -> None:
    for year in range(2022, 2026):
        model = load_agency_year(project, "shili", year)
        now, before = model.current.values, model.history[year - 1].values
        for row in ("active.regulations", "active.normative_docs"):
            expected = before[f"{row}.in_force"] + now[f"{row}.issued"] - now[f"{row}.repealed"]
            assert now[f"{row}.in_force"] == expected


def test_breaking_one_carry_over_gives_exactly_one_warning_naming_both_years(project_dir: Path) -> None:
    # 2024 carries one more application of a natural person into 2025 and grants one fewer (A1 still holds)
    path = csv_path(project_dir, 2024)
    assert cell(path, "（一）予以公开", NATURAL) > 0
    add(path, "四、结转下年度继续办理", NATURAL, +1)
    add(path, "（一）予以公开", NATURAL, -1)
    assert load(project_dir, 2024).warnings == ()
    (warning,) = load(project_dir, 2025).warnings
    assert warning.startswith("data/shili/2025/applications.csv: 规则 A5 不成立：表三“自然人”列：")
    assert "2025 年度的“二、上年结转政府信息公开申请数量：自然人”（第 3 行）为 0" in warning
    assert "2024 年度的“四、结转下年度继续办理：自然人”为 1（0 ≠ 1）" in warning


# ---------------------------------------------------------------- derived, never typed


def test_totals_are_computed(project: Project) -> None:
    model = load_agency_year(project, "shili", 2025)
    table = model.format.applications
    assert table is not None
    values = year_values(model.format, model.current, None)
    assert "apply.new.total" not in model.current.values  # nobody typed it
    assert values["apply.new.total"] == sum(values[f"apply.new.{c.id}"] for c in table.columns)
    for column in table.all_columns:
        assert values[f"apply.result.total.{column.id}"] == sum(
            values[f"{leaf.id}.{column.id}"] for leaf in table.leaves
        )
    parts = ("upheld", "corrected", "other", "pending")
    assert values["review.total"] == sum(values[f"review.{p}"] for p in parts)


def test_leaves_differ_by_format() -> None:
    assert GB2019.applications is not None and GB2021.applications is not None
    assert len(GB2019.applications.data_rows) == 23
    assert len(GB2021.applications.data_rows) == 25
    assert "apply.result.other" in [r.id for r in GB2019.applications.leaves]
    assert "apply.result.other" not in [r.id for r in GB2021.applications.leaves]
    assert GB2019.applications.span(GB2019.applications.row("apply.result")) == 20
    assert GB2021.applications.span(GB2021.applications.row("apply.result")) == 22


# ---------------------------------------------------------------- rules A1, A2, A3 (errors)


def test_a1_each_column_must_balance(project_dir: Path) -> None:
    add(csv_path(project_dir, 2025), "四、结转下年度继续办理", NATURAL, +1)
    with pytest.raises(
        FormatError,
        match=re.escape(
            "data/shili/2025/applications.csv: 规则 A1 不成立：表三“自然人”列：第一项（本年新收）加第二项"
            "（上年结转）之和，应等于第三项（办理结果总计）加第四项（结转下年度继续办理）之和。实际为："
            "“一、本年新收政府信息公开申请数量：自然人”（第 2 行）51 + "
            "“二、上年结转政府信息公开申请数量：自然人”（第 3 行）0 = 51；"
            "“（七）总计：自然人”49 + “四、结转下年度继续办理：自然人”（第 30 行）3 = 52（51 ≠ 52）"
        ),
    ) as caught:
        load(project_dir, 2025)
    assert "“总计”列" in str(caught.value)  # the computed total column is off by one too


def test_a2_a_typed_total_column_must_equal_the_row_sum(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    applicants = len(table[0]) - 1
    table[0].append("总计")
    for row in table[1:]:
        if row[1:] == [""] * applicants:
            row.append("")  # a group row: no figures
        else:
            row.append(str(sum(int(v) for v in row[1:])))
    new_row = next(r for r in table if r[0] == "一、本年新收政府信息公开申请数量")
    new_row[-1] = str(int(new_row[-1]) + 1)
    write_rows(path, table)
    with pytest.raises(
        FormatError,
        match=re.escape(
            "规则 A2 不成立：表三“一、本年新收政府信息公开申请数量”行：填写的“总计”应等于六类申请人之和"
        ),
    ):
        load(project_dir, 2025)


def test_a2_a_correct_typed_total_column_is_accepted(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    applicants = len(table[0]) - 1
    table[0].append("总计")
    for row in table[1:]:
        row.append("" if row[1:] == [""] * applicants else str(sum(int(v) for v in row[1:])))
    write_rows(path, table)
    assert load(project_dir, 2025).warnings == ()


def test_a3_a_typed_result_total_row_must_equal_the_sum_of_results(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    index = next(i for i, r in enumerate(table) if r[0] == "四、结转下年度继续办理")
    table.insert(index, ["（七）总计", *["0"] * (len(table[0]) - 1)])
    write_rows(path, table)
    with pytest.raises(
        FormatError,
        match=re.escape(
            "规则 A3 不成立：表三“自然人”列：填写的“（七）总计”应等于各项办理结果之和。实际为："
            "“（七）总计：自然人”（第 30 行）为 0；“（一）予以公开：自然人”（第 5 行）14 + "
        ),
    ):
        load(project_dir, 2025)


# ---------------------------------------------------------------- rules R1–R3 (errors)


@pytest.mark.parametrize(
    ("group", "indent", "message"),
    [
        pytest.param("review:", "  ", "规则 R1 不成立：表四“行政复议”的“总计”应等于", id="R1"),
        pytest.param(
            "  direct:", "    ", "规则 R2 不成立：表四“行政诉讼—未经复议直接起诉”的“总计”应等于", id="R2"
        ),
        pytest.param(
            "  after_review:", "    ", "规则 R3 不成立：表四“行政诉讼—复议后起诉”的“总计”应等于", id="R3"
        ),
    ],
)
def test_r_a_typed_review_total_must_equal_its_parts(
    project_dir: Path, group: str, indent: str, message: str
) -> None:
    replace_line(figures_path(project_dir, 2025), group, f"{{old}}\n{indent}total: 99")
    with pytest.raises(FormatError, match=re.escape(message)) as caught:
        load(project_dir, 2025)
    assert "总计”（第 " in str(caught.value) and "）为 99；" in str(caught.value)


def test_a_correct_typed_review_total_is_accepted(project_dir: Path) -> None:
    path = figures_path(project_dir, 2025)
    model = load(project_dir, 2025)
    total = sum(int(model.current.values[f"review.{p}"]) for p in ("upheld", "corrected", "other", "pending"))
    replace_line(path, "review:", f"{{old}}\n  total: {total}")
    assert load(project_dir, 2025).warnings == ()


# ---------------------------------------------------------------- rule N1: domains by field type


@pytest.mark.parametrize(
    ("year", "prefix", "new", "message"),
    [
        pytest.param(
            2025,
            "    decisions:",
            "    decisions: -1",
            "第 18 行：字段 active.licensing.decisions（行政许可：本年处理决定数量）应为非负整数，实际为 -1",
            id="count",
        ),
        pytest.param(
            2025,
            "  upheld:",
            "  upheld: 1.5",
            "第 27 行：字段 review.upheld（行政复议—结果维持）应为非负整数，实际为 1.5",
            id="review",
        ),
        pytest.param(
            2020,
            "    delta:",
            '    delta: "减2"',
            "第 19 行：字段 active.licensing.delta（行政许可：本年增/减）"
            '应为整数（减少写负数），实际为 "减2"',
            id="signed",
        ),
        pytest.param(
            2025,
            "    amount_wan_yuan:",
            "    amount_wan_yuan: -3",
            "第 24 行：字段 active.fees.amount_wan_yuan（行政事业性收费：本年收费金额（单位：万元））"
            "应为非负的金额（万元），实际为 -3",
            id="amount",
        ),
        pytest.param(
            2025,
            "  info_processing:",
            "  info_processing:",
            "第 44 行：字段 fees.info_processing（收取的信息处理费）没有填写；没有的请填 0",
            id="blank",
        ),
    ],
)
def test_n1_each_figure_is_checked_against_its_type(
    project_dir: Path, year: int, prefix: str, new: str, message: str
) -> None:
    replace_line(figures_path(project_dir, year), prefix, new)
    with pytest.raises(DataError, match=re.escape(f"data/shili/{year}/figures.yaml: {message}")):
        load(project_dir, year)


def test_n1_a_negative_change_is_allowed_in_gb2019(project: Project) -> None:
    deltas = [
        value
        for year in (2019, 2020)
        for key, value in load_agency_year(project, "shili", year).current.values.items()
        if key.endswith(".delta")
    ]
    assert min(deltas) < 0


# ---------------------------------------------------------------- rules H1, H2 (warnings)


def test_h1_in_force_that_does_not_chain_is_a_warning(project_dir: Path) -> None:
    path = figures_path(project_dir, 2025)
    value = int(replace_line(path, "    in_force:", "{old}").split(":")[1])
    replace_line(path, "    in_force:", f"    in_force: {value + 1}")
    (warning,) = load(project_dir, 2025).warnings
    assert warning.startswith(
        "data/shili/2025/figures.yaml: 规则 H1 不成立：表二“规章”：现行有效件数通常等于"
    )
    assert f"2025 年度的“规章：现行有效件数”（第 12 行）{value + 1}" in warning


def test_h1_is_not_checked_across_formats(project_dir: Path) -> None:
    assert load(project_dir, 2021).warnings == ()  # 2020 (gb2019) has no 现行有效件数 to chain from


def test_h2_items_that_do_not_chain_are_a_warning(project_dir: Path) -> None:
    path = figures_path(project_dir, 2020)
    value = int(replace_line(path, "    prev_items:", "{old}").split(":")[1])
    replace_line(path, "    prev_items:", f"    prev_items: {value + 1}")
    (warning,) = load(project_dir, 2020).warnings
    assert warning.startswith(
        "data/shili/2020/figures.yaml: 规则 H2 不成立：表二“行政许可”：上一年项目数量通常等于"
    )


def test_h2_more_published_than_public_is_a_warning(project_dir: Path) -> None:
    replace_line(figures_path(project_dir, 2020), "    published:", "    published: 999")
    (warning,) = load(project_dir, 2020).warnings
    assert "规则 H2 不成立：表二“规章”：本年新公开数量通常不大于对外公开总数量" in warning


# ---------------------------------------------------------------- table 三: what staff type


def test_a_blank_cell_is_an_error_naming_file_row_and_column(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    row = next(r for r in table if r[0] == "2.重复申请")
    row[2] = " "
    write_rows(path, table)
    with pytest.raises(
        DataError,
        match=re.escape(
            "data/shili/2025/applications.csv: 第 22 行“2.重复申请”的“商业企业”一格没有填写；没有的请填 0"
        ),
    ):
        load(project_dir, 2025)


def test_a_short_row_is_blank_cells_too(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    row = next(r for r in table if r[0] == "3.其他")
    del row[3:]
    write_rows(path, table)
    with pytest.raises(DataError, match=re.escape("“3.其他”的“科研机构”一格没有填写")):
        load(project_dir, 2025)


def test_group_rows_may_be_left_out(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = [r for r in rows(path) if any(r[1:])]
    assert len(table) == 1 + 24  # the header and every typed data row (（七）总计 is computed)
    write_rows(path, table)
    assert (
        load(project_dir, 2025).current.values
        == load_agency_year(Project(project_dir), "shili", 2025).current.values
    )


def test_a_group_row_with_figures_is_an_error(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    row = next(r for r in table if r[0] == "（三）不予公开")
    row[1] = "3"
    write_rows(path, table)
    with pytest.raises(DataError, match=re.escape("“（三）不予公开”是分组标题，不填数字")):
        load(project_dir, 2025)


def test_a_missing_row_is_named(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    write_rows(path, [r for r in rows(path) if r[0] != "3.其他"])
    with pytest.raises(DataError, match=re.escape("applications.csv: 缺少以下行：3.其他")):
        load(project_dir, 2025)


def test_a_mistyped_label_gets_a_suggestion(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    next(r for r in table if r[0] == "（一）予以公开")[0] = "(一)予以公开"
    write_rows(path, table)
    with pytest.raises(DataError, match=re.escape("第一列 “(一)予以公开” 不是表三的行标签")) as caught:
        load(project_dir, 2025)
    assert "（一）予以公开" in str(caught.value)


def test_a_wrong_header_is_explained(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    table[0][1] = "个人"
    write_rows(path, table)
    with pytest.raises(DataError, match=re.escape("第 1 行（表头）：第一列之后应依次为 自然人、商业企业")):
        load(project_dir, 2025)


def test_a_non_number_is_an_error(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    table = rows(path)
    next(r for r in table if r[0] == "3.其他")[1] = "五"
    write_rows(path, table)
    with pytest.raises(DataError, match=re.escape('“3.其他”的“自然人”应为非负整数，实际为 "五"')):
        load(project_dir, 2025)


def test_csv_syntax_error_names_the_line(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[4] = '"（一）予以公开"x,1,2,3,4,5,6'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=re.escape("data/shili/2025/applications.csv: CSV 格式错误（第 5 行）")
    ):
        load(project_dir, 2025)


def test_csv_saved_by_excel_in_gbk_is_read(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    before = load(project_dir, 2025).current.values
    text = path.read_text(encoding="utf-8-sig")
    path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    assert load(project_dir, 2025).current.values == before


def test_a_missing_table_file_is_named(project_dir: Path) -> None:
    csv_path(project_dir, 2025).unlink()
    with pytest.raises(DataError, match=re.escape("data/shili/2025/applications.csv: 找不到这个文件")):
        load(project_dir, 2025)


def test_full_width_digits_are_read_as_numbers(project_dir: Path) -> None:
    path = csv_path(project_dir, 2025)
    before = load(project_dir, 2025).current.values
    table = rows(path)
    row = next(r for r in table if r[0] == "一、本年新收政府信息公开申请数量")
    row[1] = row[1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    write_rows(path, table)
    assert load(project_dir, 2025).current.values == before
