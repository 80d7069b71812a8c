"""Consistency rules of a report format, applied to one year's figures.

The rules themselves are data (`rules:` in the format's YAML, parsed into `Rule`s); this module only
knows how to apply the two kinds (`history.py` runs them over the years a report reads). Every broken
error rule of a file is reported in one `FormatError` naming the file, the rule and the figures on
both sides; a broken warning rule becomes a message that the run prints and lists in the executed
notebook for reviewers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from nianbao.errors import FormatError
from nianbao.formats import PREVIOUS, Rule
from nianbao.inputs.model import Number

KINDS: dict[str, tuple[Callable[[Number, Number], bool], str]] = {
    "equal": (lambda left, right: left == right, "="),
    "at_most": (lambda left, right: left <= right, "≤"),
}


@dataclass(frozen=True)
class Year:
    """One year's figures (typed and derived, by key) and the file they were typed in."""

    year: int
    values: Mapping[str, Number]
    where: str


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
        if broken:
            (warnings if rule.severity == "warning" else errors).append(broken)
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
    """The message for `rule` if the figures break it, else None."""
    holds, symbol = KINDS[rule.kind]
    left = [_figure(key, rule, current, previous) for key in rule.left]
    right = [_figure(key, rule, current, previous) for key in rule.right]
    left_sum, right_sum = sum(v for _, v in left), sum(v for _, v in right)
    if holds(left_sum, right_sum):
        return None
    return (
        f"规则 {rule.id} 不成立：{rule.message}。"
        f"应为 {_side(left, None)} {symbol} {_side(right, None)}，"
        f"实际为 {_side(left, left_sum)}，{_side(right, right_sum)}"
    )


def _figure(key: str, rule: Rule, current: Year, previous: Year | None) -> tuple[str, Number]:
    """(how the figure is named in a message, its value); a chaining rule names the year of each figure."""
    if not rule.chains:
        return key, current.values[key]
    if key.startswith(PREVIOUS):
        if previous is None:  # check_rules skips chaining rules without a previous year
            raise ValueError(f"rule {rule.id} needs the previous year")
        bare = key.removeprefix(PREVIOUS)
        return f"{previous.year} 年的 {bare}", previous.values[bare]
    return f"{current.year} 年的 {key}", current.values[key]


def _side(figures: list[tuple[str, Number]], total: Number | None) -> str:
    """`a + b` (no total) or `a + b = 5（a = 2，b = 3）`; a single figure as `a = 2`."""
    names = " + ".join(name for name, _ in figures)
    if total is None:
        return names
    if len(figures) == 1:
        return f"{names} = {total}"
    parts = "，".join(f"{name} = {value}" for name, value in figures)
    return f"{names} = {total}（{parts}）"
