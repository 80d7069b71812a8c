"""Reading the files staff edit: any encoding Excel or WPS saves, strict YAML, typed fields.

Every fault is a `DataError` naming the file (as `where`, relative to the project), the field, what was
expected and what was found. Files are only ever read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from nianbao.errors import DataError, did_you_mean

WEB_ADDRESS = re.compile(r"(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s<>\"'`]*)?")
ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 with or without BOM, then what Excel/WPS save on Chinese Windows


def read_text(path: Path, where: str) -> str:
    """A text file as staff save it: UTF-8 (with or without BOM) or GBK/GB18030, any line ends."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError("找不到这个文件", path=where) from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise DataError("文件编码无法识别：应为 UTF-8 或 GBK/GB18030", path=where)


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without guessing dates (a date is checked by `Reader.date`, so 2018-02-30 gets a clear
    message, not a crash) and without silently keeping the last of two equal keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"字段 {key} 出现了两次", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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
        raise DataError(
            f"YAML 格式错误{line}：{problem}",
            path=where,
            hint="检查缩进和冒号（冒号后要有空格）。",
        ) from err
    if not isinstance(content, dict):
        raise DataError("文件内容应为“字段: 值”的列表", path=where)
    return content


class Reader:
    """Pulls typed values out of one parsed YAML file, naming the file and the field on every fault."""

    def __init__(self, content: Mapping[str, Any], where: str) -> None:
        self.content = content
        self.where = where

    def fail(self, message: str) -> DataError:
        return DataError(message, path=self.where)

    def section(self, key: str) -> Reader:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"字段 {key} 应为一组“字段: 值”，实际为 {shown(value)}")
        return Reader({f"{key}.{k}": v for k, v in flatten(value).items()}, self.where)

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
        return as_count(self.get(key), key, self.where)

    def amount(self, key: str) -> Decimal:
        value = self.get(key)
        try:
            amount = (
                Decimal(str(value))
                if isinstance(value, int | float | str) and not isinstance(value, bool)
                else None
            )
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise self.fail(f"字段 {key} 应为非负的金额（元），实际为 {shown(value)}")
        return amount

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


def shown(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def flatten(content: Mapping[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Nested mappings → dotted keys (`apply: {online: 1}` → `apply.online`), except the keys in `keep`."""
    kept = set(keep)
    flat: dict[str, Any] = {}
    for key, value in content.items():
        if isinstance(value, dict) and str(key) not in kept:
            for sub_key, sub_value in flatten(
                value, {k.split(".", 1)[1] for k in kept if k.startswith(f"{key}.")}
            ).items():
                flat[f"{key}.{sub_key}"] = sub_value
        else:
            flat[str(key)] = value
    return flat
