"""Checked model → derived figures: every figure of the report's year, its shares, its tables' lines,
its changes from last year, and the one context its placeholders read — for any format.

Nothing here is typed by a person. The totals and chains come from the derive engine
(`inputs/derive.py`), so a total can never differ from its parts and a cumulative count always chains
from the year before; the shares are the format's (`shares:`), rounded as the agency's percent policy says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nianbao.figures import numbers
from nianbao.figures.shares import adds_up, nest, rate, shares
from nianbao.formats import ReportFormat, ShareSpec
from nianbao.formats.spec import RateSpec
from nianbao.inputs.derive import Change, changes, earlier_changes, history_values
from nianbao.inputs.model import AgencyYear, Number, PercentPolicy, YearData
from nianbao.paths import SUMMARY

# “（二）部分公开（区分处理的，只计这一情形，不计其他情形）” → “部分公开” for the chart and the prose
NUMBER_AND_EXPLANATION = re.compile(r"^（[一二三四五六七八九十]+）|（[^（）]*）$")


@dataclass(frozen=True)
class AppendixLine:
    """One row of the appendix: its label and unit from the format, its two computed figures."""

    id: str
    label: str
    unit: str
    parent: str | None
    value: int
    cumulative: int
    shown: str | None = None  # this year's cell as typed when it was not applicable (—, /): printed so


@dataclass(frozen=True)
class CategoryLine:
    name: str
    count: int
    share: Decimal | None


@dataclass(frozen=True)
class Outcome:
    """One part of a share the format lists (table 三's kinds of result: （一）予以公开 …), all applicants."""

    id: str  # the part's id: granted, partial, withheld, …
    label: str
    count: int
    share: Decimal | None

    @property
    def short_label(self) -> str:
        return short_label(self.label)


def short_label(label: str) -> str:
    """A row's label without its number and its explanation, as the chart and the prose name it."""
    return NUMBER_AND_EXPLANATION.sub("", label)


def category_lines(data: YearData, policy: PercentPolicy) -> tuple[CategoryLine, ...]:
    """Categories of proactively disclosed information with their shares (the agency's percent policy)."""
    counts = [count for _, count in data.categories]
    return tuple(
        CategoryLine(name, count, share)
        for (name, count), share in zip(data.categories, shares(counts, policy), strict=True)
    )


def appendix_lines(model: AgencyYear) -> tuple[AppendixLine, ...]:
    """The appendix for the report's year: this year's value and the chained figure of every row."""
    return _appendix(model.format, history_values(model)[model.year], model.current.shown)


def _appendix(
    fmt: ReportFormat, values: Mapping[str, Number], shown: Mapping[str, str]
) -> tuple[AppendixLine, ...]:
    chained = {chain.of: chain.key for chain in fmt.history.chains}
    return tuple(
        AppendixLine(
            row.id,
            row.label,
            row.unit,
            row.parent,
            int(values[row.id]),
            int(values[chained[row.id]]),
            shown.get(row.id),
        )
        for row in fmt.appendix_rows
    )


def yearly_frame(model: AgencyYear) -> Any:
    """The figures of every year the report reads as a pandas table: years down, the appendix's rows
    (every figure, for a format without an appendix) across — for a notebook author looking at the data."""
    import pandas as pd  # only here: the reports themselves need no pandas

    years = history_values(model)
    columns = [row.id for row in model.format.appendix_rows] or list(years[model.year])
    frame = pd.DataFrame.from_dict({year: years[year] for year in sorted(model.history)}, orient="index")
    return frame[columns]


def shared(
    spec: ShareSpec, values: Mapping[str, Number], policy: PercentPolicy
) -> list[tuple[int, Decimal | None]]:
    """(count, share) of each part of `spec`: of their sum, or a rate of `of` (rounded by `policy`)."""
    counts = [int(sum(values[key] for key in part.keys)) for part in spec.parts]
    if spec.of is not None:
        return [(counts[0], rate(counts[0], int(values[spec.of]), policy))]
    return list(zip(counts, shares(counts, policy), strict=True))


@dataclass(frozen=True)
class Figures:
    """Every derived figure of one report, and the context its narrative placeholders read."""

    model: AgencyYear
    values: Mapping[str, Number]  # this year's figures, typed and derived (chained ones included), by key
    previous: Mapping[str, Number] | None  # last year's, when last year is on file
    appendix: tuple[AppendixLine, ...]
    categories: tuple[CategoryLine, ...]
    shares: Mapping[str, Decimal | None]  # by key: share.apply.online, outcome.granted.share, …
    lists: Mapping[str, tuple[Outcome, ...]]  # the shares' parts the format lists, by name (outcomes)
    changes: tuple[Change, ...]  # empty when last year is not on file

    @classmethod
    def derive(cls, model: AgencyYear) -> Figures:
        """Step 2: compute every derived figure from the checked model."""
        years = history_values(model)
        values = years[model.year]
        previous = years[model.year - 1] if model.previous is not None else None
        fmt, policy = model.format, model.profile.percent
        share_values: dict[str, Decimal | None] = {}
        lists: dict[str, tuple[Outcome, ...]] = {}
        for spec in fmt.shares:
            parts = shared(spec, values, policy)
            for part, (_, share) in zip(spec.parts, parts, strict=True):
                share_values[spec.at(spec.key, part)] = share
            if spec.list is not None:
                lists[spec.list] = tuple(
                    Outcome(part.id, part.label, count, share)
                    for part, (count, share) in zip(spec.parts, parts, strict=True)
                )
        return cls(
            model=model,
            values=values,
            previous=previous,
            appendix=_appendix(fmt, values, model.current.shown),
            categories=category_lines(model.current, policy),
            shares=share_values,
            lists=lists,
            changes=changes(fmt, values, previous)
            or (earlier_changes(fmt, values, model.earlier) if model.earlier is not None else ()),
        )

    @property
    def format(self) -> ReportFormat:
        return self.model.format

    @property
    def policy(self) -> PercentPolicy:
        """How this report prints its shares (the agency's profile, else the district's)."""
        return self.model.profile.percent

    def percent(self, share: Decimal | None) -> str:
        return numbers.percent(share, self.policy)

    @property
    def rounding_note(self) -> str:
        """“因四舍五入，各项占比之和可能不等于100%。” when some shares shown together do not add up to 100
        (said once per report), else nothing."""
        groups = [[line.share for line in self.categories]]
        groups += [
            [share for _, share in shared(spec, self.values, self.policy)]
            for spec in self.format.shares
            if spec.of is None
        ]
        return "" if all(adds_up(group) for group in groups) else numbers.ROUNDING_NOTE

    @property
    def shown(self) -> Mapping[str, str]:
        """The cells typed as "not applicable" (—, /), by key: printed as typed instead of 0."""
        return self.model.current.shown

    # ---- what the drawings read

    def line(self, row_id: str) -> AppendixLine:
        return next(line for line in self.appendix if line.id == row_id)

    @property
    def category_total(self) -> int:
        """The categories' 合计: the total as typed (a published report's, even one that differs from
        its categories — rule F6 flags it), else the categories' sum."""
        total = next((spec.total for spec in self.format.category_specs if spec.total), None)
        if total is not None and total in self.values:
            return int(self.values[total])
        return sum(line.count for line in self.categories)

    @property
    def category_share_total(self) -> Decimal | None:
        """The 合计 row's share: 100 (the whole of itself, as publishers print it even when the rounded
        shares above add up to 99.9 — `rounding_note` says so), None when there is nothing to share."""
        return Decimal(100) if self.category_total else None

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """The parts of the share listed as `outcomes` (table 三's kinds of result), for the chart."""
        return self.lists.get("outcomes", ())

    # ---- the placeholders

    @property
    def change_sentence(self) -> str:
        """“新收政府信息公开申请88件，比上年增加3件（增长3.5%）；予以公开…”."""
        return "；".join(
            f"{c.label}{numbers.count(int(c.current))}{c.unit}，{numbers.change(c, self.policy)}"
            for c in self.changes
        )

    def context(self) -> dict[str, Any]:
        """Named values for the narrative: every figure by key (`{{ apply.new.total }}`,
        `{{ cumulative.active.total }}`), the shares (`{{ share.apply.online }}`), the lists of
        categories and parts, the changes from last year (`yoy`), the agency and the report."""
        flat: dict[str, Any] = dict(self.values)
        # a total the form lets the report leave out (the national 主动公开 count): none, not missing
        flat.update(
            {key: None for key, spec in self.format.fields.items() if spec.optional and key not in flat}
        )
        flat.update({key: self.percent(share) for key, share in self.shares.items()})
        for spec in self.format.shares:
            parts = shared(spec, self.values, self.policy)
            for part, (count, _) in zip(spec.parts, parts, strict=True):
                if spec.count is not None:
                    flat[spec.at(spec.count, part)] = count
                if spec.label is not None:
                    flat[spec.at(spec.label, part)] = short_label(part.label)
            if spec.total is not None:
                flat[spec.total] = sum(count for count, _ in parts)
        for category in self.format.category_specs:
            flat[category.field] = [
                {"name": line.name, "count": line.count, "share": self.percent(line.share)}
                for line in self.categories
            ]
        for rate_spec in self.format.rates:
            flat[rate_spec.key] = self.percent(self._rate(rate_spec))
        for change in self.changes:
            flat[f"yoy.{change.id}.text"] = numbers.change(change, self.policy)
            flat[f"yoy.{change.id}.previous"] = change.previous
            flat[f"yoy.{change.id}.difference"] = numbers.difference(change)
            sign = "-" if change.delta < 0 and change.rate else ""
            flat[f"yoy.{change.id}.percent"] = sign + self.percent(change.rate)
            flat[f"yoy.{change.id}.multiple"] = numbers.multiple(change, self.policy)
        context = nest(flat)
        for name, listed in self.lists.items():
            context[name] = [
                {"label": o.short_label, "count": o.count, "share": self.percent(o.share)} for o in listed
            ]
        context.setdefault("yoy", {}).update(
            available=bool(self.changes),
            previous_year=self.model.year - 1 if self.changes else None,
            sentence=self.change_sentence,
        )
        context["agency"] = self._agency()
        context["report"] = {
            "year": self.model.year,
            "title": self.title,
            "number": self.document_number,
            "date": numbers.date(self.model.current.date),
            "period": f"{self.model.year}年1月1日至{self.model.year}年12月31日",
            "rounding_note": self.rounding_note,
            "cumulative_known": self.model.opening is None or self.model.opening.known,
            "cumulative_heading": self.cumulative_heading,
        }
        return context

    def _rate(self, spec: RateSpec) -> Decimal | None:
        """`spec`'s rate this year: its part of its whole less `less`; None when that is not positive."""
        part = sum(int(self.values[key]) for key in spec.part)
        whole = sum(int(self.values[key]) for key in spec.whole)
        whole -= sum(int(self.values[key]) for key in spec.less)
        return rate(part, whole, self.policy) if whole > 0 else None

    def _agency(self) -> dict[str, Any]:
        profile = self.model.profile
        return {
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

    @property
    def title(self) -> str:
        return f"{self.model.profile.name}{self.model.year}年{self.model.format.title}"

    @property
    def cumulative_heading(self) -> str:
        """The chained column's heading: 历年累计 from a known opening balance; without one, what the sum
        really covers (2016年以来累计; a district sum some of whose agencies have none: 不完整)."""
        opening = self.model.opening
        column = self.format.appendix.cumulative_column if self.format.appendix_rows else ""
        if opening is None or opening.known:
            return column
        if self.model.profile.slug == SUMMARY:
            return f"{column}（部分机关没有期初数，不完整）"
        return f"{opening.as_of + 1}年以来累计"

    @property
    def document_number(self) -> str:
        """元民〔2018〕2号; nothing for a report without a 文号."""
        data = self.model.current
        if data.number is None:
            return ""
        return f"{self.model.profile.doc_prefix}〔{data.date.year}〕{data.number}号"
