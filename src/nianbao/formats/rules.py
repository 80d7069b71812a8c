"""Consistency rules as data, and the `each:` expansion that rules and carry-over entries share.

A rule compares two sums of figures. An entry written with `each: {col: [...]}` stands for one entry
per value (the product of several lists, in order), `{col}` replaced by the value's id and `{col.label}`
by its label. A list may be written out or name one of the format's lists (e.g. `columns` of table 三);
a key containing `[list]` stands for one key per member of that list (a sum over e.g. the `leaves`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.formats.schema import DefinitionError, mapping, only, required, text, texts
from nianbao.formats.tables import Named

PREVIOUS = "prev:"
RULE_KINDS = ("equal", "at_most")
SEVERITIES = ("error", "warning")
RULE_KEYS = (
    "id",
    "kind",
    "each",
    "left",
    "right",
    "message",
    "severity",
    "optional",
    "as_printed",
    "page_note",
    "page_at",
)


@dataclass(frozen=True)
class Rule:
    """One consistency check: `sum(left) <kind> sum(right)`.

    Keys name figures of the report's year; a key written `prev:<key>` names that figure in the previous
    year, so the rule is checked only when the previous year is on file (year chaining).
    """

    id: str
    kind: str  # "equal" or "at_most"
    left: tuple[str, ...]
    right: tuple[str, ...]
    message: str
    severity: str = "error"  # "error" stops the run; "warning" is reported and listed for reviewers
    optional: bool = False  # checked only in the years whose files give every figure it reads
    # the severity in a year transcribed from a published report (figures.yaml `as_printed: true`): a
    # printed total that differs from its parts is the publisher's error, flagged rather than refused
    as_printed: str | None = None
    # what the public page says where a year typed as printed breaks the rule (`{left}`, `{right}`: the
    # two sums), and the places (`notes.<place>`) that print it: every place showing the two figures
    page_note: str | None = None
    page_at: tuple[str, ...] = ()

    @property
    def chains(self) -> bool:
        return any(key.startswith(PREVIOUS) for key in (*self.left, *self.right))

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.left, *self.right)


Lists = Mapping[str, Sequence[str | Named]]
Binding = dict[str, Named]


class Expansion:
    """The `each:` bindings of one entry, and its texts and keys filled in for one binding."""

    def __init__(self, listed: Lists) -> None:
        # a member given by id alone is its own label
        self.lists = {
            name: tuple((m, m) if isinstance(m, str) else m for m in members)
            for name, members in listed.items()
        }

    def label(self, value_id: str) -> str:
        """The label of a row or column named by id in a rule (规章 for active.regulations), else the id."""
        members = (member for members in self.lists.values() for member in members)
        return next((label for i, label in members if i == value_id), value_id)

    def bindings(self, each: Any, at: str) -> list[Binding]:
        bound: list[Binding] = [{}]
        for name, values in mapping(each or {}, f"{at}.each").items():
            if isinstance(values, str):
                if values not in self.lists:
                    known = "、".join(self.lists) or "（无）"
                    raise DefinitionError(
                        f"{at}.each.{name}：没有名为 {values} 的列表；本格式的列表：{known}"
                    )
                named = self.lists[values]
            else:
                named = tuple((str(v), self.label(str(v))) for v in texts(values, f"{at}.each.{name}"))
            bound = [{**binding, name: value} for binding in bound for value in named]
        return bound

    @staticmethod
    def fill(words: str, bound: Binding) -> str:
        for name, (value_id, label) in bound.items():
            words = words.replace(f"{{{name}.label}}", label).replace(f"{{{name}}}", value_id)
        return words

    def keys(self, side: Any, bound: Binding, at: str) -> tuple[str, ...]:
        return tuple(key for raw in texts(side, at) for key in self._expand(self.fill(raw, bound)))

    def _expand(self, key: str) -> list[str]:
        for name, members in self.lists.items():
            if f"[{name}]" in key:
                return [key.replace(f"[{name}]", member) for member, _ in members]
        return [key]


def rules(raw: Any, expansion: Expansion, at: str) -> list[Rule]:
    """One rule from the YAML, expanded over its `each:` values."""
    items = mapping(raw, at)
    only(items, RULE_KEYS, at)
    kind, severity = required(items, "kind", at), items.get("severity", "error")
    as_printed = items.get("as_printed")
    if kind not in RULE_KINDS or severity not in SEVERITIES or as_printed not in (None, *SEVERITIES):
        raise DefinitionError(
            f"{at}：kind 应为 {'、'.join(RULE_KINDS)} 之一，severity 应为 {'、'.join(SEVERITIES)} 之一，"
            f"实际为 kind: {kind}，severity: {severity}"
        )
    message = text(required(items, "message", at), f"{at}.message")
    page_note = items.get("page_note")
    page_at = texts(items.get("page_at") or [], f"{at}.page_at")
    if (page_note is None) != (not page_at) or (page_note is not None and as_printed is None):
        raise DefinitionError(f"{at}：page_note 与 page_at 要一起写，且只用于写了 as_printed 的规则")
    return [
        Rule(
            id=text(required(items, "id", at), f"{at}.id"),
            kind=kind,
            left=expansion.keys(required(items, "left", at), bound, f"{at}.left"),
            right=expansion.keys(required(items, "right", at), bound, f"{at}.right"),
            message=expansion.fill(message, bound),
            severity=severity,
            optional=bool(items.get("optional", False)),
            as_printed=as_printed,
            page_note=expansion.fill(text(page_note, f"{at}.page_note"), bound) if page_note else None,
            page_at=page_at,
        )
        for bound in expansion.bindings(items.get("each"), at)
    ]
