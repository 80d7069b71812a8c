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

from nianbao import links
from nianbao.figures import numbers
from nianbao.figures.absent import mark_absent
from nianbao.formats import ReportFormat, ShareSpec, all_formats
from nianbao.formats.spec import YOY_WORDS, RateSpec
from nianbao.inputs.checks import KINDS
from nianbao.inputs.derive import Change, changes, earlier_changes, history_values
from nianbao.inputs.model import SHARE_BASES, AgencyYear, Number, PercentPolicy, YearData
from nianbao.inputs.shares import adds_up, nest, rate, shares
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


def title_parts(name: str, year: int, kind: str, *after: str) -> tuple[str, ...]:
    """A title in the parts a printed title may break between (GB/T 9704 §7.3.3: 回行时要做到词意完整):
    the agency's (or district's) name, the year, the kind of report, anything after it (（汇总）) — never
    inside one, which would split a word, a number or a name."""
    return (name, f"{year}年", kind, *after)


def short_label(label: str) -> str:
    """A row's label without its number and its explanation, as the chart and the prose name it."""
    return NUMBER_AND_EXPLANATION.sub("", label)


def category_lines(
    data: YearData, policy: PercentPolicy, printed: int | None = None
) -> tuple[CategoryLine, ...]:
    """Categories of proactively disclosed information with their shares (the agency's percent policy):
    of the categories' sum, or of `printed` (a printed total the year's shares are of)."""
    counts = [count for _, count in data.categories]
    return tuple(
        CategoryLine(name, count, share)
        for (name, count), share in zip(data.categories, of_base(counts, policy, printed), strict=True)
    )


def of_base(counts: list[int], policy: PercentPolicy, printed: int | None) -> list[Decimal | None]:
    """The shares of `counts`: of their sum (rounded as `policy` says), or each of a printed total that
    differs from it (each rounded half up: shares of another base cannot be made to add up to 100)."""
    if printed is None:
        return shares(counts, policy)
    return [rate(count, printed, policy) for count in counts]


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


def shared(
    spec: ShareSpec, values: Mapping[str, Number], policy: PercentPolicy, printed: int | None = None
) -> list[tuple[int, Decimal | None]]:
    """(count, share) of each part of `spec`: of their sum (or of `printed`, a printed total the year's
    shares are of), or a rate of `of` (rounded by `policy`)."""
    counts = [int(sum(values[key] for key in part.keys)) for part in spec.parts]
    if spec.of is not None:
        return [(counts[0], rate(counts[0], int(values[spec.of]), policy))]
    return list(zip(counts, of_base(counts, policy, printed), strict=True))


def present(spec: ShareSpec, values: Mapping[str, Number]) -> bool:
    """Whether the year gives every figure a share reads (an optional one's parts may all be left out)."""
    keys = [key for part in spec.parts for key in part.keys] + ([spec.of] if spec.of else [])
    return all(key in values for key in keys)


@dataclass(frozen=True)
class ShareGroup:
    """Shares printed together (the categories, or one of the format's `shares:` of a sum): where the page
    prints their notes, their shares as shown, and a printed total that differs from the parts (a year
    typed as printed), with the base the year's shares are of."""

    place: str | None
    shown: tuple[Decimal | None, ...]
    printed_total: str | None = None  # its key, when the format has one
    differs: bool = False  # the year's printed total differs from the parts' sum
    base: str = "parts"  # SHARE_BASES: what the shares are of where it differs

    @property
    def rounding_note(self) -> str:
        """The rounding note where the shares of the parts' sum as shown miss 100, and only there."""
        of_parts = not (self.differs and self.base == "printed_total")
        return numbers.ROUNDING_NOTE if of_parts and not adds_up(self.shown) else ""


Parts = list[tuple[int, Decimal | None]]


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
    # each of the format's `shares:` as (count, share) by part, in its order; None for an optional one
    # the year leaves out
    parted: tuple[Parts | None, ...] = ()
    groups: tuple[ShareGroup, ...] = ()  # the shares printed together, with their notes' places

    @classmethod
    def derive(cls, model: AgencyYear) -> Figures:
        """Step 2: compute every derived figure from the checked model."""
        years = history_values(model)
        values = years[model.year]
        previous = years[model.year - 1] if model.previous is not None else None
        fmt, policy, data = model.format, model.profile.percent, model.current
        share_values: dict[str, Decimal | None] = {}
        lists: dict[str, tuple[Outcome, ...]] = {}
        groups: list[ShareGroup] = []
        categories: tuple[CategoryLine, ...] = ()
        for category in fmt.category_specs:
            counted = sum(count for _, count in data.categories)
            differs, printed = _printed(data, values, category.total, counted)
            categories = category_lines(data, policy.of("shares"), printed)
            if categories:
                shown = tuple(line.share for line in categories)
                groups.append(ShareGroup(category.note, shown, category.total, differs, data.share_base))
        parted: list[Parts | None] = []
        for spec in fmt.shares:
            if spec.optional and not present(spec, values):
                parted.append(None)
                continue
            counted = sum(int(sum(values[key] for key in part.keys)) for part in spec.parts)
            total = spec.printed_total if spec.of is None else None
            differs, printed = _printed(data, values, total, counted)
            parts = shared(spec, values, policy.of(spec.kind), printed)
            parted.append(parts)
            for part, (_, share) in zip(spec.parts, parts, strict=True):
                share_values[spec.at(spec.key, part)] = share
            if spec.of is None:
                shown = tuple(share for _, share in parts)
                groups.append(ShareGroup(spec.note, shown, total, differs, data.share_base))
            if spec.list is not None:
                lists[spec.list] = tuple(
                    Outcome(part.id, part.label, count, share)
                    for part, (count, share) in zip(spec.parts, parts, strict=True)
                )
        return cls(
            model=model,
            values=values,
            previous=previous,
            appendix=_appendix(fmt, values, data.shown),
            categories=categories,
            shares=share_values,
            lists=lists,
            changes=changes(fmt, values, previous)
            or (earlier_changes(fmt, values, model.earlier) if model.earlier is not None else ()),
            parted=tuple(parted),
            groups=tuple(groups),
        )

    @property
    def format(self) -> ReportFormat:
        return self.model.format

    @property
    def policy(self) -> PercentPolicy:
        """How this report prints its shares (the agency's profile, else the district's)."""
        return self.model.profile.percent.of("shares")

    def percent(self, share: Decimal | None, kind: str = "shares") -> str:
        return numbers.percent(share, self.model.profile.percent.of(kind))

    @property
    def rounding_note(self) -> str:
        """“因四舍五入，各项占比之和可能不等于100%。” when some shares shown together do not add up to 100,
        else nothing (`notes.<place>` says it where those shares are printed)."""
        return numbers.ROUNDING_NOTE if any(group.rounding_note for group in self.groups) else ""

    @property
    def notes(self) -> dict[str, str]:
        """What the page says at each place the format names (`notes.<place>`), nothing where all is well:
        in a year typed as printed, each printed total that differs from its parts (照原报告刊印, and the
        base the shares below it are of); the rounding note where shares shown together miss 100."""
        fmt = self.format
        places = [p for rule in fmt.rules for p in rule.page_at]
        places += [spec.note for spec in fmt.shares if spec.note] + [c.note for c in fmt.category_specs]
        found: dict[str, list[str]] = {place: [] for place in places}
        for rule in fmt.rules if self.model.current.as_printed else ():
            note = self._printed_note(rule.left, rule.right, rule.kind, rule.page_note)
            for place in rule.page_at if note else ():
                found[place].append(note)
        for group in self.groups:
            if group.place is not None and group.rounding_note:
                found[group.place].append(group.rounding_note)
        return {place: "".join(dict.fromkeys(notes)) for place, notes in found.items()}

    def _printed_note(
        self, left: tuple[str, ...], right: tuple[str, ...], kind: str, words: str | None
    ) -> str:
        """The page's note on a rule a year typed as printed breaks (its `page_note`), else nothing."""
        if words is None or any(key not in self.values for key in (*left, *right)):
            return ""  # a rule of last year's figures, or of optional ones not given
        left_sum = sum((Decimal(self.values[key]) for key in left), Decimal(0))
        right_sum = sum((Decimal(self.values[key]) for key in right), Decimal(0))
        if KINDS[kind][0](left_sum, right_sum):
            return ""
        said = words.replace("{left}", numbers.amount(left_sum)).replace("{right}", numbers.amount(right_sum))
        group = next((g for g in self.groups if g.differs and (g.printed_total,) == left), None)
        base = f"；各项占比以{SHARE_BASES[group.base]}为基数" if group is not None else ""
        return f"（注：{said}，照原报告刊印{base}。）"

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
            f"{c.label}{numbers.count(int(c.current))}{c.unit}，"
            f"{numbers.change(c, self.model.profile.percent.of('changes'))}"
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
        absent: dict[str, str] = {}
        for spec, parts in zip(self.format.shares, self.parted, strict=True):
            if parts is None:  # an optional figure the year leaves out
                said = f"{self.model.year} 年度没有填写{spec.words or spec.key}所需的数字"
                absent.update({spec.at(spec.key, part): said for part in spec.parts})
                continue
            for part, (_, share) in zip(spec.parts, parts, strict=True):
                flat[spec.at(spec.key, part)] = self.percent(share, spec.kind)
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
            flat[rate_spec.key] = self.percent(self._rate(rate_spec), rate_spec.kind)
        changing = self.model.profile.percent.of("changes")
        for change in self.changes:
            flat[f"yoy.{change.id}.text"] = numbers.change(change, changing)
            flat[f"yoy.{change.id}.previous"] = change.previous
            flat[f"yoy.{change.id}.difference"] = numbers.difference(change)
            sign = "-" if change.delta < 0 and change.rate else ""
            flat[f"yoy.{change.id}.percent"] = sign + numbers.percent(change.rate, changing)
            flat[f"yoy.{change.id}.multiple"] = numbers.multiple(change, changing)
        context = nest(flat)
        context["notes"] = self.notes
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
        mark_absent(context, {**self._not_declared(), **absent})
        return context

    def _not_declared(self) -> dict[str, str]:
        """Why each figure another format declares is not in this report, in words, by its dotted name
        (“2018 年度格式没有与上年相比”); and each change from last year when last year is not on file."""
        year = self.model.year
        words = {
            name: f"{year} 年度格式没有{said}"
            for other in all_formats()
            if other.id != self.format.id
            for name, said in other.placeholder_words().items()
        }
        if not self.changes:
            missing = f"{year - 1} 年度的数据不在系统中，无法{YOY_WORDS}"
            declared = [c.id for c in self.format.changes] + [c.id for c in self.format.earlier_comparable]
            words.update({f"yoy.{change}": missing for change in declared})
        return words

    def _rate(self, spec: RateSpec) -> Decimal | None:
        """`spec`'s rate this year: its part of its whole less `less`; None when that is not positive."""
        part = sum(int(self.values[key]) for key in spec.part)
        whole = sum(int(self.values[key]) for key in spec.whole)
        whole -= sum(int(self.values[key]) for key in spec.less)
        return rate(part, whole, self.model.profile.percent.of(spec.kind)) if whole > 0 else None

    def _agency(self) -> dict[str, Any]:
        profile = self.model.profile
        return {
            "name": profile.name,
            "self_reference": profile.self_reference,
            "district": profile.district,
            # `url` as the clerk typed it (printed), `href` where a link to it goes (with its scheme)
            "website": {"name": profile.website.name, **_address(profile.website.url)},
            "portal": {"name": profile.portal.name, **_address(profile.portal.url)},
            "contact": {
                "office": profile.contact.office,
                "address": profile.contact.address,
                "phone": profile.contact.phone,
            },
        }

    @property
    def title_parts(self) -> tuple[str, ...]:
        return title_parts(self.model.profile.name, self.model.year, self.model.format.title)

    @property
    def title(self) -> str:
        return "".join(self.title_parts)

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


def _printed(
    data: YearData, values: Mapping[str, Number], total: str | None, counted: int
) -> tuple[bool, int | None]:
    """Whether a year typed as printed prints a total (`total`'s value) that differs from its parts'
    sum (`counted`), and that total when the year's shares are of it (`share_base: printed_total`)."""
    if total is None or total not in values or not data.as_printed or int(values[total]) == counted:
        return False, None
    return True, int(values[total]) if data.share_base == "printed_total" else None


def _address(printed: str) -> dict[str, str]:
    """A web address for the template: as printed (`url`) and where a link to it goes (`href`), so the
    template can write it as an explicit link that ends where the address ends."""
    return {"url": printed, "href": links.address_of(printed)}
