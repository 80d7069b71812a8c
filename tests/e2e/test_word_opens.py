"""The Word file opens in an office suite: LibreOffice (Debian's libreoffice-writer-nogui) converts a district
summary's .docx to PDF, whose text has the title, the tables' labels and figures and the page numbers.
Skipped where LibreOffice or pdftotext (poppler-utils) is not installed; .ci/run installs both."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from nianbao.figures import numbers
from tests.conftest import Summaries

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs LibreOffice and pdftotext"
    ),
]


def test_libreoffice_opens_the_word_file_of_a_summary(summaries: Summaries, tmp_path: Path) -> None:
    made = summaries(2025)
    saved = tmp_path / "summary.docx"
    shutil.copy(made.project.summary_file(2025, "summary.docx"), saved)
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
    district = made.district
    assert "".join(district.title.split()) in squeezed
    assert "申请人情况" in squeezed and "法人或其他组织" in squeezed  # table 三's merged header cells
    key, heading = district.figures.model.format.summary.breakdown[0]
    assert f"{''.join(heading.split())}" in squeezed
    assert numbers.count(int(district.figures.values[key])) in squeezed  # the breakdown's district total
    assert "—1—" in squeezed and "—2—" in squeezed  # the PAGE field, on the first two pages
