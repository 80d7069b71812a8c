"""A format definition's YAML → `ReportFormat`, checked key by key (a wrong one raises `DefinitionError`).

Besides what the YAML says in so many words, the parser works out what follows from the tables: the
figures table 二 and 四 add to figures.yaml, the totals every table computes (`sums`), the chains of
a cumulative history, the label of every figure, and the lists a rule's `each:` may run over.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from nianbao.formats import publisher_checks, tables
from nianbao.formats.rules import PREVIOUS, Expansion, Rule, rules
from nianbao.formats.schema import DefinitionError, build, mapping, only, required, sequence, text, texts
from nianbao.formats.spec import (
    CUMULATIVE,
    HISTORY_KINDS,
    PERCENT_KINDS,
    CarryOver,
    Chain,
    ChangeSpec,
    Deadline,
    Headline,
    History,
    ProseSpec,
    RateSpec,
    ReportFormat,
    Section,
    SharePart,
    ShareSpec,
    SummarySpec,
    WorkbookSheet,
    WorkbookSpec,
)
from nianbao.formats.tables import (
    ActiveTable,
    Appendix,
    ApplicationTable,
    CategorySpec,
    Field,
    Named,
    ReviewTable,
    Sum,
)

KEYS = (
    "id",
    "title",
    "extends",
    "years",
    "history",
    "sections",
    "prose",
    "fields",
    "categories",
    "appendix",
    "active",
    "applications",
    "reviews",
    "rules",
    "shares",
    "changes",
    "carry_over",
    "headline",
    "deadline",
    "summary",
    "workbook",
    "prose_checks",
    "claims",
    "earlier_comparable",
    "rates",
    "prose_skips",
    "prose_share_lists",
    "own_year",
)
ADDED_UP = (
    "rules",
    "shares",
    "carry_over",
    "prose_checks",
    "claims",
    "earlier_comparable",
    "rates",
    "prose_skips",
    "prose_share_lists",
)  # lists a format adds to its part's; other keys replace
MERGED = ("fields",)  # mappings a format adds to its part's (its own keys win)


def extended(raw: Mapping[str, Any], part: Mapping[str, Any] | None) -> dict[str, Any]:
    """A format that says `extends: _part` gets that part's keys; its own keys win, lists add up."""
    if part is None:
        return dict(raw)
    own = {key: value for key, value in raw.items() if key != "extends"}
    added: dict[str, Any] = {
        key: [*part.get(key, []), *own.get(key, [])] for key in ADDED_UP if key in part or key in own
    }
    added.update(
        {
            key: {**(part.get(key) or {}), **(own.get(key) or {})}
            for key in MERGED
            if key in part or key in own
        }
    )
    return {**part, **own, **added}


@dataclass(frozen=True)
class Tables:
    """The tables a definition declares (each may be absent), and what follows from them."""

    categories: CategorySpec | None
    appendix: Appendix | None
    active: ActiveTable | None
    applications: ApplicationTable | None
    reviews: ReviewTable | None

    @classmethod
    def of(cls, raw: Mapping[str, Any], format_id: str) -> Tables:
        def table(key: str, read: Any) -> Any:
            return read(raw[key], key) if key in raw else None

        return cls(
            categories=table("categories", tables.categories),
            appendix=table("appendix", tables.appendix),
            active=table("active", tables.active_table),
            applications=table("applications", partial(tables.application_table, format_id=format_id)),
            reviews=table("reviews", tables.review_table),
        )

    def fields(self) -> dict[str, Field]:
        """The figures tables 二 and 四 add to figures.yaml."""
        return {
            **(self.active.fields() if self.active else {}),
            **(self.reviews.fields() if self.reviews else {}),
        }

    def sums(self) -> tuple[Sum, ...]:
        """Every total the tables compute: the appendix's, then table 三's, then table 四's."""
        categories = self.categories.field if self.categories else None
        if self.appendix and categories is None and any(r.derive == "categories" for r in self.appendix.rows):
            raise DefinitionError("appendix 中有 derive: categories 的行，但格式没有 categories（类别）")
        appendix = self.appendix.sums(categories) if self.appendix else ()
        own = self.categories.total if self.categories else None
        listed = own is not None and own not in {total.key for total in appendix}
        return (
            *appendix,
            *((Sum(str(own), (), categories=categories),) if listed else ()),
            *(self.applications.sums() if self.applications else ()),
            *(self.reviews.sums() if self.reviews else ()),
        )

    def lists(self) -> dict[str, tuple[Named, ...]]:
        """The lists a rule's `each:` may name: table 三's columns and rows, table 二's, the appendix's."""
        return {
            **(self.applications.lists() if self.applications else {}),
            **(self.active.lists() if self.active else {}),
            **(self.appendix.lists() if self.appendix else {}),
        }


def parse(raw: Mapping[str, Any], files: tuple[Path, ...], extends: str | None = None) -> ReportFormat:
    """`raw`: the definition with its part merged in (`extended`); `files`: where it was read from."""
    only(raw, KEYS, "")
    format_id = text(required(raw, "id", ""), "id")
    first, last = _years(raw)
    parts = Tables.of(raw, format_id)
    fields = {
        key: tables.field(str(key), value, f"fields.{key}")
        for key, value in mapping(raw.get("fields") or {}, "fields").items()
    }
    fields.update(parts.fields())
    history = _history(raw.get("history"), parts.appendix)
    sums = parts.sums()
    labels = _labels(fields, parts.appendix, parts.applications, history)
    if parts.categories is not None:
        labels[parts.categories.sum_key] = parts.categories.sum_label
    known = {*labels, *(total.key for total in sums)}
    expansion = Expansion(parts.lists())
    parsed_rules = tuple(rule for at, item in _listed(raw, "rules") for rule in rules(item, expansion, at))
    rates = tuple(_rate(item, at, known) for at, item in _listed(raw, "rates"))
    for rule in parsed_rules:
        _known(rule.keys, known, f"规则 {rule.id}")
    return ReportFormat(
        id=format_id,
        title=text(required(raw, "title", ""), "title"),
        first_year=first,
        last_year=last,
        sections=tuple(build(Section, item, at) for at, item in _listed(raw, "sections", required=True)),
        prose=tuple(build(ProseSpec, item, at) for at, item in _listed(raw, "prose", required=True)),
        fields=fields,
        rules=parsed_rules,
        history=history,
        categories_spec=parts.categories,
        appendix_spec=parts.appendix,
        active=parts.active,
        applications=parts.applications,
        reviews=parts.reviews,
        sums=sums,
        shares=tuple(
            _share(item, at, labels, known, parts.applications) for at, item in _listed(raw, "shares")
        ),
        changes=tuple(_change(item, at, known) for at, item in _listed(raw, "changes")),
        rates=rates,
        carry_over=tuple(
            c for at, item in _listed(raw, "carry_over") for c in _carry(item, at, expansion, known)
        ),
        headline=tuple(_headline(item, at, known) for at, item in _listed(raw, "headline")),
        deadline=_deadline(raw.get("deadline")),
        summary=_summary(raw.get("summary"), labels, fields, parts.appendix, known),
        workbook=_workbook(raw.get("workbook"), parts),
        labels=labels,
        extends=extends,
        files=files,
        **_publisher_checks(raw, known, tuple(spec.key for spec in rates)),
    )


WORKBOOK_TABLES = ("active", "applications", "reviews", "appendix", "categories")


def _workbook(raw: Any, parts: Tables) -> WorkbookSpec | None:
    """`workbook:`: the Excel form's sheets, each naming a table the format declares."""
    if raw is None:
        return None
    items = mapping(raw, "workbook")
    only(items, ("report", "sheets"), "workbook")
    report = mapping(required(items, "report", "workbook"), "workbook.report")
    only(report, ("sheet", "number", "date"), "workbook.report")
    sheets = []
    for at, item in _listed(items, "sheets", required=True):
        sheet = build(WorkbookSheet, item, f"workbook.{at}")
        if sheet.table not in WORKBOOK_TABLES or getattr(parts, sheet.table) is None:
            raise DefinitionError(f"workbook.{at}.table：格式没有表 {sheet.table!r}")
        sheets.append(sheet)
    return WorkbookSpec(
        report_sheet=text(required(report, "sheet", "workbook.report"), "workbook.report.sheet"),
        number_label=text(required(report, "number", "workbook.report"), "workbook.report.number"),
        date_label=text(required(report, "date", "workbook.report"), "workbook.report.date"),
        sheets=tuple(sheets),
    )


def _publisher_checks(raw: Mapping[str, Any], known: set[str], rates: tuple[str, ...]) -> dict[str, Any]:
    """The declarations that catch publishers' mistakes (`publisher_checks.py`), their keys checked."""
    prose = tuple(publisher_checks.prose_check(item, at, rates) for at, item in _listed(raw, "prose_checks"))
    claims = tuple(publisher_checks.claim(item, at) for at, item in _listed(raw, "claims"))
    earlier = tuple(publisher_checks.comparable(item, at) for at, item in _listed(raw, "earlier_comparable"))
    _known(publisher_checks.known_keys([*prose, *claims, *earlier]), known, "prose_checks/claims")
    return {
        "prose_checks": prose,
        "claims": claims,
        "earlier_comparable": earlier,
        "prose_skips": tuple(publisher_checks.prose_skip(i, at) for at, i in _listed(raw, "prose_skips")),
        "prose_share_lists": tuple(
            publisher_checks.share_list(item, at) for at, item in _listed(raw, "prose_share_lists")
        ),
        "own_year": publisher_checks.own_year(raw.get("own_year")),
    }


def _years(raw: Mapping[str, Any]) -> tuple[int, int]:
    years = mapping(required(raw, "years", ""), "years")
    only(years, ("first", "last"), "years")
    first, last = (_year(years, name) for name in ("first", "last"))
    if first > last:
        raise DefinitionError(f"years：first（{first}）不能晚于 last（{last}）")
    return first, last


def _year(years: Mapping[str, Any], name: str) -> int:
    value = required(years, name, "years")
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"years.{name} 应为四位数字的年份，实际为 {value!r}")
    return value


def _listed(raw: Mapping[str, Any], key: str, required: bool = False) -> list[tuple[str, Any]]:
    """(path for messages, item) of each item of a list-valued key."""
    if key not in raw and required:
        raise DefinitionError(f"缺少 {key}")
    return [(f"{key}[{i}]", item) for i, item in enumerate(sequence(raw.get(key) or [], key))]


def _known(keys: tuple[str, ...], known: set[str], at: str) -> None:
    for key in keys:
        if key.removeprefix(PREVIOUS) not in known:
            raise DefinitionError(f"{at} 中的 {key} 不是本格式的数字（既不是填写的，也不是计算的）")


def _history(raw: Any, appendix: Appendix | None) -> History:
    if raw is None:
        raise DefinitionError(f"缺少 history（年度之间如何衔接：kind: {' 或 '.join(HISTORY_KINDS)}）")
    items = mapping(raw, "history")
    only(items, ("kind", "key", "opening", "published"), "history")
    kind = required(items, "kind", "history")
    if kind not in HISTORY_KINDS:
        raise DefinitionError(f"history.kind 应为 {'、'.join(HISTORY_KINDS)} 之一，实际为 {kind!r}")
    if kind != CUMULATIVE:
        if len(items) > 1:
            raise DefinitionError(
                f"history：kind: {kind} 没有 key、opening、published（它们只属于 cumulative）"
            )
        return History(kind)
    if appendix is None:
        raise DefinitionError("history.kind: cumulative 累计的是附表（appendix）的各行，但格式没有 appendix")
    key = text(required(items, "key", "history"), "history.key")
    published = items.get("published")
    return History(
        kind=kind,
        key=key,
        opening=text(required(items, "opening", "history"), "history.opening"),
        published=text(published, "history.published") if published is not None else None,
        chains=tuple(Chain(f"{key}.{row.id}", row.id) for row in appendix.rows),
        opening_rows=appendix.typed_rows,
        opening_sums=appendix.sums(None, prefix=f"{key}."),
    )


def _labels(
    fields: Mapping[str, Field],
    appendix: Appendix | None,
    applications: ApplicationTable | None,
    history: History,
) -> dict[str, str]:
    """Every figure's label: a typed field's own, an appendix row's, table 三's (行：列), and a chained
    figure's (主动公开文件数的历年累计)."""
    labels = {row.id: row.label for row in (appendix.rows if appendix else ())}
    labels.update(applications.cells() if applications else {})
    labels.update({key: spec.label for key, spec in fields.items()})
    column = appendix.cumulative_column if appendix else ""
    for chain in history.chains:
        row = labels.get(chain.of, chain.of)
        labels[chain.key] = f"{row}的{column}"
        if history.published is not None:
            labels[f"{history.published}.{chain.of}"] = f"{row}的已发布{column}"
    return labels


def _share(
    raw: Any, at: str, labels: Mapping[str, str], known: set[str], table: ApplicationTable | None
) -> ShareSpec:
    items = mapping(raw, at)
    parts_raw = required(items, "parts", at)
    if isinstance(parts_raw, Mapping):  # {rows_under: apply.result, column: total}: table 三's kinds
        parts = _table_parts(parts_raw, f"{at}.parts", table)
    elif parts_raw and all(isinstance(part, Mapping) for part in parts_raw):  # {id, label, keys}: a sum
        parts = tuple(_summed_part(part, f"{at}.parts[{i}]", known) for i, part in enumerate(parts_raw))
    else:
        keys = texts(parts_raw, f"{at}.parts")
        _known(keys, known, at)
        parts = tuple(SharePart(key, labels.get(key, key), (key,)) for key in keys)
    spec = build(ShareSpec, items, at, parts=parts)
    _kind(spec.kind, at)
    if spec.printed_total is not None:
        _known((spec.printed_total,), known, at)
    if spec.of is not None:
        _known((spec.of,), known, at)
        if len(parts) != 1:
            raise DefinitionError(f"{at}：写了 of（一个数占另一个数的比例）时，parts 只能有一项")
    if not parts:
        raise DefinitionError(f"{at}.parts 至少要有一项")
    return spec


def _summed_part(raw: Mapping[str, Any], at: str, known: set[str]) -> SharePart:
    """`{id: disclosed, label: 予以公开及部分公开, keys: [a, b]}`: a part counting several figures."""
    only(raw, ("id", "label", "keys"), at)
    keys = texts(required(raw, "keys", at), f"{at}.keys")
    _known(keys, known, at)
    return SharePart(
        text(required(raw, "id", at), f"{at}.id"), text(required(raw, "label", at), f"{at}.label"), keys
    )


def _table_parts(raw: Mapping[str, Any], at: str, table: ApplicationTable | None) -> tuple[SharePart, ...]:
    only(raw, ("rows_under", "column"), at)
    if table is None:
        raise DefinitionError(f"{at}：rows_under 指表三（applications）的行，但格式没有表三")
    heading = text(required(raw, "rows_under", at), f"{at}.rows_under")
    column = text(required(raw, "column", at), f"{at}.column")
    if heading not in {row.id for row in table.rows} or column not in {c.id for c in table.all_columns}:
        raise DefinitionError(f"{at}：表三没有行 {heading} 或列 {column}")
    return tuple(
        SharePart(row.id.rsplit(".", 1)[-1], row.label, tuple(f"{leaf.id}.{column}" for leaf in leaves))
        for row, leaves in table.kinds(heading)
    )


def _rate(raw: Any, at: str, known: set[str]) -> RateSpec:
    items = mapping(raw, at)
    lists = {name: texts(items.get(name) or [], f"{at}.{name}") for name in ("part", "whole", "less")}
    spec = build(RateSpec, items, at, **lists)
    _kind(spec.kind, at)
    _known((*spec.part, *spec.whole, *spec.less), known, at)
    return spec


def _kind(kind: str, at: str) -> None:
    """Which of a profile's percent policies prints a share or rate: one of PERCENT_KINDS."""
    if kind not in PERCENT_KINDS:
        raise DefinitionError(f"{at}.kind 应为 {'、'.join(PERCENT_KINDS)} 之一，实际为 {kind}")


def _change(raw: Any, at: str, known: set[str]) -> ChangeSpec:
    change = build(ChangeSpec, raw, at)
    _known((change.key,), known, at)
    return change


def _carry(raw: Any, at: str, expansion: Expansion, known: set[str]) -> list[CarryOver]:
    """`{each: …, to: <this year's key>, from: <the year before's keys>}`, expanded like a rule."""
    items = mapping(raw, at)
    only(items, ("each", "to", "from"), at)
    target = text(required(items, "to", at), f"{at}.to")
    carried = [
        CarryOver(Expansion.fill(target, bound), expansion.keys(required(items, "from", at), bound, at))
        for bound in expansion.bindings(items.get("each"), at)
    ]
    _known(tuple(item.key for item in carried), known, f"{at}.to")
    return carried


def _headline(raw: Any, at: str, known: set[str]) -> Headline:
    headline = build(Headline, raw, at)
    _known((headline.key,), known, at)
    return headline


def _deadline(raw: Any) -> Deadline | None:
    """`deadline: {agency: 01-31, government: 03-31, basis: …}`: month-day of the following year."""
    if raw is None:
        return None
    items = mapping(raw, "deadline")
    only(items, ("agency", "government", "basis"), "deadline")
    agency, government = (
        _month_day(required(items, key, "deadline"), f"deadline.{key}") for key in ("agency", "government")
    )
    return Deadline(agency, government, text(required(items, "basis", "deadline"), "deadline.basis"))


def _month_day(raw: Any, at: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2})-(\d{2})", raw) if isinstance(raw, str) else None
    if match is None:
        raise DefinitionError(f"{at} 应为“月-日”（如 01-31），实际为 {raw!r}")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2001, month, day)  # not a leap year: 02-29 has no deadline every year
    except ValueError:
        raise DefinitionError(f"{at} 不是一个日期：{raw!r}") from None
    return month, day


def _summary(
    raw: Any,
    labels: Mapping[str, str],
    fields: Mapping[str, Field],
    appendix: Appendix | None,
    known: set[str],
) -> SummarySpec:
    """`draw`: the Report drawings; `breakdown`: the keys of the per-agency columns, headed by their
    labels, with the unit in brackets when `units: true` (the appendix's rows print their unit)."""
    if raw is None:
        return SummarySpec()
    items = mapping(raw, "summary")
    only(items, ("draw", "breakdown", "units"), "summary")
    keys = texts(items.get("breakdown") or [], "summary.breakdown")
    _known(keys, known, "summary.breakdown")
    units = {row.id: row.unit for row in (appendix.rows if appendix else ())}
    units.update({key: spec.unit for key, spec in fields.items()})
    with_units = items.get("units", False) is True
    return SummarySpec(
        draw=texts(items.get("draw") or [], "summary.draw"),
        breakdown=tuple(
            (key, f"{labels.get(key, key)}（{units.get(key, '')}）" if with_units else labels.get(key, key))
            for key in keys
        ),
    )


def rules_of(items: list[Any], lists: Mapping[str, Sequence[str | Named]]) -> list[Rule]:
    """The rules of a list of YAML rule entries, expanded over `lists` (tests build small formats so)."""
    expansion = Expansion(lists)
    return [rule for i, item in enumerate(items) for rule in rules(item, expansion, f"rules[{i}]")]
