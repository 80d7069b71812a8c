"""The Word file's typesetting, read from its XML: the faces and the fallback each desk resolves, and what
keeps a title, a table's head and the sign-off from being stranded.

- Faces: every run names its official face for Chinese (`w:eastAsia`), the face Windows has (仿宋, 黑体, …);
  the font table describes each (its English Windows name, GB2312 charset, family, pitch, PANOSE) so Word
  substitutes like for like, and embeds a freely licensed stand-in (Noto Serif/Sans CJK SC, SIL OFL)
  cut to the characters set in that face, which LibreOffice and WPS draw where the Windows face is
  missing. The embedded data is obfuscated with its key as ECMA-376 says (read back here independently).
- Keeping: the title, 文号 and headings keep with the next paragraph; a table's header rows keep with its
  first row and the paragraph before a table with the table; the text before the sign-off keeps with it
  and the sign-off's lines stay together; every role has widow control.
- A title too long for one line is broken where an office breaks it (after the agency's name and year,
  before （汇总）) into balanced lines; a short one is not broken."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from typing import Any

import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree

from nianbao.drawing.table_model import Cell, Table
from nianbao.figures.derived import title_parts
from nianbao.publish import titles, word, word_styles
from nianbao.publish.document import Document, Heading, Items, Paragraph, Span

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_RELATIONSHIP = f"{R}/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
OFFICIAL = {"仿宋": "Noto Serif CJK SC", "楷体": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC"}
OFFICIAL |= {"方正小标宋简体": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}
WINDOWS = {
    "仿宋": "FangSong",
    "楷体": "KaiTi",
    "宋体": "SimSun",
    "黑体": "SimHei",
    "方正小标宋简体": "SimSun",
}

TABLE = Table(
    "t",
    head=((Cell("类别", header=True), Cell("条数", header=True)),),
    body=(
        (Cell("机构职能"), Cell("45", classes=("num",))),
        (Cell("规划计划"), Cell("140", classes=("num",))),
    ),
)
KIND = "政府信息公开工作年度报告"
LONG_TITLE = title_parts("示例市示例局", 2025, KIND)  # 21 characters' width at 二号: two lines
SIGNATURE = ("示例市示例局", "2026年1月21日")
LONG_AGENCY = "示例市示例区人力资源和社会保障局劳动保障监察支队"


def _document(title: tuple[str, ...], *blocks: Any) -> Document:
    """A document titled by `title`'s parts (`figures.derived.title_parts`)."""
    return Document("".join(title), "示例〔2026〕8号", tuple(blocks), SIGNATURE, dt.date(2026, 1, 21), title)


ENDS_IN_TEXT = _document(
    LONG_TITLE,
    Paragraph((Span("本报告根据《条例》编制。"),)),
    Heading(2, "一、总体情况"),
    Paragraph((Span("下表列出"), Span("主动公开", strong=True), Span("的类别。"))),
    TABLE,
    Heading(3, "（一）存在的主要问题"),
    Items(False, ((Paragraph((Span("甲"),)),), (Paragraph((Span("乙"),)),))),
    Paragraph((Span("2025年，本局未收取信息处理费。"),)),
)
ENDS_IN_TABLE = _document(title_parts("某局", 2025, KIND), Paragraph((Span("附表如下。"),)), TABLE)


class Opened:
    """A saved .docx's parts, parsed."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> Any:
        return etree.fromstring(self.zip.read(name))

    def rels(self, name: str) -> dict[str, tuple[str, str]]:
        folder, _, file = name.rpartition("/")
        tree = etree.fromstring(self.zip.read(f"{folder}/_rels/{file}.rels"))
        return {str(rel.get("Id")): (str(rel.get("Type")), f"{folder}/{rel.get('Target')}") for rel in tree}


@pytest.fixture(scope="module")
def saved() -> bytes:
    return word.to_docx(ENDS_IN_TEXT)


@pytest.fixture(scope="module")
def opened(saved: bytes) -> Opened:
    return Opened(saved)


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _faces_and_text(opened: Opened) -> dict[str, set[str]]:
    """Each East Asian face named on a run → the characters of the runs set in it (body and footers)."""
    found: dict[str, set[str]] = {}
    parts = [
        "word/document.xml",
        *(n for n in opened.zip.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)),
    ]
    for part in parts:
        for run in opened.xml(part).iter(qn("w:r")):
            fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            if fonts is not None and fonts.get(qn("w:eastAsia")):
                found.setdefault(fonts.get(qn("w:eastAsia")), set()).update(_text(run))
    return found


def _unobfuscated(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, 17.8.1: the first 32 bytes XORed with the key's 16 bytes, read from the key's last
    hexadecimal pair to its first."""
    digits = key.strip("{}").replace("-", "")
    secret = bytes(int(digits[i : i + 2], 16) for i in range(30, -1, -2))
    head = bytes(byte ^ secret[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def _content_type(opened: Opened, name: str) -> str | None:
    """A part's content type: its own (Override), else its extension's (Default)."""
    types = opened.xml("[Content_Types].xml")
    for entry in types:
        if entry.get("PartName") == f"/{name}":
            return str(entry.get("ContentType"))
    extension = name.rpartition(".")[2]
    return next((str(e.get("ContentType")) for e in types if e.get("Extension") == extension), None)


def _font_entries(opened: Opened) -> dict[str, Any]:
    return {font.get(qn("w:name")): font for font in opened.xml("word/fontTable.xml")}


def test_every_run_names_an_official_face_the_font_table_describes(opened: Opened) -> None:
    faces = _faces_and_text(opened)
    assert set(faces) == {"仿宋", "黑体", "楷体", "方正小标宋简体", "宋体"}
    entries = _font_entries(opened)
    for face in faces:
        entry = entries[face]
        assert next(child.tag for child in entry) == qn("w:altName")  # the schema's order: altName first
        assert entry.find(qn("w:altName")).get(qn("w:val")) == WINDOWS[face]
        assert entry.find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312: Word substitutes a Chinese face
        assert entry.find(qn("w:family")) is not None and entry.find(qn("w:pitch")) is not None
    assert entries["仿宋"].find(qn("w:panose1")).get(qn("w:val")) == "02010609060101010101"
    assert entries["黑体"].find(qn("w:panose1")).get(qn("w:val")) == "02010609060101010101"


def test_each_official_face_embeds_a_free_subset_that_covers_its_text(opened: Opened) -> None:
    faces = _faces_and_text(opened)
    entries = _font_entries(opened)
    rels = opened.rels("word/fontTable.xml")
    for face, characters in faces.items():
        embed = entries[face].find(qn("w:embedRegular"))
        assert embed is not None, f"{face}: nothing embedded"
        kind, target = rels[embed.get(f"{{{R}}}id")]
        assert kind == FONT_RELATIONSHIP and target.endswith(".odttf")
        assert embed.get(qn("w:subsetted")) in ("1", "true")
        raw = opened.zip.read(target)
        font = TTFont(io.BytesIO(_unobfuscated(raw, embed.get(qn("w:fontKey")))))
        assert font.sfntVersion == "\0\1\0\0" and "glyf" in font  # TrueType, as Word embeds fonts
        names = font["name"]
        assert (names.getDebugName(16) or names.getDebugName(1)) == OFFICIAL[face]  # its family
        assert "SIL Open Font License" in (names.getDebugName(13) or "")
        assert font["OS/2"].fsType & 0x0002 == 0  # not restricted: the licence lets documents carry it
        covered = set(map(chr, font.getBestCmap()))
        assert set(characters) - {" "} <= covered, f"{face}: {sorted(set(characters) - covered)} missing"
        assert len(font.getGlyphOrder()) < 2 * len(characters) + 50  # a subset, not the 65,000 glyphs
        assert _content_type(opened, target) == OBFUSCATED_FONT
    settings = opened.xml("word/settings.xml")
    assert settings.find(qn("w:embedTrueTypeFonts")) is not None  # Word keeps fonts embedded when it saves
    assert settings.find(qn("w:saveSubsetFonts")) is not None


def test_the_same_document_gives_the_same_bytes_with_its_fonts(saved: bytes) -> None:
    assert word.to_docx(ENDS_IN_TEXT) == saved


def _styles(opened: Opened) -> dict[str, Any]:
    return {style.get(qn("w:styleId")): style for style in opened.xml("word/styles.xml").iter(qn("w:style"))}


def _on(element: Any, name: str) -> bool:
    found = element.find(f"{qn('w:pPr')}/{qn(name)}")
    return found is not None and found.get(qn("w:val")) not in ("0", "false", "off")


def _keeps_with_next(paragraph: Any, styles: dict[str, Any]) -> bool:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return _on(paragraph, "w:keepNext") or (
        style is not None and _on(styles[style.get(qn("w:val"))], "w:keepNext")
    )


def test_every_role_has_widow_control_and_titles_and_headings_keep_with_the_next(opened: Opened) -> None:
    styles = _styles(opened)
    for role in word_styles.ROLES:
        assert _on(styles[role.name], "w:widowControl"), role.name
    for role in (
        word_styles.NUMBER,
        word_styles.TITLE,
        *word_styles.HEADINGS.values(),
        word_styles.HEADING_3,
    ):
        assert _on(styles[role.name], "w:keepNext"), role.name


def _body(opened: Opened) -> list[Any]:
    return [
        child for child in opened.xml("word/document.xml").find(qn("w:body")) if child.tag != qn("w:sectPr")
    ]


def test_a_tables_head_keeps_with_its_first_row_and_the_paragraph_before_with_the_table(
    opened: Opened,
) -> None:
    styles = _styles(opened)
    body = _body(opened)
    at = next(i for i, child in enumerate(body) if child.tag == qn("w:tbl"))
    assert _text(body[at - 1]) == "下表列出主动公开的类别。" and _keeps_with_next(body[at - 1], styles)
    rows = body[at].findall(qn("w:tr"))
    for paragraph in rows[0].iter(qn("w:p")):
        assert _keeps_with_next(paragraph, styles)
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_the_text_before_the_sign_off_keeps_with_it_and_its_lines_stay_together(opened: Opened) -> None:
    styles = _styles(opened)
    body = _body(opened)
    assert _text(body[-1]) == "".join(SIGNATURE)
    assert _on(body[-1], "w:keepLines") or _on(styles["落款"], "w:keepLines")
    assert _text(body[-2]) == "2025年，本局未收取信息处理费。" and _keeps_with_next(body[-2], styles)


def test_a_table_just_before_the_sign_off_keeps_its_last_row_with_it() -> None:
    opened = Opened(word.to_docx(ENDS_IN_TABLE))
    styles = _styles(opened)
    body = _body(opened)
    assert _text(body[-1]) == "".join(SIGNATURE)
    table = next(child for child in reversed(body) if child.tag == qn("w:tbl"))
    between = body[body.index(table) + 1 : -1]  # the room left below a table
    assert all(_keeps_with_next(paragraph, styles) for paragraph in between)
    for paragraph in table.findall(qn("w:tr"))[-1].iter(qn("w:p")):
        assert _keeps_with_next(paragraph, styles)


def _title_lines(opened: Opened) -> list[str]:
    title = next(p for p in opened.xml("word/document.xml").iter(qn("w:p")) if "年度报告" in _text(p))
    lines = [""]
    for element in title.iter(qn("w:t"), qn("w:br")):
        if element.tag == qn("w:br"):
            lines.append("")
        else:
            lines[-1] += element.text or ""
    return lines


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (LONG_TITLE, ["示例市示例局2025年", "政府信息公开工作年度报告"]),
        (
            title_parts("示例区", 2017, KIND, "（汇总）"),
            ["示例区2017年", "政府信息公开工作年度报告（汇总）"],
        ),
        (title_parts("某局", 2025, KIND), ["某局2025年政府信息公开工作年度报告"]),  # fits on one line
        # An agency's name too long for a line: on lines of its own (Word wraps it), the year and the
        # report's name below.
        (title_parts(LONG_AGENCY, 2025, KIND), [LONG_AGENCY, "2025年政府信息公开工作年度报告"]),
    ],
)
def test_a_title_too_long_for_a_line_breaks_where_an_office_breaks_it(
    title: tuple[str, ...], lines: list[str]
) -> None:
    opened = Opened(word.to_docx(_document(title, Paragraph((Span("正文。"),)))))
    assert _title_lines(opened) == lines


def test_a_title_breaks_only_between_its_parts() -> None:
    """Never inside a part: the kind of report (政府信息公开工作年度报告) is a word, whatever fits."""
    assert titles.lines(("某某某某某某某某某某某某某某某某某", "政府信息公开工作年度报告"), 21) == [
        "某某某某某某某某某某某某某某某某某",
        "政府信息公开工作年度报告",
    ]
    assert titles.lines(("示例区2017年政府信息公开工作年度报告（汇总）",), 21) == [
        "示例区2017年政府信息公开工作年度报告（汇总）"
    ]  # no parts (a title retitled by hand): left to wrap


def test_a_retitled_document_is_left_whole() -> None:
    """Parts that no longer spell the title are not used: no break where no part ends."""
    retitled = replace(_document(LONG_TITLE), title="示例市示例局2025年度政府信息公开工作报告")
    assert retitled.title_in_parts == (retitled.title,)
