"""The CJK fonts every output sets its Chinese in: the faces the `mplfonts` package installs (SIL Open Font
License), found by the package's name — it is never imported. The charts (matplotlib) and the PDF (Typst)
take them from here, never from the system, so every machine sets the same glyphs; the Word file embeds
them, cut to its characters, for desks without the Windows faces (`publish.word_fonts`)."""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

SERIF = "Noto Serif CJK SC"  # the family names the faces report (the PDF's 仿宋 and 小标宋 roles)
SANS = "Noto Sans CJK SC"  # the charts' face, the PDF's 黑体 role
SANS_FILE = "NotoSansCJKsc-Regular.otf"
SERIF_FILE = "NotoSerifCJKsc-Regular.otf"


@cache
def folder() -> Path:
    """The folder of mplfonts' font files."""
    spec = find_spec("mplfonts")
    if spec is None or spec.origin is None:
        raise RuntimeError("mplfonts is not installed: run `make setup`")  # a broken environment
    return Path(spec.origin).parent / "fonts"
