"""Hostile and broken .xlsx files, built from a real form by rewriting its zip (no binary fixtures).

Each case is a function of the form's bytes; `CASES` pairs it with the one message (after the file's
name) that reading it gives. Used by the functional tests (`make check`, `make collect`) and the fuzzing.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from nianbao.inputs.xlsx_parts import MAX_CELLS, MAX_PARTS, MAX_SPANNED, MAX_STRINGS, MAX_UNPACKED

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet3.xml"  # 表三 of a gb2021 form
NAMED = f"Excel 工作簿的部件 {SHEET}（工作表“表三”）："
Change = Callable[[bytes], bytes]


def rebuild(
    data: bytes,
    change: Mapping[str, Change] | None = None,
    drop: tuple[str, ...] = (),
    add: Mapping[str, bytes] | None = None,
) -> bytes:
    """The workbook `data` with parts changed, dropped or added (deflated, as Excel writes them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            part = source.read(info.filename)
            if change and info.filename in change:
                part = change[info.filename](part)
            target.writestr(info.filename, part)
        for name, part in (add or {}).items():
            target.writestr(name, part)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def with_doctype(doctype: bytes, use: bytes = b"") -> Change:
    """A part with a DOCTYPE before its root, and `use` (an entity reference) in the first `<v>`."""

    def apply(xml: bytes) -> bytes:
        xml = xml.replace(b"<v>", b"<v>" + use, 1) if use else xml
        return b'<?xml version="1.0"?>' + doctype + xml.removeprefix(b'<?xml version="1.0"?>')

    return apply


def before_sheet_data_end(extra: bytes) -> Change:
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>", 1)


def after_sheet_data(extra: bytes) -> Change:
    return lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + extra, 1)


def style_of(ref: str, style: str) -> Change:
    return lambda xml: re.sub(rf'(<c r="{ref}" s=")\d+"'.encode(), rf'\g<1>{style}"'.encode(), xml, count=1)


def cell(ref: str, xml: bytes) -> Change:
    """A sheet with the cell `ref` written as `xml`."""
    return lambda sheet: re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), xml, sheet, count=1)


def too_many_parts(data: bytes) -> bytes:
    """One part more than allowed (empty pictures)."""
    count = MAX_PARTS + 1 - len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    return rebuild(data, add={f"xl/media/image{i}.png": b"" for i in range(count)})


LAUGHS = (
    b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8))
    + b"]>"
)
SHARED = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&i;</t></si></sst>'.encode()
EXTERNAL = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def laughs(data: bytes) -> bytes:
    """A shared-string table whose one entry is 10⁹ characters, if entities were expanded."""
    return rebuild(data, add={"xl/sharedStrings.xml": LAUGHS + SHARED})


def many_strings(data: bytes) -> bytes:
    """5,000,000 shared strings (25 MB inflated, 25 KB deflated): 46 s in openpyxl."""
    table = f'<sst xmlns="{MAIN}">'.encode() + b"<si/>" * 5_000_000 + b"</sst>"
    return rebuild(data, add={"xl/sharedStrings.xml": table})


def oversized(data: bytes) -> bytes:
    """A form with a 12 MB picture in it: not compressible (random bytes, the same every time)."""
    return rebuild(data, add={"xl/media/image1.png": random.Random(24).randbytes(12 * 1024 * 1024)})


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[bytes], bytes] = field(compare=False)
    message: str  # after the file's name; the first line


CASES = [
    Case(
        "truncated",
        lambda d: d[: len(d) // 2],
        "Excel 工作簿不完整或已损坏（可能没有保存完，或传输时中断），无法读取",
    ),
    Case(
        "not-a-zip",
        lambda d: b"\xef\xbb\xbf\xe8\x87\xaa,\xe5\x95\x86\n",
        "不是 Excel 工作簿（.xlsx），无法读取",
    ),
    Case(
        "xls-renamed",
        lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "是旧版 Excel 97-2003 工作簿（.xls）或设了打开密码的工作簿，无法读取",
    ),
    Case(
        "workbook-missing",
        lambda d: rebuild(d, drop=("xl/workbook.xml",)),
        "Excel 工作簿缺少部件 xl/workbook.xml，已损坏",
    ),
    Case(
        "workbook-garbled",
        lambda d: rebuild(d, change={"xl/workbook.xml": lambda x: x[:200]}),
        "Excel 工作簿的部件 xl/workbook.xml：不是完好的 XML（第 1 行第 121 列），已损坏",
    ),
    Case(
        "sheet-garbled",
        lambda d: rebuild(d, change={SHEET: lambda x: x[:500]}),
        NAMED + "不是完好的 XML（第 1 行第 458 列），已损坏",
    ),
    Case(
        "content-types-missing",
        lambda d: rebuild(d, drop=("[Content_Types].xml",)),
        "Excel 工作簿缺少部件 [Content_Types].xml，已损坏",
    ),
    Case(
        "content-types-garbled",
        lambda d: rebuild(
            d, change={"[Content_Types].xml": lambda x: x.replace(b"<Override", b"<Override<", 1)}
        ),
        "Excel 工作簿的部件 [Content_Types].xml：不是完好的 XML（第 1 行第 336 列），已损坏",
    ),
    Case(
        "style-out-of-range",
        lambda d: rebuild(d, change={SHEET: style_of("D8", "999")}),
        NAMED + "D8 格用了第 999 号单元格格式，而工作簿只定义了 12 个，已损坏",
    ),
    Case(
        "billion-laughs",
        laughs,
        "Excel 工作簿的部件 xl/sharedStrings.xml："
        "含有文档类型或实体声明（<!DOCTYPE>、<!ENTITY>）：Excel 不会这样保存，为安全起见不读取",
    ),
    Case(
        "external-entity",
        lambda d: rebuild(d, change={SHEET: with_doctype(EXTERNAL, b"&xxe;")}),
        NAMED + "含有文档类型或实体声明（<!DOCTYPE>、<!ENTITY>）：Excel 不会这样保存，为安全起见不读取",
    ),
    Case(
        "merged-whole-sheet",
        lambda d: rebuild(
            d,
            change={
                SHEET: lambda x: x.replace(b"<mergeCell ", b'<mergeCell ref="AA1:XFD1048576"/><mergeCell ', 1)
            },
        ),
        NAMED + f"合并单元格（或链接）共覆盖 {MAX_SPANNED} 格以上（如 AA1:XFD1048576），不像是填报表",
    ),
    Case(
        "hyperlink-whole-sheet",
        lambda d: rebuild(
            d,
            change={
                SHEET: after_sheet_data(
                    b'<hyperlinks><hyperlink ref="A1:XFD1048576" location="A1"/></hyperlinks>'
                )
            },
        ),
        NAMED + f"合并单元格（或链接）共覆盖 {MAX_SPANNED} 格以上（如 A1:XFD1048576），不像是填报表",
    ),
    Case(
        "five-million-strings",
        many_strings,
        f"Excel 工作簿的部件 xl/sharedStrings.xml：共享字符串超过 {MAX_STRINGS} 条，不像是填报表",
    ),
    Case(
        "zip-bomb",
        lambda d: rebuild(d, add={"xl/media/image1.png": bytes(MAX_UNPACKED)}),
        f"Excel 工作簿解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB，不像是填报表（可能是“压缩炸弹”）",
    ),
    Case(
        "too-many-parts",
        too_many_parts,
        f"Excel 工作簿有 {MAX_PARTS + 1} 个部件，超过 {MAX_PARTS} 个，不像是填报表",
    ),
    Case(
        "too-many-cells",
        lambda d: rebuild(
            d, change={SHEET: before_sheet_data_end(b'<row r="900">' + b"<c/>" * MAX_CELLS + b"</row>")}
        ),
        NAMED + f"单元格超过 {MAX_CELLS} 个，不像是填报表",
    ),
    Case(
        "number-not-a-number",  # passes the checks on the parts; openpyxl itself refuses it
        lambda d: rebuild(d, change={SHEET: cell("D8", b'<c r="D8" t="n"><v>abc</v></c>')}),
        "Excel 工作簿已损坏，无法读取",
    ),
]
