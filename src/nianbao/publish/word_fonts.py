"""The faces of a Word file on every desk: the font table, and a free face embedded for each official one.

Every run names its official face for Chinese (`w:eastAsia`: 仿宋, 黑体, 楷体, 宋体, 方正小标宋简体),
which Word and WPS on Windows draw from the computer. Where a face is missing, each falls back its own way:

- Word reads the font table: the face's English Windows name (`w:altName`), its character set (86:
  GB2312), family, pitch and PANOSE numbers, and substitutes the installed Chinese face closest to those.
- LibreOffice (and WPS on 麒麟/UOS) never read `altName`: a name fontconfig does not know falls back to the
  desk's default sans (here Noto Sans CJK JP, whose Japanese forms differ from Chinese ones), for every
  role alike. They do draw fonts embedded in the file (`w:embedRegular`), under the font table's name.

So each face that the text uses embeds a freely licensed stand-in (`Face.stand_in`: Noto Serif CJK SC for
the 宋/仿宋/楷/小标宋 roles, Noto Sans CJK SC for 黑体; SIL Open Font License, which allows embedding, its
licence kept in the font's names), cut to the characters set in that face (fontTools' subsetter): a
report's body face is about 200 KB rather than 24 MB. A clerk who types a character the document did not
have sees it in a fallback face on such a desk, as with Word's own "embed only the characters used".
Word on Windows keeps its installed official faces. The data is obfuscated as ECMA-376 asks (Part 1,
17.8.1), with a key derived from the data, so the same document gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterable
from typing import cast

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from nianbao import fonts
from nianbao.publish.word_styles import FACES, Face

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
OBFUSCATED_BYTES = 32  # the font file's first bytes, XORed with the key
# Settings that tell Word to keep the fonts embedded, cut to the characters used, when it saves the file.
SETTINGS = ("w:embedTrueTypeFonts", "w:saveSubsetFonts")
MAXP_INSTRUCTIONS = (  # TrueType's maxp fields about hinting programs: none here
    *("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs"),
    *("maxStackElements", "maxSizeOfInstructions", "maxComponentElements"),
)
BEFORE = (  # the settings the schema puts before them
    *("w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime"),
    *("w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText"),
    *("w:printFractionalCharacterWidth", "w:printFormsData", *SETTINGS, "w:embedSystemFonts"),
)


def embed(word: WordDocument) -> None:
    """The free face of each official face the document's text uses, cut to its characters, embedded in
    the face's font table entry (`word_styles` wrote the entries). Call when the text is complete."""
    used = characters(word)
    part = word.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    entries = {entry.get(qn("w:name")): entry for entry in table.iterchildren(qn("w:font"))}
    embedded = 0
    for face in FACES:
        if used.get(face.name):
            embedded += 1
            entries[face.name].append(_embedded(part, face, used[face.name], embedded))
    part._blob = serialize_part_xml(table)  # a plain part: python-docx keeps its bytes, not its XML
    if embedded:
        _settings(word)


def characters(word: WordDocument) -> dict[str, set[str]]:
    """Each East Asian face named on a run → the characters of its runs: body, headers and footers."""
    parts = [word.element.body]
    for section in word.sections:
        for piece in (section.header, section.even_page_header, section.footer, section.even_page_footer):
            if not piece.is_linked_to_previous:
                parts.append(piece._element)
    found: dict[str, set[str]] = {}
    for element in parts:
        for run in element.iter(qn("w:r")):
            fonts_set = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            face = None if fonts_set is None else fonts_set.get(qn("w:eastAsia"))
            if face:
                found.setdefault(face, set()).update("".join(t.text or "" for t in run.iter(qn("w:t"))))
    return found


def _embedded(table: Part, face: Face, text: Iterable[str], number: int) -> BaseOxmlElement:
    data = subset_of(face.stand_in, text)
    key = font_key(data)
    name = PackURI(f"/word/fonts/font{number}.odttf")
    font = Part(name, OBFUSCATED_FONT, obfuscated(data, key), table.package)
    element = OxmlElement(
        "w:embedRegular",
        {
            qn("r:id"): table.relate_to(font, RELATIONSHIP_TYPE.FONT),
            qn("w:fontKey"): key,
            qn("w:subsetted"): "1",
        },
    )
    return cast(BaseOxmlElement, element)


def subset_of(file: str, text: Iterable[str]) -> bytes:
    """The glyphs of `text` from one of the fonts `nianbao.fonts` finds, as a TrueType file (with the
    font's names, among them its copyright and licence)."""
    options = subset.Options()
    options.name_IDs = ["*"]
    # No OpenType layout: horizontal text in Word needs none of its substitutions or positioning (vertical
    # forms, proportional widths), and finding what they reach took most of the subsetting's time.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE"]
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(set(text) - {"\n", "\t"})))
    saved = io.BytesIO()
    with TTFont(fonts.folder() / file, lazy=True, recalcTimestamp=False) as font:  # its own dates: same bytes
        cutter.subset(font)
        if "CFF " in font:
            _as_truetype(font)
        font.save(saved)
    return saved.getvalue()


def _as_truetype(font: TTFont) -> None:
    """The font's cubic (CFF) outlines as TrueType's quadratic ones, within a unit of its 1000-unit em:
    Word embeds TrueType fonts, and a .odttf is one (ECMA-376's font part). Unhinted, as print needs."""
    order = font.getGlyphOrder()
    drawn = font.getGlyphSet()
    outlines = newTable("glyf")
    outlines.glyphOrder, outlines.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(drawn)
        drawn[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        outlines.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = outlines, newTable("loca")
    profile = newTable("maxp")  # version 1.0, TrueType's; its counts are worked out when saved
    profile.tableVersion = 0x00010000
    for field in MAXP_INSTRUCTIONS:
        setattr(profile, field, 0)
    profile.maxZones = 1
    font["maxp"] = profile
    for tag in ("CFF ", "VORG"):  # the cubic outlines and their vertical origins (TrueType takes vmtx's)
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: nothing reads them
    font.sfntVersion = "\0\1\0\0"


def font_key(data: bytes) -> str:
    """A GUID for the obfuscation, from the font's bytes: the same font, the same key."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscated(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, 17.8.1: the first 32 bytes XORed with the key's 16 bytes, taken from the key's last
    pair of hexadecimal digits to its first."""
    digits = key.strip("{}").replace("-", "")
    secret = bytes(int(digits[i : i + 2], 16) for i in range(len(digits) - 2, -1, -2))
    head = bytes(byte ^ secret[i % len(secret)] for i, byte in enumerate(data[:OBFUSCATED_BYTES]))
    return head + data[OBFUSCATED_BYTES:]


def _settings(word: WordDocument) -> None:
    """The settings in the schema's order: after those listed in `BEFORE`, before all others."""
    settings = word.settings.element
    later = next((child for child in settings if child.tag not in {qn(name) for name in BEFORE}), None)
    for name in SETTINGS:
        if settings.find(qn(name)) is None:
            if later is None:
                settings.append(OxmlElement(name))
            else:
                later.addprevious(OxmlElement(name))
