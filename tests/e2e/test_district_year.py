"""Issue 25: a district's year, end to end, as an office runs it with three agencies — one on YAML, one on
Excel forms, one new to nianbao that starts from its published page — from `make next-year` through
`make workbook`, `make collect`, `make check` and `make reports` to the index, asserting where each
agency-year stands (`year/state.py`) after every step, the batch's lines and its exit status."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from nianbao.paths import Project
from nianbao.year import state
from nianbao.year.state import Stage
from tests.conftest import copy_project
from tests.e2e.test_make_variables import run_make
from tests.e2e.test_year_paths import PAGE, fill_form, write_words
from tests.unit.test_next_year import load_filled

pytestmark = pytest.mark.slow

YAML, FORM, PAGE_AGENCY = "shili", "shili-b", "shili-c"


def district(tmp_path: Path) -> Path:
    """The sample project cut to three agencies whose latest year is 2021: shili (typed in YAML), shili-b
    (the same figures, to be returned on forms) and shili-c (nothing yet but its published 2021 page)."""
    root = copy_project(tmp_path / "project")
    for profile in (root / "params").glob("*.yaml"):
        if profile.stem not in ("_district", YAML):
            profile.unlink()
            shutil.rmtree(root / "data" / profile.stem)
    for year in (2019, *range(2022, 2026)):
        shutil.rmtree(root / f"data/{YAML}/{year}")
    for agency in (FORM, PAGE_AGENCY):
        shutil.copy(root / f"params/{YAML}.yaml", root / f"params/{agency}.yaml")
    shutil.copytree(root / f"data/{YAML}", root / f"data/{FORM}")
    for year in range(2016, 2026):
        if year != 2022:  # the summaries of other years are not this test's
            shutil.rmtree(root / f"data/_district/{year}", ignore_errors=True)
    return root


def stages(root: Path) -> dict[tuple[str, int], str]:
    """Where every agency-year stands, as the model says (the index shows the same)."""
    return {(s.agency, s.year): s.stage.value for s in state.of_project(Project(root))}


def index_rows(root: Path) -> list[tuple[str, str, str]]:
    """(agency name, year, status) of every row of output/index.html, as a reader sees them."""
    page = (root / "output/index.html").read_text(encoding="utf-8")
    rows = re.findall(
        r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(\d{4})</td>\s*<td[^>]*>(.*?)</td>", page, re.S
    )
    return [tuple(unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row) for row in rows]


def ok(done: object) -> None:
    assert getattr(done, "returncode") == 0, getattr(done, "stderr")  # noqa: B009


def test_a_district_year_from_next_year_to_the_index(tmp_path: Path) -> None:
    root = district(tmp_path)
    ok(run_make(root, "import", f"FILE={PAGE}", f"AGENCY={PAGE_AGENCY}", "YEAR=2021"))
    assert stages(root)[(PAGE_AGENCY, 2021)] == Stage.HISTORY

    # December: every agency starts 2022, the new one from its imported page.
    started = run_make(root, "next-year")
    ok(started)
    assert [line.split("（")[0] for line in started.stdout.splitlines() if "开始" in line] == [
        f"{YAML}：开始 2022 年度",
        f"{FORM}：开始 2022 年度",
        f"{PAGE_AGENCY}：开始 2022 年度",
    ]
    now = stages(root)
    assert [now[(a, 2022)] for a in (YAML, FORM, PAGE_AGENCY)] == [Stage.TO_FILL] * 3
    assert now[(PAGE_AGENCY, 2021)] == Stage.HISTORY

    # A batch meanwhile: nothing is a failure, each year to fill is listed once, the summary waits.
    waiting = run_make(root, "reports")
    ok(waiting)
    said = [line for line in (waiting.stdout + waiting.stderr).splitlines() if not line.startswith("[")]
    assert said == [
        "已生成 4 份，无需重新生成 0 份，失败 0 份，待填 3 份 / built 4, up to date 0, failed 0, to fill 3",
        "待填 3 份（不是失败：填好、写好后再运行 make reports；make check AGENCY=… YEAR=… 逐处列出）"
        "/ still to fill:",
        *(f"  {agency} 2022（还有 55 处待填或待改写）" for agency in (YAML, FORM, PAGE_AGENCY)),
        "汇总 2022：待填，3 个机关还没有填完（见上），都完成后再生成 / summary 2022 waits for its agencies",
    ]
    assert [row[1:] for row in index_rows(root) if row[1] == "2022"] == [("2022", "待填")] * 3

    # January: the forms go out (a begun year's form has its 待填 cells empty) and one comes back.
    handed = run_make(root, "workbook", f"AGENCY={FORM}", "YEAR=2022")
    ok(handed)
    returned = tmp_path / "收回的表格"
    returned.mkdir()
    shutil.copy(root / f"output/workbooks/{FORM}-2022.xlsx", returned / "乙局2022年报.xlsx")
    fill_form(returned / "乙局2022年报.xlsx", 2022)
    collected = run_make(root, "collect", f"DIR={returned}")
    ok(collected)
    assert collected.stdout.splitlines()[0] == (
        f"已放置 / placed: 乙局2022年报.xlsx → data/{FORM}/2022/figures.xlsx：各格均已填写"
    )
    assert (root / f"data/{FORM}/2022/已替换/figures.yaml").is_file()  # next-year's, kept aside
    assert stages(root)[(FORM, 2022)] == Stage.TO_FILL  # its words are still 待改写

    # The words are written, the YAML agencies type their figures; the office checks everything.
    write_words(root / f"data/{FORM}/2022/narrative.md")
    for agency in (YAML, PAGE_AGENCY):
        load_filled(Project(root), agency, 2022)
    checked = run_make(root, "check", "YEAR=2022")
    ok(checked)
    assert [line for line in checked.stdout.splitlines() if line.startswith("通过")] == [
        f"通过 / ok: {agency} 2022" for agency in (YAML, FORM, PAGE_AGENCY)
    ]
    assert [stages(root)[(a, 2022)] for a in (YAML, FORM, PAGE_AGENCY)] == [Stage.CHECKED] * 3

    # The reports, the summary and the index.
    built = run_make(root, "reports")
    ok(built)
    assert "失败 0 份" in built.stdout
    assert "待填" not in built.stdout + built.stderr
    assert "2022" in next(line for line in built.stdout.splitlines() if line.startswith("汇总报告"))
    final = stages(root)
    assert [final[(a, 2022)] for a in (YAML, FORM, PAGE_AGENCY)] == [Stage.BUILT] * 3
    assert final[(PAGE_AGENCY, 2021)] == Stage.HISTORY
    rows = {(name_year[1], name_year[2]) for name_year in index_rows(root)}
    assert ("2022", "已生成") in rows and ("2021", "已导入") in rows
    assert [row for row in index_rows(root) if row[1] == "2022" and row[2] != "已生成"] == []
    for agency in (YAML, FORM, PAGE_AGENCY):
        assert (root / f"output/{agency}/2022/report.html").is_file()
    assert (root / "output/_district/2022/summary.html").is_file()
