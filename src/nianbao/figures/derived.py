"""Checked model → derived figures: totals, shares, rates and cumulative counts.

Nothing here is typed by a person; everything is computed from the model, so a total can never differ
from its parts and a cumulative count always chains from the year before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from nianbao.figures import numbers
from nianbao.figures.national import NationalFigures
from nianbao.figures.shares import nest, rate, shares
from nianbao.inputs.model import AgencyYear, YearData
from nianbao.inputs.totals import opening_values, row_values


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
