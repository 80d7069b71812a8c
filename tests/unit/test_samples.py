"""The sample agencies and the synthetic generator: fictional, consistent, never written into data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.batch import plan
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from tests.conftest import ROOT
from tests.synthetic import make_project


@pytest.mark.parametrize("job", plan.jobs(Project(ROOT)), ids=str)
def test_every_sample_report_loads_and_passes_the_rules(project: Project, job: plan.Job) -> None:
    model = load_agency_year(project, job.agency, job.year)
    assert model.year == job.year


def test_the_invented_agencies_say_they_are_samples() -> None:
    invented = [slug for slug in Project(ROOT).agencies() if slug != "minzheng"]
    assert len(invented) >= 7
    for slug in invented:
        profile = (ROOT / "params" / f"{slug}.yaml").read_text(encoding="utf-8")
        assert "示例数据" in profile
        assert "示例" in profile.split("name:", 1)[1].splitlines()[0]


def test_synthetic_agencies_are_consistent_and_differ(tmp_path: Path) -> None:
    root = make_project(tmp_path / "synthetic", ROOT, 3, years=(2016, 2017))
    project = Project(root)
    assert project.agencies() == ["synth0001", "synth0002", "synth0003"]
    totals = set()
    for agency in project.agencies():
        model = load_agency_year(project, agency, 2017)
        assert sorted(model.history) == [2016, 2017]
        totals.add(sum(count for _, count in model.current.categories))
    assert len(totals) > 1
    assert (root / "notebooks" / "annual_report.ipynb").is_file()


def test_synthetic_output_is_reproducible(tmp_path: Path) -> None:
    first = make_project(tmp_path / "a", ROOT, 2)
    second = make_project(tmp_path / "b", ROOT, 2)
    for path in sorted((first / "data").rglob("*.*")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_the_generator_refuses_a_folder_that_holds_anything(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(FileExistsError, match="not empty"):
        make_project(tmp_path, ROOT, 1)
