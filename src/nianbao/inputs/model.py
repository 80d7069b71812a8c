"""The checked model: what the data files say, typed and validated, before anything is derived."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.formats import ReportFormat

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


ROUNDINGS = ("half_up", "largest_remainder")


@dataclass(frozen=True)
class PercentPolicy:
    """How an agency prints its shares (`percent:` in its profile, else the district's, else this default).

    `decimals`: 0, 1 or 2 places; `rounding`: `half_up` (each share correctly rounded on its own, the way
    a reader recomputing it gets it) or `largest_remainder` (rounded so the shares add up to 100);
    `trim_zeros`: drop trailing zeros (20% rather than 20.0%), as some publishers print."""

    decimals: int = 1
    rounding: str = "half_up"
    trim_zeros: bool = False


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
class YearData:
    """One year's typed figures, from `data/<agency>/<year>/figures.yaml`."""

    year: int
    number: int | None  # the 文号's serial number; None: the report has no 文号
    date: dt.date
    values: Mapping[str, Number]
    categories: tuple[tuple[str, int], ...] = ()
    shown: Mapping[str, str] = field(default_factory=dict)  # cells typed as not applicable (—): as typed
    warnings: tuple[str, ...] = ()  # what reviewers should check about how cells were typed
    lines: Mapping[str, int] = field(default_factory=dict)  # the line each typed figure is on, by key
    as_printed: bool = False  # transcribed from a published report (figures.yaml `as_printed: true`)
    source: str | None = None  # the one file every figure was typed in (the Excel form), when so


@dataclass(frozen=True)
class Opening:
    """Cumulative counts up to the end of `as_of` by row, from the opening balance's file
    (`data/<agency>/opening.yaml`)."""

    as_of: int
    cumulative: Mapping[str, int]
    warnings: tuple[str, ...] = ()  # what reviewers should check about how its cells were typed
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
