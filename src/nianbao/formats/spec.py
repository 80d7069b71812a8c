"""A report format as one object: what it prints, what a person types, what it computes, how it chains.

Everything that differs between formats is a field here, filled from the format's YAML by `parse.py`;
code outside `formats/` reads these fields and never asks which format it has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.formats.publisher_checks import Claim, Comparable, OwnYear, ProseCheck, ProseSkip, ShareList
from nianbao.formats.rules import PREVIOUS, Rule
from nianbao.formats.tables import (
    ActiveTable,
    Appendix,
    AppendixRow,
    ApplicationTable,
    CategorySpec,
    Field,
    ReviewTable,
    Sum,
)

OPEN_ENDED = 9999  # `years: {last: 9999}`: the format in force today
CUMULATIVE = "cumulative"  # history kind: 历年累计, chained from an opening balance
CARRY_OVER = "carry_over"  # history kind: each year compared with the one before (上年结转)
HISTORY_KINDS = (CUMULATIVE, CARRY_OVER)


@dataclass(frozen=True)
class Section:
    id: str
    label: str


@dataclass(frozen=True)
class ProseSpec:
    id: str
    heading: str
    part_of: str | None = None  # a sub-head of a section (the five parts of 一、总体情况)
    # what the section is for, in a few words: `make next-year` writes it under the heading of a year
    # with no text to copy (the year before was imported, or its words were never written)
    hint: str | None = None


@dataclass(frozen=True)
class Chain:
    """A running total: `key` this year = `key` last year + `of` this year (历年累计 of a row)."""

    key: str
    of: str


@dataclass(frozen=True)
class History:
    """How a report's years hang together.

    `cumulative`: every row of the appendix is chained (`cumulative.<row>`) from an opening balance
    (`opening`, a file in `data/<agency>/`) through every year since, all of which must be on file.
    `carry_over`: a report reads the year before when it is on file in a format of the same kind, for
    the chaining rules (`prev:`) and the year-on-year changes; nothing is chained, no opening is needed.
    """

    kind: str
    key: str | None = None  # cumulative: the prefix of the chained figures
    opening: str | None = None  # cumulative: the opening balance's file name
    published: str | None = None  # cumulative: figures.yaml's optional copy of the printed chain
    chains: tuple[Chain, ...] = ()
    opening_rows: tuple[AppendixRow, ...] = ()  # the rows whose opening balance is typed
    opening_sums: tuple[Sum, ...] = ()  # the others, summed from them

    def reads_year_before(self, before: History | None) -> bool:
        """Whether a report also reads the previous year, when on file (`before`: that year's history)."""
        return self.kind == CARRY_OVER and before is not None and before.kind == CARRY_OVER

    def published_rows(self) -> tuple[str, ...]:
        """The keys figures.yaml may copy under `published` (`published_cumulative.<row>`)."""
        if self.published is None:
            return ()
        return tuple(f"{self.published}.{chain.of}" for chain in self.chains)


@dataclass(frozen=True)
class SharePart:
    id: str  # what `{part}` stands for in the share's keys
    label: str
    keys: tuple[str, ...]  # the figures whose sum is the part's count


# the kinds of figure a profile's `percent:` may print each in a way of their own (`percent.rates.…`)
PERCENT_KINDS = ("shares", "rates", "changes")
# what a placeholder of the year-on-year changes (`yoy.…`) is called when the format has none
YOY_WORDS = "与上年相比"


@dataclass(frozen=True)
class ShareSpec:
    """Each part's share of the parts' sum in percent, rounded as the agency's percent policy says; with
    `of`, the one part's rate of that figure instead (全文电子化率).

    The keys are the placeholders' names, `{part}` standing for each part's id."""

    key: str  # each part's share: share.{part}, outcome.{part}.share
    parts: tuple[SharePart, ...]
    of: str | None = None
    count: str | None = None  # each part's count as a placeholder (outcome.{part}.count)
    label: str | None = None  # each part's short label as a placeholder (outcome.{part}.label)
    total: str | None = None  # the parts' sum as a placeholder (outcome.total)
    list: str | None = None  # the parts as a list (label, count, share) for loops and charts (outcomes)
    kind: str = "shares"  # which of the profile's percent policies prints it (PERCENT_KINDS)
    # the total a published report prints above the parts (apply.total), when it may be typed: in a year
    # typed as printed whose total differs from the parts, the shares are of it if the year says
    # `share_base: printed_total`, and the page says which base it used
    printed_total: str | None = None
    # where the page prints its notes (`notes.<place>`): the shares missing 100, a printed total that
    # differs from the parts
    note: str | None = None
    # the parts are figures a report may leave out (channels, 全文电子化率): no share unless all are typed
    optional: bool = False
    words: str | None = None  # what the figure is called in a message (申请渠道的占比)

    def at(self, template: str, part: SharePart) -> str:
        return template.replace("{part}", part.id)


@dataclass(frozen=True)
class RateSpec:
    """A rate publishers cite, as a placeholder `key`: the sum of `part` in percent of the sum of `whole`
    less the sum of `less` (办结率 = （七）总计 / (一 + 二); 纠错率 = 结果纠正 / (总计 − 尚未审结));
    “—” when that is zero."""

    key: str
    label: str
    part: tuple[str, ...]
    whole: tuple[str, ...]
    less: tuple[str, ...] = ()
    kind: str = "rates"  # which of the profile's percent policies prints it (PERCENT_KINDS)


@dataclass(frozen=True)
class ChangeSpec:
    """A figure whose change from last year the report states (new applications, disclosures, reviews)."""

    id: str
    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class CarryOver:
    """One of next year's opening figures: `key` (next year's) = the sum of `parts` (this year's)."""

    key: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Headline:
    """A figure the index lists for every report: the column `id` (same id, same column in every
    format), its heading, and the key of this format's figure."""

    id: str
    label: str
    key: str


@dataclass(frozen=True)
class Deadline:
    """By when a year's report must be published: `month`-`day` of the following year, that day included
    (条例's “在每年1月31日前”), for an agency (`agency`) and for a government's own report compiled from its
    departments' (`government`); `basis`: the article that says so."""

    agency: tuple[int, int]
    government: tuple[int, int]
    basis: str

    def of_agency(self, year: int) -> dt.date:
        """The last day an agency's report for `year` may be published."""
        return dt.date(year + 1, *self.agency)

    def of_government(self, year: int) -> dt.date:
        return dt.date(year + 1, *self.government)

    def of(self, level: str, year: int) -> dt.date:
        """The last day for the profile's `level` (department or government)."""
        return self.of_government(year) if level == "government" else self.of_agency(year)


@dataclass(frozen=True)
class SummarySpec:
    """The district summary: the `Report` drawings it shows (the template's own), and the columns of
    its per-agency table as (key, heading); the first column is also drawn as bars."""

    draw: tuple[str, ...] = ()
    breakdown: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WorkbookSheet:
    """One sheet of the Excel form (`make workbook`): the table it lays out (`active`, `applications`,
    `reviews`, `appendix`, `categories`), the sheet's name (the `表三` of `表三!D9`), and the section whose
    label is printed above it (None: the table's own title, as the appendix's 附表)."""

    table: str
    name: str
    section: str | None = None


@dataclass(frozen=True)
class WorkbookSpec:
    """The Excel form: first the sheet of the report's own figures (its name and the labels of the
    document number and date rows; the format's fields no table holds follow them), then one sheet per
    printed table."""

    report_sheet: str
    number_label: str
    date_label: str
    sheets: tuple[WorkbookSheet, ...]


@dataclass(frozen=True)
class ReportFormat:
    id: str
    title: str
    first_year: int
    last_year: int
    sections: tuple[Section, ...]
    prose: tuple[ProseSpec, ...]
    fields: dict[str, Field]  # every figure typed in figures.yaml, by key (tables 二 and 四 included)
    rules: tuple[Rule, ...]
    history: History
    categories_spec: CategorySpec | None = None  # the agency's own categories (pre2019)
    appendix_spec: Appendix | None = None  # the appendix with its 历年累计 (pre2019)
    active: ActiveTable | None = None  # table 二
    applications: ApplicationTable | None = None  # table 三, typed in its own CSV
    reviews: ReviewTable | None = None  # table 四
    sums: tuple[Sum, ...] = ()  # every total it computes, in the order they are computed
    shares: tuple[ShareSpec, ...] = ()
    changes: tuple[ChangeSpec, ...] = ()  # figures compared with last year's
    rates: tuple[RateSpec, ...] = ()  # 办结率, 纠错率: placeholders
    carry_over: tuple[CarryOver, ...] = ()  # its opening figures, from the year before
    headline: tuple[Headline, ...] = ()
    deadline: Deadline | None = None  # the legal deadline of publication
    summary: SummarySpec = SummarySpec()
    workbook: WorkbookSpec | None = None  # the Excel form for this format's figures
    labels: dict[str, str] = field(default_factory=dict)  # every figure's label, by key
    extends: str | None = None  # the shared part (`_national`) its definition builds on
    files: tuple[Path, ...] = ()  # its definition: its own file, then the part it extends
    # what catches publishers' mistakes (issue 14): phrases of the prose stating figures, claims that
    # figures are zero, the report's legal deadline by level, figures comparable with another format's
    prose_checks: tuple[ProseCheck, ...] = ()
    claims: tuple[Claim, ...] = ()
    earlier_comparable: tuple[Comparable, ...] = ()
    prose_skips: tuple[ProseSkip, ...] = ()  # phrases whose numbers are not the whole's (issue 27)
    prose_share_lists: tuple[ShareList, ...] = ()  # shares typed together: at most 100 in all
    own_year: OwnYear | None = None  # phrases stating a year as the report's own

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @property
    def span(self) -> str:
        """The years it governs, as a message shows them: 2008—2018, or 2021 年起 for the current format."""
        return (
            f"{self.first_year} 年起"
            if self.last_year >= OPEN_ENDED
            else f"{self.first_year}—{self.last_year}"
        )

    @property
    def categories(self) -> CategorySpec:
        if self.categories_spec is None:
            raise ValueError(f"format {self.id} has no categories")  # a bug: asked by a drawing of another
        return self.categories_spec

    @property
    def appendix(self) -> Appendix:
        if self.appendix_spec is None:
            raise ValueError(f"format {self.id} has no appendix")  # a bug: asked by a drawing of another
        return self.appendix_spec

    @property
    def category_specs(self) -> tuple[CategorySpec, ...]:
        """The lists of categories a person names and counts (none, or pre2019's active.categories)."""
        return () if self.categories_spec is None else (self.categories_spec,)

    @property
    def appendix_rows(self) -> tuple[AppendixRow, ...]:
        return () if self.appendix_spec is None else self.appendix_spec.rows

    @property
    def file_tables(self) -> tuple[ApplicationTable, ...]:
        """The tables typed in a file of their own beside figures.yaml (table 三's CSV)."""
        return () if self.applications is None else (self.applications,)

    @property
    def printed_tables(self) -> tuple[ActiveTable, ApplicationTable, ReviewTable] | None:
        """Tables 二, 三 and 四 when the format prints all three: what a published page is read back
        into (`nianbao import`); None for a format without them."""
        if self.active is None or self.applications is None or self.reviews is None:
            return None
        return (self.active, self.applications, self.reviews)

    @property
    def cumulative(self) -> bool:
        """Whether reports read an opening balance. Only for `build.input_files`, until the read-once
        work records what a build read; nothing else may ask (tests/unit/test_format_kinds.py)."""
        return self.history.opening is not None

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def file_of(self, key: str) -> str | None:
        """The input file a typed figure is written in: a file table's (applications.csv), the opening
        balance's (opening.yaml, in the agency's folder), or the year's figures.yaml (None)."""
        for table in self.file_tables:
            if key in table.cells():
                return table.file
        if self.history.key is not None and key.startswith(f"{self.history.key}."):
            return self.history.opening
        return None

    def label(self, key: str) -> str:
        """How a message names a figure: its label in the printed form, else its key."""
        return self.labels.get(key.removeprefix(PREVIOUS), key)

    def placeholder_words(self) -> dict[str, str]:
        """What each placeholder of the figures this format declares is called, by its dotted name, for
        a message saying another format has no such figure (“2018 年度格式没有与上年相比”)."""
        words = {key: spec.label for key, spec in self.fields.items()}
        for share in self.shares:
            for part in share.parts:
                named = share.words or f"{part.label}的占比"
                words[share.at(share.key, part)] = named
                for template in (share.count, share.label):
                    if template is not None:
                        words[share.at(template, part)] = share.words or part.label
            if share.total is not None:
                words[share.total] = share.words or share.total
        words.update({rate.key: rate.label for rate in self.rates})
        compared = [(c.id, c.label) for c in self.changes] + [
            (c.id, c.label) for c in self.earlier_comparable
        ]
        for change_id, label in compared:
            words[f"yoy.{change_id}"] = f"{label}{YOY_WORDS}的变化"
        return words

    def rule_files(self) -> tuple[tuple[str | None, tuple[Rule, ...]], ...]:
        """The rules grouped by the file a broken rule is reported against: a file table's (its CSV)
        when the rule reads its cells, first; then figures.yaml (None) for all the others."""
        groups: list[tuple[str | None, tuple[Rule, ...]]] = []
        left = list(self.rules)
        for table in self.file_tables:
            cells = set(table.cells())
            mine = [r for r in left if any(k.removeprefix(PREVIOUS) in cells for k in r.keys)]
            groups.append((table.file, tuple(mine)))
            left = [rule for rule in left if rule not in mine]
        return (*groups, (None, tuple(left)))
