"""Where a PDF puts each glyph, read from its content streams (pypdf parses them; this follows the
graphics state): for tests of typesetting that text extraction cannot see — a mark's advance, the size
a chart's lettering prints at.

Enough of PDF for what Typst writes: Type0 fonts with Identity-H (two-byte codes), a /W array and a
/ToUnicode CMap; `cm`, `q`/`Q`, `BT`, `Tf`, `Tm`, `Td`, `TD`, `T*`, `Tc`, `Tw`, `Tz`, `TL`, `TJ`, `Tj`.
A content stream using anything else that moves text (`'`, `"`) is refused rather than misread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

from tests.pdf_text import reader

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n: m applied first, then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def scale_of(m: Matrix) -> float:
    """The length one unit along x becomes (the matrices here neither shear nor stretch unevenly)."""
    return float((m[0] ** 2 + m[1] ** 2) ** 0.5)


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float  # the glyph's origin on the page, in pt from the left
    y: float  # its baseline, in pt from the bottom
    size: float  # its em on the page, in pt
    width: float  # its own advance (the font's), in pt, before any adjustment


@dataclass
class _Font:
    widths: dict[int, float]  # code → advance in thousandths of an em
    default: float
    chars: dict[int, str]


def _font(font: Any) -> _Font:
    font = font.get_object()
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        raise ValueError(f"not a Type0 Identity-H font: {font.get('/BaseFont')}")
    descendant = font["/DescendantFonts"][0].get_object()
    widths: dict[int, float] = {}
    items = list(descendant.get("/W", []))
    i = 0
    while i < len(items):
        first = int(items[i])
        following = items[i + 1]
        if isinstance(following, list) or hasattr(following, "__iter__"):
            for k, width in enumerate(following):
                widths[first + k] = float(width)
            i += 2
        else:
            for code in range(first, int(following) + 1):
                widths[code] = float(items[i + 2])
            i += 3
    return _Font(widths, float(descendant.get("/DW", 1000)), _to_unicode(font["/ToUnicode"].get_object()))


HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode()).decode("utf-16-be")


def _to_unicode(stream: Any) -> dict[int, str]:
    data = stream.get_data()
    chars: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        found = HEX.findall(section)
        for code, text in zip(found[::2], found[1::2], strict=True):
            chars[int(code, 16)] = _utf16(text)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.DOTALL):
        for line in section.strip().splitlines():
            parts = HEX.findall(line)
            if len(parts) == 3 and b"[" not in line:
                low, high, start = int(parts[0], 16), int(parts[1], 16), _utf16(parts[2])
                for k in range(high - low + 1):
                    chars[low + k] = start[:-1] + chr(ord(start[-1]) + k)
    return chars


def _raw(item: Any) -> bytes:
    if isinstance(item, ByteStringObject):
        return bytes(item)
    if isinstance(item, TextStringObject) and item._original_bytes is not None:
        return item._original_bytes
    raise ValueError(f"a text string pypdf did not keep the bytes of: {item!r}")


def page_glyphs(data: bytes) -> list[list[Glyph]]:
    """Every glyph of every page, in drawing order."""
    pdf = reader(data)
    return [list(_glyphs(pdf, page)) for page in pdf.pages]


def operations(pdf: Any, page: Any) -> Iterator[tuple[Any, bytes, Any]]:
    """Each operation of the page's content stream with the transformation in force after it (q, Q
    and cm applied)."""
    ctm, stack = IDENTITY, []
    for operands, op in ContentStream(page.get_contents(), pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        yield operands, op, ctm


def _glyphs(pdf: Any, page: Any) -> Iterator[Glyph]:
    resources = page["/Resources"]
    fonts = {name: _font(font) for name, font in (resources.get("/Font") or {}).items()}
    tm = line = IDENTITY
    font: _Font | None = None
    size = char_spacing = word_spacing = leading = 0.0
    scaling = 1.0
    for operands, op, ctm in operations(pdf, page):
        if op == b"BT":
            tm = line = IDENTITY
        elif op == b"Tf":
            font, size = fonts[operands[0]], float(operands[1])
        elif op == b"Tc":
            char_spacing = float(operands[0])
        elif op == b"Tw":
            word_spacing = float(operands[0])
        elif op == b"Tz":
            scaling = float(operands[0]) / 100
        elif op == b"TL":
            leading = float(operands[0])
        elif op == b"Tm":
            tm = line = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op in (b"Td", b"TD"):
            if op == b"TD":
                leading = -float(operands[1])
            tm = line = multiply((1, 0, 0, 1, float(operands[0]), float(operands[1])), line)
        elif op == b"T*":
            tm = line = multiply((1, 0, 0, 1, 0, -leading), line)
        elif op in (b"'", b'"'):
            raise ValueError(f"text operator {op!r} is not read here")
        elif op in (b"TJ", b"Tj"):
            if font is None:
                raise ValueError("text shown before a font is set")
            items = operands[0] if op == b"TJ" else [operands[0]]
            for item in items:
                if not isinstance(item, (ByteStringObject, TextStringObject)):
                    tm = multiply((1, 0, 0, 1, -float(item) / 1000 * size * scaling, 0), tm)
                    continue
                raw = _raw(item)
                for k in range(0, len(raw) - 1, 2):
                    code = raw[k] << 8 | raw[k + 1]
                    width = font.widths.get(code, font.default) / 1000 * size
                    render = multiply(multiply((size * scaling, 0, 0, size, 0, 0), tm), ctm)
                    origin = multiply(tm, ctm)
                    char = font.chars.get(code, "\ufffd")
                    em = scale_of(render)
                    yield Glyph(char, origin[4], origin[5], em, width * em / size)
                    advance = (width + char_spacing + (word_spacing if char == " " else 0)) * scaling
                    tm = multiply((1, 0, 0, 1, advance, 0), tm)


def lines(glyphs: list[Glyph], tolerance: float = 0.5) -> list[list[Glyph]]:
    """The glyphs grouped by baseline (top of the page first), each line left to right."""
    found: dict[float, list[Glyph]] = {}
    for glyph in glyphs:
        key = next((y for y in found if abs(y - glyph.y) <= tolerance), glyph.y)
        found.setdefault(key, []).append(glyph)
    return [sorted(found[y], key=lambda g: g.x) for y in sorted(found, reverse=True)]
