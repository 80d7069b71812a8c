"""Checked model → derived figures: totals, shares, rates and cumulative counts.

Nothing here is typed by a person; everything is computed from the model, so a total can never differ
from its parts and a cumulative count always chains from the year before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pandas as pd

from nianbao import national, numbers
from nianbao.formats import ReportFormat
from nianbao.model import AgencyYear, Opening, YearData

if TYPE_CHECKING:
    from nianbao.national_figures import NationalFigures


def shares(counts: Sequence[int], decimals: int = 1) -> list[Decimal | None]:
    """Each count's share of the total in percent, rounded so that the printed shares sum to exactly 100.

    Largest-remainder rounding: every share is first rounded down to `decimals` places, then the units
    still missing from 100 go to the shares that lost most by rounding down (ties: the earlier row).
    A zero total has no shares (None for each): the one rule for “share of nothing”.
    """
    total = sum(counts)
    if total == 0:
        return [None] * len(counts)
    if any(c < 0 for c in counts):
        raise ValueError(f"negative count in {counts}")
    units = 100 * 10**decimals
    quotas = [Fraction(c * units, total) for c in counts]
    floors = [int(q) for q in quotas]
    missing = units - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return [Decimal(f).scaleb(-decimals) for f in floors]


def rate(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` (None when `whole` is 0)."""
    if whole == 0:
        return None
    return Decimal(part * 100) / Decimal(whole)


def row_values(fmt: ReportFormat, data: YearData) -> dict[str, int]:
    """One year's value for every appendix row: typed rows from the data, totals computed.

    National formats have no appendix: their derived figures are the totals nobody typed."""
    if not fmt.cumulative:
        return national.totals(fmt, data.values)
    values: dict[str, int] = {}
    for row in fmt.appendix.rows:
        if row.derive is None:
            values[row.id] = int(data.values[row.id])
    for row in fmt.appendix.rows:
        if row.derive == "categories":
            values[row.id] = sum(count for _, count in data.categories)
        elif row.derive == "sum":
            values[row.id] = sum(values[child.id] for child in fmt.appendix.children(row.id))
    return values


def opening_values(fmt: ReportFormat, opening: Opening) -> dict[str, int]:
    """The opening balance of every appendix row: typed rows as given, `sum` rows from their children."""
    values = dict(opening.cumulative)
    for row in fmt.appendix.rows:
        if row.derive == "sum":
            values[row.id] = sum(values[child.id] for child in fmt.appendix.children(row.id))
    return values


def yearly_frame(model: AgencyYear) -> pd.DataFrame:
    """Appendix rows (columns) by year (index), one row per year on file since the opening balance."""
    fmt = model.format
    frame = pd.DataFrame.from_dict(
        {year: row_values(fmt, data) for year, data in sorted(model.history.items())}, orient="index"
    )
    return frame[[row.id for row in fmt.appendix.rows]]


def cumulative_frame(model: AgencyYear) -> pd.DataFrame:
    """历年累计 for every row at the end of every year: opening balance plus the running sum (F1)."""
    if model.opening is None:
        raise ValueError(f"format {model.format.id} has no cumulative counts")  # a bug: pre2019 only
    opening = pd.Series(opening_values(model.format, model.opening))
    yearly = yearly_frame(model)
    return yearly.cumsum() + opening[yearly.columns]


@dataclass(frozen=True)
class AppendixLine:
    """One row of the appendix: its label and unit from the format, its two computed figures."""

    id: str
    label: str
    unit: str
    parent: str | None
    value: int
    cumulative: int


@dataclass(frozen=True)
class CategoryLine:
    name: str
    count: int
    share: Decimal | None


def appendix_lines(model: AgencyYear) -> tuple[AppendixLine, ...]:
    """The appendix table for the report's year: this year's value and 历年累计 of every row."""
    values = {str(k): int(v) for k, v in yearly_frame(model).loc[model.year].to_dict().items()}
    cumulative = {str(k): int(v) for k, v in cumulative_frame(model).loc[model.year].to_dict().items()}
    return tuple(
        AppendixLine(row.id, row.label, row.unit, row.parent, values[row.id], cumulative[row.id])
        for row in model.format.appendix.rows
    )


def category_lines(data: YearData) -> tuple[CategoryLine, ...]:
    """Categories of proactively disclosed information with their shares (largest remainder)."""
    counts = [count for _, count in data.categories]
    return tuple(
        CategoryLine(name, count, share)
        for (name, count), share in zip(data.categories, shares(counts), strict=True)
    )


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted ids → nested dicts, so a placeholder reads `{{ apply.online }}`."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


@dataclass(frozen=True)
class Figures:
    """Every derived figure of one report, and the context its narrative placeholders read."""

    model: AgencyYear
    appendix: tuple[AppendixLine, ...]
    categories: tuple[CategoryLine, ...]
    national: NationalFigures | None = None  # the national formats' tables, shares and changes

    @classmethod
    def derive(cls, model: AgencyYear) -> Figures:
        """Step 2: compute every derived figure from the checked model."""
        if not model.format.cumulative:
            from nianbao.national_figures import NationalFigures  # it builds on this module's shares

            return cls(model, (), (), NationalFigures.derive(model))
        return cls(model, appendix_lines(model), category_lines(model.current))

    def line(self, row_id: str) -> AppendixLine:
        return next(line for line in self.appendix if line.id == row_id)

    @property
    def category_total(self) -> int:
        return sum(line.count for line in self.categories)

    @property
    def category_share_total(self) -> Decimal | None:
        """The sum of the printed shares: exactly 100 by construction, None when there is nothing to share."""
        known = [line.share for line in self.categories if line.share is not None]
        return sum(known, Decimal(0)) if known else None

    def share_of_parent(self) -> dict[str, str]:
        """Each sub-row's share of a total that is the sum of its rows (e.g. online among all applications).

        Only `sum` totals: their rows are exclusive, so the shares add up to 100. The channels of
        主动公开 may overlap (one document on the website and in the gazette) and get no share.
        """
        result: dict[str, str] = {}
        appendix = self.model.format.appendix
        for total in (row for row in appendix.rows if row.derive == "sum"):
            children = [child.id for child in appendix.children(total.id)]
            values = [self.line(child).value for child in children]
            for child, share in zip(children, shares(values), strict=True):
                result[child] = numbers.percent(share)
        return result

    def context(self) -> dict[str, Any]:
        """Named values for the narrative: `{{ active.total }}`, `{{ cumulative.active.total }}`, …"""
        model, data, profile = self.model, self.model.current, self.model.profile
        context = self.national.context() if self.national else self._appendix_context()
        context["agency"] = {
            "name": profile.name,
            "self_reference": profile.self_reference,
            "district": profile.district,
            "website": {"name": profile.website.name, "url": profile.website.url},
            "portal": {"name": profile.portal.name, "url": profile.portal.url},
            "contact": {
                "office": profile.contact.office,
                "address": profile.contact.address,
                "phone": profile.contact.phone,
            },
        }
        context["report"] = {
            "year": model.year,
            "title": self.title,
            "number": self.document_number,
            "date": numbers.date(data.date),
            "period": f"{model.year}年1月1日至{model.year}年12月31日",
        }
        return context

    def _appendix_context(self) -> dict[str, Any]:
        """pre2019: the figures, 历年累计 (`cumulative.…`), shares of parent rows, categories."""
        data = self.model.current
        values: dict[str, Any] = dict(data.values)
        values.update({line.id: line.value for line in self.appendix})
        total = self.line("active.total").value
        values["active.electronic_rate"] = numbers.percent(rate(int(data.values["active.electronic"]), total))
        values["active.categories"] = [
            {"name": line.name, "count": line.count, "share": numbers.percent(line.share)}
            for line in self.categories
        ]
        context = nest(values)
        context["cumulative"] = nest({line.id: line.cumulative for line in self.appendix})
        context["share"] = nest(self.share_of_parent())
        return context

    @property
    def title(self) -> str:
        return f"{self.model.profile.name}{self.model.year}年{self.model.format.title}"

    @property
    def document_number(self) -> str:
        data = self.model.current
        return f"{self.model.profile.doc_prefix}〔{data.date.year}〕{data.number}号"
