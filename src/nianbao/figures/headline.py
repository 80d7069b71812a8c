"""The few figures shown for every report whatever its format: in the index, and per agency in the
district summary. Each format names them by its own keys; the first key a format has is used."""

from __future__ import annotations

from collections.abc import Mapping

from nianbao.figures.derived import Figures
from nianbao.inputs.model import Number

# 主动公开 (pre2019: the appendix's first row; the national table 二 has no such count) and the
# applications received (pre2019: 受理申请总数; national: 本年新收申请数量, all applicants).
HEADLINE = {"active": ("active.total",), "apply": ("apply.total", "apply.new.total")}


def values_of(figures: Figures) -> Mapping[str, Number]:
    """Every figure of a report by key: typed and derived, this year's."""
    if figures.national is not None:
        return figures.national.values
    return {line.id: line.value for line in figures.appendix}


def headline(figures: Figures) -> dict[str, Number]:
    values = values_of(figures)
    found = {name: next((k for k in keys if k in values), None) for name, keys in HEADLINE.items()}
    return {name: values[key] for name, key in found.items() if key is not None}
