"""A document (`publish.document`) as a PDF in the style of 党政机关公文格式 (GB/T 9704-2012).

Typst (its PyPI package, which bundles the compiler) sets the template `templates/pdf/document.typ`.
The document reaches it as data only — JSON in `sys.inputs` that the template reads with `json()` — so
agency text is never parsed as Typst markup. Fonts are the CJK faces the `mplfonts` package installs,
passed by folder with system and Typst's own fonts ignored: every machine sets the same glyphs. The
fonts and the compiler are loaded once per process (a batch worker keeps them between reports).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import typst
from fontTools.ttLib import TTFont

from nianbao import fonts as cjk
from nianbao import links
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.table_model import Cell, Row, Table
from nianbao.errors import DataError
from nianbao.inputs import printable
from nianbao.paths import TEMPLATES_DIR
from nianbao.publish.document import Block, Document, Heading, Items, Paragraph, Span

TEMPLATE = TEMPLATES_DIR / "pdf" / "document.typ"

# The faces of each role, by the family names Typst reports for mplfonts' files. There is no bold
# weight of a serif CJK face on the registries, so the roles set in bold (小标宋 title; （一） headings
# for want of a 楷体 face; strong text; table headers) are the serif stroked by a fraction of an em:
# measured on "政府信息公开工作年度报告" at 20 pt, 0.03 em brings the serif's ink from 8.0 % to 13.3 % of
# the line's area (Noto Sans CJK SC Regular, the 黑体 role: 11.4 %); 0.02 em to 11.2 %. (A real bold
# sans exists — the manimgx-fonts-cjk package's variable Noto Sans CJK, whose weights Typst renders: 400
# → 11.4 %, 700 → 17.4 % — but no role here is a bold sans, and it would add 33 MB.)
# With `fallback: false` in the template, a face not named here (mplfonts also ships SimHei, which we do
# not use) is never picked.
SERIF = cjk.SERIF  # 仿宋 role (body) and 小标宋 role (title)
SANS = cjk.SANS  # 黑体 role (一、 headings): its ink (11.4 %) is SimHei's (10.9 %)
FONTS: dict[str, str | float] = {
    "serif": SERIF,
    "sans": SANS,
    "bold": 0.02,  # stroke of the bold roles, in em
    "title-bold": 0.03,
}

# The PDF's creation date when the document has none: fixed, so rebuilds are identical.
FALLBACK_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
STANDARD: Literal["a-2b"] = "a-2b"  # PDF/A-2b: what archives ask for

# Column weights of a table: the longest single-column text, within these bounds (characters), so a
# column of figures stays narrow and a column of long labels wraps instead of pushing others off.
NARROWEST, WIDEST = 3, 16


def font_folders() -> list[Path]:
    """Folders, not files: typst-py reads no font from a file path given here (measured: none found)."""
    return [cjk.folder()]


@cache
def fonts() -> typst.Fonts:
    """The CJK faces, loaded once; the families the template names must be among them."""
    found = typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(folder) for folder in font_folders()],
    )
    missing = {SERIF, SANS} - set(found.families())
    if missing:
        raise RuntimeError(f"fonts not found for Typst: {sorted(missing)}")  # a broken environment
    return found


@cache
def compiler() -> typst.Compiler:
    """The template's compiler, made once. From the template's path, not its bytes: typst-py 0.15 fails
    the second compile of a compiler made from bytes (it looks for `__typst_py_bytes__.typ` on disk)."""
    return typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=fonts())


@cache
def covered() -> frozenset[int]:
    """The characters both faces have a glyph for (every role can set them)."""
    paths = {info.path for info in fonts().fonts() if info.family in (SERIF, SANS) and info.path}
    cmaps = []
    for path in sorted(paths):
        with TTFont(path, lazy=True) as font:
            cmaps.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*cmaps))


def check_glyphs(data: dict[str, Any]) -> None:
    """Refuse a character the fonts cannot show (an emoji, a rare character, a private-use or unassigned
    code point) before Typst does, naming it and the text around it: PDF/A forbids a missing glyph, and
    the clerk can replace the character. Format characters (a zero-width space, a soft hyphen) need no
    glyph, nor do tab and line breaks; a control character the input did not refuse (`inputs.printable`)
    is named as what it is."""
    for text in strings(data):
        for at, char in enumerate(text):
            if ord(char) in covered() or char in "\t\n" or unicodedata.category(char) == "Cf":
                continue
            # Never the control characters themselves into a message a terminal shows.
            context = printable.UNPRINTABLE.sub("", text[max(0, at - 12) : at + 12].replace("\n", " "))
            if printable.first(char) is not None:
                raise DataError(
                    f"报告文字中含有{printable.what(char)}，无法印在 PDF 中。所在的文字：“{context}”",
                    hint=printable.HINT,
                )
            raise DataError(
                f"报告文字中的字符“{char}”（U+{ord(char):04X}）无法印在 PDF 中：PDF 的字体中没有这个字。"
                f"所在的文字：“{context}”",
                hint="这类字（表情符号、生僻字、自造字等）请在 narrative.md 或数据中的这段文字里"
                "换成常用字或删去。",
            )


def strings(value: Any) -> list[str]:
    """Every string the document prints (not its charts, which are drawn, nor its links' addresses)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    if isinstance(value, dict):
        skip = {"svg", "link", "kind", "fonts", "classes"}
        return [text for key, item in value.items() if key not in skip for text in strings(item)]
    return []


def render(document: Document, *, author: str = "") -> bytes:
    """The document's PDF: A4, fonts embedded (subsets), text extractable, charts vector."""
    data = {"fonts": FONTS, "author": author, **document_data(document)}
    check_glyphs(data)
    pdf = compiler().compile(
        format="pdf",
        sys_inputs={"document": json.dumps(data, ensure_ascii=False)},
        pdf_standards=[STANDARD],
        timestamp=creation_date(document),
    )
    if not isinstance(pdf, bytes):
        raise RuntimeError("typst returned no PDF")  # a bug: one document is one file
    return pdf


def creation_date(document: Document) -> dt.datetime:
    """The document's date as the PDF's: the same every rebuild."""
    if document.date is None:
        return FALLBACK_DATE
    return dt.datetime(document.date.year, document.date.month, document.date.day, tzinfo=dt.UTC)


def document_data(document: Document) -> dict[str, Any]:
    return {
        "title": document.title,
        "title_parts": list(document.title_in_parts),
        "number": document.number,
        "signature": list(document.signature),
        "blocks": [block_data(block) for block in document.blocks],
    }


def block_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"kind": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "spans": [span_data(span) for span in block.spans]}
    if isinstance(block, Items):
        items = [[block_data(paragraph) for paragraph in item] for item in block.items]
        return {"kind": "items", "ordered": block.ordered, "items": items}
    if isinstance(block, Table):
        return table_data(block)
    if isinstance(block, Chart):
        return {"kind": "chart", "svg": block.svg}
    raise TypeError(f"not a block: {block!r}")  # a bug: Block is a closed union


def span_data(span: Span) -> dict[str, Any]:
    return {
        "text": span.text,
        "strong": span.strong,
        "emphasis": span.emphasis,
        "code": span.code,
        "link": links.outside(span.link),  # the one link policy: anything else is its text, unlinked
    }


def table_data(table: Table) -> dict[str, Any]:
    def rows(part: Sequence[Row]) -> list[list[dict[str, Any]]]:
        return [[cell_data(cell) for cell in row] for row in part]

    return {
        "kind": "table",
        "id": table.id,
        "widths": column_weights(table),
        "head": rows(table.head),
        "body": [{"head": head, "rows": rows(part)} for head, part in body_parts(table.body)],
        "foot": rows(table.foot),
    }


def body_parts(body: Sequence[Row]) -> list[tuple[bool, list[Row]]]:
    """The body in runs of rows, each (is a subheader, its rows). A block heading across the table
    (表二's 第二十条第（一）项) with the header rows right below it (信息内容 | …) is a subheader: the
    template keeps it with the first row under it (never alone at a page's foot) and repeats it over
    the rest of its block on the next page. Every other run of rows is plain body."""
    parts: list[tuple[bool, list[Row]]] = []
    for row in body:
        if row and "block" in row[0].classes:
            parts.append((True, [row]))
        elif parts and (not parts[-1][0] or all(cell.header for cell in row)):
            parts[-1][1].append(row)  # the body goes on, or the subheader's header rows do
        else:
            parts.append((False, [row]))
    return parts


def cell_data(cell: Cell) -> dict[str, Any]:
    return {
        "text": cell.text,
        "header": cell.header,
        "rowspan": cell.rowspan,
        "colspan": cell.colspan,
        "classes": list(cell.classes),
    }


def column_weights(table: Table) -> list[int]:
    """Each column's share of the text block's width (see NARROWEST, WIDEST)."""
    longest = [NARROWEST] * table.width
    for _, column, cell in table.placed():
        if cell.colspan == 1:
            longest[column] = max(longest[column], min(len(cell.text), WIDEST))
    return longest
