"""The template's text form in use: `make check` says which file to sync, `make sync` and `make sync-md`
bring the two files together, and JupyterLab (jupytext's contents manager) saves both."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from nianbao.notebook import paired
from nianbao.paths import Project
from tests.conftest import KEEP_ENVIRONMENT, ROOT

pytestmark = pytest.mark.slow

IPYNB = "notebooks/annual_report.ipynb"
MD = "notebooks/annual_report.md"


def run_make(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`make` in `root`, as tests/e2e/test_report.py runs it (`-o` keeps the environment as it is)."""
    return subprocess.run(
        ["make", "--no-print-directory", *KEEP_ENVIRONMENT, *args, f"VENV={sys.prefix}"],
        cwd=root,
        env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    old, new = before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_an_edited_text_form_fails_the_check_until_make_sync(project: Project) -> None:
    md, ipynb = project.root / MD, project.root / IPYNB
    before = ipynb.read_bytes()
    replace(md, "全年现场接待", "全年共现场接待")

    checked = run_make(project.root, "check", "AGENCY=minzheng", "YEAR=2017")
    assert checked.returncode != 0
    assert checked.stderr.startswith(f"错误：minzheng 2017：{MD}: 与 {IPYNB} 不一致：第 9 个单元格的文字不同")
    assert "运行 make sync，按 .md 更新 .ipynb" in checked.stderr

    synced = run_make(project.root, "sync")
    assert synced.returncode == 0, synced.stderr
    ((old, new),) = changed_lines(before, ipynb.read_bytes())  # that one line, cell ids and all else kept
    assert "全年现场接待" in old
    assert new == old.replace("全年现场接待", "全年共现场接待")
    assert run_make(project.root, "check", "AGENCY=minzheng", "YEAR=2017").returncode == 0


def test_sync_without_changes_rewrites_nothing(project: Project) -> None:
    ipynb = project.root / IPYNB
    before = (ipynb.read_bytes(), ipynb.stat().st_mtime_ns)
    assert run_make(project.root, "sync").returncode == 0
    assert (ipynb.read_bytes(), ipynb.stat().st_mtime_ns) == before  # the batch sees no change
    assert (project.root / MD).read_bytes() == (ROOT / MD).read_bytes()


def test_an_edited_notebook_is_brought_to_the_text_by_make_sync_md(project: Project) -> None:
    md, ipynb = project.root / MD, project.root / IPYNB
    before = md.read_bytes()
    replace(ipynb, "## 引言", "## 前言")
    stamp = md.stat().st_mtime_ns + 2 * 10**9  # saved after the .md, as an editor would
    os.utime(ipynb, ns=(stamp, stamp))

    checked = run_make(project.root, "check", "AGENCY=minzheng", "YEAR=2017")
    assert checked.returncode != 0
    assert "第 4 个单元格的文字不同（.md：“## 引言”；.ipynb：“## 前言”）" in checked.stderr
    assert ".ipynb 比 .md 新" in checked.stderr
    assert "运行 make sync-md，按 .ipynb 更新 .md" in checked.stderr

    assert run_make(project.root, "sync-md").returncode == 0
    assert changed_lines(before, md.read_bytes()) == [("## 引言", "## 前言")]
    assert run_make(project.root, "check", "AGENCY=minzheng", "YEAR=2017").returncode == 0


def test_sync_without_a_text_form_says_how_to_make_one(project: Project) -> None:
    (project.root / MD).unlink()
    result = run_make(project.root, "sync")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == f"错误：找不到 {MD}；运行 make sync-md 由 .ipynb 生成它"
    assert not (project.root / MD).exists()


def test_saving_in_jupyterlab_writes_both_files(project: Project) -> None:
    """JupyterLab saves through jupytext's contents manager (the server extension below), which reads the
    pairing from notebooks/jupytext.toml."""
    manager = jupytext.TextFileContentsManager(root_dir=str(project.root))
    model = manager.get(IPYNB)
    notebook = nbformat.from_dict(model["content"])  # type: ignore[no-untyped-call]
    channels = next(cell for cell in notebook.cells if cell.id == "channels")
    channels.source = channels.source.replace("全年现场接待", "全年共现场接待")
    manager.save({"type": "notebook", "content": notebook}, IPYNB)

    assert "全年共现场接待" in (project.root / MD).read_text(encoding="utf-8")
    template = paired.read_template(project, project.template)
    assert [cell.id for cell in template.cells] == [
        cell.id
        for cell in nbformat.read(ROOT / IPYNB, as_version=4).cells  # type: ignore[no-untyped-call]
    ]


def test_jupyterlab_loads_the_jupytext_extension() -> None:
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter"), "server", "extension", "list"],
        env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)  # it colours "enabled"
    assert ["jupyterlab_jupytext", "enabled"] in [line.split() for line in plain.splitlines()]
