"""A chart as data: the same drawing as SVG, which the pages show, and as PNG, for exporters.

Both are byte-stable from run to run (see `charts`), so an executed notebook that carries them is too.
The PNG is what a Word document places (python-docx takes no SVG); the pages never carry it, since it
would need a data: URL.
"""

from __future__ import annotations

from dataclasses import dataclass

SVG_MIMETYPE = "image/svg+xml"
PNG_MIMETYPE = "image/png"


@dataclass(frozen=True)
class Chart:
    svg: str  # the SVG document as matplotlib writes it (or its <svg> element, as a notebook keeps it)
    png: bytes | None  # None: drawn for a page only, not for a notebook
