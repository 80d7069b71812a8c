"""What a format declares to catch publishers' mistakes (issue 14): the phrases in the agency's prose
that state a figure (`prose_checks`), the claims that some figures are zero (`claims`), the agency
levels whose deadlines differ (`LEVELS`; the format's `deadline:` gives them), and the figures
comparable with the year before when that year is in another format (`earlier_comparable`). Code
reads these; it never writes a phrase, a deadline or a mapping of keys itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.formats.schema import DefinitionError, build, mapping, required, texts

NUMBER = "{n}"  # where a pattern's number stands: digits, full-width digits or Chinese numerals
LEVELS = ("department", "government")


@dataclass(frozen=True)
class ProseCheck:
    """A phrase stating a figure: `patterns` (regular expressions, `{n}` standing for the number) find
    it; the number is compared with the sum of `keys` — or, with `of`, their share of `of` in percent.
    `label`: how the message names the figure; `placeholder`: what the clerk should type instead."""

    id: str
    label: str
    keys: tuple[str, ...]
    patterns: tuple[str, ...]
    placeholder: str
    of: str | None = None

    @property
    def is_share(self) -> bool:
        return self.of is not None


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


def prose_check(raw: Any, at: str) -> ProseCheck:
    items = mapping(raw, at)
    check = build(
        ProseCheck,
        items,
        at,
        keys=texts(required(items, "keys", at), f"{at}.keys"),
        patterns=_patterns(required(items, "patterns", at), f"{at}.patterns"),
    )
    if check.is_share and len(check.keys) < 1:
        raise DefinitionError(f"{at}.keys 至少要有一项")
    return check


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
            re.compile(pattern.replace(NUMBER, "0"))
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
