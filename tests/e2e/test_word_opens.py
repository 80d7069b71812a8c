"""The Word file opens in an office suite: LibreOffice (Debian's libreoffice-writer-nogui) converts a district
summary's .docx to PDF, whose text has the title, the tables' labels and figures and the page numbers.
Skipped where LibreOffice or pdftotext (poppler-utils) is not installed; .ci/run installs both."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from nianbao.batch import summary
from nianbao.figures import numbers
from nianbao.paths import Project
from nianbao.publish import export

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs LibreOffice and pdftotext"
    ),
]


def test_libreoffice_opens_the_word_file_of_a_summary(project: Project, tmp_path: Path) -> None:
    content = summary.summarise(project, 2025)
    saved = tmp_path / "summary.docx"
    saved.write_bytes(export.OUTPUTS["docx"](content))
    profile = (tmp_path / "profile").as_uri()  # its own profile: other LibreOffice runs may be open
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(saved)], check=True, capture_output=True, timeout=300
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "summary.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    squeezed = "".join(text.split())
    assert "".join(content.title.split()) in squeezed
    assert "申请人情况" in squeezed and "法人或其他组织" in squeezed  # table 三's merged header cells
    key, heading = content.columns[0]
    assert f"{''.join(heading.split())}" in squeezed
    assert numbers.count(int(content.figures.values[key])) in squeezed  # the breakdown's district total
    assert "—1—" in squeezed and "—2—" in squeezed  # the PAGE field, on the first two pages
