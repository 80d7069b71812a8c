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


@dataclass(frozen=True)
class YearData:
    """One year's typed figures, from `data/<agency>/<year>/figures.yaml`."""

    year: int
    number: int
    date: dt.date
    values: Mapping[str, Number]
    categories: tuple[tuple[str, int], ...] = ()
    shown: Mapping[str, str] = field(default_factory=dict)  # cells typed as not applicable (—): as typed
    warnings: tuple[str, ...] = ()  # what reviewers should check about how cells were typed
    source: str | None = None  # the one file every figure was typed in (the Excel form), when so


@dataclass(frozen=True)
class Opening:
    """Cumulative counts up to the end of `as_of` by row, from the opening balance's file
    (`data/<agency>/opening.yaml`)."""

    as_of: int
    cumulative: Mapping[str, int]
    warnings: tuple[str, ...] = ()  # what reviewers should check about how its cells were typed


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

    @property
    def current(self) -> YearData:
        return self.history[self.year]

    @property
    def previous(self) -> YearData | None:
        """Last year's figures, when on file (for year-on-year changes)."""
        return self.history.get(self.year - 1)
