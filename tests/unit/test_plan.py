"""Staleness without kernels: which reports a batch rebuilds, from the build records."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nianbao.batch import plan
from nianbao.batch.run import jobs_from_make
from nianbao.batch.summary import build_summary
from nianbao.build import Built
from nianbao.figures.derived import Figures
from nianbao.inputs import snapshot
from nianbao.inputs.load import load_agency_year
from nianbao.notebook.template import read_template
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic
from nianbao.year import freshness, records


def fake_build(project: Project, job: plan.Job) -> None:
    """What a successful build leaves, without a kernel: the pages, and the record of what its snapshot
    read (the loader's reads and the template's)."""
    with snapshot.recording(project.root) as inputs:
        figures = Figures.derive(load_agency_year(project, job.agency, job.year))
        read_template(project.template)
    html, notebook = project.report_html(job.agency, job.year), project.report_notebook(job.agency, job.year)
    write_atomic(html, b"<html></html>")
    write_atomic(notebook, b"{}")
    plan.record_built(project, Built(notebook, html, (), figures, inputs))


def touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def built(project: Project) -> Project:
    for job in plan.jobs(project):
        fake_build(project, job)
    return project


def test_jobs_are_every_agency_and_year_and_the_district_is_not_an_agency(project: Project) -> None:
    jobs = plan.jobs(project)
    assert plan.Job("minzheng", 2017) in jobs
    assert plan.Job("shili-jiaoyu", 2016) in jobs
    assert not any(job.agency.startswith("_") for job in jobs)
    assert {job.year for job in plan.jobs(project, 2018)} == {2018}
    assert len(project.agencies()) >= 8


def test_a_fresh_project_needs_every_report(project: Project) -> None:
    todo, fresh = plan.stale(project)
    assert todo == plan.jobs(project)
    assert fresh == []


def test_after_a_build_nothing_is_stale(built: Project) -> None:
    todo, fresh = plan.stale(built)
    assert todo == []
    assert fresh == plan.jobs(built)


def test_touching_one_figures_file_makes_that_agencys_later_reports_stale(built: Project) -> None:
    touch(built.figures("shili-jiaoyu", 2017))
    todo, _ = plan.stale(built)
    assert todo == [plan.Job("shili-jiaoyu", 2017), plan.Job("shili-jiaoyu", 2018)]


def test_touching_the_template_makes_everything_stale(built: Project) -> None:
    touch(built.template)
    assert plan.stale(built)[0] == plan.jobs(built)


def test_a_changed_lock_file_makes_everything_stale(built: Project) -> None:
    lock = built.root / "requirements.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert plan.stale(built)[0] == plan.jobs(built)


def test_a_failed_or_missing_report_is_stale(built: Project) -> None:
    record = built.build_record("minzheng", 2017)
    record.write_text('{"schema": 1, "status": "failed", "error": "x"}', encoding="utf-8")
    built.report_html("shili-renshe", 2017).unlink()
    assert plan.stale(built)[0] == [plan.Job("minzheng", 2017), plan.Job("shili-renshe", 2017)]


def test_the_format_definition_is_an_input_under_its_package_name(built: Project) -> None:
    record = records.read(built.build_record("minzheng", 2017))
    assert record is not None
    assert "nianbao:formats/pre2019.yaml" in record["inputs"]
    assert freshness.resolve(built, "nianbao:formats/pre2019.yaml") == freshness.format_file("pre2019")


def test_a_new_year_folder_makes_a_report_that_chains_years_stale(built: Project) -> None:
    # shili 2025 (national format) compares with 2024: the years on file are part of its record.
    assert plan.report_up_to_date(built, plan.Job("shili", 2025), freshness.code_signature(built))
    figures = built.figures("shili", 2018)
    figures.parent.mkdir()
    figures.write_text("report: {}\n", encoding="utf-8")
    assert not plan.report_up_to_date(built, plan.Job("shili", 2025), freshness.code_signature(built))


def test_a_new_agency_leaves_the_reports_up_to_date(built: Project) -> None:
    (built.root / "params" / "extra.yaml").write_text("name: x\n", encoding="utf-8")
    assert plan.stale(built)[0] == []


def test_summary_is_stale_when_an_agency_is_added(project: Project) -> None:
    build_summary(project, 2017)
    assert plan.summary_up_to_date(project, 2017, freshness.code_signature(project))
    (project.root / "params" / "extra.yaml").write_text("name: x\n", encoding="utf-8")
    project.figures("extra", 2017).parent.mkdir(parents=True)
    project.figures("extra", 2017).write_text("report: {}\n", encoding="utf-8")
    assert not plan.summary_up_to_date(project, 2017, freshness.code_signature(project))


@pytest.mark.parametrize(
    ("makeflags", "jobs"),
    [
        ("", 1),
        (" -j2 --jobserver-auth=3,4", 2),
        ("-j 3", 3),
        ("k -j12", 12),
        ("--no-print-directory", 1),
        # Variables follow " -- ": a value that looks like a flag is data, not a flag.
        (" -- AGENCY=x\\ -j99 YEAR=2017", 1),
        (" -j2 -- AGENCY=-j9", 2),
    ],
)
def test_the_number_of_workers_comes_from_make_j(
    monkeypatch: pytest.MonkeyPatch, makeflags: str, jobs: int
) -> None:
    monkeypatch.setenv("MAKEFLAGS", makeflags)
    assert jobs_from_make() == jobs


def test_a_report_missing_any_file_its_record_lists_is_rebuilt(project: Project) -> None:
    job = plan.Job("minzheng", 2017)
    with snapshot.recording(project.root) as inputs:
        figures = Figures.derive(load_agency_year(project, job.agency, job.year))
        read_template(project.template)
    notebook = project.report_notebook(job.agency, job.year)
    exports = tuple(project.report_file(job.agency, job.year, name) for name in ("report.html", "report.x"))
    for path in (notebook, *exports):
        write_atomic(path, b"-")
    plan.record_built(project, Built(notebook, exports[0], (), figures, inputs, exports))
    record = records.read(project.build_record(job.agency, job.year))
    assert record is not None
    assert sorted(record["outputs"]) == [
        "output/minzheng/2017/report.html",
        "output/minzheng/2017/report.ipynb",
        "output/minzheng/2017/report.x",
    ]
    code = freshness.code_signature(project)
    assert plan.report_up_to_date(project, job, code)
    exports[1].unlink()  # a second export (a PDF, say) deleted by hand: the report is built again
    assert not plan.report_up_to_date(project, job, code)


def test_every_template_is_part_of_the_code_signature() -> None:
    """A changed template (page, PDF) makes every report stale: each is among the files signed."""
    templates = [p for p in (freshness.PACKAGE_DIR / "templates").rglob("*") if p.is_file()]
    assert any(p.suffix == ".typ" for p in templates)
    assert [p.name for p in templates if p.suffix not in freshness.CODE_SUFFIXES] == []
