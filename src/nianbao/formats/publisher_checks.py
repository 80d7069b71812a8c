"""What a format declares to catch publishers' mistakes (issues 14, 27): the phrases in the agency's
prose that state a figure (`prose_checks`: counts, shares, rates, changes from last year, cumulative
counts, the agency's own categories), the phrases whose numbers are not the report's whole figures
(`prose_skips`: cumulative counts where the format has none, a level or a sub-unit), the shares typed
together that cannot add up to more than 100 (`prose_share_lists`), the phrases stating a year as the
report's own (`own_year`), the claims that some figures are zero (`claims`), the agency levels whose
deadlines differ (`LEVELS`; the format's `deadline:` gives them), and the figures comparable with the
year before when that year is in another format (`earlier_comparable`). Code reads these; it never
writes a phrase, a deadline or a mapping of keys itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.formats.schema import DefinitionError, build, mapping, required, texts

NUMBER = "{n}"  # where a pattern's number stands: digits, full-width digits or Chinese numerals
CATEGORY = "{category}"  # where a pattern names one of the agency's categories (its name as typed)
YEAR = "{year}"  # where an `own_year` pattern's year stands
LEVELS = ("department", "government")
# what a stated number is compared with: the sum of `keys` (count), their share of `of` (share), a rate
# of `rates:` (rate), or this year's sum of `keys` against last year's: the difference (比上年增加3件),
# the change in percent of last year's (同比增长15%) or the multiple (是上年的1.5倍)
FIGURES = ("count", "share", "rate", "difference", "change", "multiple")
FROM_LAST_YEAR = ("difference", "change", "multiple")


@dataclass(frozen=True)
class ProseCheck:
    """A phrase stating a figure: `patterns` (regular expressions, `{n}` standing for the number) find
    it; the number is compared with the table's `figure` (see FIGURES; `of` alone means a share).
    A change from last year is a decrease when the pattern's group `down` took part in the match.
    `categories`: the figure is the count (or share of their total) of the agency's category whose name
    stands for `{category}` in the pattern. `listed`: a share that counts in the shares typed together
    (not one that contains others, such as 予以公开及部分公开). `label`: how the message names the
    figure; `placeholder`: what the clerk should type instead (`{i}`: the category's place, from 0)."""

    id: str
    label: str
    patterns: tuple[str, ...]
    placeholder: str
    keys: tuple[str, ...] = ()
    of: str | None = None
    figure: str = "count"
    rate: str | None = None
    categories: bool = False
    listed: bool = True

    @property
    def is_share(self) -> bool:
        return self.of is not None or self.figure in ("share", "rate", "change")

    @property
    def from_last_year(self) -> bool:
        return self.figure in FROM_LAST_YEAR


@dataclass(frozen=True)
class ProseSkip:
    """Phrases whose numbers are not the report's own whole figures (a cumulative count where the format
    has none, a level's or a sub-unit's figure): a check does not read a number inside the text a
    pattern matches, unless the check's own phrase starts there too (累计主动公开… read as cumulative).
    `why` is the reason, for the reader of the definition."""

    id: str
    why: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class ShareList:
    """Shares typed in one sentence (up to 。！？): those the checks read as `listed` and those
    `patterns` find besides; together they cannot add up to more than 100 (beyond what rounding each
    to its decimals allows). A phrase `restarts` finds starts another list (“其中”, a new total).
    `label` names them in the message."""

    id: str
    label: str
    patterns: tuple[str, ...]
    restarts: tuple[str, ...] = ()


@dataclass(frozen=True)
class OwnYear:
    """A clause stating a year as the report's own (“2025年，本局…”): `patterns` are matched against each
    clause of the narrative (split at ，；。：), with `{year}` for the year (four digits, or 二〇二五),
    after blanking the text `citations` match (《…》 titles, （2019年修订）). A year before the report's
    is a warning; a later one is a plan."""

    patterns: tuple[str, ...]
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    """A phrase claiming every case ended one way (“均获维持”): found by `patterns`, it is contradicted
    when any of `keys` is not zero; `says` is the claim as the message restates it."""

    id: str
    says: str
    keys: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Comparable:
    """A figure of this format (the sum of `keys`) that compares with the sum of `earlier` in the
    format of the year before (a 2019 report with a 2018 pre2019 year)."""

    id: str
    label: str
    unit: str
    keys: tuple[str, ...]
    earlier: tuple[str, ...]


def prose_check(raw: Any, at: str, rates: Sequence[str] = ()) -> ProseCheck:
    """One of `prose_checks:`; `rates`: the keys of the format's `rates:` a rate may name."""
    items = mapping(raw, at)
    figure = items.get("figure", "share" if items.get("of") is not None else "count")
    check = build(
        ProseCheck,
        items,
        at,
        keys=texts(items.get("keys", []), f"{at}.keys") if items.get("keys") is not None else (),
        patterns=_patterns(required(items, "patterns", at), f"{at}.patterns"),
        figure=figure,
    )
    if figure not in FIGURES:
        raise DefinitionError(f"{at}.figure 应为 {'、'.join(FIGURES)} 之一，实际为 {figure!r}")
    if (check.of is not None and figure != "share") or (
        figure == "share" and check.of is None and not check.categories
    ):
        raise DefinitionError(f"{at}：figure: share 要写 of（占哪个数的比例），写了 of 就是 share")
    if figure == "rate" and (check.rate not in rates or check.keys):
        raise DefinitionError(f"{at}.rate 应为本格式 rates: 中的一项（{'、'.join(rates)}），不写 keys")
    if check.categories:
        if figure not in ("count", "share") or check.keys:
            raise DefinitionError(f"{at}：categories: true 只用于类别的条数和占比，不写 keys")
        missing = [p for p in check.patterns if CATEGORY not in p]
        if missing:
            raise DefinitionError(f"{at}.patterns 中没有 {CATEGORY}（类别名称所在的位置）：{missing[0]}")
    elif figure != "rate" and not check.keys:
        raise DefinitionError(f"{at}.keys 至少要有一项")
    return check


def prose_skip(raw: Any, at: str) -> ProseSkip:
    items = mapping(raw, at)
    return build(
        ProseSkip,
        items,
        at,
        patterns=_patterns(required(items, "patterns", at), f"{at}.patterns", number=False),
    )


def share_list(raw: Any, at: str) -> ShareList:
    items = mapping(raw, at)
    return build(
        ShareList,
        items,
        at,
        patterns=_patterns(required(items, "patterns", at), f"{at}.patterns"),
        restarts=_patterns(items.get("restarts", []), f"{at}.restarts", number=False),
    )


def own_year(raw: Any) -> OwnYear | None:
    if raw is None:
        return None
    at = "own_year"
    items = mapping(raw, at)
    patterns = _patterns(required(items, "patterns", at), f"{at}.patterns", number=False)
    missing = [p for p in patterns if YEAR not in p]
    if missing:
        raise DefinitionError(f"{at}.patterns 中没有 {YEAR}（年份所在的位置）：{missing[0]}")
    citations = _patterns(items.get("citations", []), f"{at}.citations", number=False)
    return build(OwnYear, items, at, patterns=patterns, citations=citations)


def claim(raw: Any, at: str) -> Claim:
    items = mapping(raw, at)
    return build(
        Claim,
        items,
        at,
        keys=texts(required(items, "keys", at), f"{at}.keys"),
        patterns=_patterns(required(items, "patterns", at), f"{at}.patterns", number=False),
    )


def comparable(raw: Any, at: str) -> Comparable:
    items = mapping(raw, at)
    return build(
        Comparable,
        items,
        at,
        keys=texts(required(items, "keys", at), f"{at}.keys"),
        earlier=texts(required(items, "earlier", at), f"{at}.earlier"),
    )


def _patterns(raw: Any, at: str, number: bool = True) -> tuple[str, ...]:
    patterns = texts(raw, at)
    for i, pattern in enumerate(patterns):
        if number and NUMBER not in pattern:
            raise DefinitionError(f"{at}[{i}] 中没有 {NUMBER}（数字所在的位置）：{pattern}")
        try:
            re.compile(pattern.replace(NUMBER, "0").replace(CATEGORY, "x").replace(YEAR, "2019"))
        except re.error as error:
            raise DefinitionError(f"{at}[{i}] 不是有效的正则表达式（{error}）：{pattern}") from None
    return patterns


def known_keys(checks: Sequence[ProseCheck | Claim | Comparable]) -> tuple[str, ...]:
    """Every key these declarations read in their own format (not `earlier`, which is the other's)."""
    keys: list[str] = []
    for check in checks:
        keys += check.keys
        if isinstance(check, ProseCheck) and check.of:
            keys.append(check.of)
    return tuple(keys)
