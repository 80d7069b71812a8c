"""Pieces of the national formats: format definitions, rule expansion, merged headers, changes, shares."""

from __future__ import annotations

import re
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.drawing.charts import outcome_chart
from nianbao.drawing.national_tables import application_table, value_text
from nianbao.drawing.table_html import html, td
from nianbao.drawing.table_model import Cell, header_rows
from nianbao.figures.derived import Figures, Outcome
from nianbao.figures.numbers import amount, change
from nianbao.formats import all_formats, format_for_year
from nianbao.formats.tables import Column
from nianbao.inputs.derive import Change
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project

GB2019, GB2021 = format_for_year(2019), format_for_year(2021)


# ---------------------------------------------------------------- format definitions


def test_the_format_follows_the_year() -> None:
    assert [(f.id, f.span) for f in all_formats()] == [
        ("pre2019", "2008—2018"),
        ("gb2019", "2019—2020"),
        ("gb2021", "2021 年起"),
    ]
    assert format_for_year(2018).id == "pre2019"  # type: ignore[union-attr]
    assert GB2019.id == "gb2019" and format_for_year(2020).id == "gb2019"  # type: ignore[union-attr]
    assert GB2021.id == "gb2021" and format_for_year(2025).id == "gb2021"  # type: ignore[union-attr]


def test_national_formats_share_sections_tables_three_and_four_but_not_table_two() -> None:
    assert GB2019.sections == GB2021.sections
    assert GB2019.reviews == GB2021.reviews
    assert GB2019.applications.columns == GB2021.applications.columns  # type: ignore[union-attr]
    two_2019 = [(b.header, [c.label for c in b.columns]) for b in GB2019.active.blocks]  # type: ignore[union-attr]
    two_2021 = [(b.header, [c.label for c in b.columns]) for b in GB2021.active.blocks]  # type: ignore[union-attr]
    assert two_2019[0] == ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"])
    assert two_2021[0] == ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"])
    assert [h for h, _ in two_2019][-1] == "第二十条第（九）项"
    assert [h for h, _ in two_2021][-1] == "第二十条第（八）项"


def test_only_pre2019_has_an_appendix_and_cumulative_counts() -> None:
    assert [f.cumulative for f in all_formats()] == [True, False, False]
    with pytest.raises(ValueError, match="format gb2021 has no appendix"):
        _ = GB2021.appendix


def test_field_types_come_from_the_table_columns() -> None:
    assert GB2019.fields["active.licensing.delta"].type == "signed"
    assert GB2021.fields["active.fees.amount_wan_yuan"].type == "amount"
    assert GB2021.fields["active.fees.amount_wan_yuan"].unit == "万元"
    assert GB2021.fields["review.total"].optional
    assert not GB2021.fields["review.upheld"].optional
    assert "fees.info_processing" in GB2021.fields and "fees.info_processing" not in GB2019.fields


def test_rules_expand_over_table_lists_with_labels_and_sums() -> None:
    (a3,) = [r for r in GB2021.rules if r.id == "A3" and r.left == ("apply.result.total.natural",)]
    assert len(a3.right) == 21  # the leaves of gb2021 (25 data rows less 一、二、（七）、四、)
    assert a3.right[0] == "apply.result.granted.natural"
    assert "apply.result.other.fee_unpaid.natural" in a3.right
    assert a3.message == "表三“自然人”列：填写的“（七）总计”应等于各项办理结果之和"
    (a3_2019,) = [r for r in GB2019.rules if r.id == "A3" and r.left == ("apply.result.total.natural",)]
    assert "apply.result.other.natural" in a3_2019.right and len(a3_2019.right) == 19
    assert len([r for r in GB2021.rules if r.id == "A1"]) == 7  # six applicants and 总计
    assert len([r for r in GB2021.rules if r.id == "A5"]) == 6
    assert all(r.severity == "warning" for r in GB2021.rules if r.id in ("A5", "H1"))
    (h1,) = [r for r in GB2021.rules if r.id == "H1" and "active.regulations.in_force" in r.left]
    assert h1.message.startswith("表二“规章”：")


# ---------------------------------------------------------------- rendering


def test_header_rows_merge_groups_and_stretch_short_paths() -> None:
    paths = [("A", "x"), ("A", "y"), ("B", "C", "x"), ("B", "C", "y"), ("B", "D", "x")]
    rows = header_rows(paths)
    shape = [[(c.text, c.rowspan, c.colspan) for c in row] for row in rows]
    assert shape == [
        [("A", 1, 2), ("B", 1, 3)],
        [("x", 2, 1), ("y", 2, 1), ("C", 1, 2), ("D", 1, 1)],
        [("x", 1, 1), ("y", 1, 1), ("x", 1, 1)],
    ]


def test_cells_are_escaped_and_spans_written_only_when_merged() -> None:
    assert (
        td(Cell("<b>&", header=True, rowspan=2, classes=("x",)))
        == '<th class="x" rowspan="2">&lt;b&gt;&amp;</th>'
    )
    assert td(Cell("1")) == "<td>1</td>"
    assert (
        td(Cell("1", colspan=3, classes=("label", "total"))) == '<td class="label total" colspan="3">1</td>'
    )


def test_values_print_as_typed_with_a_unit_only_where_the_label_lacks_it() -> None:
    assert value_text(0, Column("c", "件数")) == "0"
    assert value_text(-2, Column("c", "本年增/减", type="signed")) == "-2"
    assert (
        value_text(Decimal("12.50"), Column("a", "本年收费金额（单位：万元）", type="amount", unit="万元"))
        == "12.5"
    )
    assert (
        value_text(Decimal("103.46"), Column("a", "采购总金额", "amount", "万元", show_unit=True))
        == "103.46万元"
    )
    assert amount(Decimal("0.00")) == "0" and amount(Decimal(7)) == "7"


def test_gb2019_other_processing_is_one_data_row(project: Project) -> None:
    model = load_agency_year(project, "shili", 2020)
    figures = Figures.derive(model)
    page = str(html(application_table(model.format.applications, figures.values)))  # type: ignore[arg-type]
    assert re.search(r'<td class="label" colspan="2">（六）其他处理</td>(<td class="num">\d+</td>){7}', page)
    assert '<td class="label group" rowspan="20">三、本年度办理结果</td>' in page


# ---------------------------------------------------------------- derived figures


@pytest.mark.parametrize(
    ("current", "previous", "text"),
    [
        (88, 80, "比上年增加8件（增长10.0%）"),
        (2, 3, "比上年减少1件（下降33.3%）"),
        (5, 5, "与上年持平"),
        (4, 0, "比上年增加4件"),  # no percentage of nothing
    ],
)
def test_change_from_last_year(current: int, previous: int, text: str) -> None:
    assert change(Change("new", "新收政府信息公开申请", "件", current, previous)) == text


def test_outcome_labels_drop_the_number_and_the_explanation() -> None:
    outcome = Outcome("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, None)
    assert outcome.short_label == "部分公开"


def test_outcome_shares_add_up_to_100_with_the_handled_total_as_base(project: Project) -> None:
    for year in range(2019, 2026):
        figures = Figures.derive(load_agency_year(project, "shili", year))
        assert [o.id for o in figures.outcomes] == [
            "granted",
            "partial",
            "withheld",
            "unavailable",
            "not_processed",
            "other",
        ]
        assert figures.context()["outcome"]["total"] == figures.values["apply.result.total.total"]
        shares = [o.share for o in figures.outcomes]
        # each share correctly rounded (half up): they add up to 100 or the report says why not
        assert (sum(s or 0 for s in shares) == 100) is (figures.rounding_note == "")
        assert all(
            abs((o.share or 0) - Decimal(o.count * 100) / figures.values["apply.result.total.total"])
            <= Decimal("0.05")
            for o in figures.outcomes
        )


def test_first_year_has_no_changes(project: Project) -> None:
    figures = Figures.derive(load_agency_year(project, "shili", 2019))
    assert figures.changes == ()
    assert figures.context()["yoy"]["available"] is False


def test_a_year_with_no_applications_has_no_shares_and_a_clean_chart(project_dir: Path) -> None:
    path = project_dir / "data/shili/2025/applications.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    zeroed = [lines[0]] + [re.sub(r",\d+", ",0", line) for line in lines[1:]]
    path.write_text("\n".join(zeroed) + "\n", encoding="utf-8")
    project = Project(project_dir)
    figures = Figures.derive(load_agency_year(project, "shili", 2025))
    assert [o.share for o in figures.outcomes] == [None] * 6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = outcome_chart(figures)
    assert chart.svg.startswith("<?xml")
