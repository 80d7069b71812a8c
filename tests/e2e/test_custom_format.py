"""End to end for a format defined only in YAML in NIANBAO_FORMATS_PATH (tests/custom_format.py):
`make report` for its year 3000 renders its table and its share, with no change to the package."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests import custom_format
from tests.conftest import copy_project
from tests.custom_format import AGENCY, FORMAT_ID, YEAR
from tests.e2e.test_national_report import Tables
from tests.e2e.test_report import FORBIDDEN, loaded, make
from tests.page_text import visible_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, formats folder) after `make report AGENCY=ceshi YEAR=3000`."""
    folder = tmp_path_factory.mktemp("custom")
    root, formats = copy_project(folder / "project"), folder / "formats"
    custom_format.install(root, formats)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NIANBAO_FORMATS_PATH", str(formats))
        result = make(root, "report", f"AGENCY={AGENCY}", f"YEAR={YEAR}")
    assert result.returncode == 0, result.stderr
    return root, formats


def test_the_page_shows_the_formats_table(built: tuple[Path, Path]) -> None:
    page = (built[0] / f"output/{AGENCY}/{YEAR}/report.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(page)
    rows = [[cell.text for cell in row] for row in parser.tables["nb-active"]]
    assert rows == [
        ["本年来信"],
        ["来信方式", "收到件数", "答复件数"],
        ["信函", "30", "28"],
        ["电子邮件", "10", "10"],
    ]
    assert not [word for word in FORBIDDEN if word in loaded(page)]


def test_the_page_shows_the_share_and_the_sections_in_order(built: tuple[Path, Path]) -> None:
    text = visible_text((built[0] / f"output/{AGENCY}/{YEAR}/report.html").read_text(encoding="utf-8"))
    assert "三元区民政局3000年来信办理工作年度报告" in text
    assert "3000年，我局收到信函30件，占全部来信的75%。" in text
    assert re.search(r"一、来信办理情况.*二、需要说明的事项 本年来信均已办理完毕。", text)


def test_the_notebook_records_the_formats_own_definition(built: tuple[Path, Path]) -> None:
    root, formats = built
    notebook = json.loads((root / f"output/{AGENCY}/{YEAR}/report.ipynb").read_text(encoding="utf-8"))
    definition = (formats / f"{FORMAT_ID}.yaml").read_bytes()
    assert notebook["metadata"]["nianbao"]["format"] == {
        "id": FORMAT_ID,
        "sha256": hashlib.sha256(definition).hexdigest(),
    }
    assert str(formats) not in json.dumps(notebook)  # no machine path in what is published for review
