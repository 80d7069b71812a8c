"""Fixtures shared by the unit tests: the sample report (三元区民政局 2017) from a temporary project copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nianbao.figures.derived import Figures
from nianbao.formats import ReportFormat, format_for_year
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear
from nianbao.paths import Project

Edit = Callable[[Path, str, str], None]


@pytest.fixture
def pre2019() -> ReportFormat:
    fmt = format_for_year(2017)
    assert fmt is not None
    assert fmt.id == "pre2019"
    return fmt


@pytest.fixture
def model(project: Project) -> AgencyYear:
    return load_agency_year(project, "minzheng", 2017)


@pytest.fixture
def figures(model: AgencyYear) -> Figures:
    return Figures.derive(model)


@pytest.fixture
def edit() -> Edit:
    """Replace exactly one occurrence of `old` in a UTF-8 file, so a test can never edit nothing."""

    def replace_once(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace_once
