"""Report formats as declarative data, and the one place formats differ.

Each `<id>.yaml` beside this file defines one format: its sections, the figures a person types, its
tables with their labels and units, the totals and shares it computes, how its years chain (its
history), its consistency rules, its headline figures and its district summary. The loader, the
checks, the derivation and the renderer all read these definitions; no label is written anywhere else,
and no code outside this package asks which format it has. `pre2019` has the Fujian appendix; the
national formats (`gb2019`, `gb2021`) have tables 二, 三 and 四 and share their common part through
`extends: _national` (files whose name starts with `_` are parts, not formats).

More formats may be defined outside the package, in the folders the environment variable
`NIANBAO_FORMATS_PATH` names (several separated by the system's path separator, `:` or `;`); such a
format may extend a part of its own folder or the package's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nianbao.errors import ConfigError, DataError
from nianbao.formats.parse import extended, parse
from nianbao.formats.rules import PREVIOUS, Rule
from nianbao.formats.schema import DefinitionError
from nianbao.formats.spec import (
    OPEN_ENDED,
    CarryOver,
    Chain,
    ChangeSpec,
    Headline,
    History,
    ProseSpec,
    ReportFormat,
    Section,
    SharePart,
    ShareSpec,
    SummarySpec,
)
from nianbao.formats.tables import Field, Sum

FORMATS_DIR = Path(__file__).parent
PATH_VARIABLE = "NIANBAO_FORMATS_PATH"
# libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents, parsed ten
# times faster — every `make reports`, even one with nothing to do, reads the definitions for the index.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HINT = (
    "格式定义的写法见 nianbao 自带的格式（src/nianbao/formats/ 中的 gb2021.yaml 等）"
    "和 README 的“自定义报告格式”。"
)

__all__ = [
    "FORMATS_DIR",
    "OPEN_ENDED",
    "PATH_VARIABLE",
    "PREVIOUS",
    "CarryOver",
    "Chain",
    "ChangeSpec",
    "Field",
    "Headline",
    "History",
    "ProseSpec",
    "ReportFormat",
    "Rule",
    "Section",
    "SharePart",
    "ShareSpec",
    "Sum",
    "SummarySpec",
    "all_formats",
    "folders",
    "format_for_year",
    "index_columns",
]


def folders(environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The package's formats, then each folder `NIANBAO_FORMATS_PATH` names, in its order."""
    value = (os.environ if environ is None else environ).get(PATH_VARIABLE, "")
    named = [Path(part) for part in value.split(os.pathsep) if part.strip()]
    for folder in named:
        if not folder.is_dir():
            raise ConfigError(
                f"环境变量 {PATH_VARIABLE} 指定的文件夹 {folder} 不存在",
                hint=f"{PATH_VARIABLE} 应为存放格式定义（<格式>.yaml）的文件夹；不用自定义格式时不要设置它。",
            )
    return (FORMATS_DIR, *(folder.resolve() for folder in named))


def all_formats() -> tuple[ReportFormat, ...]:
    """Every format: the package's and those of `NIANBAO_FORMATS_PATH`, oldest first."""
    return _formats(folders())


# A year's report is published, and its deadline falls, in the year after it: 9999's would be dated in
# 10000, which no date can be. Any year after this one is refused with a message, before it is read.
LAST_YEAR = OPEN_ENDED - 1


def year_out_of_range(year: int) -> DataError | None:
    """The one message for a year nianbao cannot handle at all (YEAR=9999, a folder data/…/9999/)."""
    if year <= LAST_YEAR:
        return None
    return DataError(
        f"年度 {year} 超出范围：年度报告在下一年发布，nianbao 能处理的年度最晚是 {LAST_YEAR} 年",
        hint="请检查 YEAR= 或年度文件夹的名字是否写错。",
    )


def format_for_year(year: int) -> ReportFormat | None:
    """The format that governs reports for `year`, or None if nianbao does not support that year yet.

    The format in force today (`last: 9999`) governs every later year, except those of a format that
    begins after it (a newer format, or one defined for a few years in `NIANBAO_FORMATS_PATH`)."""
    covering = [fmt for fmt in all_formats() if fmt.covers(year)]
    return max(covering, key=lambda fmt: fmt.first_year, default=None)


def index_columns() -> tuple[tuple[str, str], ...]:
    """The index page's headline columns, (id, heading): every format's, in the order formats first
    name them (the same id is the same column in every format)."""
    columns: dict[str, str] = {}
    for fmt in all_formats():
        for headline in fmt.headline:
            columns.setdefault(headline.id, headline.label)
    return tuple(columns.items())


@cache
def _formats(searched: tuple[Path, ...]) -> tuple[ReportFormat, ...]:
    loaded: list[ReportFormat] = []
    for folder in searched:
        for path in sorted(folder.glob("[!_]*.yaml")):
            loaded.append(_load(path, searched))
    loaded.sort(key=lambda fmt: fmt.first_year)
    ids = [fmt.id for fmt in loaded]
    for fmt in loaded:
        if ids.count(fmt.id) > 1:
            where = "、".join(str(f.files[0]) for f in loaded if f.id == fmt.id)
            raise ConfigError(
                f"格式 {fmt.id} 定义了两次：{where}", hint="自定义格式请用另一个 id（也是文件名）。"
            )
    for i, before in enumerate(loaded):
        for after in loaded[i + 1 :]:
            yields = before.last_year >= OPEN_ENDED and before.first_year < after.first_year
            if after.first_year <= before.last_year and not yields:
                raise ConfigError(
                    f"格式 {before.id}（{before.span}）和格式 {after.id}（{after.span}）适用的年度重叠："
                    f"{before.files[0]}、{after.files[0]}",
                    path=after.files[0],
                    hint="每一年度只能有一种格式（现行格式 last: 9999 除外："
                    "较晚开始的格式在它的年度取代现行格式）。",
                )
    first: dict[str, tuple[str, str]] = {}  # headline column → (its heading, the format that gave it)
    for fmt in loaded:
        for headline in fmt.headline:
            label, given_by = first.setdefault(headline.id, (headline.label, fmt.id))
            if label != headline.label:
                raise ConfigError(
                    f"格式定义有误：索引页的列 {headline.id} 的标题是 {headline.label}，"
                    f"而格式 {given_by} 中是 {label}",
                    path=fmt.files[0],
                    hint="id 相同的 headline 在每种格式中是索引页的同一列，标题要一字不差。",
                )
    return tuple(loaded)


def _load(path: Path, searched: tuple[Path, ...]) -> ReportFormat:
    raw = _read(path)
    part_name = raw.get("extends")
    part_path = _part(part_name, path, searched) if part_name is not None else None
    part = _read(part_path) if part_path is not None else None
    try:
        fmt = parse(
            extended(raw, part),
            (path, *([part_path] if part_path else [])),
            str(part_name) if part_name else None,
        )
    except DefinitionError as err:
        raise ConfigError(f"格式定义有误：{err}", path=path, hint=HINT) from err
    if fmt.id != path.stem:
        raise ConfigError(f"格式定义有误：id 应与文件名相同（{path.stem}），实际为 {fmt.id}", path=path)
    return fmt


def _part(name: Any, path: Path, searched: tuple[Path, ...]) -> Path:
    """The part a format extends: in its own folder first, then in the others."""
    if not isinstance(name, str) or not name.startswith("_"):
        raise ConfigError(
            f"格式定义有误：extends 应为以 _ 开头的共用部分的名称（如 _national），实际为 {name!r}", path=path
        )
    for folder in (path.parent, *searched):
        if (folder / f"{name}.yaml").is_file():
            return folder / f"{name}.yaml"
    raise ConfigError(f"格式定义有误：找不到 extends 指定的共用部分 {name}.yaml", path=path, hint=HINT)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=SAFE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise ConfigError(
            f"格式定义的 YAML 格式错误{line}：{getattr(err, 'problem', err)}", path=path
        ) from err
    except UnicodeDecodeError as err:
        raise ConfigError("格式定义应以 UTF-8 编码保存", path=path) from err
    if not isinstance(raw, dict):
        raise ConfigError(
            "格式定义有误：文件内容应为“键: 值”的一组（id、title、years……）", path=path, hint=HINT
        )
    return raw
