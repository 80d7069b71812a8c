"""Filling a Word form (`make workbook`'s .docx) as a clerk would, with python-docx; shared by the Word-form
tests (issue 26)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.text.paragraph import Paragraph

from nianbao.inputs.prose import REWRITE

Filler = Callable[[WordDocument, Paragraph], None]  # adds a section's text before the next heading


def heading(form: WordDocument, text: str) -> Paragraph:
    return next(
        p
        for p in form.paragraphs
        if p.style is not None and p.style.name.startswith("Heading") and p.text == text
    )


def following(form: WordDocument, text: str) -> Paragraph | None:
    """The heading after the heading `text` (None for the last): new text goes before it."""
    paragraphs = form.paragraphs
    start = paragraphs.index(next(p for p in paragraphs if p._p is heading(form, text)._p))
    for p in paragraphs[start + 1 :]:
        if p.style is not None and p.style.name.startswith("Heading"):
            return p
    return None


def fill(source: Path, target: Path, sections: dict[str, Filler], *, drop_marks: bool = True) -> None:
    """The form at `source`, each `待改写` line deleted (unless not `drop_marks`) and each section of
    `sections` given its text by its filler, saved at `target`."""
    form = docx.Document(str(source))
    if drop_marks:
        for p in list(form.paragraphs):
            if p.text.startswith(REWRITE):
                p._p.getparent().remove(p._p)
    for name, filler in sections.items():
        filler(form, before(form, name))
    target.parent.mkdir(parents=True, exist_ok=True)
    form.save(str(target))


def before(form: WordDocument, name: str) -> Paragraph:
    """A paragraph to insert the section's text before: the next heading, or a new last paragraph."""
    nxt = following(form, name)
    return nxt if nxt is not None else form.add_paragraph("")


def text(*paragraphs: str) -> Filler:
    def filler(form: WordDocument, at: Paragraph) -> None:
        for one in paragraphs:
            at.insert_paragraph_before(one)

    return filler


def replace_in_part(data: bytes, part: str, old: str, new: str) -> bytes:
    """The .docx with `old` replaced by `new` in one XML part (text as XML: escapes stay escapes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                assert old.encode() in content, old
                content = content.replace(old.encode(), new.encode())
            copy.writestr(info, content)
    return out.getvalue()


def resaved_by_libreoffice(source: Path, folder: Path, profile: Path) -> Path:
    """`source` opened and saved again as .docx by LibreOffice (its own profile, so it runs beside
    another LibreOffice)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            str(shutil.which("soffice")),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return folder / source.name


def section_text(markdown: str, heading_text: str) -> str:
    """The text under `# heading_text` in a narrative.md."""
    match = re.search(rf"^# {re.escape(heading_text)}\n\n(.*?)(?=^# |\Z)", markdown, re.M | re.S)
    assert match, heading_text
    return match.group(1).strip()
