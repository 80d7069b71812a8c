"""Consistency rules of a report format, applied to the checked model.

The rules themselves are data (`rules:` in the format's YAML); this module only knows how to apply each
kind. A broken rule is a `FormatError` naming the file, the rule and both figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from nianbao.errors import FormatError
from nianbao.figures import row_values
from nianbao.formats import ReportFormat, Rule
from nianbao.model import Number, YearData

RuleCheck = Callable[[Number, Number], bool]
KINDS: dict[str, tuple[RuleCheck, str]] = {
    "at_most": (lambda left, right: left <= right, "≤"),
}


def check_rules(fmt: ReportFormat, data: YearData, where: str) -> None:
    values = {**data.values, **row_values(fmt, data)}
    for rule in fmt.rules:
        _check(rule, values, where)


def _check(rule: Rule, values: Mapping[str, Number], where: str) -> None:
    holds, symbol = KINDS[rule.kind]
    left, right = values[rule.left], values[rule.right]
    if not holds(left, right):
        raise FormatError(
            f"规则 {rule.id} 不成立：{rule.message}。应为 {rule.left} {symbol} {rule.right}，"
            f"实际为 {rule.left} = {left}，{rule.right} = {right}",
            path=where,
        )
