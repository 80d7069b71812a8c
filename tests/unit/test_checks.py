"""The rule mechanism: rules are data (`rules:` in a format's YAML), `checks.py` applies them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from nianbao.errors import FormatError
from nianbao.formats import ReportFormat
from nianbao.formats.parse import rules_of
from nianbao.formats.schema import DefinitionError
from nianbao.inputs.checks import Year, check_rules


def fmt_with(pre2019: ReportFormat, *raw: dict[str, Any]) -> ReportFormat:
    return dataclasses.replace(pre2019, rules=tuple(rules_of(list(raw), {"rows": ["a", "b"]})))


def year(y: int, **values: int) -> Year:
    return Year(
        y, {key.replace("__", "."): value for key, value in values.items()}, f"data/x/{y}/figures.yaml"
    )


SUM = {"id": "S1", "kind": "equal", "left": "t", "right": ["a", "b"], "message": "合计应等于各项之和"}


def test_equal_over_a_sum_holds(pre2019: ReportFormat) -> None:
    assert check_rules(fmt_with(pre2019, SUM).rules, year(2020, t=3, a=1, b=2), None) == ()


def test_equal_over_a_sum_names_every_figure(pre2019: ReportFormat) -> None:
    with pytest.raises(FormatError) as caught:
        check_rules(fmt_with(pre2019, SUM).rules, year(2020, t=4, a=1, b=2), None)
    assert caught.value.render() == (
        "data/x/2020/figures.yaml: 规则 S1 不成立：合计应等于各项之和。"
        "实际为：“t”为 4；“a”1 + “b”2 = 3（4 ≠ 3）"
    )


def test_a_broken_rule_names_figures_by_their_printed_labels_and_lines(pre2019: ReportFormat) -> None:
    labels = {"t": "受理政府信息公开申请总数", "a": "当面申请数", "b": "网络申请数"}
    current = Year(2020, {"t": 4, "a": 1, "b": 2}, "data/x/2020/figures.yaml", labels, {"t": 7, "a": 8})
    with pytest.raises(FormatError) as caught:
        check_rules(fmt_with(pre2019, SUM).rules, current, None)
    assert caught.value.message == (
        "规则 S1 不成立：合计应等于各项之和。实际为：“受理政府信息公开申请总数”（第 7 行）为 4；"
        "“当面申请数”（第 8 行）1 + “网络申请数”2 = 3（4 ≠ 3）"
    )


def test_a_printed_total_in_a_transcribed_report_is_only_flagged(pre2019: ReportFormat) -> None:
    rule = {**SUM, "as_printed": "warning"}
    typed = Year(2020, {"t": 4, "a": 1, "b": 2}, "data/x/2020/figures.yaml", as_printed=True)
    assert check_rules(fmt_with(pre2019, rule).rules, typed, None) == (
        "data/x/2020/figures.yaml: 规则 S1 不成立：合计应等于各项之和。实际为：“t”为 4；“a”1 + “b”2 = 3"
        "（4 ≠ 3）。照已发布的报告填写（as_printed: true）：这是原报告中的不一致，按原样保留，请在审阅时注明",
    )
    with pytest.raises(FormatError):  # the same total in a report of our own is an error
        check_rules(fmt_with(pre2019, rule).rules, dataclasses.replace(typed, as_printed=False), None)


def test_every_broken_rule_of_a_file_is_reported_at_once(pre2019: ReportFormat) -> None:
    most = {"id": "M1", "kind": "at_most", "left": "a", "right": "b", "message": "a 不能大于 b"}
    with pytest.raises(FormatError) as caught:
        check_rules(fmt_with(pre2019, SUM, most).rules, year(2020, t=9, a=5, b=2), None)
    assert "规则 S1 不成立" in caught.value.message
    assert "\n  规则 M1 不成立：a 不能大于 b。实际为：“a”为 5；“b”为 2（5 > 2）" in caught.value.message


def test_each_expands_one_rule_per_value(pre2019: ReportFormat) -> None:
    raw = {
        "id": "A1",
        "kind": "equal",
        "each": {"col": ["x", "y"]},
        "left": ["new.{col}", "in.{col}"],
        "right": ["done.{col}", "out.{col}"],
        "message": "{col} 列不平",
    }
    fmt = fmt_with(pre2019, raw)
    assert [rule.left for rule in fmt.rules] == [("new.x", "in.x"), ("new.y", "in.y")]
    figures = {
        "new__x": 1,
        "in__x": 1,
        "done__x": 2,
        "out__x": 0,
        "new__y": 1,
        "in__y": 0,
        "done__y": 0,
        "out__y": 0,
    }
    with pytest.raises(
        FormatError,
        match=r"规则 A1 不成立：y 列不平。实际为：“new\.y”1 \+ “in\.y”0 = 1；"
        r"“done\.y”0 \+ “out\.y”0 = 0（1 ≠ 0）",
    ):
        check_rules(fmt.rules, year(2020, **figures), None)


def test_each_may_name_a_list_of_the_format(pre2019: ReportFormat) -> None:
    raw = {"id": "L", "kind": "at_most", "each": {"r": "rows"}, "left": "{r}", "right": "t", "message": "m"}
    assert [rule.left for rule in fmt_with(pre2019, raw).rules] == [("a",), ("b",)]


CHAIN = {
    "id": "A5",
    "kind": "equal",
    "left": "carried_in",
    "right": "prev:carried_out",
    "severity": "warning",
    "message": "上年结转应等于上一年的结转下年度",
}


def test_a_chaining_rule_is_skipped_without_the_previous_year(pre2019: ReportFormat) -> None:
    assert check_rules(fmt_with(pre2019, CHAIN).rules, year(2020, carried_in=5), None) == ()


def test_a_broken_warning_rule_is_returned_naming_both_years(pre2019: ReportFormat) -> None:
    warnings = check_rules(
        fmt_with(pre2019, CHAIN).rules, year(2020, carried_in=5), year(2019, carried_out=3)
    )
    assert warnings == (
        "data/x/2020/figures.yaml: 规则 A5 不成立：上年结转应等于上一年的结转下年度。"
        "实际为：2020 年度的“carried_in”为 5；2019 年度的“carried_out”为 3（5 ≠ 3）",
    )


def test_a_kept_chain_gives_no_warning(pre2019: ReportFormat) -> None:
    assert (
        check_rules(fmt_with(pre2019, CHAIN).rules, year(2020, carried_in=3), year(2019, carried_out=3)) == ()
    )


def test_an_optional_rule_is_checked_only_where_its_figures_are_given(pre2019: ReportFormat) -> None:
    raw = {
        "id": "F1",
        "kind": "equal",
        "optional": True,
        "left": "published",
        "right": ["prev:cum", "v"],
        "message": "m",
    }
    fmt = fmt_with(pre2019, raw)
    assert check_rules(fmt.rules, year(2020, v=2), year(2019, cum=5)) == ()
    assert check_rules(fmt.rules, year(2020, v=2, published=7), year(2019, cum=5)) == ()
    with pytest.raises(
        FormatError, match="2020 年度的“published”为 8；2019 年度的“cum”5 \\+ 2020 年度的“v”2 = 7（8 ≠ 7）"
    ):
        check_rules(fmt.rules, year(2020, v=2, published=8), year(2019, cum=5))


def test_a_rule_of_unknown_kind_is_refused_naming_the_allowed_ones(pre2019: ReportFormat) -> None:
    with pytest.raises(
        DefinitionError,
        match="kind 应为 equal、at_most 之一，severity 应为 error、warning 之一，实际为 kind: roughly",
    ):
        fmt_with(pre2019, {**SUM, "kind": "roughly"})


def test_a_chaining_rule_is_skipped_when_last_year_lacks_its_figures(pre2019: ReportFormat) -> None:
    """Last year in a format without them (a format of another kind of history) has nothing to chain."""
    assert check_rules(fmt_with(pre2019, CHAIN).rules, year(2020, carried_in=5), year(2019, other=3)) == ()
