"""`make import FILE=… AGENCY=… YEAR=…`: the three values reach the CLI as data (as every make variable
does, see test_make_variables.py), and all three are required."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project
from tests.e2e.test_make_variables import refused, run_make

PAGE = ROOT / "tests" / "fixtures" / "portal" / "gb2021-gb2312.html"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("import") / "project")


@pytest.mark.slow
@pytest.mark.parametrize("template", ["x; touch {canary}", "$(touch {canary})", "`touch {canary}`", "-h"])
def test_a_hostile_file_name_is_data(root: Path, tmp_path: Path, template: str) -> None:
    canary = tmp_path / "canary"
    value = template.format(canary=canary)
    result = run_make(root, "import", f"FILE={value}", "AGENCY=shili", "YEAR=2021")
    refused(root, canary, result, f"错误：{value}: 找不到这个网页文件")


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["FILE", "AGENCY", "YEAR"])
def test_all_three_values_are_required(root: Path, missing: str) -> None:
    given = {"FILE": str(PAGE), "AGENCY": "shili", "YEAR": "2021"}
    result = run_make(root, "import", *(f"{k}={v}" for k, v in given.items() if k != missing))
    assert result.returncode != 0
    assert result.stderr.startswith("错误：请写明 FILE=（保存的网页）、AGENCY=（机关代号）和 YEAR=")


@pytest.mark.slow
def test_a_page_is_imported_and_what_was_written_listed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for name in ("figures.yaml", "applications.csv"):
        (project / "data" / "shili" / "2021" / name).unlink()
    shutil.copy(PAGE, project / "2021 年报.html")  # a clerk's file name, with a space
    result = run_make(project, "import", "FILE=2021 年报.html", "AGENCY=shili", "YEAR=2021")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "已写入 / written: data/shili/2021/figures.yaml\n已写入 / written: data/shili/2021/applications.csv\n"
    )


def test_the_file_reaches_the_recipe_as_data() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert not re.search(r"\$[({](NIANBAO_)?FILE[)}]", makefile)
    assert re.search(r"^export NIANBAO_FILE := \$\(value FILE\)$", makefile, re.M)
    assert '"$$NIANBAO_FILE"' in makefile
