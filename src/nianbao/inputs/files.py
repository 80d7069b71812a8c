"""Reading the files staff edit: any encoding Excel or WPS saves, strict YAML, typed fields.

Every fault is a `DataError` naming the file (as `where`, relative to the project), the field, what was
expected and what was found. Files are only ever read.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from nianbao.errors import DataError, did_you_mean
from nianbao.inputs import snapshot
from nianbao.inputs.cells import Cell, Place, read_cell, shown

WEB_ADDRESS = re.compile(r"(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s<>\"'`]*)?")
ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 with or without BOM, then what Excel/WPS save on Chinese Windows


def read_text(path: Path, where: str) -> str:
    """A text file as staff save it: UTF-8 (with or without BOM) or GBK/GB18030, any line ends."""
    try:
        raw = snapshot.read_bytes(path)  # through the build's snapshot, when there is one
    except FileNotFoundError:
        raise DataError("找不到这个文件", path=where) from None
    except IsADirectoryError:
        raise DataError("这是一个文件夹，应为一个文件", path=where) from None
    except OSError as err:  # no permission, a broken disk: the file exists but cannot be read
        raise DataError(f"无法读取这个文件：{err.strerror}", path=where) from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise DataError("文件编码无法识别：应为 UTF-8 或 GBK/GB18030", path=where)


class YamlMapping(dict[Any, Any]):
    """A mapping read by `StrictLoader`: remembers the line of each key, and any key written twice in it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}  # key → line (from 1) where it is first written
        self.repeated: list[tuple[Any, int, int]] = []  # (key, first line, line where it is written again)


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without guessing dates (a date is checked by `Reader.date`, so 2018-02-30 gets a clear
    message, not a crash) and without silently keeping the last of two equal keys: a mapping is built as
    a `YamlMapping`, and `read_yaml` refuses a key it holds twice."""

    def construct_yaml_map(self, node: yaml.MappingNode) -> Iterator[YamlMapping]:  # type: ignore[override]
        data = YamlMapping()
        yield data
        for key_node, _ in node.value:
            # Constructed before `construct_mapping` expands merge keys: `<<:` stays refused, as ever.
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                continue  # `construct_mapping` refuses it with its own message
            line = key_node.start_mark.line + 1
            if key in data.lines:
                data.repeated.append((key, data.lines[key], line))
            else:
                data.lines[key] = line
        data.update(self.construct_mapping(node))


StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, where: str) -> dict[str, Any]:
    text = read_text(path, where)
    try:
        content = yaml.load(text, Loader=StrictLoader)  # a SafeLoader: builds no Python objects
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        if getattr(err, "problem", "") == "could not find expected ':'":  # PyYAML notices on the next line
            mark = getattr(err, "context_mark", None) or mark
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        hint = "检查缩进和冒号（冒号后要有空格）。"
        if problem == "sequence entries are not allowed here":  # `decisions: -`: YAML reads a list
            hint = '不适用的格请写 "-"（加引号）或 —、/；单独一个 - 在 YAML 中表示列表。' + hint
        raise DataError(f"YAML 格式错误{line}：{problem}", path=where, hint=hint) from err
    except ValueError as err:  # a number too long for Python to read (over 4,300 digits)
        digits = re.search(r"has (\d+) digits", str(err))
        raise DataError(
            f"有一个数字太长（{digits.group(1) if digits else '几千'} 位），无法读取："
            f"数字最多 {sys.get_int_max_str_digits()} 位",
            path=where,
            hint="检查文件中是否误粘贴了一长串数字。",
        ) from err
    repeated = min(_repeated(content, "", set()), key=lambda found: found[2], default=None)
    if repeated is not None:
        raise given_twice(*repeated, where=where)
    if not isinstance(content, dict):
        raise DataError("文件内容应为“字段: 值”的列表", path=where)
    return content


def _repeated(value: Any, prefix: str, seen: set[int]) -> Iterator[tuple[str, int, int]]:
    """Every key written twice in one mapping, anywhere in `value`, as (dotted key, line, line)."""
    if not isinstance(value, dict | list) or id(value) in seen:  # an alias is looked at once
        return
    seen.add(id(value))
    if isinstance(value, list):
        for item in value:
            yield from _repeated(item, prefix, seen)
        return
    if isinstance(value, YamlMapping):
        for key, first, again in value.repeated:
            yield f"{prefix}{key}", first, again
    for key, item in value.items():
        yield from _repeated(item, f"{prefix}{key}.", seen)


def given_twice(key: str, first: int | None, again: int | None, *, where: str) -> DataError:
    """The one message for a field given twice, in one spelling or two (`apply: {online: 0}` and
    `apply.online: 5`): naming both lines when they are known."""
    lines = sorted(line for line in (first, again) if line is not None)
    if len(lines) == 2 and lines[0] == lines[1]:  # `{a: 1, a: 2}`, or twice through one YAML alias (*)
        at = f"（都在第 {lines[0]} 行）"
    elif len(lines) == 2:
        at = f"（第 {lines[0]} 行和第 {lines[1]} 行）"
    else:
        at = f"（第 {lines[0]} 行）" if lines else ""
    return DataError(
        f"字段 {key} 出现了两次{at}",
        path=where,
        hint="每个字段只填一次，删去其中一处；嵌套的写法（apply: 下的 online:）和带点的写法"
        "（apply.online:）是同一个字段。",
    )


class Reader:
    """Pulls typed values out of one parsed YAML file, naming the file, the line and the field on every
    fault. A figure's value is read by the cell-value contract (`cells.py`), as every input path's is."""

    def __init__(
        self, content: Mapping[str, Any], where: str, lines: Mapping[str, int | None] | None = None
    ) -> None:
        self.content = content
        self.where = where
        self.lines = lines or {}  # the line (from 1) of each key, when known

    @classmethod
    def of(cls, content: Mapping[str, Any], where: str, keep: Iterable[str] = ()) -> Reader:
        """A reader over a parsed file, nested keys flattened to dotted ones (except those in `keep`)."""
        lines: dict[str, int | None] = {}
        flat: dict[str, Any] = {}
        _flatten(content, "", set(keep), flat, lines, where, [])
        return cls(flat, where, lines)

    def fail(self, message: str) -> DataError:
        return DataError(message, path=self.where)

    def section(self, key: str) -> Reader:
        """A kept mapping (`published_cumulative:`) as a reader of its own dotted keys."""
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"字段 {key} 应为一组“字段: 值”，实际为 {shown(value)}")
        return Reader.of({key: value}, self.where)

    def figure(self, key: str, kind: str, unit: str, label: str, computed: bool = False) -> Cell | None:
        """A figure by the cell-value contract; None when it is computed here (left out or blank)."""
        place = Place.field(self.where, key, label, self.lines.get(key))
        if key not in self.content:
            if computed:
                return None
            raise DataError(f"缺少{place.subject}", path=self.where)
        return read_cell(self.content[key], kind, unit, place, computed)

    def get(self, key: str) -> Any:
        if key not in self.content:
            raise self.fail(f"缺少字段 {key}")
        return self.content[key]

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"字段 {key} 应为文字（数字开头的电话等请加引号），实际为 {shown(value)}")
        return value.strip()

    def url(self, key: str) -> str:
        """A web address as printed in the report (`www.example.gov.cn` or `http(s)://…`): no other
        scheme (`javascript:`), no spaces, quotes or angle brackets."""
        value = self.text(key)
        if not WEB_ADDRESS.fullmatch(value):
            raise self.fail(
                f"字段 {key} 应为网址（如 www.smsy.gov.cn 或 http://www.smsy.gov.cn/），实际为 {shown(value)}"
            )
        return value

    def count(self, key: str) -> int:
        """A count that is not a figure of the form (a document's number, a year): a plain integer."""
        return as_count(self.get(key), key, self.where)

    def date(self, key: str) -> dt.date:
        value = self.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", value.strip())
            if match:
                try:
                    return dt.date(*(int(part) for part in match.groups()))
                except ValueError:
                    pass
        raise self.fail(f"字段 {key} 应为日期（如 2018-01-30），实际为 {shown(value)}")

    def only(self, expected: Iterable[str]) -> None:
        """Refuse keys nobody reads: a typo would otherwise silently drop a figure."""
        allowed = list(expected)
        for key in self.content:
            if key not in allowed:
                raise self.fail(
                    f"未知字段 {key}{did_you_mean(str(key), allowed)}；允许的字段：{'、'.join(allowed)}"
                )


def as_count(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataError(f"字段 {key} 应为非负整数，实际为 {shown(value)}", path=where)
    return value


def flatten(content: Mapping[str, Any], where: str, keep: Iterable[str] = ()) -> dict[str, Any]:
    """Nested mappings → dotted keys (`apply: {online: 1}` → `apply.online`), except the keys in `keep`
    (their values stay as they are). A key given twice in any two spellings (`apply: {online: 0}` and
    `apply.online: 5`, `a: {b: {c: 1}}` and `a.b: {c: 2}`…) is refused, naming both lines: merging them
    would keep one figure and silently drop the other. So is the key of a kept mapping given also outside it
    (`cumulative: {active.total: 1}` and `cumulative.active.total: 2`)."""
    flat: dict[str, Any] = {}
    _flatten(content, "", set(keep), flat, {}, where, [])
    return flat


def _flatten(
    content: Mapping[Any, Any],
    prefix: str,
    kept: set[str],
    flat: dict[str, Any] | None,
    lines: dict[str, int | None],
    where: str,
    inside: list[int],
) -> None:
    """Add `content`'s keys, under `prefix`, to `flat` (None: only check them) and to `lines`, the line
    of every dotted key given so far. `inside`: the mappings being flattened (an alias may point back)."""
    inside.append(id(content))
    known = content.lines if isinstance(content, YamlMapping) else {}
    for key, value in content.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and id(value) in inside:
            raise DataError(f"字段 {name} 通过 YAML 别名（*）指回了包含它的字段，无法展开", path=where)
        line = known.get(key)
        if isinstance(value, dict) and str(key) not in kept:
            below = {k.split(".", 1)[1] for k in kept if k.startswith(f"{key}.")}
            _flatten(value, f"{name}.", below, flat, lines, where, inside)
            continue
        if name in lines:
            raise given_twice(name, lines[name], line, where=where)
        lines[name] = line
        if flat is not None:
            flat[name] = value
        if isinstance(value, dict):  # kept as it is, but its keys are fields too: check them
            _flatten(value, f"{name}.", set(), None, lines, where, inside)
    inside.pop()
