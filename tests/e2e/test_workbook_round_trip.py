"""End to end: every sample's figures → its Excel form (`make workbooks`) → returned and placed by
`make collect` → `make reports` publishes the very pages the YAML and CSV give (the golden hashes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nianbao.paths import Project
from tests import golden
from tests.conftest import copy_project
from tests.e2e.test_report import make

pytestmark = pytest.mark.slow


def test_every_sample_built_from_its_returned_form_gives_the_same_pages(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    project = Project(root)
    years = sorted({year for agency in project.agencies() for year in project.years(agency)})
    for year in years:
        result = make(root, "workbooks", f"YEAR={year}")
        assert result.returncode == 0, result.stderr
    returned = tmp_path / "returned"
    returned.mkdir()
    for agency in project.agencies():
        for year in project.years(agency):
            folder = project.year_dir(agency, year)
            for name in ("figures.yaml", "applications.csv"):
                (folder / name).unlink(missing_ok=True)
            # Renamed as a clerk's mail program does: collect goes by the hidden sheet.
            shutil.copy(project.blank_form(agency, year), returned / f"{agency}{year}(1).xlsx")
    shutil.rmtree(root / "output")
    (root / "output").mkdir()
    result = make(root, "collect", f"DIR={returned}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("各格均已填写") == len(list(returned.iterdir()))
    result = make(root, "-j2", "reports")
    assert result.returncode == 0, result.stderr
    pages = {name: digest for name, digest in golden.published(root).items() if name.endswith(".html")}
    expected = {name: digest for name, digest in golden.read().items() if name.endswith(".html")}
    assert pages == expected
