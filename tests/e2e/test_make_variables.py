"""A make variable is data, never code: `make report AGENCY='x; touch f'` runs no `touch`, and the CLI
refuses the value with its one Chinese message. Values reach recipes as environment variables read in
double quotes, after `--`, so neither make, nor the shell, nor argparse reads them as anything but text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import KEEP_ENVIRONMENT, ROOT, copy_project


def run_make(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`make` in `root`, as tests/e2e/test_report.py runs it (`-o` keeps the environment as it is)."""
    return subprocess.run(
        ["make", "--no-print-directory", *KEEP_ENVIRONMENT, *args, f"VENV={sys.prefix}"],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for every refusal below: a refusal changes nothing, which each test checks."""
    target = copy_project(tmp_path_factory.mktemp("variables") / "project")
    shutil.copytree(ROOT / "benchmarks", target / "benchmarks")  # for `make bench`, which makes its
    (target / "tests").mkdir()  # agencies with the tests' generator
    for name in ("__init__.py", "synthetic.py"):
        shutil.copy2(ROOT / "tests" / name, target / "tests" / name)
    return target


# Each value with `{canary}` would create that file if any shell or make ran it as code.
HOSTILE = [
    "x; touch {canary}",
    "$(touch {canary})",
    "`touch {canary}`",
    "$(shell touch {canary})",  # make's own command substitution
    "x\ntouch {canary}",
    "a b",
    "-h",
]
HOSTILE_YEARS = ["2017; touch {canary}", *HOSTILE[1:5], "2017 2018", "-h", ""]


def refused(root: Path, canary: Path, result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode != 0, result.stdout
    assert not canary.exists(), "a value was run as a command"
    assert result.stderr.splitlines()[0] == message, result.stderr
    assert "Traceback" not in result.stderr
    assert "usage:" not in result.stdout + result.stderr  # not taken as an option (-h)
    assert list((root / "output").iterdir()) == []


def agency_error(value: str) -> str:
    return f"错误：机关代号 {value!r} 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng"


def year_error(value: str) -> str:
    return f"错误：年度 {value!r} 无效：应为四位数字的年份，如 2017"


@pytest.mark.slow
@pytest.mark.parametrize("target", ["report", "check", "next-year"])
@pytest.mark.parametrize("template", HOSTILE)
def test_a_hostile_agency_is_refused_and_never_run(
    root: Path, tmp_path: Path, target: str, template: str
) -> None:
    canary = tmp_path / "canary"
    value = template.format(canary=canary)
    result = run_make(root, target, f"AGENCY={value}", "YEAR=2017")
    refused(root, canary, result, agency_error(value))


@pytest.mark.slow
@pytest.mark.parametrize("target", ["report", "check", "reports", "summary"])
@pytest.mark.parametrize("template", HOSTILE_YEARS)
def test_a_hostile_year_is_refused_and_never_run(
    root: Path, tmp_path: Path, target: str, template: str
) -> None:
    canary = tmp_path / "canary"
    value = template.format(canary=canary)
    result = run_make(root, target, "AGENCY=minzheng", f"YEAR={value}")
    refused(root, canary, result, year_error(value))


@pytest.mark.slow
def test_a_value_from_the_environment_is_data_too(root: Path, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    value = f"$(shell touch {canary})"
    result = run_make(root, "check", env={"AGENCY": value})
    refused(root, canary, result, agency_error(value))


@pytest.mark.slow
@pytest.mark.parametrize("template", ["1; touch {canary}", "$(touch {canary})", "`touch {canary}`", "-h"])
def test_a_hostile_agency_count_for_bench_is_refused(root: Path, tmp_path: Path, template: str) -> None:
    canary = tmp_path / "canary"
    value = template.format(canary=canary)
    result = run_make(root, "bench", f"AGENCIES={value}")
    assert result.returncode != 0
    assert not canary.exists()
    assert f"argument --agencies: invalid int value: {value!r}" in result.stderr  # argparse's, in English


@pytest.mark.slow
def test_good_values_still_pass(root: Path) -> None:
    result = run_make(root, "check", "AGENCY=minzheng", "YEAR=2017")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "通过 / ok: minzheng 2017\n"


def test_no_recipe_pastes_a_variable_into_the_shell() -> None:
    """Every use of AGENCY, YEAR or AGENCIES in a recipe is the shell's "$$NIANBAO_NAME", never make's
    $(NAME); and AGENCY, YEAR themselves are not exported (they would reach every make a test starts)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert not re.search(r"\$[({](NIANBAO_)?(AGENCY|YEAR|AGENCIES)[)}]", makefile)
    for name in ("AGENCY", "YEAR", "AGENCIES"):
        assert re.search(rf"^export NIANBAO_{name} := \$\(value {name}\)$", makefile, re.M)
    assert not re.search(r"^export\s+(AGENCY|YEAR|AGENCIES)\b", makefile, re.M)


def test_the_default_year_does_not_reach_the_makes_a_recipe_starts(tmp_path: Path) -> None:
    """`make test` runs tests that run `make reports`: the outer make's default YEAR must not restrict it."""
    root = copy_project(tmp_path / "project")
    (root / "Makefile").write_text(
        (root / "Makefile").read_text(encoding="utf-8")
        + "\nprobe:\n\t@env | grep -E '^(AGENCY|YEAR)=' || true\n",
        encoding="utf-8",
    )
    result = run_make(root, "probe")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.slow
@pytest.mark.parametrize("template", HOSTILE)
def test_a_hostile_folder_to_collect_forms_from_is_data_too(
    root: Path, tmp_path: Path, template: str
) -> None:
    canary = tmp_path / "canary"
    value = template.format(canary=canary)
    result = run_make(root, "collect", f"DIR={value}")
    first_line = value.split("\n")[0]  # a value with a line break is printed as it is, on two lines
    assert result.returncode != 0, result.stdout
    assert not canary.exists(), "a value was run as a command"
    assert result.stderr.splitlines()[0] == f"错误：找不到文件夹 {first_line}", result.stderr
    assert "Traceback" not in result.stderr and "usage:" not in result.stdout + result.stderr
