"""Shared fixtures: a temporary copy of the sample project, so no test touches the real data or output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nianbao.paths import Project

ROOT = Path(__file__).resolve().parents[1]
# What a project is made of; copied with their modification times (copy2) so make sees them as old.
# `make` run by a test in a copy of the project must not reinstall the environment the test runs in (an
# editable install made there would point it at a temporary folder): both its stamps count as up to date.
KEEP_ENVIRONMENT = tuple(
    arg
    for stamp in (".nianbao-installed", ".nianbao-dev-installed")
    for arg in ("-o", str(Path(sys.prefix) / stamp))
)
PROJECT_PARTS = (
    "params",
    "data",
    "notebooks",
    "Makefile",
    "pyproject.toml",
    "requirements.lock",
    "requirements-dev.lock",
)

# jupyter_core warns on every import until this is set; pytest turns warnings into errors.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


def copy_project(target: Path) -> Path:
    """Copy the sample project (data, profiles, template, Makefile) into `target`."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    (target / "output").mkdir()
    return target


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A copy of the sample project in a temporary folder."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def project(project_dir: Path) -> Project:
    return Project(project_dir)


def run_cli(root: Path, *args: str, seconds: int = 60) -> subprocess.CompletedProcess[str]:
    """`nianbao ARGS` in `root`, as the Makefile runs it, without NIANBAO_DEBUG (a user error is its
    message); a hang fails after `seconds` (a limit, not a speed assertion)."""
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=seconds,
        env={**os.environ, "NIANBAO_DEBUG": ""},
    )


@dataclass(frozen=True)
class BuiltSummary:
    """A district summary built by the driver: its project, the build, its executed notebook as published
    (`export.FinishedNotebook`) and its figures (`figures.district.District`)."""

    project: Project
    built: Any
    notebook: Any
    district: Any


Summaries = Callable[[int], BuiltSummary]


@pytest.fixture(scope="session")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> Summaries:
    """The sample project's district summary of a year, built once per session (a kernel runs its template
    notebook); tests read it, never change it."""
    from nianbao import build
    from nianbao.figures.district import District
    from nianbao.publish.export import FinishedNotebook
    from nianbao.year import state

    project = Project(copy_project(tmp_path_factory.mktemp("summaries") / "project"))
    made: dict[int, BuiltSummary] = {}

    def summary(year: int) -> BuiltSummary:
        if year not in made:
            agencies = state.summed_agencies(project, year)
            built = build.build_summary(project, year, agencies)
            notebook = nbformat.read(built.notebook, as_version=4)  # type: ignore[no-untyped-call]
            district = District.derive(project, year, agencies)
            made[year] = BuiltSummary(project, built, FinishedNotebook(notebook), district)
        return made[year]

    return summary
