"""A Word file as a desk without the Windows fonts shows it: LibreOffice (soffice) converts it to PDF, read
back per page (pdftotext, in the order LibreOffice draws: cell by cell for tables) and per run of text with
the face it was drawn in (pypdf). Shared by the typesetting tests; they skip where LibreOffice or
poppler-utils is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests import pdf_text

AVAILABLE = bool(shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo"))
CJK = re.compile(r"[\u3400-\u9fff]")
SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")


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
    tag), size in points and text."""

    page: int
    face: str
    size: float
    text: str


def drawn(pdf: Path) -> list[Drawn]:
    found: list[Drawn] = []
    for number, page in enumerate(pdf_text.reader(pdf.read_bytes()).pages, start=1):

        def visit(text: str, cm: object, tm: object, font: object, size: float, number: int = number) -> None:
            if text.strip() and isinstance(font, dict):
                name = SUBSET_TAG.sub("", str(font.get("/BaseFont", "")))
                found.append(Drawn(number, name, round(float(size), 1), pdf_text.squeezed(text)))

        page.extract_text(visitor_text=visit)
    return found


def family(face: str) -> str:
    """A face's family: NotoSerifCJKsc of NotoSerifCJKsc-Regular and of its -Bold."""
    return face.split("-")[0]


def cjk_faces(runs: list[Drawn], text: str) -> set[str]:
    """The families of the Chinese runs drawn for `text` (runs of two characters or more within it)."""
    wanted = pdf_text.squeezed(text)
    return {
        family(run.face) for run in runs if len(run.text) >= 2 and CJK.search(run.text) and run.text in wanted
    }


def sizes(runs: list[Drawn], text: str) -> set[float]:
    wanted = pdf_text.squeezed(text)
    return {run.size for run in runs if len(run.text) >= 2 and CJK.search(run.text) and run.text in wanted}
