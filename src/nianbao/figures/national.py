"""Derived figures of a national-format report: outcome shares, changes from last year, placeholders.

Shares of outcomes use the applications handled (（七）总计) as their base, as publishers do, and the
project's largest-remainder rounding (`figures.shares`), so the printed shares add up to 100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nianbao.figures import numbers
from nianbao.figures.shares import nest, shares
from nianbao.formats import ReportFormat, format_for_year
from nianbao.inputs import national
from nianbao.inputs.model import AgencyYear, Number, YearData

# “（二）部分公开（区分处理的，只计这一情形，不计其他情形）” → “部分公开” for the chart and the prose
NUMBER_AND_EXPLANATION = re.compile(r"^（[一二三四五六七八九十]+）|（[^（）]*）$")


@dataclass(frozen=True)
class Outcome:
    """One of the six kinds of result in table 三 (（一）予以公开 … （六）其他处理), all applicants."""

    id: str  # the last part of its row id: granted, partial, withheld, …
    label: str
    count: int
    share: Decimal | None

    @property
    def short_label(self) -> str:
        return NUMBER_AND_EXPLANATION.sub("", self.label)


@dataclass(frozen=True)
class Change:
    id: str
    label: str
    unit: str
    current: Number
    previous: Number

    @property
    def text(self) -> str:
        """“比上年增加3件（增长25%）”, “比上年减少2件（下降10%）”, “与上年持平”; no % from a zero base."""
        delta = Decimal(self.current) - Decimal(self.previous)
        if delta == 0:
            return "与上年持平"
        word, trend = ("增加", "增长") if delta > 0 else ("减少", "下降")
        text = f"比上年{word}{abs(delta)}{self.unit}"
        if self.previous:
            text += f"（{trend}{numbers.percent(abs(delta) * 100 / Decimal(self.previous))}）"
        return text


def year_values(data: YearData) -> dict[str, Number]:
    """A year's typed figures with every total nobody typed, read with that year's own format."""
    fmt = format_for_year(data.year)
    if fmt is None:
        raise ValueError(data.year)  # loaded years always have a format
    return {**data.values, **national.totals(fmt, data.values)}


def outcomes(fmt: ReportFormat, values: Mapping[str, Number]) -> tuple[Outcome, ...]:
    """The six kinds of result with their counts (总计 column) and shares of （七）总计."""
    table = fmt.applications
    if table is None:
        return ()
    total = table.total.id
    kinds = [row for row in table.children(str(table.derived_row.parent)) if row.derive is None]
    counts = [
        sum(
            int(values[f"{leaf.id}.{total}"])
            for leaf in table.leaves
            if leaf == row or row.id in table.ancestors(leaf)
        )
        for row in kinds
    ]
    return tuple(
        Outcome(row.id.rsplit(".", 1)[-1], row.label, count, share)
        for row, count, share in zip(kinds, counts, shares(counts), strict=True)
    )


@dataclass(frozen=True)
class NationalFigures:
    values: Mapping[str, Number]  # typed and derived figures of the report's year, by key
    outcomes: tuple[Outcome, ...]
    changes: tuple[Change, ...]  # empty when last year is not on file
    previous_year: int | None

    @classmethod
    def derive(cls, model: AgencyYear) -> NationalFigures:
        values = year_values(model.current)
        previous = model.previous
        changes: tuple[Change, ...] = ()
        if previous is not None:
            before = year_values(previous)
            changes = tuple(
                Change(spec.id, spec.label, spec.unit, values[spec.key], before[spec.key])
                for spec in model.format.changes
            )
        return cls(values, outcomes(model.format, values), changes, previous.year if previous else None)

    @property
    def outcome_total(self) -> int:
        return sum(outcome.count for outcome in self.outcomes)

    @property
    def change_sentence(self) -> str:
        """“新收政府信息公开申请88件，比上年增加3件（增长3.5%）；予以公开…”."""
        return "；".join(
            f"{change.label}{numbers.count(int(change.current))}{change.unit}，{change.text}"
            for change in self.changes
        )

    def context(self) -> dict[str, Any]:
        """Placeholders: every figure by key (`apply.new.total`), `outcome.granted.share`, `yoy.sentence`."""
        flat: dict[str, Any] = dict(self.values)
        for outcome in self.outcomes:
            flat[f"outcome.{outcome.id}.count"] = outcome.count
            flat[f"outcome.{outcome.id}.share"] = numbers.percent(outcome.share)
            flat[f"outcome.{outcome.id}.label"] = outcome.short_label
        flat["outcome.total"] = self.outcome_total
        for change in self.changes:
            flat[f"yoy.{change.id}.text"] = change.text
            flat[f"yoy.{change.id}.previous"] = change.previous
        context = nest(flat)
        context["outcomes"] = [
            {"label": o.short_label, "count": o.count, "share": numbers.percent(o.share)}
            for o in self.outcomes
        ]
        context.setdefault("yoy", {})
        context["yoy"]["available"] = bool(self.changes)
        context["yoy"]["previous_year"] = self.previous_year
        context["yoy"]["sentence"] = self.change_sentence
        return context
