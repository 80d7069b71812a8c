"""A hung cell of the template fails its report after NIANBAO_CELL_TIMEOUT seconds (default 180) with one
message naming the cell, keeps the failed notebook as evidence and the last good report untouched; a
batch fails those reports and goes on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nianbao.batch import plan
from nianbao.build import build_report
from nianbao.cli import main
from nianbao.errors import ConfigError
from nianbao.notebook.execute import cell_timeout
from nianbao.paths import Project
from tests.templates import edit_template

HANG = "print('waiting')\nimport time\ntime.sleep(10**6)"
BAD_VALUE = (
    "环境变量 NIANBAO_CELL_TIMEOUT 无效：应为 1 到 86400 之间的整数（每个代码单元格最多执行的秒数），"
    "实际为 {value!r}\n  处理办法：改为如 NIANBAO_CELL_TIMEOUT=600，或不设置它，使用默认的 180 秒。"
)


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, 180), ("1", 1), ("3", 3), (" 600 ", 600), ("86400", 86400)]
)
def test_the_timeout_is_180_seconds_unless_set(value: str | None, seconds: int) -> None:
    assert cell_timeout({} if value is None else {"NIANBAO_CELL_TIMEOUT": value}) == seconds


@pytest.mark.parametrize("value", ["0", "-1", "abc", "", " ", "1.5", "3s", "²", "86401", "1" * 40])
def test_a_timeout_that_is_not_a_positive_integer_is_a_user_error(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        cell_timeout({"NIANBAO_CELL_TIMEOUT": value})
    assert caught.value.render() == BAD_VALUE.format(value=value)


def test_a_bad_timeout_stops_the_report_before_any_kernel(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)
    monkeypatch.setenv("NIANBAO_CELL_TIMEOUT", "abc")
    assert main(["report", "minzheng", "2017"]) == 1
    assert capsys.readouterr().err == f"错误：{BAD_VALUE.format(value='abc')}\n"
    assert not project.output_dir("minzheng", 2017).exists()


def hang_the_template(project: Project) -> None:
    """A shared code cell, right after the one that loads the data, that never ends."""

    def insert(notebook: Any) -> None:
        load = next(n for n, cell in enumerate(notebook.cells) if cell.id == "load")
        notebook.cells.insert(load + 1, nbformat.v4.new_code_cell(HANG, id="hang"))  # type: ignore[no-untyped-call]

    edit_template(project, insert)


def nianbao(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        cwd=project.root,
        env={**os.environ, "NIANBAO_CELL_TIMEOUT": "3"},
        capture_output=True,
        text=True,
        check=False,
        timeout=240,  # a hang is a failure, not a stuck test run
    )


def no_process_left_in(root: Path) -> None:
    """No kernel still running in the project (each kernel's working folder is the project root)."""
    if not Path("/proc/self/cwd").exists():
        return
    deadline = time.monotonic() + 10
    while True:
        left = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and (entry / "cwd").resolve() == root.resolve():
                    left.append(entry.name)
            except OSError:  # ended meanwhile, or not ours to see
                continue
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == [], f"processes still running in {root}: {left}"


def outputs(project: Project) -> dict[str, bytes]:
    folder = project.output_dir("minzheng", 2017)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.mark.slow
def test_a_hung_cell_fails_its_report_names_the_cell_and_keeps_the_last_report(project: Project) -> None:
    plan.record_built(project, build_report(project, "minzheng", 2017))  # as `nianbao report` does
    before = outputs(project)
    hang_the_template(project)

    started = time.monotonic()
    result = nianbao(project, "report", "minzheng", "2017")

    assert time.monotonic() - started < 120
    assert result.returncode == 1
    failed = project.failed_notebook("minzheng", 2017)
    notebook = nbformat.read(failed, as_version=4)  # type: ignore[no-untyped-call]
    hung = next(n for n, cell in enumerate(notebook.cells) if cell.get("id") == "hang")
    # Counted as the message of a failing cell counts: the execution count it would have had.
    number = 1 + max(cell.execution_count or 0 for cell in notebook.cells[:hung] if cell.cell_type == "code")
    assert result.stderr == (
        f"错误：notebooks/annual_report.ipynb: 模板第 {number} 个代码单元格执行超过 3 秒仍未结束，已停止。\n"
        "  处理办法：出错的笔记本保存在 output/minzheng/2017/failed/report.ipynb，打开后顶部的红色提示指向"
        "这个单元格；若它确实需要更久，可用环境变量 NIANBAO_CELL_TIMEOUT 设置每个代码单元格最多执行的秒数"
        "（默认 180），如 NIANBAO_CELL_TIMEOUT=600。上一次成功生成的报告没有被改动。\n"
    )
    assert result.stdout == ""
    assert outputs(project) == before  # report.html, report.ipynb and the build record
    # The evidence: a red note on top, the stopped cell marked failed with what it printed, no later cell run.
    assert f"模板第 {number} 个代码单元格执行超过 3 秒仍未结束" in notebook.cells[0].source
    assert notebook.cells[hung].metadata.papermill.status == "failed"
    assert notebook.cells[hung].outputs[0].text == "waiting\n"
    assert {cell.metadata.papermill.status for cell in notebook.cells[hung + 1 :]} == {"pending"}
    assert str(project.root) not in failed.read_text(encoding="utf-8")
    no_process_left_in(project.root)


@pytest.mark.slow
def test_a_batch_with_a_hung_cell_fails_those_reports_and_finishes(project: Project) -> None:
    hang_the_template(project)
    jobs = [job for job in plan.jobs(project) if job.year == 2016]
    assert len(jobs) >= 3  # so that a worker goes on after a hung report

    result = nianbao(project, "reports", "2016", "--jobs", "2")

    assert result.returncode == 1
    assert f"已生成 0 份，无需重新生成 0 份，失败 {len(jobs)} 份" in result.stdout
    assert "失败的报告（除非下面另有说明，上一次成功生成的报告保持不变）/ failed:" in result.stderr
    listed = re.findall(
        r"^  (\S+ 2016)：notebooks/annual_report.ipynb: "
        r"模板第 \d+ 个代码单元格执行超过 3 秒仍未结束，已停止。$",
        result.stderr,
        re.M,
    )
    assert sorted(listed) == sorted(str(job) for job in jobs)
    assert "Traceback" not in result.stderr
    for job in jobs:
        assert project.failed_notebook(job.agency, job.year).is_file()
        assert not project.report_html(job.agency, job.year).exists()
    no_process_left_in(project.root)
