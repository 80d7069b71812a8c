"""Report formats as declarative data.

Each `<id>.yaml` beside this file defines one format: its sections, the figures a person types, its
tables with their labels and units, and its consistency rules. The loader, the checks and the renderer
all read these definitions; no label is written anywhere else. `pre2019` has the Fujian appendix; the
national formats (`gb2019`, `gb2021`) have tables 二, 三 and 四 and share their common part through
`extends: _national` (files whose name starts with `_` are parts, not formats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nianbao.formats.tables import (
    ActiveTable,
    ApplicationTable,
    Field,
    ReviewTable,
    active_table,
    application_table,
    review_table,
)

FORMATS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Section:
    id: str
    label: str


@dataclass(frozen=True)
class ProseSpec:
    id: str
    heading: str
    part_of: str | None = None  # a sub-head of a section (the five parts of 一、总体情况)


@dataclass(frozen=True)
class CategorySpec:
    field: str
    name_column: str
    count_column: str
    share_column: str
    unit: str
    total_label: str


@dataclass(frozen=True)
class AppendixRow:
    id: str
    label: str
    unit: str
    parent: str | None = None
    derive: str | None = None  # None: typed; "sum": sum of its child rows; "categories": sum of categories


@dataclass(frozen=True)
class Appendix:
    title: str
    label_column: str
    unit_column: str
    cumulative_column: str
    rows: tuple[AppendixRow, ...]

    def children(self, row_id: str) -> tuple[AppendixRow, ...]:
        return tuple(row for row in self.rows if row.parent == row_id)

    @property
    def typed_rows(self) -> tuple[AppendixRow, ...]:
        """Rows whose cumulative opening balance a person types (the others are derived)."""
        return tuple(row for row in self.rows if row.derive != "sum")


@dataclass(frozen=True)
class Rule:
    """One consistency check: `sum(left) <kind> sum(right)`.

    Keys name figures of the report's year; a key written `prev:<key>` names that figure in the previous
    year, so the rule is checked only when the previous year is on file (year chaining). A rule with
    `each: {col: [...]}` in the YAML is expanded into one rule per value, `{col}` substituted everywhere.
    """

    id: str
    kind: str  # "equal" or "at_most"
    left: tuple[str, ...]
    right: tuple[str, ...]
    message: str
    severity: str = "error"  # "error" stops the run; "warning" is reported and listed for reviewers
    optional: bool = False  # checked only in the years whose files give every figure it reads

    @property
    def chains(self) -> bool:
        return any(key.startswith(PREVIOUS) for key in (*self.left, *self.right))


PREVIOUS = "prev:"
RULE_KINDS = ("equal", "at_most")
SEVERITIES = ("error", "warning")
OPEN_ENDED = 9999  # `years: {last: 9999}`: the format in force today


@dataclass(frozen=True)
class ChangeSpec:
    """A figure whose change from last year the report states (new applications, disclosures, reviews)."""

    id: str
    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class ReportFormat:
    id: str
    title: str
    first_year: int
    last_year: int
    sections: tuple[Section, ...]
    prose: tuple[ProseSpec, ...]
    fields: dict[str, Field]
    rules: tuple[Rule, ...]
    categories_spec: CategorySpec | None = None  # pre2019 only
    appendix_spec: Appendix | None = None  # pre2019 only: the appendix with its 历年累计
    active: ActiveTable | None = None  # national formats: table 二
    applications: ApplicationTable | None = None  # national formats: table 三
    reviews: ReviewTable | None = None  # national formats: table 四
    changes: tuple[ChangeSpec, ...] = ()  # figures compared with last year's
    extends: str | None = None  # the shared part (`_national`) its definition builds on

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
            raise ValueError(f"format {self.id} has no categories")  # a bug: only pre2019 code asks
        return self.categories_spec

    @property
    def appendix(self) -> Appendix:
        if self.appendix_spec is None:
            raise ValueError(f"format {self.id} has no appendix")  # a bug: only pre2019 code asks
        return self.appendix_spec

    @property
    def cumulative(self) -> bool:
        """Whether reports carry 历年累计 counts, which need an opening balance (pre2019 only)."""
        return self.appendix_spec is not None

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


def _categories(raw: dict[str, Any]) -> CategorySpec:
    columns = raw["columns"]
    return CategorySpec(
        field=raw["field"],
        name_column=columns["name"],
        count_column=columns["count"],
        share_column=columns["share"],
        unit=raw["unit"],
        total_label=raw["total_label"],
    )


def _parse(raw: dict[str, Any]) -> ReportFormat:
    extends = raw.get("extends")
    raw = _extended(raw)
    fields = {key: Field(id=key, **value) for key, value in raw.get("fields", {}).items()}
    active = active_table(raw["active"]) if "active" in raw else None
    applications = application_table(raw["applications"], raw["id"]) if "applications" in raw else None
    reviews = review_table(raw["reviews"]) if "reviews" in raw else None
    for table in (active, reviews):
        fields.update(table.fields() if table else {})
    lists = {**(applications.lists() if applications else {}), **(active.lists() if active else {})}
    if "appendix" in raw:  # pre2019: `each: {row: appendix}` runs over every appendix row
        lists["appendix"] = tuple((row["id"], row["label"]) for row in raw["appendix"]["rows"])
    return ReportFormat(
        id=raw["id"],
        title=raw["title"],
        first_year=int(raw["years"]["first"]),
        last_year=int(raw["years"]["last"]),
        sections=tuple(Section(**item) for item in raw["sections"]),
        prose=tuple(ProseSpec(**item) for item in raw["prose"]),
        fields=fields,
        rules=tuple(rule for item in raw.get("rules", []) for rule in _rules(item, lists)),
        categories_spec=_categories(raw["categories"]) if "categories" in raw else None,
        appendix_spec=_appendix(raw["appendix"]) if "appendix" in raw else None,
        active=active,
        applications=applications,
        reviews=reviews,
        changes=tuple(ChangeSpec(**item) for item in raw.get("changes", [])),
        extends=extends,
    )


def _appendix(appendix: dict[str, Any]) -> Appendix:
    columns = appendix["columns"]
    return Appendix(
        title=appendix["title"],
        label_column=columns["label"],
        unit_column=columns["unit"],
        cumulative_column=columns["cumulative"],
        rows=tuple(AppendixRow(**row) for row in appendix["rows"]),
    )


def _extended(raw: dict[str, Any]) -> dict[str, Any]:
    """A format that says `extends: _part` gets that part's keys; its own keys win, rules add up."""
    if "extends" not in raw:
        return raw
    with (FORMATS_DIR / f"{raw['extends']}.yaml").open(encoding="utf-8") as handle:
        base: dict[str, Any] = yaml.safe_load(handle)
    own = {key: value for key, value in raw.items() if key != "extends"}
    return {**base, **own, "rules": [*base.get("rules", []), *own.get("rules", [])]}


Named = tuple[str, str]  # (id, label) of a value that a rule's `each:` runs over


def _label(value_id: str, lists: Mapping[str, tuple[Named, ...]]) -> str:
    """The label of a row or column named by id in a rule (规章 for active.regulations), else the id."""
    return next((label for members in lists.values() for i, label in members if i == value_id), value_id)


def _rules(raw: dict[str, Any], listed: Mapping[str, Sequence[str | Named]]) -> list[Rule]:
    """One rule from the YAML, expanded over its `each:` values (their product, in order).

    An `each:` list may be written out or name one of the format's `lists` (e.g. `columns` of table
    三); `{name}` is replaced by the value's id, `{name.label}` by its label. A key containing `[list]`
    stands for one key per member of that list (a sum over e.g. the `leaves` of table 三).
    """
    if raw["kind"] not in RULE_KINDS or raw.get("severity", "error") not in SEVERITIES:
        raise ValueError(f"rule {raw['id']}: unknown kind or severity")  # a bug in a shipped format
    lists = {  # a member given by id alone is its own label
        name: tuple((m, m) if isinstance(m, str) else m for m in members) for name, members in listed.items()
    }
    bindings: list[dict[str, Named]] = [{}]
    for name, values in raw.get("each", {}).items():
        named = (
            lists[values]
            if isinstance(values, str)
            else tuple((str(v), _label(str(v), lists)) for v in values)
        )
        bindings = [{**bound, name: value} for bound in bindings for value in named]

    def fill(text: str, bound: dict[str, Named]) -> str:
        for name, (value_id, label) in bound.items():
            text = text.replace(f"{{{name}.label}}", label).replace(f"{{{name}}}", value_id)
        return text

    def expand(key: str) -> list[str]:
        for name, members in lists.items():
            if f"[{name}]" in key:
                return [key.replace(f"[{name}]", member) for member, _ in members]
        return [key]

    def keys(side: str | list[str], bound: dict[str, Named]) -> tuple[str, ...]:
        sides = [side] if isinstance(side, str) else side
        return tuple(expanded for key in sides for expanded in expand(fill(key, bound)))

    return [
        Rule(
            id=raw["id"],
            kind=raw["kind"],
            left=keys(raw["left"], bound),
            right=keys(raw["right"], bound),
            message=fill(raw["message"], bound),
            severity=raw.get("severity", "error"),
            optional=bool(raw.get("optional", False)),
        )
        for bound in bindings
    ]


@cache
def all_formats() -> tuple[ReportFormat, ...]:
    """Every format definition shipped with nianbao, oldest first."""
    loaded = []
    for path in sorted(FORMATS_DIR.glob("[!_]*.yaml")):
        with path.open(encoding="utf-8") as handle:
            loaded.append(_parse(yaml.safe_load(handle)))
    return tuple(sorted(loaded, key=lambda fmt: fmt.first_year))


def format_for_year(year: int) -> ReportFormat | None:
    """The format that governs reports for `year`, or None if nianbao does not support that year yet."""
    for fmt in all_formats():
        if fmt.covers(year):
            return fmt
    return None
