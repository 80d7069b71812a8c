"""End to end: `make reports` on temporary copies of the sample project (every sample agency and year)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nianbao.batch import plan, pool
from nianbao.build import build_report
from nianbao.paths import Project
from nianbao.publish import export
from nianbao.year import freshness, records
from tests import golden
from tests.conftest import copy_project
from tests.e2e.test_report import Run, make

REPORT_FILES = ["report.ipynb", *export.file_names(export.REPORT)]

pytestmark = pytest.mark.slow


def outputs(root: Path) -> dict[str, bytes]:
    """Every published file under output/ (not the build records, which hold modification times)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / "output").rglob("*.*"))
        if path.name not in records.FILE_NAMES
    }


def mtimes(root: Path) -> dict[str, int]:
    return {name: (root / name).stat().st_mtime_ns for name in outputs(root)}


def touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = copy_project(tmp_path_factory.mktemp("batch") / "project")
    result = make(root, "-j2", "reports")
    assert result.returncode == 0, result.stderr
    return Run(root, result)


@pytest.fixture
def rebuilt(built: Run, tmp_path: Path) -> Path:
    """A copy of the built project, modification times kept, so its reports are up to date."""
    return Path(shutil.copytree(built.root, tmp_path / "project"))


def test_every_report_the_summaries_and_the_index_are_built(built: Run) -> None:
    project = Project(built.root)
    jobs = plan.jobs(project)
    assert f"已生成 {len(jobs)} 份，无需重新生成 0 份，失败 0 份" in built.result.stdout
    for job in jobs:
        assert project.report_html(job.agency, job.year).is_file()
    for year in sorted({job.year for job in jobs}):
        assert project.summary_html(year).is_file()
    index = project.index_html.read_text(encoding="utf-8")
    assert index.count("已生成</td>") == len(jobs) + len({job.year for job in jobs})


def test_every_published_file_matches_the_golden_hashes(built: Run) -> None:
    """Regenerate with `make golden` when a change is meant to change output, and say why in the commit.
    (The notebooks record the kernel's Python version: the file is for the project's one kind of machine.)"""
    assert golden.published(built.root) == golden.read()


def test_a_second_run_builds_nothing(rebuilt: Path) -> None:
    before = mtimes(rebuilt)
    result = make(rebuilt, "reports")
    assert result.returncode == 0, result.stderr
    assert "已生成 0 份" in result.stdout
    assert mtimes(rebuilt) == before


def test_touching_one_agencys_data_rebuilds_its_reports_summaries_and_index_only(rebuilt: Path) -> None:
    before = mtimes(rebuilt)
    touch(rebuilt / "data/shili-wenti/2016/figures.yaml")
    result = make(rebuilt, "-j2", "reports")
    assert result.returncode == 0, result.stderr
    after = mtimes(rebuilt)
    changed = sorted(name for name in before if after[name] != before[name])
    # Every file of the two reports and of the two summaries that add them up, each as many as their
    # exporters make; the index's content did not change, so it was not rewritten.
    reports = [f"output/shili-wenti/{year}/{name}" for year in (2016, 2017) for name in REPORT_FILES]
    summaries = [
        f"output/_district/{year}/{name}"
        for year in (2016, 2017)
        for name in ["summary.ipynb", *export.file_names(export.SUMMARY)]
    ]
    assert changed == sorted([*reports, *summaries])
    assert "已生成 2 份" in result.stdout


def test_touching_the_template_rebuilds_every_report(rebuilt: Path) -> None:
    before = mtimes(rebuilt)
    touch(rebuilt / "notebooks/annual_report.ipynb")
    result = make(rebuilt, "-j2", "reports", "YEAR=2018")
    assert result.returncode == 0, result.stderr
    after = mtimes(rebuilt)
    reports_2018 = [name for name in before if re.search(r"/2018/report\.", name)]
    assert reports_2018
    assert all(after[name] != before[name] for name in reports_2018)
    assert all(after[name] == before[name] for name in before if "/2017/report." in name)


def test_a_broken_agency_fails_alone_and_keeps_its_last_report(rebuilt: Path) -> None:
    figures = rebuilt / "data/shili-renshe/2017/figures.yaml"
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("calls:", "calls: 很多 #"), encoding="utf-8"
    )
    touch(rebuilt / "data/shili-huanbao/2017/figures.yaml")
    report = rebuilt / "output/shili-renshe/2017/report.html"
    before = report.read_bytes()

    result = make(rebuilt, "-j2", "reports")

    assert result.returncode != 0
    others = len(plan.jobs(Project(rebuilt))) - 3  # all but shili-huanbao 2017, 2018 and shili-renshe 2017
    assert f"已生成 2 份，无需重新生成 {others} 份，失败 1 份" in result.stdout
    assert (
        "shili-renshe 2017：data/shili-renshe/2017/figures.yaml: 第 17 行：字段 interpretation.calls"
        in result.stderr
    )
    # the summary waits for the broken agency, never repeating its error
    assert "汇总 2017：没有生成：shili-renshe 2017 的数据有误（见上），改正后再生成" in result.stdout
    assert "汇总 2017" not in result.stderr
    assert report.read_bytes() == before
    assert (rebuilt / "output/shili-huanbao/2018/report.html").is_file()
    index = (rebuilt / "output/index.html").read_text(encoding="utf-8")
    # the agency's data is at fault (数据有误, not 生成失败); the summary waits for it
    assert '<td class="failed">数据有误</td>' in index and "interpretation.calls" in index
    assert "没有生成（等 1 个机关改正数据）" in index and "生成失败" not in index


def test_batch_reports_equal_reports_built_alone(built: Run, tmp_path: Path) -> None:
    alone = Project(copy_project(tmp_path / "alone"))
    batch = outputs(built.root)
    for job in plan.jobs(alone):
        single = build_report(alone, job.agency, job.year)
        for page in (single.html, single.notebook):
            name = page.relative_to(alone.root).as_posix()
            assert page.read_bytes() == batch[name], name


def test_one_worker_and_two_workers_give_the_same_bytes(built: Run, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "j1")
    result = make(root, "-j1", "reports")
    assert result.returncode == 0, result.stderr
    assert outputs(root) == outputs(built.root)


def test_a_report_built_alone_counts_as_up_to_date(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "alone")
    result = make(root, "report", "AGENCY=shili", "YEAR=2025")
    assert result.returncode == 0, result.stderr
    assert plan.stale(Project(root))[1] == [plan.Job("shili", 2025)]


def test_launched_kernels_give_the_same_bytes_as_forked_ones(built: Run, tmp_path: Path) -> None:
    """Where the system cannot fork (Windows), each kernel is launched and imports while it waits."""
    project = Project(copy_project(tmp_path / "launched"))
    kernels = pool.Kernels(project, fork=False)
    try:
        for job in (plan.Job("minzheng", 2017), plan.Job("shili", 2025)):
            result = pool.build_one(project, job, kernels.start(), kernels, freshness.code_signature(project))
            assert result["status"] == "built", result["error"]
            for page in (
                project.report_html(job.agency, job.year),
                project.report_notebook(job.agency, job.year),
            ):
                assert page.read_bytes() == (built.root / page.relative_to(project.root)).read_bytes()
    finally:
        kernels.close()


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="finds the processes through /proc")
def test_ctrl_c_stops_the_batch_calmly_and_leaves_nothing_behind(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "interrupted")
    log = tmp_path / "stderr.txt"
    temporary = tmp_path / "tmp"  # the batch's temporary files: kernels' connection files and sockets
    temporary.mkdir()
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "reports", "-j2"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, as a terminal's foreground job
            env={**os.environ, "TMPDIR": str(temporary)},
        )
        deadline = time.monotonic() + 120
        while "[2/" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
        assert process.wait(timeout=60) == 130
    said = log.read_text(encoding="utf-8")
    assert "已中断；上一次生成的报告没有被改动。" in said
    assert "Traceback" not in said
    assert not list((root / "output").rglob("*.tmp"))
    assert running_in(root, wait=10) == []  # workers, zygotes and kernels all end
    assert sorted(path.name for path in temporary.iterdir()) == []


def running_in(folder: Path, wait: float) -> list[str]:
    """The processes working in `folder` (kernels run in the project root) after at most `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and (proc / "cwd").readlink() == folder:
                    found.append((proc / "cmdline").read_text().replace("\0", " "))
            except OSError:  # ended meanwhile, or a zombie
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


class Appendix(HTMLParser):
    """The figures of the appendix table (附表) of a page: {label: (this year, cumulative)}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, tuple[int, int]] = {}
        self.inside = False
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.inside = "nb-appendix" in (dict(attrs).get("class") or "")
        elif tag == "tr":
            self.cells = []
        elif tag == "td":
            self.cells.append("")

    def handle_data(self, data: str) -> None:
        if self.inside and self.cells:
            self.cells[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.inside and len(self.cells) == 4:
            label, _, value, cumulative = self.cells
            self.rows[label] = (int(value.replace(",", "")), int(cumulative.replace(",", "")))


def appendix(page: Path) -> dict[str, tuple[int, int]]:
    parser = Appendix()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.rows
    return parser.rows


def test_summary_totals_equal_the_sums_of_the_agency_reports(built: Run) -> None:
    project = Project(built.root)
    for year in (2016, 2017, 2018):
        pages = [project.report_html(a, year) for a in project.agencies() if year in project.years(a)]
        tables = [appendix(page) for page in pages]
        district = appendix(project.summary_html(year))
        assert set(district) == set(tables[0])
        for label, (value, cumulative) in district.items():
            assert value == sum(table[label][0] for table in tables), (year, label)
            assert cumulative == sum(table[label][1] for table in tables), (year, label)
