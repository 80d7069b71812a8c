"""Reading a PDF back for tests (pypdf): its pages' text, fonts and sizes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pypdf

SPACE = re.compile(r"\s+")


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def squeezed(text: str) -> str:
    """Text without any whitespace: a PDF breaks lines where the page does, the HTML where it likes."""
    return SPACE.sub("", text)


def in_order(needles: list[str], text: str) -> list[str]:
    """The needles not found in `text` in their order (whitespace ignored): [] when all are."""
    haystack, at, missing = squeezed(text), 0, []
    for needle in needles:
        found = haystack.find(squeezed(needle), at)
        if found < 0:
            missing.append(needle)
        else:
            at = found + len(squeezed(needle))
    return missing


def fonts(data: bytes) -> Iterator[tuple[str, bool]]:
    """(base font name, whether its glyphs are embedded) of every font of every page."""
    for page in reader(data).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant: Any = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            yield str(font["/BaseFont"]), embedded


def xobjects(data: bytes) -> list[str]:
    """The subtypes of every XObject the pages draw (an /Image is a raster picture)."""
    found: list[str] = []

    def walk(resources: Any) -> None:
        for item in (resources.get("/XObject") or {}).values():
            item = item.get_object()
            found.append(str(item.get("/Subtype")))
            if "/Resources" in item:
                walk(item["/Resources"].get_object())

    for page in reader(data).pages:
        walk(page["/Resources"].get_object())
    return found


def page_of(pages: list[str], needle: str, after: tuple[int, int]) -> tuple[int, int]:
    """(page, offset just past it) of `needle`'s first occurrence at or after `after` (page, offset), in a
    PDF's pages' text."""
    page, at = after
    while page < len(pages):
        found = pages[page].find(needle, at)
        if found >= 0:
            return page, found + len(needle)
        page, at = page + 1, 0
    raise AssertionError(f"{needle!r} is not in the PDF after page {after[0] + 1}")
