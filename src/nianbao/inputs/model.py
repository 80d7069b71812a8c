"""The checked model: what the data files say, typed and validated, before anything is derived."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.formats import ReportFormat
from nianbao.formats.spec import PERCENT_KINDS

Number = int | Decimal


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class Contact:
    office: str
    address: str
    phone: str


# how shares are rounded: each on its own (half_up); so they add up to 100, the missing units going to the
# shares that lost most (largest_remainder) or, as publishers adjust by hand, to the largest (largest_share)
ROUNDINGS = ("half_up", "largest_remainder", "largest_share")
# trailing zeros: kept (False: 20.0%, 6.00%), dropped (True: 20%, 6%), or dropped only from a whole
# percent (`whole`: 100%, 50% beside 2.10%, as most publishers print)
TRIMS: tuple[bool | str, ...] = (True, False, "whole")


@dataclass(frozen=True)
class PercentPolicy:
    """How an agency prints its percentages (`percent:` in its profile, else the district's, else this
    default).

    `decimals`: 0, 1 or 2 places; `rounding`: `half_up` (each share correctly rounded on its own, the way
    a reader recomputing it gets it), `largest_remainder` or `largest_share` (rounded so the shares add up
    to 100; see `inputs.shares.shares`); `trim_zeros`: see TRIMS. `kinds`: the policy of a kind of figure
    that prints otherwise (`percent: {rates: {decimals: 0}}`), by kind, each complete; `of` gives it."""

    decimals: int = 1
    rounding: str = "half_up"
    trim_zeros: bool | str = False
    kinds: tuple[tuple[str, PercentPolicy], ...] = ()

    def of(self, kind: str) -> PercentPolicy:
        """The policy for one kind of figure (shares, rates, changes): its own when the profile gives
        one, else this one (without the kinds)."""
        if kind not in PERCENT_KINDS:
            raise ValueError(kind)  # a bug: a figure of no known kind
        own = dict(self.kinds).get(kind)
        return own if own is not None else dataclasses.replace(self, kinds=())


# How a report prints its percentages when neither its profile nor the district's says (`percent:`):
# as most publishers do, two decimals kept (2.10%, 85.20%) and a whole percent without them (100%).
# A `percent:` that gives any of the flat keys takes the others from PercentPolicy's own defaults (one
# decimal, half up, zeros kept), as it always has: profiles already written print as they did.
PUBLISHERS = PercentPolicy(decimals=2, trim_zeros="whole")


# In a year typed as printed whose printed total differs from its parts, what the printed shares are of
# (figures.yaml `share_base:`): the parts' sum (the default, as most publishers compute them: 经开区's
# 270 of 694 under a printed 977) or the printed total (嘉莲's shares of its typed 11). The words say it.
SHARE_BASES = {"parts": "各项之和", "printed_total": "原报告所列合计"}


@dataclass(frozen=True)
class Profile:
    """An agency's profile, from `params/<agency>.yaml`."""

    slug: str
    name: str
    self_reference: str
    district: str
    doc_prefix: str
    website: Link
    portal: Link
    contact: Contact
    percent: PercentPolicy = PercentPolicy()
    level: str | None = None  # department or government: which legal deadline its report has


@dataclass(frozen=True)
class Mark:
    """A cell counted as 0 though no 0 was typed in it, for reviewers to check: a not-applicable mark
    (`shown`: —, /), printed as typed, or a blank of a table copied as printed (`shown` empty). A table
    copied with its marks has dozens: `grouped` says them in one warning per file and kind of mark."""

    file: str
    cell: str  # the cell as a message names it (`Place.subject`)
    shown: str
    row: str = ""  # a table's cell: its row and column apart (`Place.row`, `Place.column`)
    column: str = ""

    @property
    def what(self) -> str:
        if not self.shown:
            return "是空白（照已发布的报告），按 0 计算，请核实"
        return f"填的是“{self.shown}”（不适用或没有），按 0 计算，报告中照填写的显示，请核实"

    def __str__(self) -> str:
        return f"{self.file}: {self.cell}{self.what}"


@dataclass(frozen=True)
class YearData:
    """One year's typed figures, from `data/<agency>/<year>/figures.yaml`."""

    year: int
    number: int | None  # the 文号's serial number; None: the report has no 文号
    date: dt.date
    values: Mapping[str, Number]
    categories: tuple[tuple[str, int], ...] = ()
    shown: Mapping[str, str] = field(default_factory=dict)  # cells typed as not applicable (—): as typed
    marks: tuple[Mark, ...] = ()  # cells counted as 0 though no 0 was typed (—, /, a printed blank)
    lines: Mapping[str, int] = field(default_factory=dict)  # the line each typed figure is on, by key
    as_printed: bool = False  # transcribed from a published report (figures.yaml `as_printed: true`)
    source: str | None = None  # the one file every figure was typed in (the Excel form), when so
    share_base: str = "parts"  # what shares are of where a printed total differs (SHARE_BASES)


@dataclass(frozen=True)
class Opening:
    """Cumulative counts up to the end of `as_of` by row, from the opening balance's file
    (`data/<agency>/opening.yaml`)."""

    as_of: int
    cumulative: Mapping[str, int]
    marks: tuple[Mark, ...] = ()  # cells counted as 0 though no 0 was typed (—, /)
    # False: no opening balance is known (no opening.yaml, or a district sum with an agency that has
    # none): the chained figures count only the years on file, and the report says so instead of
    # claiming a 历年累计 since the 条例
    known: bool = True


@dataclass(frozen=True)
class AgencyYear:
    """Everything one report is computed from: the checked model."""

    format: ReportFormat
    profile: Profile
    year: int
    # the years the format's history reads: every year since the opening balance, or this year and
    # the one before when on file
    history: Mapping[int, YearData]
    opening: Opening | None  # only a history that chains from an opening balance (历年累计) has one
    narrative: Mapping[str, str]
    warnings: tuple[str, ...] = field(default=())
    # the year before in another format (a 2018 pre2019 year for a 2019 report), for the figures the
    # formats declare comparable (`earlier_comparable:`); None when that year is in `history` or absent
    earlier: YearData | None = None

    @property
    def current(self) -> YearData:
        return self.history[self.year]

    @property
    def previous(self) -> YearData | None:
        """Last year's figures, when on file (for year-on-year changes)."""
        return self.history.get(self.year - 1)
