"""Checking a format definition's YAML as it is parsed: every mapping against the dataclass it becomes.

A format defined outside the package (`NIANBAO_FORMATS_PATH`) is written by a person, so a wrong key,
a missing key or a value of the wrong kind must be a message naming the key by its path in the file
(`applications.rows[3].label`), not a Python traceback. `DefinitionError` carries that message; the
loader adds the file and turns it into a user error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from nianbao.errors import did_you_mean

T = TypeVar("T")

# The field annotations (strings: `from __future__ import annotations`) this module checks, with the
# words a message uses for them. Others (tuples built by the parser) are checked where they are built.
SIMPLE = {
    "str": (str, "文字"),
    "str | None": (str, "文字"),
    "bool": (bool, "true 或 false"),
    "int": (int, "整数"),
}


class DefinitionError(Exception):
    """A format definition that cannot be used, with the reason in Chinese."""


def shown(value: Any) -> str:
    return "空值" if value is None else repr(value) if not isinstance(value, str) else f'"{value}"'


def _in(at: str) -> str:
    """Where in the file, before a message: `active.blocks[0] 中` (nothing at the top level)."""
    return f"{at} 中" if at else ""


def mapping(raw: Any, at: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{at} 应为一组“键: 值”，实际为 {shown(raw)}")
    return raw


def sequence(raw: Any, at: str) -> Sequence[Any]:
    if not isinstance(raw, list):
        raise DefinitionError(f"{at} 应为一个列表（- 开头的各项，或 [a, b]），实际为 {shown(raw)}")
    return raw


def text(raw: Any, at: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise DefinitionError(f"{at} 应为文字，实际为 {shown(raw)}")
    return raw


def texts(raw: Any, at: str) -> tuple[str, ...]:
    """One text or a list of texts (`right: a` or `right: [a, b]`)."""
    items = [raw] if isinstance(raw, str) else sequence(raw, at)
    return tuple(text(item, f"{at}[{i}]") for i, item in enumerate(items))


def only(raw: Mapping[str, Any], allowed: Sequence[str], at: str) -> None:
    for key in raw:
        if key not in allowed:
            raise DefinitionError(
                f"{_in(at)}有未知的键 {key}{did_you_mean(str(key), allowed)}；可用的键：{'、'.join(allowed)}"
            )


def required(raw: Mapping[str, Any], key: str, at: str) -> Any:
    if key not in raw:
        raise DefinitionError(f"{_in(at)}缺少 {key}")
    return raw[key]


def build(cls: type[T], raw: Any, at: str, **given: Any) -> T:
    """`cls(**raw)` after checking `raw`'s keys against `cls`'s fields and its simple values' types.

    `given`: fields the parser fills itself (converted values, or values from elsewhere in the file);
    their keys may still appear in `raw`, already converted by the caller."""
    items = mapping(raw, at)
    fields = {field.name: field for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    only(items, list(fields), at)
    values = {**items, **given}
    for name, field in fields.items():
        if name not in values:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise DefinitionError(f"{_in(at)}缺少 {name}")
            continue
        expected = SIMPLE.get(str(field.type))
        value = values[name]
        if name in given or expected is None or (value is None and "None" in str(field.type)):
            continue
        kind, words = expected
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise DefinitionError(f"{at}.{name} 应为{words}，实际为 {shown(value)}")
    return cls(**values)
