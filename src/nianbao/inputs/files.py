"""Reading the files staff edit: any encoding Excel or WPS saves, strict YAML, typed fields.

Every fault is a `DataError` naming the file (as `where`, relative to the project), the field, what was
expected and what was found. Files are only ever read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from nianbao import links
from nianbao.errors import DataError, did_you_mean
from nianbao.inputs import dates, printable, snapshot
from nianbao.inputs.cells import MAX_DIGITS, Cell, Place, read_cell, shown

# The limits of what clerk data needs (docs/checks.md); the file size limit is `snapshot.MAX_BYTES`,
# the digits of a number `cells.MAX_DIGITS`.
MAX_DEPTH = 20  # levels of nesting in a YAML file (the formats use three)
MAX_NARRATIVE_CHARS = 200_000  # a report's narrative has a few thousand
# What a bar chart of categories can draw on a page (a real report has 5 to 20, each a line or three):
# beyond it the chart would be metres tall and take the kernel minutes (1,000 bars: 25 s, 300 MB).
MAX_CATEGORIES = 50
MAX_CATEGORY_CHARS = 100
# Big5 bytes read as GB18030 give about half their characters outside GB2312; a GBK file has few (a rare
# character of a name: 镕, 珺), and those few must not make it "Big5" when its bytes happen to be Big5 too.
BIG5_SHARE = 0.1
SAVE_AS_UTF8 = "请在 WPS 或记事本中把整个文件“另存为”UTF-8 编码。"


def read_text(path: Path, where: str) -> str:
    """A text file as staff save it: UTF-8 (with or without BOM) or GBK/GB18030, any line ends; refused
    when it holds a character no report could carry (`printable`)."""
    text = decode(read_bytes(path, where), where).replace("\r\n", "\n").replace("\r", "\n")
    printable.check_file(text, where)
    return text


def read_bytes(path: Path, where: str) -> bytes:
    """An input file's bytes, through the build's snapshot when there is one: a regular file only (a
    FIFO or a device is refused, never waited on), at most `snapshot.MAX_BYTES`."""
    try:
        return snapshot.read_bytes(path)
    except FileNotFoundError:
        raise DataError("找不到这个文件", path=where) from None
    except OSError as err:  # a broken disk (what is not a regular file the snapshot refuses itself)
        raise DataError(f"无法读取这个文件：{err.strerror}", path=where) from None


def decode(raw: bytes, where: str) -> str:
    """UTF-8 (with or without BOM) first; GB18030 (GBK) only when the file is not UTF-8 and no line of it
    is (a file half in each is refused, naming the first line in the other one); a GB18030 reading with
    many characters outside GB2312 (`BIG5_SHARE`) of bytes that are Big5 too is reported as probably
    Big5 (繁体)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf8, other = _first_lines(raw)  # neither encoding's bytes include a newline inside a character
    if utf8 is not None and other is not None:
        line, first, then = (other, "UTF-8", "不是 UTF-8") if utf8 < other else (utf8, "GBK", "是 UTF-8")
        raise DataError(
            f"文件编码混杂：前面的行是 {first} 编码，第 {line} 行却{then}，无法确定按哪种编码读取",
            path=where,
            hint=f"这常是把两个文件的内容粘贴在一起造成的。{SAVE_AS_UTF8}",
        )
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        unknown = "文件编码无法识别：应为 UTF-8 或 GBK/GB18030"
        raise DataError(unknown, path=where, hint=SAVE_AS_UTF8) from None
    if _outside_gb2312(text) >= BIG5_SHARE and _decodes(raw, "big5"):
        raise DataError(
            "文件编码可能是 Big5（繁体）：应为 UTF-8 或 GBK/GB18030",
            path=where,
            hint=f"繁体中文系统保存的文件是 Big5 编码。{SAVE_AS_UTF8}",
        )
    return text


def _first_lines(raw: bytes) -> tuple[int | None, int | None]:
    """The first line (from 1) that is UTF-8 with a character from U+0800 on, and the first line that is
    not UTF-8."""
    utf8: int | None = None
    other: int | None = None
    for number, line in enumerate(raw.split(b"\n"), 1):
        if line.isascii():
            continue
        if _decodes(line, "utf-8"):
            # Only a character from U+0800 on (CJK is three bytes) is evidence: a GBK line of a few
            # characters is often valid two-byte UTF-8 by chance (一 is D2 BB, Cyrillic һ in UTF-8).
            if max(line.decode("utf-8")) >= "\u0800":
                utf8 = utf8 or number
        else:
            other = other or number
        if utf8 and other:
            break
    return utf8, other


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _outside_gb2312(text: str) -> float:
    """The share of the non-ASCII characters that are not in GB2312 (simplified Chinese's common set)."""
    chinese = [char for char in text if not char.isascii()]
    return sum(not _decodes_back(char) for char in chinese) / len(chinese) if chinese else 0.0


def _decodes_back(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


class YamlMapping(dict[Any, Any]):
    """A mapping read by `StrictLoader`: remembers the line of each key, and any key written twice in it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}  # key → line (from 1) where it is first written
        self.repeated: list[tuple[Any, int, int]] = []  # (key, first line, line where it is written again)


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without guessing dates (a date is checked by `Reader.date`, so 2018-02-30 gets a clear
    message, not a crash) and without silently keeping the last of two equal keys: a mapping is built as
    a `YamlMapping`, and `read_yaml` refuses a key it holds twice.

    Within the limits of clerk data: anchors, aliases and tags are refused (an alias is never expanded,
    so "billion laughs" costs nothing), nesting deeper than `MAX_DEPTH` is skipped unread (the composer
    recurses per level), a number of more than `MAX_DIGITS` digits is never converted. Each is noted in
    `faults` as (line, what), and `read_yaml` reports them all at once. A double-quoted scalar whose
    escapes (`"\\e"`, `"\\x1b"`, `"\\uFFFE"`) make a character no report could carry is noted in
    `unprintable` (line, value): the file's own text was checked by `read_text`, its escapes were not."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.faults: list[tuple[int, str]] = []
        self.unprintable: list[tuple[int, str]] = []
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            self.get_event()  # type: ignore[no-untyped-call]
            self.faults.append((line, f"不能用 YAML 别名 *{event.anchor}"))
            return self._nothing(event)
        if event.anchor is not None:
            self.faults.append((line, f"不能用 YAML 锚点 &{event.anchor}"))
            event.anchor = None  # never registered: no alias can reach it
        if getattr(event, "tag", None) not in (None, "!"):
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
            self.faults.append((line, f"不能用 YAML 标签 {tag}"))
            event.tag = None
        if (
            isinstance(event, yaml.ScalarEvent)
            and event.style == '"'
            and printable.first(event.value) is not None
        ):
            self.unprintable.append((line, event.value))
        if not isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            return super().compose_node(parent, index)
        if self.depth >= MAX_DEPTH:
            self.faults.append((line, f"嵌套超过 {MAX_DEPTH} 层"))
            self._skip()
            return self._nothing(event)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _skip(self) -> None:
        """Consume the collection that starts at the next event, without composing it."""
        level = 0
        while True:
            event = self.get_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                level += 1
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                level -= 1
            if level == 0:
                return

    @staticmethod
    def _nothing(event: Any) -> yaml.Node:
        return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if self._too_long(node):
            return 0
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        if self._too_long(node):
            return 0.0
        return super().construct_yaml_float(node)

    def _too_long(self, node: yaml.ScalarNode) -> bool:
        """Whether a number has more digits than any figure (before an exponent): noted, never read."""
        digits = sum(char.isdigit() for char in re.split("[eE]", str(node.value))[0])
        if digits <= MAX_DIGITS:
            return False
        what = f"数字 {str(node.value)[:20]}… 有 {digits} 位，超过 {MAX_DIGITS} 位"
        self.faults.append((node.start_mark.line + 1, what))
        return True

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
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, where: str) -> dict[str, Any]:
    text = read_text(path, where)
    too_deep = _flow_too_deep(text)
    if too_deep is not None:
        raise _yaml_faults([(too_deep, f"嵌套超过 {MAX_DEPTH} 层")], where)
    loader = None
    try:
        loader = StrictLoader(text)  # a SafeLoader: builds no Python objects
        try:
            content = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        # An alias refused (left empty) may be what broke the rest (`<<: *base`): the faults first.
        if loader is not None and loader.faults:
            raise _yaml_faults(loader.faults, where) from None
        mark = getattr(err, "problem_mark", None)
        if getattr(err, "problem", "") == "could not find expected ':'":  # PyYAML notices on the next line
            mark = getattr(err, "context_mark", None) or mark
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        hint = "检查缩进和冒号（冒号后要有空格）。"
        if problem == "sequence entries are not allowed here":  # `decisions: -`: YAML reads a list
            hint = '不适用的格请写 "-"（加引号）或 —、/；单独一个 - 在 YAML 中表示列表。' + hint
        raise DataError(f"YAML 格式错误{line}：{problem}", path=where, hint=hint) from err
    if loader is not None and loader.faults:
        raise _yaml_faults(loader.faults, where)
    if loader is not None and loader.unprintable:
        at, value = loader.unprintable[0]
        printable.check_value(value, where, at, hint=printable.ESCAPE_HINT)
    repeated = min(_repeated(content, "", set()), key=lambda found: found[2], default=None)
    if repeated is not None:
        raise given_twice(*repeated, where=where)
    if not isinstance(content, dict):
        raise DataError("文件内容应为“字段: 值”的列表", path=where)
    return content


def _yaml_faults(faults: list[tuple[int, str]], where: str) -> DataError:
    """All the faults of one file against the limits, in one message, by line."""
    return DataError(
        "；".join(f"第 {line} 行：{what}" for line, what in sorted(set(faults))),
        path=where,
        hint="数据文件里直接写出每个值：不用锚点（&）、别名（*）和标签（!），"
        f"嵌套不超过 {MAX_DEPTH} 层，数字不超过 {MAX_DIGITS} 位。",
    )


def _flow_too_deep(text: str) -> int | None:
    """The line where `[`/`{` brackets nest deeper than `MAX_DEPTH`, if any: found before parsing, as
    PyYAML's scanner takes time quadratic in the depth of brackets (13 s for 5,000). Brackets inside
    quotes or after a `#` do not count; a false alarm needs 20 unclosed ones in one line's text."""
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        quote = ""
        for char in line:
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#":
                break
            elif char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return number
            elif char in "]}":
                depth = max(0, depth - 1)
    return None


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
        if not links.printed(value):
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
        if isinstance(value, str) and (date := dates.typed(value)) is not None:
            return date
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
