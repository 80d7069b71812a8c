"""An .xlsx file checked before openpyxl reads it (and a .docx before python-docx does): a clerk's form
is untrusted bytes.

openpyxl reads whatever a zip holds: it inflates every part whole, expands a merged range or a ranged
hyperlink cell by cell (`AA1:XFD1048576`: a MemoryError), builds a 5,000,000-entry shared-string table for
46 s, and raises whatever it meets on a damaged part. So, before it: the zip's member count and
uncompressed sizes (as declared: Python's zip reader never gives more than a member declares), the parts
openpyxl cannot do without, and every XML part parsed once with DTDs and entities refused (defusedxml: no
entity expansion, no external entity) by a parser that only counts — elements, cells, shared strings, the
cells merged ranges cover, the style each cell names — and stops at the first limit passed. Each fault is
one `DataError` naming the file and the part (and its sheet, when known).

The Word form (`forms/word_reader.py`) is the same kind of zip of XML parts, checked here by the same
limits (`check(data, where, DOCUMENT)`): only how messages name the file and which part is its main one
differ (`Package`); the cell and style counts never meet a Word part.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, fromstring

from nianbao.errors import DataError
from nianbao.inputs.snapshot import MAX_BYTES

# A form is some 15 parts, 60 KB of XML, 1,600 XML elements, 1,000 cells; Excel, WPS or LibreOffice
# resaving it adds little. The limits are far above that and far below harm: openpyxl takes up to 30 µs
# an element (a conditional format, a hyperlink), so 100,000 of them are read in about 3 s.
MAX_PARTS = 1_000
MAX_UNPACKED = 30 * 1024 * 1024  # bytes, all parts inflated
MAX_ELEMENTS = 100_000  # XML elements in all parts
MAX_CELLS = 50_000  # cells (`<c>`) in all sheets
MAX_STRINGS = 50_000  # entries of the shared-string table
MAX_SPANNED = 100_000  # cells that merged ranges and ranged hyperlinks cover, as openpyxl makes each one
MAX_COLUMN, MAX_ROW = 16_384, 1_048_576  # Excel's sheet: XFD1048576
CONTENT_TYPES = "[Content_Types].xml"
STYLES = "xl/styles.xml"  # where openpyxl looks for the styles, whatever the relationships say
WORKBOOK_TYPES = ("sheet.main+xml", "sheet.macroEnabled.main+xml", "template.main+xml")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls, or an .xlsx with a password to open it
REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
NOT_XLSX = "不是 Excel 工作簿（.xlsx），无法读取"
RESAVE = (
    "请在 Excel / WPS 中打开，“另存为”Excel 工作簿（.xlsx）后重新交来；打不开的请填表人重新保存后再发一次。"
)


@dataclass(frozen=True)
class Package:
    """A kind of Office file as its checks name it: the file in messages, what to do about a refused
    one, and the content types of its main part (which the reader opens by name)."""

    name: str  # Excel 工作簿
    resave: str  # the hint of every refusal
    not_zip: tuple[str, str]  # the message and hint for a file that is no zip at all
    ole: tuple[str, str]  # … for an OLE file (the 97-2003 format, or one with a password to open)
    saved_by: str  # who never writes a DTD: Excel
    main_part: str  # 工作簿部件
    main_types: tuple[str, ...]


WORKBOOK = Package(
    "Excel 工作簿",
    RESAVE,
    (NOT_XLSX, "请在 Excel / WPS 中“另存为”Excel 工作簿（.xlsx）。"),
    (
        "是旧版 Excel 97-2003 工作簿（.xls）或设了打开密码的工作簿，无法读取",
        "请在 Excel / WPS 中“另存为”Excel 工作簿（.xlsx），不要设打开密码。",
    ),
    "Excel",
    "工作簿部件",
    WORKBOOK_TYPES,
)
DOCUMENT = Package(
    "Word 文档",
    "请在 Word / WPS 中打开，“另存为”Word 文档（.docx）后重新交来；打不开的请填表人重新保存后再发一次。",
    ("不是 Word 文档（.docx），无法读取", "请在 Word / WPS 中“另存为”Word 文档（.docx）。"),
    (
        "是旧版 Word 97-2003 文档（.doc）或设了打开密码的文档，无法读取",
        "请在 Word / WPS 中“另存为”Word 文档（.docx），不要设打开密码。",
    ),
    "Word",
    "文档正文部件",
    ("wordprocessingml.document.main+xml",),
)


class PartRefusedError(Exception):
    """Raised inside the parser's callbacks to stop it at the first limit passed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(data: bytes, where: str, kind: Package = WORKBOOK) -> None:
    """Refuse `data` (a file named `where`) with one `DataError` unless openpyxl (python-docx, for a
    `DOCUMENT`) may safely read it."""
    if len(data) > MAX_BYTES:
        raise DataError(f"文件太大：超过 {MAX_BYTES // (1024 * 1024)} MB，不像是填报表", path=where)
    archive = _archive(data, where, kind)
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _broken(f"有 {len(infos)} 个部件，超过 {MAX_PARTS} 个，不像是填报表", where, kind=kind)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED:
        limit = MAX_UNPACKED // (1024 * 1024)
        raise _broken(f"解压后超过 {limit} MB，不像是填报表（可能是“压缩炸弹”）", where, kind=kind)
    parts = {info.filename: info for info in infos}
    if CONTENT_TYPES not in parts:
        raise _broken(f"缺少部件 {CONTENT_TYPES}，已损坏", where, kind=kind)
    counts = Counts()
    sheets = sheet_parts(archive) if kind is WORKBOOK else {}
    _parse(archive, parts[CONTENT_TYPES], counts, Named(where, CONTENT_TYPES, sheets, kind))
    _needed(counts, parts, where, kind)
    for name in sorted(parts):
        if name.lower().endswith((".xml", ".rels")) and name != CONTENT_TYPES:
            _parse(archive, parts[name], counts, Named(where, name, sheets, kind))
    if kind is WORKBOOK:
        _styles(counts, parts, where, sheets)


def _archive(data: bytes, where: str, kind: Package) -> zipfile.ZipFile:
    """The zip in `data`; an .xls (.doc), a truncated file and anything else are told apart."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        if data.startswith(OLE):
            message, hint = kind.ole
        elif data.startswith(b"PK\x03\x04"):
            message = f"{kind.name}不完整或已损坏（可能没有保存完，或传输时中断），无法读取"
            hint = kind.resave
        else:
            message, hint = kind.not_zip
        raise DataError(message, path=where, hint=hint) from err


@dataclass(frozen=True)
class Named:
    """A part as messages name it: the file, the part, and the sheet it is when known."""

    where: str
    part: str
    sheets: Mapping[str, str]
    kind: Package = WORKBOOK

    def error(self, what: str) -> DataError:
        return _broken(what, self.where, self.part, self.sheets, self.kind)


def _broken(
    what: str,
    where: str,
    part: str = "",
    sheets: Mapping[str, str] | None = None,
    kind: Package = WORKBOOK,
) -> DataError:
    """The one message for a file refused: `Excel 工作簿的部件 xl/…（工作表“表三”）：<what>`, or
    `Excel 工作簿<what>` for the whole file (`Word 文档…` for a Word form)."""
    if not part:
        return DataError(f"{kind.name}{what}", path=where, hint=kind.resave)
    sheet = (sheets or {}).get(part)
    named = f"{part}（工作表“{sheet}”）" if sheet else part
    return DataError(f"{kind.name}的部件 {named}：{what}", path=where, hint=kind.resave)


@dataclass
class Counts:
    """What the parts hold so far, against the limits."""

    elements: int = 0
    cells: int = 0
    strings: int = 0
    spanned: int = 0
    cell_formats: int = 0  # `<xf>` in styles.xml's `<cellXfs>`
    # the highest style a cell, row or column names: (index, part, what, as `C5 格`)
    style: tuple[int, str, str] | None = None
    main: str | None = None  # the main part the content types name (the workbook, the document)


@dataclass
class Counter:
    """A parser target that only counts (no tree is built), raising `PartRefusedError` at the first limit."""

    counts: Counts
    named: Named
    path: list[str] = field(default_factory=list)  # local names of the open elements

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.rpartition("}")[2]
        self.path.append(name)
        counts = self.counts
        counts.elements += 1
        if counts.elements > MAX_ELEMENTS:
            self._refuse(f"XML 元素超过 {MAX_ELEMENTS} 个，不像是填报表")
        if name == "c":
            counts.cells += 1
            if counts.cells > MAX_CELLS:
                self._refuse(f"单元格超过 {MAX_CELLS} 个，不像是填报表")
            ref = attrib.get("r", "")[:20]
            self._style(attrib.get("s"), f"{ref} 格" if ref else "一个单元格")
        elif name == "row":
            self._style(attrib.get("s"), f"第 {attrib.get('r', '')[:20]} 行")
        elif name == "col":
            self._style(attrib.get("style"), f"第 {attrib.get('min', '')[:20]} 列")
        elif name == "si":
            counts.strings += 1
            if counts.strings > MAX_STRINGS:
                self._refuse(f"共享字符串超过 {MAX_STRINGS} 条，不像是填报表")
        elif name in ("mergeCell", "hyperlink") and ":" in attrib.get("ref", ""):
            self._span(attrib["ref"])
        elif name == "xf" and self.named.part == STYLES and self.path[-2:-1] == ["cellXfs"]:
            counts.cell_formats += 1
        elif name == "Override" and self.named.part == CONTENT_TYPES and _is_main(attrib, self.named.kind):
            counts.main = attrib.get("PartName", "").lstrip("/")

    def _span(self, ref: str) -> None:
        """openpyxl makes a cell of every cell a merged range or a ranged hyperlink covers."""
        cells = spanned(ref)
        if cells is None:
            self._refuse(f"范围 {ref[:40]!r} 无效，已损坏")
        self.counts.spanned += cells or 0
        if self.counts.spanned > MAX_SPANNED:
            self._refuse(f"合并单元格（或链接）共覆盖 {MAX_SPANNED} 格以上（如 {ref[:40]}），不像是填报表")

    def _style(self, index: str | None, what: str) -> None:
        if index is None:
            return
        if not index.isascii() or not index.isdigit() or len(index) > 9:
            self._refuse(f"{what}的格式编号 {index[:20]!r} 无效，已损坏")
        style = self.counts.style
        if style is None or int(index) > style[0]:
            self.counts.style = (int(index), self.named.part, what)

    def _refuse(self, what: str) -> None:
        raise PartRefusedError(self.named.error(what).message)

    def end(self, tag: str) -> None:
        self.path.pop()

    def data(self, text: str) -> None:
        return None

    def close(self) -> None:
        return None


def _is_main(attrib: Mapping[str, str], kind: Package) -> bool:
    return attrib.get("ContentType", "").endswith(kind.main_types)


def spanned(ref: str) -> int | None:
    """How many cells a range `A1:C3` covers; None for one Excel cannot have."""
    corners = [REF.fullmatch(end) for end in ref.split(":")]
    if len(corners) != 2 or corners[0] is None or corners[1] is None:
        return None
    (left, top), (right, bottom) = ((_column(match[1]), int(match[2])) for match in corners if match)
    if not (1 <= left <= right <= MAX_COLUMN and 1 <= top <= bottom <= MAX_ROW):
        return None
    return (right - left + 1) * (bottom - top + 1)


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo, counts: Counts, named: Named) -> None:
    """Parse one XML part, counting; a damaged, hostile or too large one is refused, naming it."""
    parser = DefusedXMLParser(target=Counter(counts, named), forbid_dtd=True)
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(64 * 1024):
                parser.feed(chunk)
            parser.close()
    except PartRefusedError as refused:
        raise DataError(refused.message, path=named.where, hint=named.kind.resave) from None
    except DefusedXmlException:
        raise named.error(
            f"含有文档类型或实体声明（<!DOCTYPE>、<!ENTITY>）：{named.kind.saved_by} 不会这样保存，"
            "为安全起见不读取"
        ) from None
    except ParseError as err:
        line, column = err.position
        raise named.error(f"不是完好的 XML（第 {line} 行第 {column} 列），已损坏") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        # a wrong checksum, a damaged stream, an unknown compression method, an encrypted member
        raise named.error("无法解压，已损坏") from None
    except (LookupError, UnicodeError, ValueError):  # an encoding declared that expat does not know
        raise named.error("文字编码无法识别，已损坏") from None


def _needed(counts: Counts, parts: Mapping[str, zipfile.ZipInfo], where: str, kind: Package) -> None:
    """The main part the content types name, and its relationships, which the reader opens by name."""
    main = counts.main
    if main is None:
        raise _broken(f"其中没有{kind.main_part}，已损坏", where, CONTENT_TYPES, kind=kind)
    rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    for needed in (main, rels):
        if needed not in parts:
            raise _broken(f"缺少部件 {needed}，已损坏", where, kind=kind)


def _styles(
    counts: Counts, parts: Mapping[str, zipfile.ZipInfo], where: str, sheets: Mapping[str, str]
) -> None:
    """Every style a cell, row or column names is defined: openpyxl indexes its list of styles with it
    (an IndexError otherwise). Without styles.xml (or with no cell format in it) openpyxl has one."""
    defined = counts.cell_formats if STYLES in parts and counts.cell_formats else 1
    if counts.style is not None and counts.style[0] >= defined:
        index, part, what = counts.style
        raise _broken(
            f"{what}用了第 {index} 号单元格格式，而工作簿只定义了 {defined} 个，已损坏", where, part, sheets
        )


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part's sheet name (`xl/worksheets/sheet3.xml` → 表三), as far as the workbook and
    its relationships can be read (small parts, parsed safely): only to name a part in a message."""
    try:
        book = _tree(archive, "xl/workbook.xml")
        rels = _tree(archive, "xl/_rels/workbook.xml.rels")
    except (
        KeyError,
        ValueError,
        ParseError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
    ):
        return {}
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter() if rel.tag.endswith("Relationship")
    }
    found: dict[str, str] = {}
    for sheet in book.iter():
        rid = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        target = targets.get(rid) if sheet.tag.endswith("}sheet") else None
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            found[path] = sheet.get("name", "")
    return found


def _tree(archive: zipfile.ZipFile, name: str) -> Any:
    info = archive.getinfo(name)
    if info.file_size > 1024 * 1024:  # a workbook part lists its sheets in a few KB
        raise ValueError(name)
    return fromstring(archive.read(info), forbid_dtd=True)
