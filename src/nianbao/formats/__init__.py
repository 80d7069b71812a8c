"""Report formats as declarative data.

Each `<id>.yaml` beside this file defines one format: its sections, the figures a person types, the
appendix rows with their labels and units, and its consistency rules. The loader, the checks and the
renderer all read these definitions; no label is written anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FORMATS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Section:
    id: str
    label: str


@dataclass(frozen=True)
class ProseSpec:
    id: str
    heading: str


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    unit: str
    type: str = "count"  # "count": a non-negative integer; "amount": a non-negative sum of money


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


@dataclass(frozen=True)
class ReportFormat:
    id: str
    title: str
    first_year: int
    last_year: int
    sections: tuple[Section, ...]
    prose: tuple[ProseSpec, ...]
    fields: dict[str, Field]
    categories: CategorySpec
    appendix: Appendix
    rules: tuple[Rule, ...]

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

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
    appendix = raw["appendix"]
    columns = appendix["columns"]
    return ReportFormat(
        id=raw["id"],
        title=raw["title"],
        first_year=int(raw["years"]["first"]),
        last_year=int(raw["years"]["last"]),
        sections=tuple(Section(**item) for item in raw["sections"]),
        prose=tuple(ProseSpec(**item) for item in raw["prose"]),
        fields={key: Field(id=key, **value) for key, value in raw["fields"].items()},
        categories=_categories(raw["categories"]),
        appendix=Appendix(
            title=appendix["title"],
            label_column=columns["label"],
            unit_column=columns["unit"],
            cumulative_column=columns["cumulative"],
            rows=tuple(AppendixRow(**row) for row in appendix["rows"]),
        ),
        rules=tuple(
            rule
            for item in raw.get("rules", [])
            for rule in _rules(item, {"appendix": [row["id"] for row in appendix["rows"]]})
        ),
    )


def _rules(raw: dict[str, Any], lists: dict[str, list[str]]) -> list[Rule]:
    """One rule from the YAML, expanded over its `each:` values (their product, in order).

    An `each:` value is a list, or the name of one of the format's own lists in `lists` (e.g. `appendix`,
    every appendix row), so that a list of ids is written once.
    """
    if raw["kind"] not in RULE_KINDS or raw.get("severity", "error") not in SEVERITIES:
        raise ValueError(f"rule {raw['id']}: unknown kind or severity")  # a bug in a shipped format
    bindings: list[dict[str, str]] = [{}]
    for name, listed in raw.get("each", {}).items():
        values = lists[listed] if isinstance(listed, str) else listed
        bindings = [{**bound, name: str(value)} for bound in bindings for value in values]

    def fill(text: str, bound: dict[str, str]) -> str:
        for name, value in bound.items():
            text = text.replace(f"{{{name}}}", value)
        return text

    def keys(side: str | list[str], bound: dict[str, str]) -> tuple[str, ...]:
        return tuple(fill(key, bound) for key in ([side] if isinstance(side, str) else side))

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
    for path in sorted(FORMATS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            loaded.append(_parse(yaml.safe_load(handle)))
    return tuple(sorted(loaded, key=lambda fmt: fmt.first_year))


def format_for_year(year: int) -> ReportFormat | None:
    """The format that governs reports for `year`, or None if nianbao does not support that year yet."""
    for fmt in all_formats():
        if fmt.covers(year):
            return fmt
    return None
