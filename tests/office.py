"""A Word file as a desk without the Windows fonts shows it: LibreOffice (soffice) converts it to PDF, read
back per page (pdftotext, in the order LibreOffice draws: cell by cell for tables) and per run of text with
the face it was drawn in (pypdf). Shared by the typesetting tests; they skip where LibreOffice or
poppler-utils is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import pdf_text

AVAILABLE = bool(shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo"))
CJK = re.compile(r"[\u3400-\u9fff]")
SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")
FOOTER = 95.0  # points from a page's foot: below is the footer (the text block ends 35 mm = 99 pt up)


def to_pdf(docx: Path, seconds: int = 300) -> Path:
    """The PDF LibreOffice makes of `docx`, beside it (its own profile: other runs may be open)."""
    profile = (docx.parent / f".profile-{docx.stem}").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(docx.parent), str(docx)], check=True, capture_output=True, timeout=seconds
    )
    return docx.with_suffix(".pdf")


def page_count(pdf: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_text(pdf: Path, page: int, layout: bool = False) -> str:
    """One page's text (1-based): raw (drawing order) or as laid out."""
    mode = "-layout" if layout else "-raw"
    command = ["pdftotext", mode, "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def pages(pdf: Path) -> list[str]:
    """Every page's raw text, whitespace squeezed out."""
    return [pdf_text.squeezed(page_text(pdf, n)) for n in range(1, page_count(pdf) + 1)]


@dataclass(frozen=True)
class Drawn:
    """A run of text as the PDF draws it: its page (1-based), face (the font's name without its subset
    tag), size in points, height on the page (points from the foot) and text, whitespace squeezed out."""

    page: int
    face: str
    size: float
    height: float
    text: str


def drawn(pdf: Path) -> list[Drawn]:
    """Every run of text, in the order the pages draw them."""
    found: list[Drawn] = []
    for number, page in enumerate(pdf_text.reader(pdf.read_bytes()).pages, start=1):

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, number: int = number) -> None:
            if text.strip() and isinstance(font, dict):
                name = SUBSET_TAG.sub("", str(font.get("/BaseFont", "")))
                height = float(tm[5]) * float(cm[3]) + float(cm[5])
                found.append(Drawn(number, name, round(float(size), 1), height, pdf_text.squeezed(text)))

        page.extract_text(visitor_text=visit)
    return found


def family(face: str) -> str:
    """A face's family: NotoSerifCJKsc of NotoSerifCJKsc-Regular and of its -Bold."""
    return face.split("-")[0]


def located(runs: list[Drawn], texts: list[str]) -> list[list[Drawn]]:
    """For each text in turn, the runs drawn for it: found in the drawing order after the previous one's,
    the footers' page numbers left out (a paragraph may run on over a page's foot)."""
    kept = [run for run in runs if run.height > FOOTER and _words(run.text)]
    starts, joined = [], ""
    for run in kept:
        starts.append(len(joined))
        joined += _words(run.text)
    found: list[list[Drawn]] = []
    at = 0
    for text in texts:
        wanted = _words(text)
        start = joined.find(wanted, at)
        if start < 0:
            raise AssertionError(f"{wanted!r} is not drawn after {joined[max(0, at - 20) : at]!r}")
        end = start + len(wanted)
        found.append(
            [
                run
                for run, first in zip(kept, starts, strict=True)
                if first < end and first + len(_words(run.text)) > start
            ]
        )
        at = end
    return found


def _words(text: str) -> str:
    """The text without whitespace or punctuation: LibreOffice may draw a mark hanging past a line's end
    apart from its line."""
    return "".join(
        char for char in text if not char.isspace() and not unicodedata.category(char).startswith("P")
    )


def cjk_families(runs: list[Drawn]) -> set[str]:
    """The families of the runs with Chinese characters."""
    return {family(run.face) for run in runs if CJK.search(run.text)}
