"""What the tool writes, hostile names and places (issue 24), run as a clerk runs it: the CLI in a process.

- a profile name or a page's file name holding a line break, YAML keys or `-->` adds no key to the
  figures.yaml that `next-year` and `import` write, and closes no comment in the new narrative.md;
- an import or next-year that fails — its own check after writing, a full, read-only or forbidden
  data/ (collect too) — leaves nothing behind;
- `.nianbao.lock` that is a link (to a data file) or a FIFO is refused, the file it names untouched;
- a FIFO in place of build.json, check.json or a listed output is "no record" or stale, never a wait,
  for the index and the batch;
- YEAR=9999 is one message for import and check.

Each run is killed after `SECONDS`, so a hang fails; `data/`, `params/`, `notebooks/` and the previous
`output/` are compared entry for entry before and after (a FIFO or a link is still what it was).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nianbao.batch import plan
from nianbao.forms.hand_out import write_form
from nianbao.inputs.prose import COMMENT
from nianbao.paths import Project
from tests.conftest import copy_project
from tests.functional.test_hostile_input import entries
from tests.unit.test_plan import fake_build

SECONDS = 60  # a failing run takes 2–5 s on a loaded machine; one that waits never ends
BATCH_SECONDS = 300  # two reports built for real
PAGE = Path(__file__).resolve().parents[1] / "fixtures/portal/gb2021-gb2312.html"  # shili 2021's figures
PROFILE = "params/minzheng.yaml"
NAME = "name: 三元区民政局            # 机关全称\n"
# A name that, joined into the files, wrote keys of its own and ended the narrative's comment.
HOSTILE_NAME = "三元区民政局\nas_printed: true\nactive.total: 424242\n-->\n# 概述\n注入的文字 <!--"
HOSTILE_PAGE = "2021年报\nas_printed: false\nreport: {number: 99}\nactive.total: 424242 -->.html"
# Run the CLI with one system call failing as a full, read-only or forbidden disk makes it fail.
FAULTY = """
import errno, os, pathlib, sys, tempfile
code, call, args = getattr(errno, sys.argv[1]), sys.argv[2], sys.argv[3:]
def fail(*given, **named):
    raise OSError(code, os.strerror(code))
owner = {"fsync": os, "mkstemp": tempfile, "mkdir": pathlib.Path}[call]
setattr(owner, call, fail)
from nianbao.cli import main
sys.exit(main(args))
"""


def run(
    root: Path, *args: str, fault: tuple[str, str] | None = None, seconds: int = SECONDS
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nianbao.cli", *args]
    if fault is not None:
        command = [sys.executable, "-c", FAULTY, *fault, *args]
    return subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=seconds,  # a hang fails here
        env={**os.environ, "NIANBAO_DEBUG": ""},
    )


def failed(done: subprocess.CompletedProcess[str], message: str) -> None:
    """One Chinese message, no traceback, exit 1."""
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"错误：{message}"


def with_last_good_report(root: Path) -> None:
    last_good = root / "output/minzheng/2017"
    last_good.mkdir(parents=True)
    (last_good / "report.html").write_bytes(b"<html>last good report</html>")


def written(root: Path, before: dict[str, object]) -> dict[str, object]:
    """What a run added (nothing else may have changed)."""
    after = entries(root)
    assert {key: after[key] for key in before} == before
    return {key: value for key, value in after.items() if key not in before}


def yaml_lines(data: object) -> list[str]:
    """A YAML file's lines that are not comments: what it says."""
    assert isinstance(data, bytes)
    return [line for line in data.decode("utf-8").splitlines() if not line.startswith("#")]


# ---------------------------------------------------------------- injection into data files


def test_a_hostile_profile_name_adds_no_key_and_ends_no_comment(tmp_path: Path) -> None:
    clean, hostile = copy_project(tmp_path / "clean"), copy_project(tmp_path / "hostile")
    profile = hostile / PROFILE
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        text.replace(NAME, f"name: {yaml.safe_dump(HOSTILE_NAME, allow_unicode=True)}"), "utf-8"
    )
    with_last_good_report(hostile)
    before = entries(hostile)

    expected, done = run(clean, "next-year", "minzheng"), run(hostile, "next-year", "minzheng")

    assert done.returncode == expected.returncode == 0, done.stderr
    assert done.stdout == expected.stdout
    new = written(hostile, before)
    assert sorted(new) == [
        "data/minzheng/2018",
        "data/minzheng/2018/.nianbao-written.json",  # the tool's record of the files it wrote
        "data/minzheng/2018/figures.yaml",
        "data/minzheng/2018/narrative.md",
    ]
    figures = new["data/minzheng/2018/figures.yaml"]
    assert yaml_lines(figures) == yaml_lines((clean / "data/minzheng/2018/figures.yaml").read_bytes())
    content = yaml.safe_load(figures)  # type: ignore[arg-type]
    assert "as_printed" not in content and "total" not in content["active"]
    narrative = new["data/minzheng/2018/narrative.md"]
    assert isinstance(narrative, bytes)
    clean_narrative = (clean / "data/minzheng/2018/narrative.md").read_text(encoding="utf-8")
    assert COMMENT.sub("", narrative.decode("utf-8")) == COMMENT.sub(
        "", clean_narrative
    )  # only the comment differs
    assert "注入的文字" not in COMMENT.sub("", narrative.decode("utf-8"))
    check = run(hostile, "check", "--agency", "minzheng", "--year", "2018")  # still just to fill
    assert (
        check.stderr.splitlines()[0]
        == run(clean, "check", "--agency", "minzheng", "--year", "2018").stderr.splitlines()[0]
    )


def test_a_hostile_page_name_adds_no_key_to_the_imported_figures(tmp_path: Path) -> None:
    clean, hostile = copy_project(tmp_path / "clean"), copy_project(tmp_path / "hostile")
    for root in (clean, hostile):
        for name in ("figures.yaml", "applications.csv"):
            (root / "data/shili/2021" / name).unlink()
    page = tmp_path / HOSTILE_PAGE
    shutil.copy(PAGE, page)
    with_last_good_report(hostile)
    before = entries(hostile)

    expected, done = (
        run(clean, "import", "--", str(PAGE), "shili", "2021"),
        run(hostile, "import", "--", str(page), "shili", "2021"),
    )

    assert done.returncode == expected.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    new = written(hostile, before)
    assert sorted(new) == [
        "data/shili/2021/.nianbao-written.json",  # the tool's record: the page's name as data, in JSON
        "data/shili/2021/applications.csv",
        "data/shili/2021/figures.yaml",
    ]
    record = json.loads(new["data/shili/2021/.nianbao-written.json"])  # type: ignore[arg-type]
    assert {entry["source"] for entry in record["files"].values()} == {HOSTILE_PAGE}
    figures = new["data/shili/2021/figures.yaml"]
    assert yaml_lines(figures) == yaml_lines((clean / "data/shili/2021/figures.yaml").read_bytes())
    assert (
        new["data/shili/2021/applications.csv"] == (clean / "data/shili/2021/applications.csv").read_bytes()
    )
    content = yaml.safe_load(figures)  # type: ignore[arg-type]
    assert content["as_printed"] is True and content["report"]["number"] != 99
    assert "total" not in content["active"]


# ---------------------------------------------------------------- nothing left behind


def test_an_import_whose_check_after_writing_fails_leaves_nothing(project_dir: Path) -> None:
    year = project_dir / "data/shili/2021"
    form = write_form(Project(project_dir), "shili", 2021)  # a returned form, placed for the same year
    shutil.move(form, year / "figures.xlsx")
    for name in ("figures.yaml", "applications.csv"):
        (year / name).unlink()
    with_last_good_report(project_dir)
    before = entries(project_dir)

    done = run(project_dir, "import", "--", str(PAGE), "shili", "2021")

    failed(
        done,
        "2021 年度的数字既有填报表 data/shili/2021/figures.xlsx，又有 data/shili/2021/figures.yaml、"
        "data/shili/2021/applications.csv：只能有一种，nianbao 不知道该用哪一个",
    )
    assert done.stdout == ""
    assert entries(project_dir) == before  # the figures.yaml and CSV it wrote are gone again


def returned_forms(project_dir: Path) -> Path:
    folder = project_dir.parent / "returned"
    folder.mkdir()
    shutil.copy(write_form(Project(project_dir), "shili", 2026), folder / "示例局.xlsx")
    return folder


@pytest.mark.parametrize(
    ("command", "fault", "message"),
    [
        (
            "collect",
            ("ENOSPC", "fsync"),
            "无法写入 data/shili/2026/figures.xlsx：磁盘空间已满（No space left on device）",
        ),
        (
            "next-year",
            ("EROFS", "mkstemp"),
            "无法写入 data/minzheng/2018/figures.yaml：磁盘是只读的（Read-only file system）",
        ),
        (
            "import",
            ("EACCES", "mkdir"),
            "无法写入 data/shili-caizheng/2021/figures.yaml：没有写入权限（Permission denied）",
        ),
    ],
    ids=["collect-full", "next-year-read-only", "import-forbidden"],
)
def test_a_full_or_read_only_data_folder_is_one_message_and_nothing_half_written(
    project_dir: Path, command: str, fault: tuple[str, str], message: str
) -> None:
    args = {
        "collect": ("collect", str(returned_forms(project_dir))),
        "next-year": ("next-year", "minzheng"),
        "import": ("import", "--", str(PAGE), "shili-caizheng", "2021"),
    }[command]
    with_last_good_report(project_dir)
    before = entries(project_dir)

    done = run(project_dir, *args, fault=fault)

    failed(done, message)
    assert done.stderr.splitlines()[1] == (
        "  处理办法：请清理磁盘空间或检查 data/ 的写入权限后重新运行；本次没有写入任何文件。"
    )
    assert entries(project_dir) == before


# ---------------------------------------------------------------- the lock


LOCK_HINT = (
    "  处理办法：.nianbao.lock 只应由 nianbao 自己建立（空文件，或只写着一个进程号）；请确认它没有用处后把它"
    "删去或改名（删去一个链接不会删去它指向的文件），再重新运行。"
)


def test_a_lock_that_links_to_a_data_file_is_refused_and_the_file_kept(project_dir: Path) -> None:
    figures = project_dir / "data/minzheng/2017/figures.yaml"
    (project_dir / ".nianbao.lock").symlink_to(figures)
    with_last_good_report(project_dir)
    before, data = entries(project_dir), figures.read_bytes()

    done = run(project_dir, "report", "minzheng", "2017")

    failed(done, "锁文件 .nianbao.lock 是一个链接，nianbao 不会使用或清空它")
    assert done.stderr.splitlines()[1:] == [LOCK_HINT]
    assert figures.read_bytes() == data  # was truncated to nothing
    assert entries(project_dir) == before
    assert (project_dir / ".nianbao.lock").is_symlink()


def test_a_fifo_as_the_lock_is_refused_without_waiting(project_dir: Path) -> None:
    os.mkfifo(project_dir / ".nianbao.lock")
    with_last_good_report(project_dir)
    before = entries(project_dir)

    done = run(project_dir, "index")

    failed(done, "锁文件 .nianbao.lock 不是普通文件（是设备、管道或套接字），nianbao 不会使用或清空它")
    assert entries(project_dir) == before


# ---------------------------------------------------------------- records read as regular files only


def test_the_index_reads_fifos_as_no_record(project_dir: Path) -> None:
    project = Project(project_dir)
    for record in (project.build_record("minzheng", 2017), project.check_record("minzheng", 2017)):
        record.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(record)
    before = entries(project_dir)

    done = run(project_dir, "index")

    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("索引页 / index: output/index.html\n", "")
    assert written(project_dir, before) == {"output/index.html": project.index_html.read_bytes()}
    page = project.index_html.read_text(encoding="utf-8")
    assert '<tr><td>minzheng</td><td class="unit">2017</td><td class="">尚未校验</td>' in page


def test_the_batch_rebuilds_what_a_fifo_stands_in_for_without_waiting(project_dir: Path) -> None:
    project = Project(project_dir)
    (project_dir / "params/_district.yaml").unlink()  # no summaries: only the two reports are built
    jobs = plan.jobs(project, 2017)
    for job in jobs:
        fake_build(project, job)
    project.build_record("shili-renshe", 2017).unlink()
    os.mkfifo(project.build_record("shili-renshe", 2017))  # no record: stale
    project.report_html("shili-wenti", 2017).unlink()
    os.mkfifo(project.report_html("shili-wenti", 2017))  # a listed output that is no file: stale
    before = entries(project_dir)

    done = run(project_dir, "reports", "2017", seconds=BATCH_SECONDS)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    fresh = len(jobs) - 2
    assert (
        f"已生成 2 份，无需重新生成 {fresh} 份，失败 0 份 / built 2, up to date {fresh}, failed 0"
        in done.stdout
    )
    after = entries(project_dir)
    for name in ("data", "params", "notebooks"):
        assert {k: v for k, v in after.items() if k.startswith(name)} == {
            k: v for k, v in before.items() if k.startswith(name)
        }
    assert project.report_html("shili-wenti", 2017).is_file()  # the FIFO replaced by the report
    assert after["output/minzheng/2017/report.html"] == b"<html></html>"  # up to date: untouched


# ---------------------------------------------------------------- YEAR out of range


YEAR_9999 = "年度 9999 超出范围：年度报告在下一年发布，nianbao 能处理的年度最晚是 9998 年"
YEAR_HINT = "  处理办法：请检查 YEAR= 或年度文件夹的名字是否写错。"


@pytest.mark.parametrize(
    "args",
    [("import", "--", str(PAGE), "shili", "9999"), ("check", "--agency", "shili", "--year", "9999")],
    ids=["import", "check"],
)
def test_year_9999_is_one_message(project_dir: Path, args: tuple[str, ...]) -> None:
    with_last_good_report(project_dir)
    before = entries(project_dir)

    done = run(project_dir, *args)

    failed(done, YEAR_9999)
    assert done.stderr.splitlines()[1:] == [YEAR_HINT]
    assert entries(project_dir) == before


def test_a_year_folder_9999_is_one_message_among_the_checks(project_dir: Path) -> None:
    shutil.copytree(project_dir / "data/shili/2025", project_dir / "data/shili/9999")

    done = run(project_dir, "check", "--agency", "shili")

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"错误：shili 9999：data/shili/9999: {YEAR_9999}" in done.stderr.splitlines()
    assert "通过 / ok: shili 2025" in done.stdout.splitlines()
