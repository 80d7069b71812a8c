"""Whose Word form a .docx is: the agency, year and format in its custom properties (`docProps/custom.xml`).

Like the Excel form's hidden sheet, the Word form carries its identity where a clerk does not see it and
renaming the file does not touch it: four custom document properties (文件 → 属性 → 自定义), which Word,
WPS and LibreOffice keep when they save. python-docx has no API for this part, so it is written here as a
small XML part related from the package, and read back from the part the package's relationship names.
On the way back the part is untrusted: bounded in size and parsed with DTDs and entities refused.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from nianbao.errors import DataError
from nianbao.inputs.workbook import Identity

KIND = "narrative"  # the Word form of a year's words (the one kind there is, named so another can follow)
NAMES = ("nianbao.agency", "nianbao.year", "nianbao.format", "nianbao.kind")
PART = "/docProps/custom.xml"
NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one property set every custom property is in
MAX_PART = 256 * 1024  # bytes: four short properties, and whatever else an editor adds, fit in a few KB
HINT = "请用 make workbook 生成的文字填报表（.docx）填写，在 Word / WPS 中直接保存，不要复制到新文档中。"


def custom_part(identity: Identity) -> bytes:
    """The custom properties part holding `identity` (every value a text: editors keep text as it is)."""
    values = (identity.agency, str(identity.year), identity.format, KIND)
    properties = "".join(
        f'<property fmtid="{FMTID}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(zip(NAMES, values, strict=True), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{NAMESPACE}" xmlns:vt="{TYPES}">{properties}</Properties>'
    ).encode()


def attach(word: WordDocument, identity: Identity) -> None:
    """The identity as the document's custom properties (a part of its package)."""
    package = word.part.package
    part = Part(PackURI(PART), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, custom_part(identity), package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def identity(word: WordDocument, where: str) -> Identity:
    """The agency, year and format a Word form records; a document without them is not our form."""
    found = properties(word)
    agency, year, fmt, kind = (found.get(name) for name in NAMES)
    if agency is None and year is None and kind is None:
        raise DataError("这不是 nianbao 的文字填报表（文档属性中没有记录机关和年度）", path=where, hint=HINT)
    if kind != KIND or not agency or not fmt or year is None or not (year.isascii() and year.isdigit()):
        raise DataError(
            "文字填报表中记录机关和年度的文档属性被改动过，无法确定是哪个机关哪一年的", path=where, hint=HINT
        )
    return Identity(agency, int(year), fmt)


def properties(word: WordDocument) -> dict[str, str]:
    """The custom properties by name (text values only); {} when there are none or they cannot be read
    (a damaged part is no identity: the document is then refused as not the form)."""
    for rel in word.part.package.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES and not rel.is_external:
            return _parsed(rel.target_part.blob)
    return {}


def _parsed(blob: bytes) -> dict[str, str]:
    if len(blob) > MAX_PART:
        return {}
    try:
        root = fromstring(blob, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError):
        return {}
    found: dict[str, str] = {}
    for prop in root.iter(f"{{{NAMESPACE}}}property"):
        name = prop.get("name")
        value = next(iter(prop), None)
        if name in NAMES and name not in found and value is not None and value.tag.startswith(f"{{{TYPES}}}"):
            found[name] = (value.text or "").strip()
    return found
