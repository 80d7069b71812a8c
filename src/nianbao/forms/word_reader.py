"""A returned Word form read back as the year's narrative.md (`make collect`).

The .docx is untrusted: its zip and every XML part are checked by the same limits as a returned Excel
form (`inputs.xlsx_parts`, `DOCUMENT`) before python-docx opens it. Its identity comes from its custom
properties (`word_identity`); its sections from its headings, whatever saved it (Word, WPS, LibreOffice):
a heading is a paragraph whose outline level, or whose style's (or the style it is based on), says so, or
whose style is named `Heading N` / `标题 N`. Each section heading is matched by its text (a typed
`一、` or `（一）` before it is allowed) to the format's sections; one missing, renamed or repeated,
text before the first heading or under a group's heading before its first part, is one message naming
the file and the heading.

Beneath a heading, the text becomes Markdown as a clerk would have typed it in narrative.md: paragraphs
(a blank line between), bold (`**…**`), line breaks (`\\` at the end of a line), lists (Word's own
numbering, and `1.` / `•` typed at the start of a paragraph), headings below the sections' levels
(`##`), links (`[text](address)`, which the report links only where the one link policy allows) and
simple tables (pipe tables: merged cells repeated as empty ones). What a clerk typed is text: a `#` at
the start of a paragraph and an HTML comment's `<!--` are escaped, so no typed text becomes a heading or
hides what follows; `{{ … }}` placeholders are kept as typed, and the report fills them as it fills
those of narrative.md. The Markdown then passes the loader's own checks (`inputs.load.narrative_parts`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn

from nianbao.errors import DataError, did_you_mean
from nianbao.formats import ReportFormat
from nianbao.forms import word_identity
from nianbao.forms.word_form import INSTRUCTIONS, FormHeading, form_headings
from nianbao.inputs import printable, xlsx_parts
from nianbao.inputs.workbook import Identity
from nianbao.notebook.narrative import check_written

HINT = "请用 make workbook 生成的文字填报表（.docx）填写：标题不要改动、删除或增加，文字写在各标题下面。"
HEADING_NAME = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)
TITLE_NAMES = frozenset({"title", "标题"})
# A heading's own numbering typed before its text: 一、 （一） 1. 1、
NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[0-9]+[.．、])\s*")
BULLET = re.compile(r"^(?:[•·●▪◆◇○■□]\s*|-\s+)")
ORDERED = re.compile(r"^([0-9]{1,3})[.．](?![0-9])\s*")
# Text Markdown would read as something else than text: a heading's `#` or a quote's `>` at the start of
# a paragraph; an HTML comment, which the loader drops with everything up to its end.
LEADING = re.compile(r"^([#>])")
COMMENT_OPEN = "<!--"
# A bold run's spaces and punctuation at its edges (never a placeholder's braces): Markdown sees no bold
# whose `**` stands between a letter and a punctuation mark, so they are kept outside the marks.
EDGE_MARKS = r"[\s，。、；：！？“”‘’（）《》【】…—,.;:!?'\"()\[\]<>*_~-]*"
EDGE = re.compile(f"^({EDGE_MARKS})(.*?)({EDGE_MARKS})$", re.DOTALL)
CHINESE_NUMBERS = "〇一二三四五六七八九十"
# What holds runs of a paragraph without changing them: tracked insertions, smart tags, fields, controls.
WRAPPERS = frozenset(
    qn(f"w:{tag}") for tag in ("ins", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent")
)
MAX_DEPTH = 20  # styles based on styles: deeper is a loop or hostile


def read_form(data: bytes, where: str) -> tuple[Identity, WordDocument]:
    """The Word document in `data` (checked first) and whose form it is."""
    xlsx_parts.check(data, where, xlsx_parts.DOCUMENT)
    try:
        form = docx.Document(io.BytesIO(data))
    except Exception as err:  # any fault of the reader of an untrusted file is the file's
        raise DataError(
            "Word 文档已损坏，或不是 Word 文档，无法读取", path=where, hint=xlsx_parts.DOCUMENT.resave
        ) from err
    return word_identity.identity(form, where), form


def narrative_md(form: WordDocument, fmt: ReportFormat, title: str, where: str) -> str:
    """The form's sections as narrative.md, headed by a comment saying where it came from."""
    sections = sections_of(form, fmt, title, where)
    parts = ["<!-- 由 make collect 从交回的 Word 文字填报表放置。要修改文字，改这个文件即可。 -->"]
    for spec in fmt.prose:
        text = sections[spec.id]
        section = f"{where}（“{spec.heading}”一段）"
        printable.check_file(text, section)
        check_written(text, section)
        parts.append(f"# {spec.heading}\n\n{text}".rstrip())
    return "\n\n".join(parts) + "\n"


def sections_of(form: WordDocument, fmt: ReportFormat, title: str, where: str) -> dict[str, str]:
    """Each section's Markdown by prose id, as the form's headings divide its body."""
    expected = form_headings(fmt)
    by_text = {_plain_heading(one.text): one for one in expected}
    reader = _Reader(form)
    found: dict[str, list[str]] = {}
    current: FormHeading | None = None
    for block in reader.blocks():
        level = block.heading if block.text else 0
        known = by_text.get(_plain_heading(block.text)) if level else None
        # a heading no section has, at a section's own level or above: one renamed (deeper: a sub-heading)
        limit = current.level if current is not None and current.id is not None else 2
        if level and known is None and level <= limit:
            names = "、".join(f"“{one.text}”" for one in expected)
            raise DataError(
                f"标题“{block.text[:40]}”不是这份表的标题{did_you_mean(block.text, list(by_text))}；"
                f"标题不能改动，应为：{names}",
                path=where,
                hint=HINT,
            )
        if known is not None:
            if known.text in found or (known.id is not None and known.id in found):
                raise DataError(f"标题“{known.text}”出现了两次", path=where, hint=HINT)
            found[known.id or known.text] = []
            current = known
            continue
        if block.unread is not None:
            at = f"“{current.text}”一段中" if current is not None else "第一个标题之前"
            raise DataError(
                f"{at}有{block.unread}：nianbao 只读正文的文字和表格，{block.unread}中的内容放入 "
                "narrative.md 时会丢失",
                path=where,
                hint=f"请把{block.unread}中的文字写进正文（或删去{block.unread}）后重新交回。",
            )
        if not block.markdown.strip():
            continue
        if current is None:
            if block.text.strip() in {title, *INSTRUCTIONS}:
                continue
            raise DataError(
                f"第一个标题“{expected[0].text}”之前有文字（“{block.text[:20]}”）；"
                "每段文字都应写在一个标题下面",
                path=where,
                hint=HINT,
            )
        if current.id is None:
            raise DataError(
                f"标题“{current.text}”与它的第一个小标题之间有文字（“{block.text[:20]}”）；"
                "文字应写在小标题下面",
                path=where,
                hint=HINT,
            )
        found[current.id].append(block.markdown)
    missing = [one.text for one in expected if (one.id or one.text) not in found]
    if missing:
        raise DataError(
            f"缺少标题：{'、'.join(f'“{text}”' for text in missing)}（被删去了，或不是标题样式？）",
            path=where,
            hint=HINT,
        )
    return {key: _joined(blocks) for key, blocks in found.items() if key in {s.id for s in fmt.prose}}


def _plain_heading(text: str) -> str:
    return NUMBERING.sub("", "".join(text.split()))


def _joined(blocks: list[str]) -> str:
    """Blocks apart by a blank line; the items of one list on lines of their own."""
    text = ""
    for block in blocks:
        if text:
            text += "\n" if _item(block) and _item(text.rsplit("\n", 1)[-1]) else "\n\n"
        text += block
    return text


def _item(line: str) -> bool:
    return line.startswith("- ") or re.match(r"[0-9]+\. ", line) is not None


@dataclass
class Block:
    """One paragraph or table of the body: its heading level (0: none), its text and its Markdown; and
    what of it nianbao cannot read (a text box, a picture, a footnote), which would be lost."""

    heading: int
    text: str
    markdown: str
    unread: str | None = None


# What a paragraph or table may hold that is not text nianbao reads: placed, it would be lost without a
# word, so the form is refused naming it (text box first: it sits inside a drawing).
UNREAD = (
    ("w:txbxContent", "文本框"),
    ("w:drawing", "图片或图形"),
    ("w:pict", "图片或图形"),
    ("w:object", "嵌入的对象"),
    ("w:footnoteReference", "脚注"),
    ("w:endnoteReference", "尾注"),
)


def _unread(element: Any) -> str | None:
    for tag, name in UNREAD:
        if next(element.iter(qn(tag)), None) is not None:
            return name
    return None


@dataclass
class _Reader:
    """A document's body in order, as blocks, with what styles and numbering say about each paragraph."""

    form: WordDocument
    styles: dict[str, Any] = field(default_factory=dict)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for style in self.form.styles.element.iter(qn("w:style")):
            self.styles.setdefault(style.get(qn("w:styleId"), ""), style)
        try:
            self.numbering = self.form.part.numbering_part.element
        except (KeyError, NotImplementedError, ValueError):
            self.numbering = None
        self.links = {
            rel_id: rel.target_ref
            for rel_id, rel in self.form.part.rels.items()
            if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK and rel.is_external
        }

    def blocks(self) -> Iterator[Block]:
        for child in _children(self.form.element.body):
            if child.tag == qn("w:p"):
                block = self._paragraph(child)
            elif child.tag == qn("w:tbl"):
                block = Block(0, "表格", self._table(child))
            else:
                continue
            block.unread = _unread(child)
            yield block

    def _paragraph(self, p: Any) -> Block:
        style = _style_id(p)
        level = self._level(p, style)
        text = self._inline(p)
        plain = " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))).split())
        if level and not plain:  # an empty paragraph in a heading's style: nothing
            return Block(0, "", "")
        if level:  # a heading that is no section's: a sub-heading, below the sections' own levels
            return Block(level, plain, f"{'#' * min(max(level - 1, 2), 6)} {_escaped(plain)}")
        self.counters = self.counters if self._list_of(p, style) else {}
        listed = self._list_mark(p, style)
        body = _escaped(text)
        if listed is None:
            if BULLET.match(text) and BULLET.sub("", text):
                listed, body = "- ", _escaped(BULLET.sub("", text, count=1))
            elif ORDERED.match(text) and ORDERED.sub("", text):
                number = ORDERED.match(text)
                listed = f"{int(number[1]) if number else 1}. "
                body = _escaped(ORDERED.sub("", text, count=1))
        return Block(0, plain, f"{listed}{body}" if listed and body.strip() else body)

    def _level(self, p: Any, style: str | None) -> int:
        """The paragraph's heading level (1 for Heading 1), 0 for body text and the title."""
        outline = _outline(p.find(qn("w:pPr")))
        if outline is not None:
            return outline
        for found in self._chain(style):
            outline = _outline(found.find(qn("w:pPr")))
            if outline is not None:
                return outline
            name = _value(found.find(qn("w:name"))) or ""
            match = HEADING_NAME.fullmatch(name.strip())
            if match:
                return int(match[1])
            if name.strip().lower() in TITLE_NAMES:
                return 0
        return 0

    def _chain(self, style: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while style and style not in seen and len(seen) < MAX_DEPTH:
            seen.add(style)
            found = self.styles.get(style)
            if found is None:
                return
            yield found
            style = _value(found.find(qn("w:basedOn")))

    def _list_of(self, p: Any, style: str | None) -> tuple[str, str] | None:
        """The Word list (numbering id, level) the paragraph is an item of, if any."""
        for holder in [p, *self._chain(style)]:
            ppr = holder.find(qn("w:pPr"))
            num = ppr.find(qn("w:numPr")) if ppr is not None else None
            if num is not None:
                num_id = _value(num.find(qn("w:numId"))) or "0"
                return (num_id, _value(num.find(qn("w:ilvl"))) or "0") if num_id != "0" else None
        return None

    def _list_mark(self, p: Any, style: str | None) -> str | None:
        """What a Word-numbered paragraph starts with in Markdown: `- `, `3. `, or its 一、 typed."""
        listed = self._list_of(p, style)
        if listed is None:
            return None
        count = self.counters.get(listed, 0) + 1
        self.counters = {key: value for key, value in self.counters.items() if key[0] == listed[0]}
        self.counters[listed] = count
        kind, pattern = self._format(*listed)
        if kind == "bullet":
            return "- "
        if kind.startswith(("chinese", "ideograph", "japanese", "taiwanese")):
            return (pattern or "%1、").replace(f"%{int(listed[1]) + 1}", _chinese(count))
        if kind == "none":
            return None
        return f"{count}. "

    def _format(self, num_id: str, level: str) -> tuple[str, str | None]:
        """The number format (`decimal`, `bullet`, `chineseCounting`…) and text of a list's level."""
        if self.numbering is None:
            return "decimal", None
        abstract = None
        for num in self.numbering.iter(qn("w:num")):
            if num.get(qn("w:numId")) == num_id:
                abstract = _value(num.find(qn("w:abstractNumId")))
                break
        for definition in self.numbering.iter(qn("w:abstractNum")):
            if definition.get(qn("w:abstractNumId")) != abstract:
                continue
            for lvl in definition.iter(qn("w:lvl")):
                if lvl.get(qn("w:ilvl")) == level:
                    kind = _value(lvl.find(qn("w:numFmt"))) or "decimal"
                    return kind, _value(lvl.find(qn("w:lvlText")))
        return "decimal", None

    def _inline(self, p: Any, *, in_cell: bool = False) -> str:
        """A paragraph's runs as Markdown text: bold and links marked, line breaks kept."""
        pieces: list[tuple[str, bool, str | None]] = []
        for run, link in _runs(p, None):
            bold = _bold(run) or self._style_bold(run)
            address = self.links.get(link) if link else None
            for part in run:
                if part.tag == qn("w:t"):
                    pieces.append((part.text or "", bold, address))
                elif part.tag in (qn("w:tab"), qn("w:ptab")):
                    pieces.append((" ", bold, address))
                elif part.tag in (qn("w:br"), qn("w:cr")) and part.get(qn("w:type")) in (
                    None,
                    "textWrapping",
                ):
                    pieces.append(("\n", False, None))
                elif part.tag == qn("w:noBreakHyphen"):
                    pieces.append(("-", bold, address))
        return _marked(pieces, " " if in_cell else "\\\n")

    def _style_bold(self, run: Any) -> bool:
        rpr = run.find(qn("w:rPr"))
        style = _value(rpr.find(qn("w:rStyle"))) if rpr is not None else None
        return any(_bold(found) for found in self._chain(style))

    def _table(self, tbl: Any) -> str:
        """A simple table as a pipe table: the first row its header, a merged cell once, the rest empty."""
        rows: list[list[str]] = []
        for tr in tbl.iter(qn("w:tr")):
            if _inside(tr, tbl, qn("w:tbl")):  # a table in a cell: its text is the cell's
                continue
            cells: list[str] = []
            for tc in tr.iter(qn("w:tc")):
                if _inside(tc, tr, qn("w:tr")):
                    continue
                cells.extend(self._cell(tc))
            rows.append(cells)
        width = max((len(row) for row in rows), default=0)
        if not width:
            return ""
        lines = [_row([*row, *[""] * (width - len(row))]) for row in rows]
        lines.insert(1, _row(["---"] * width))
        return "\n".join(lines)

    def _cell(self, tc: Any) -> list[str]:
        tcpr = tc.find(qn("w:tcPr"))
        span = _value(tcpr.find(qn("w:gridSpan"))) if tcpr is not None else None
        merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
        continued = merge is not None and merge.get(qn("w:val")) in (None, "continue")
        texts = [] if continued else [self._inline(p, in_cell=True) for p in tc.iter(qn("w:p"))]
        text = " ".join(_escaped(t).replace("|", "\\|").strip() for t in texts if t.strip())
        columns = int(span) if span and span.isdigit() and 0 < int(span) < 64 else 1
        return [text, *[""] * (columns - 1)]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _children(body: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order, those inside content controls (w:sdt) included."""
    for child in body:
        if child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _children(content)
        elif child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:customXml"), qn("w:ins")):
            yield from _children(child)


def _runs(holder: Any, link: str | None) -> Iterator[tuple[Any, str | None]]:
    """The runs of a paragraph in order, with the relationship id of the link each is in; deleted
    text (tracked changes) left out, inserted text kept."""
    for child in holder:
        if child.tag == qn("w:r"):
            yield child, link
        elif child.tag == qn("w:hyperlink"):
            yield from _runs(child, child.get(qn("r:id")))
        elif child.tag in WRAPPERS:
            yield from _runs(child, link)


def _inside(element: Any, top: Any, tag: str) -> bool:
    """Whether `element` is in a `tag` nested below `top` (not directly `top`'s own)."""
    parent = element.getparent()
    while parent is not None and parent is not top:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _style_id(p: Any) -> str | None:
    ppr = p.find(qn("w:pPr"))
    return _value(ppr.find(qn("w:pStyle"))) if ppr is not None else None


def _value(element: Any) -> str | None:
    return element.get(qn("w:val")) if element is not None else None


def _outline(ppr: Any) -> int | None:
    """A heading's level from `w:outlineLvl` (0 is Heading 1; 9 is body text)."""
    level = _value(ppr.find(qn("w:outlineLvl"))) if ppr is not None else None
    if level is None or not level.isdigit():
        return None
    return int(level) + 1 if int(level) < 9 else 0


def _bold(holder: Any) -> bool:
    rpr = holder.find(qn("w:rPr"))
    found = rpr.find(qn("w:b")) if rpr is not None else None
    return found is not None and _value(found) not in ("0", "false", "off")


def _marked(pieces: list[tuple[str, bool, str | None]], line_break: str) -> str:
    """Runs joined, each stretch of one look once: `**bold**`, `[text](address)`."""
    merged: list[tuple[str, bool, str | None]] = []
    for text, bold, link in pieces:
        if merged and merged[-1][1:] == (bold, link) and text != "\n" and merged[-1][0] != "\n":
            merged[-1] = (merged[-1][0] + text, bold, link)
        else:
            merged.append((text, bold, link))
    out = ""
    for text, bold, link in merged:
        if text == "\n":
            out = out.rstrip() + line_break if out.strip() else out
            continue
        shown = _bolded(text) if bold else text
        if link:
            shown = f"[{shown}]({_address(link)})"
        out += shown
    return out.rstrip("\\\n ").rstrip()


def _bolded(text: str) -> str:
    """`**…**` round the text, its edge spaces and punctuation outside (else Markdown sees no bold)."""
    match = EDGE.match(text)
    if match is None or not match[2]:
        return text
    return f"{match[1]}**{match[2]}**{match[3]}"


def _address(address: str) -> str:
    """A link's address as a Markdown link can carry it whole (what would end it or the line escaped)."""
    out = "".join(char if char.isprintable() else "" for char in address)
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        out = out.replace(char, code)
    return out


def _escaped(text: str) -> str:
    """Typed text that Markdown or the loader would read as something else, escaped."""
    return LEADING.sub(r"\\\1", text.replace(COMMENT_OPEN, "<!\\-\\-"))


def _chinese(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (a list numbered 一、二、 in Word, as typed)."""
    if number <= 10:
        return CHINESE_NUMBERS[number]
    tens, units = divmod(number, 10)
    return f"{'' if tens == 1 else CHINESE_NUMBERS[tens]}十{CHINESE_NUMBERS[units] if units else ''}"
