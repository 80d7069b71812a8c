"""Consistency rules of a report format, applied to one year's figures.

The rules themselves are data (`rules:` in the format's YAML, parsed into `Rule`s); this module only
knows how to apply the two kinds (`history.py` runs them over the years a report reads). Every broken
error rule of a file is reported in one `FormatError` naming the file, the rule and the figures on
both sides; a broken warning rule becomes a message that the run prints and lists in the executed
notebook for reviewers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from nianbao.errors import FormatError
from nianbao.formats import PREVIOUS, Rule
from nianbao.inputs.model import Number

LISTED = 6  # a longer sum (（七）总计's 21 results) lists only its non-zero parts
PRINTED = "照已发布的报告填写（as_printed: true）：这是原报告中的不一致，按原样保留，请在审阅时注明"
KINDS: dict[str, tuple[Callable[[Number, Number], bool], str]] = {
    "equal": (lambda left, right: left == right, "="),
    "at_most": (lambda left, right: left <= right, "≤"),
}


@dataclass(frozen=True)
class Year:
    """One year's figures (typed and derived, by key), the file they were typed in, how the printed form
    names each figure (`labels`, by key) and the line each typed one is on (`lines`)."""

    year: int
    values: Mapping[str, Number]
    where: str
    labels: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    as_printed: bool = False  # transcribed from a published report: its printed errors are only flagged


def check_rules(rules: Sequence[Rule], current: Year, previous: Year | None) -> tuple[str, ...]:
    """Apply `rules` to `current` and return the warnings; raise on any broken error rule.

    Chaining rules (those reading `prev:` figures) are skipped when `previous` is None or lacks their
    figures: an agency's first year on file, or a year after a format without them, has nothing to chain
    from. An optional rule is skipped in the years whose files do not give every figure it reads.
    """
    errors: list[str] = []
    warnings: list[str] = []
    for rule in rules:
        unchained = rule.chains and not _given(rule, None, previous)
        if unchained or (rule.optional and not _given(rule, current, previous)):
            continue
        broken = _broken(rule, current, previous)
        printed = current.as_printed and rule.as_printed is not None
        severity = rule.as_printed if printed else rule.severity
        if broken and printed and severity == "warning":
            broken = f"{broken}。{PRINTED}"
        if broken:
            (warnings if severity == "warning" else errors).append(broken)
    if errors:
        raise FormatError("\n  ".join(errors), path=current.where)
    return tuple(f"{current.where}: {warning}" for warning in warnings)


def _given(rule: Rule, current: Year | None, previous: Year | None) -> bool:
    """Whether the files give every figure a rule reads (only last year's when `current` is None)."""
    for key in rule.keys:
        chained = key.startswith(PREVIOUS)
        if current is None and not chained:
            continue
        year = previous if chained else current
        if year is None or key.removeprefix(PREVIOUS) not in year.values:
            return False
    return True


def _broken(rule: Rule, current: Year, previous: Year | None) -> str | None:
    """The message for `rule` if the figures break it, else None: what the form requires (the rule's
    message, in the form's words), then what was found — each side's figures by their printed labels and
    lines, their sums, and the two sums compared."""
    holds, _ = KINDS[rule.kind]
    left = [_figure(key, rule, current, previous) for key in rule.left]
    right = [_figure(key, rule, current, previous) for key in rule.right]
    left_sum, right_sum = sum(v for _, v in left), sum(v for _, v in right)
    if holds(left_sum, right_sum):
        return None
    symbol = "≠" if rule.kind == "equal" else ">"
    return (
        f"规则 {rule.id} 不成立：{rule.message}。"
        f"实际为：{_side(left, left_sum)}；{_side(right, right_sum)}（{left_sum} {symbol} {right_sum}）"
    )


def _figure(key: str, rule: Rule, current: Year, previous: Year | None) -> tuple[str, Number]:
    """(how a message names the figure — its printed label, its line when typed, its year when the rule
    reads two years — and its value)."""
    if key.startswith(PREVIOUS):
        if previous is None:  # check_rules skips chaining rules without a previous year
            raise ValueError(f"{key} needs the previous year")
        bare = key.removeprefix(PREVIOUS)
        label = previous.labels.get(bare) or current.labels.get(bare, bare)
        return f"{previous.year} 年度的“{label}”", previous.values[bare]
    label = current.labels.get(key, key)
    line = current.lines.get(key)
    year = f"{current.year} 年度的" if rule.chains else ""
    return f"{year}“{label}”" + (f"（第 {line} 行）" if line else ""), current.values[key]


def _side(figures: list[tuple[str, Number]], total: Number) -> str:
    """`“a”（第 3 行）为 2` for one figure; `“a”（第 3 行）2 + “b” 3 = 5` for several (a figure without
    a line is computed)."""
    if len(figures) == 1:
        return f"{figures[0][0]}为 {total}"
    shown = figures if len(figures) <= LISTED else [(n, v) for n, v in figures if v]
    rest = len(figures) - len(shown)
    parts = " + ".join(f"{name}{value}" for name, value in shown) or "各项"
    return parts + (f"（其余 {rest} 项为 0）" if rest else "") + f" = {total}"
