"""End to end: batches that meet broken agencies, a second batch, and `kill -9` still finish truthfully.

Each test works on a small copy of the sample project (a few agencies, one year) to stay affordable."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.paths import Project
from nianbao.year import records
from tests.conftest import copy_project
from tests.e2e.test_batch import running_in

pytestmark = pytest.mark.slow
YEAR = "2017"


def small_project(target: Path, keep: tuple[str, ...]) -> Project:
    """The sample project with only the agencies `keep` (and the district's profile and narrative)."""
    project = Project(copy_project(target))
    for agency in project.agencies():
        if agency not in keep:
            project.profile(agency).unlink()
            shutil.rmtree(project.agency_dir(agency))
    return project


def batch(project: Project, env: dict[str, str] | None = None, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nianbao.cli", "reports", *args, YEAR],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group, as a terminal's job
    )


def test_a_batch_with_every_kind_of_broken_agency_finishes_with_its_list_and_index(tmp_path: Path) -> None:
    project = small_project(
        tmp_path / "broken", ("minzheng", "shili-huanbao", "shili-jiaoyu", "shili-renshe", "shili-wenti")
    )
    narrative = project.narrative("shili-renshe", 2017)
    narrative.unlink()
    narrative.mkdir()  # a narrative that is a folder
    figures = project.figures("shili-wenti", 2017)
    text = figures.read_text(encoding="utf-8")
    figures.write_text(re.sub(r"calls: *\d+", "calls: " + "9" * 5000, text, count=1), encoding="utf-8")
    profile = project.profile("shili-huanbao")
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        re.sub(r"^name: .*$", r"name: 示例区$\\foo$环保局", text, flags=re.M), encoding="utf-8"
    )
    for agency, content in (
        ("minzheng", "[1,2,3]"),
        ("shili-jiaoyu", json.dumps({"schema": 1, "inputs": []})),
    ):
        record = project.build_record(agency, 2017)
        record.parent.mkdir(parents=True)
        record.write_text(content, encoding="utf-8")

    process = batch(project, None, "-j2")
    out, err = process.communicate(timeout=600)

    assert process.returncode == 1
    assert "已生成 3 份，无需重新生成 0 份，失败 2 份" in out
    # (the messages are the one reader's: issue 12)
    assert "  shili-renshe 2017：data/shili-renshe/2017/narrative.md: 这是一个文件夹，不是文件\n" in err
    assert (
        "  shili-wenti 2017：data/shili-wenti/2017/figures.yaml: "
        "第 17 行：数字 99999999999999999999… 有 5000 位，超过 15 位"
    ) in err
    # the summary waits for the broken agencies, never repeating their errors
    assert "汇总 2017：没有生成：shili-renshe 2017、shili-wenti 2017 的数据有误（见上），改正后再生成" in out
    assert "汇总 2017" not in err
    assert "Traceback" not in err
    for agency in ("minzheng", "shili-huanbao", "shili-jiaoyu"):
        assert project.report_html(agency, 2017).is_file()
        record = records.read(project.build_record(agency, 2017))
        assert record is not None and record["status"] == records.BUILT
    index = project.index_html.read_text(encoding="utf-8")
    # The index (issue 20's dashboard): the two reports' data is at fault, the summary waits for them.
    assert "数据有误 2 份" in index
    assert "没有生成（等 2 个机关改正数据）" in index and "生成失败" not in index
    assert "这是一个文件夹，不是文件" in index and "有 5000 位，超过 15 位" in index
    assert "示例区$\\foo$环保局" in index


def test_two_batches_at_once_one_waits_for_the_other(tmp_path: Path) -> None:
    project = small_project(tmp_path / "twice", ("minzheng", "shili-wenti"))
    first = batch(project)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        project.lock_file.is_file() and project.lock_file.read_text(encoding="utf-8").strip()
    ):
        time.sleep(0.05)
    second = batch(project)
    out2, err2 = second.communicate(timeout=600)
    out1, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "已生成 2 份，无需重新生成 0 份，失败 0 份" in out1
    assert f"另一个生成任务（进程 {first.pid}）正在生成本项目的报告，等它结束后继续……" in err2
    assert "已生成 0 份，无需重新生成 2 份，失败 0 份" in out2  # the first built them: nothing left to do


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="finds the processes through /proc")
def test_a_batch_killed_with_sigkill_leaves_nothing_in_jupyters_folder_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    project = small_project(tmp_path / "killed", ("minzheng", "shili-huanbao", "shili-jiaoyu", "shili-wenti"))
    temporary, jupyter = tmp_path / "tmp", tmp_path / "jupyter-runtime"
    temporary.mkdir()
    jupyter.mkdir()
    env = {"TMPDIR": str(temporary), "JUPYTER_RUNTIME_DIR": str(jupyter)}
    process = batch(project, env, "-j2")
    assert process.stderr is not None
    for line in process.stderr:  # progress lines: kill it once a report is done and others are running
        if line.startswith("[1/"):
            break
    os.killpg(process.pid, signal.SIGKILL)  # kill -9 of the whole job: nobody gets to clean up
    process.communicate()
    assert running_in(project.root, wait=20) == []  # its kernels end with their zygotes
    assert list(jupyter.iterdir()) == []  # the user's Jupyter runtime folder was never used
    left = sorted(path.name for path in temporary.iterdir())
    assert left and all(re.fullmatch(r"nianbao-\d+-\w+", name) for name in left), left

    again = batch(project, env)
    out, err = again.communicate(timeout=600)

    assert again.returncode == 0, err
    assert re.search(r"已生成 [1-3] 份，无需重新生成 [1-3] 份，失败 0 份", out), out
    assert list(temporary.iterdir()) == []  # what the killed run left, removed; and its own, at its end
    assert list(jupyter.iterdir()) == []
    assert not list(project.output_root.rglob("*.tmp"))


# Loaded by every process of the batch (its workers too) through PYTHONPATH: the one rename whose target
# ends with NIANBAO_TEST_ENOSPC fails as on a full disk. (No small tmpfs can be mounted here.)
FULL_DISK = """
import errno, os
_target = os.environ.get("NIANBAO_TEST_ENOSPC")
if _target:
    _replace = os.replace

    def _full(source, target, *args, **kwargs):
        if os.fspath(target).replace(os.sep, "/").endswith(_target):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(target))
        return _replace(source, target, *args, **kwargs)

    os.replace = _full
"""


@pytest.fixture(scope="module")
def two_built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = small_project(tmp_path_factory.mktemp("full") / "project", ("minzheng", "shili-wenti"))
    process = batch(project)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return project


@pytest.mark.parametrize(
    ("target", "said", "replaced"),
    [
        (
            "shili-wenti/2017/report.html",
            "  shili-wenti 2017：无法写入文件夹 output/shili-wenti/2017："
            "磁盘空间已满（No space left on device）\n"
            "  处理办法：请清理磁盘空间或检查这个文件夹的写入权限后重新运行；"
            "已替换为新的：output/shili-wenti/2017/report.ipynb；"
            "没有替换（仍是上一次的）：output/shili-wenti/2017/report.html、"
            "output/shili-wenti/2017/report.pdf、output/shili-wenti/2017/report.docx。\n",
            ["report.ipynb"],
        ),
        (
            "shili-wenti/2017/build.json",
            "  shili-wenti 2017：报告的文件已替换为新生成的"
            "（output/shili-wenti/2017/report.ipynb、output/shili-wenti/2017/report.html、"
            "output/shili-wenti/2017/report.pdf、output/shili-wenti/2017/report.docx），"
            "但它的构建记录无法写入：无法写入文件夹 output/shili-wenti/2017："
            "磁盘空间已满（No space left on device）\n",
            ["report.html", "report.ipynb"],
        ),
        (
            "output/index.html",
            "索引页没有更新 / index not written："
            "无法写入文件夹 output：磁盘空间已满（No space left on device）\n",
            ["report.html", "report.ipynb"],
        ),
    ],
)
def test_a_full_disk_at_each_write_is_told_truthfully_and_the_batch_finishes(
    two_built: Project, tmp_path: Path, target: str, said: str, replaced: list[str]
) -> None:
    project = Project(Path(shutil.copytree(two_built.root, tmp_path / "project")))
    folder = project.output_dir("shili-wenti", 2017)
    before = {name: (folder / name).read_bytes() for name in ("report.html", "report.ipynb")}
    figures = project.figures("shili-wenti", 2017)
    text = figures.read_text(encoding="utf-8")
    calls = re.search(r"calls: *(\d+)", text)
    assert calls is not None
    figures.write_text(text.replace(calls.group(0), f"calls: {int(calls.group(1)) + 1}", 1), encoding="utf-8")
    if target == "output/index.html":
        project.index_html.unlink()  # so that it must be written (an unchanged index is not rewritten)
    (tmp_path / "sitecustomize.py").write_text(FULL_DISK, encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path), "NIANBAO_TEST_ENOSPC": target}

    process = batch(project, env)
    out, err = process.communicate(timeout=600)

    assert process.returncode == 1
    assert said in err
    assert "Traceback" not in err and "上一次生成的报告没有被改动" not in err
    assert "已生成" in out and "失败" in out  # the summary line is always printed
    changed = sorted(name for name, data in before.items() if (folder / name).read_bytes() != data)
    assert changed == replaced
    assert not list(project.output_root.rglob("*.tmp"))  # nothing half-written left behind
    if target != "output/index.html":
        assert "已生成 0 份，无需重新生成 1 份，失败 1 份" in out
        # The next run, with room on the disk, rebuilds the report whose record was not written.
        again = batch(project)
        out, err = again.communicate(timeout=600)
        assert again.returncode == 0, err
        assert "已生成 1 份，无需重新生成 1 份，失败 0 份" in out
