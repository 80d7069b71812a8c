"""The look of a Word report: the page (A4, official margins) and the paragraph styles, named for their
role, that an office can restyle in Word or WPS (修改样式) instead of editing every paragraph.

Sizes, faces and margins follow the national standard for official documents (GB/T 9704-2012): A4, top
margin 37 mm, left 28 mm, a text block of 156 × 225 mm; the title in 二号小标宋, 一、 headings in 三号黑体,
（一） headings in 三号楷体, the body in 三号仿宋 at a fixed 28-point line, page numbers in 四号宋体.
Every face is set for East Asian text (`w:eastAsia`), the part Word uses for Chinese, not only the Latin
name, and described in the font table as Windows describes it (English name, GB2312, PANOSE), which Word
goes by where the face is missing; a report also embeds a free face for each (`word_fonts`), which
LibreOffice and WPS on 麒麟/UOS draw.

Nothing is stranded at a page's foot: the 文号, title and headings keep with the paragraph after them, the
sign-off's lines stay together (and `word` keeps the text before it with it), and every role has widow
control (no first or last line of a paragraph alone on a page).

The headings are built on Word's own Heading 1/2/3 (and the title on Title), so Word's navigation pane
and a table of contents see them; their outline level is set on the role's style as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from nianbao import fonts

LATIN_FACE = "Times New Roman"  # digits and Latin letters, as official documents set them


@dataclass(frozen=True)
class Face:
    """An official face, as the font table describes it (Windows' own entries for these faces: their
    PANOSE numbers, family and pitch), and the free face embedded for desks without it."""

    name: str  # the face the standard asks for, as Chinese Windows and WPS name it
    windows: str  # its English name, or the face every Chinese Windows has that stands in for it
    stand_in: str  # the file (`nianbao.fonts`) embedded for LibreOffice and WPS where `name` is missing
    panose: str | None = None  # None: not known (a commercial face Windows does not ship)
    family: str = "auto"
    pitch: str = "variable"


# There is no free 楷 face among the project's fonts: 楷体 falls back on the serif, as 仿宋 does.
XIAOBIAOSONG = Face("方正小标宋简体", "SimSun", fonts.SERIF_FILE, family="roman")
HEITI = Face("黑体", "SimHei", fonts.SANS_FILE, "02010609060101010101", "modern", "fixed")
KAITI = Face("楷体", "KaiTi", fonts.SERIF_FILE, "02010609060101010101", "modern", "fixed")
FANGSONG = Face("仿宋", "FangSong", fonts.SERIF_FILE, "02010609060101010101", "modern", "fixed")
SONGTI = Face("宋体", "SimSun", fonts.SERIF_FILE, "02010600030101010101")
FACES = (XIAOBIAOSONG, HEITI, KAITI, FANGSONG, SONGTI)

# Sizes in points.
BODY_SIZE = 16.0  # 三号
BODY_LINE = 28.0  # a fixed line: 22 lines in the 225 mm text block
INDENT = 32.0  # two characters of body text


@dataclass(frozen=True)
class Role:
    """A paragraph style: its name (what the office sees in Word's style list) and its look."""

    name: str
    base: str  # the Word style it is built on
    face: Face
    size: float = BODY_SIZE
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent: float = INDENT  # of the first line
    line: float | None = BODY_LINE  # None: single spacing (tables)
    before: float = 0
    after: float = 0
    outline: int | None = None  # 0: Heading 1's level
    keep_with_next: bool = False
    keep_together: bool = False  # its lines on one page


CENTRED = WD_ALIGN_PARAGRAPH.CENTER
BODY = Role("正文", "Normal", FANGSONG)
TITLE = Role(
    "标题", "Title", XIAOBIAOSONG, 22, align=CENTRED, indent=0, line=36, after=28, keep_with_next=True
)
NUMBER = Role("文号", "Normal", FANGSONG, align=CENTRED, indent=0, after=14, keep_with_next=True)
HEADING_1 = Role("一级标题", "Heading 1", HEITI, outline=0, keep_with_next=True)
HEADING_2 = Role("二级标题", "Heading 2", KAITI, outline=1, keep_with_next=True)
HEADING_3 = Role("三级标题", "Heading 3", FANGSONG, bold=True, outline=2, keep_with_next=True)
CELL = Role("表格文字", "Normal", FANGSONG, 10.5, align=WD_ALIGN_PARAGRAPH.LEFT, indent=0, line=None)
CHART = Role("图", "Normal", FANGSONG, align=CENTRED, indent=0, line=None)
SIGNATURE = Role("落款", "Normal", FANGSONG, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, keep_together=True)
PAGE_NUMBER = Role("页码", "Footer", SONGTI, 14, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, line=None)
ROLES = (BODY, TITLE, NUMBER, HEADING_1, HEADING_2, HEADING_3, CELL, CHART, SIGNATURE, PAGE_NUMBER)
HEADINGS = {1: TITLE, 2: HEADING_1, 3: HEADING_2}  # the document's heading levels; deeper ones: HEADING_3

WIDE_TABLE = 8  # columns from which a table's text is set a size smaller (小五), to fit the page
WIDE_CELL_SIZE = 9.0  # 小五


def set_up(document: WordDocument) -> None:
    """A4 with the official margins, the East Asian defaults, and every role's style."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)  # the page number's line: 7 mm below the text block
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rpr in defaults.iter(qn("w:rPr")):
            set_fonts(rpr, FANGSONG)
            _east_asian_language(rpr)
    for base in {role.base for role in ROLES}:
        set_fonts(document.styles[base].element.get_or_add_rPr(), FANGSONG)
    for role in ROLES:
        _add_style(document, role)
    _font_table(document)


def apply(paragraph: WordParagraph, role: Role) -> WordParagraph:
    """The paragraph on the role's style, by its id (python-docx's lookup by name reads every style)."""
    paragraph._p.get_or_add_pPr().style = role.name
    return paragraph


def set_fonts(rpr: BaseOxmlElement, face: Face) -> None:
    """The run properties' faces: Latin, and East Asian (the one Word uses for Chinese). Theme fonts
    are removed: Word prefers them to named ones, and the theme's are not Chinese official faces."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in map(str, list(fonts.attrib)):
        if attribute.endswith(("Theme", "theme")):
            del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), LATIN_FACE)
    fonts.set(qn("w:hAnsi"), LATIN_FACE)
    fonts.set(qn("w:eastAsia"), face.name)
    fonts.set(qn("w:cs"), LATIN_FACE)
    fonts.set(qn("w:hint"), "eastAsia")


def _add_style(document: WordDocument, role: Role) -> ParagraphStyle:
    style = cast(ParagraphStyle, document.styles.add_style(role.name, WD_STYLE_TYPE.PARAGRAPH))
    style.style_id = role.name  # as python-docx makes it, said here since `apply` relies on it
    style.base_style = document.styles[role.base]
    style.next_paragraph_style = document.styles[BODY.name] if role is not BODY else style
    style.quick_style = True
    font = style.font
    font.size = Pt(role.size)
    font.bold = role.bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr(), role.face)
    paragraph = style.paragraph_format
    paragraph.alignment = role.align
    paragraph.first_line_indent = Pt(role.indent)
    paragraph.left_indent = Pt(0)
    paragraph.space_before, paragraph.space_after = Pt(role.before), Pt(role.after)
    if role.line is None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        paragraph.line_spacing = Pt(role.line)
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.keep_with_next = role.keep_with_next
    paragraph.keep_together = role.keep_together
    paragraph.widow_control = True
    if role.outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(role.outline))
        style.element.get_or_add_pPr().append(level)
    if role.base == "Title":  # Word's Title draws a blue rule below itself
        borders = style.element.get_or_add_pPr().find(qn("w:pBdr"))
        if borders is None:
            borders = OxmlElement("w:pBdr")
            style.element.get_or_add_pPr().insert(0, borders)
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "nil")
        borders.append(bottom)
    return style


def _east_asian_language(rpr: BaseOxmlElement) -> None:
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")


def _font_table(document: WordDocument) -> None:
    """Each official face in the font table, described as Windows describes it, so that Word substitutes
    like for like where the face is missing (`word_fonts` adds the free face embedded for it)."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    for face in FACES:
        table.append(_font_entry(face))
    part._blob = serialize_part_xml(table)  # a plain part: python-docx keeps its bytes, not its XML


def _font_entry(face: Face) -> BaseOxmlElement:
    """The face's font table entry, its elements in the schema's order."""
    entry = OxmlElement("w:font", {qn("w:name"): face.name})
    entry.append(OxmlElement("w:altName", {qn("w:val"): face.windows}))
    if face.panose:
        entry.append(OxmlElement("w:panose1", {qn("w:val"): face.panose}))
    entry.append(OxmlElement("w:charset", {qn("w:val"): "86"}))  # GB2312: a Chinese face
    entry.append(OxmlElement("w:family", {qn("w:val"): face.family}))
    entry.append(OxmlElement("w:pitch", {qn("w:val"): face.pitch}))
    return cast(BaseOxmlElement, entry)
