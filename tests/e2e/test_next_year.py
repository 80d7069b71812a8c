"""`make next-year AGENCY=…` then `make check`: the January routine as a clerk runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.e2e.test_make_variables import run_make


@pytest.mark.slow
def test_make_next_year_then_make_check_lists_what_to_fill(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    started = run_make(root, "next-year", "AGENCY=shili")
    assert started.returncode == 0, started.stderr
    assert started.stdout.splitlines()[0] == "shili：开始 2026 年度（格式 gb2021，2021 年起）"
    assert "  已新建 / created: data/shili/2026/figures.yaml" in started.stdout

    checked = run_make(root, "check", "AGENCY=shili", "YEAR=2026")
    assert checked.returncode != 0  # make's 2 for the CLI's 1
    assert checked.stderr.startswith("错误：shili 2026：还有 ")
    stock = "字段 active.regulations.in_force（规章：现行有效件数）还没有填写"  # never copied
    assert f"  - data/shili/2026/figures.yaml: 第 14 行：{stock}\n" in checked.stderr

    again = run_make(root, "next-year", "AGENCY=shili")
    assert again.returncode != 0
    assert again.stderr.startswith("错误：机关 shili 的 2026 年度还有 ")
