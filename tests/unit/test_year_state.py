"""The one model of where an agency-year stands (year/state.py): every state, from small projects."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from nianbao.batch import plan
from nianbao.build import Built
from nianbao.figures.derived import Figures
from nianbao.inputs import snapshot
from nianbao.inputs.load import load_agency_year
from nianbao.notebook.template import read_template
from nianbao.paths import Project
from nianbao.publish.atomic import write_atomic
from nianbao.year import freshness, records, state, written
from nianbao.year.state import Stage


def begin(project: Project, agency: str, year: int, to_fill: bool = True) -> Path:
    """`year` begun from the agency's latest year (its files copied); its document number `待填`."""
    latest = max(project.years(agency))
    folder = project.year_dir(agency, year)
    shutil.copytree(project.year_dir(agency, latest), folder)
    if to_fill:
        figures = project.figures(agency, year)
        text = figures.read_text(encoding="utf-8")
        figures.write_text(text.replace("  number: 8 ", "  number: 待填 ", 1), encoding="utf-8")
    return folder


def fake_build(project: Project, agency: str, year: int) -> None:
    """What a successful build leaves, without a kernel: its files (empty) and its records."""
    with snapshot.recording(project.root) as inputs:
        figures = Figures.derive(load_agency_year(project, agency, year))
        read_template(project.template)
    html, notebook = project.report_html(agency, year), project.report_notebook(agency, year)
    write_atomic(html, b"<html></html>")
    write_atomic(notebook, b"{}")
    plan.record_built(project, Built(notebook, html, (), figures, inputs))


def check(
    project: Project, agency: str, year: int, error: str | None = None, to_fill: list[str] | None = None
) -> None:
    files = freshness.year_stamps(project, agency, year)
    record = records.check_record(error, [], to_fill=to_fill, files=files)
    records.write(project.check_record(agency, year), record)


def touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def stage(project: Project, agency: str, year: int) -> Stage:
    return state.of(project, agency, year).stage


def record_written(project: Project, agency: str, year: int, name: str, command: str) -> None:
    data = (project.year_dir(agency, year) / name).read_bytes()
    files = {name: written.Written(written.digest(data), command)}
    written.record_path(project, agency, year).write_bytes(written.record_bytes(files))


def test_a_fresh_year_is_unchecked_and_a_year_not_begun_is_missing_with_its_last_year(
    project: Project,
) -> None:
    assert stage(project, "shili", 2025) == Stage.UNCHECKED
    missing = state.of(project, "minzheng", 2025)
    assert (missing.stage, missing.since, missing.chinese) == (Stage.MISSING, 2017, "缺少数据")
    assert state.of(project, "minzheng", 2016).since is None


def test_a_begun_year_is_to_fill_before_any_check_and_says_what(project: Project) -> None:
    begin(project, "shili", 2026)
    found = state.of(project, "shili", 2026)
    assert found.stage == Stage.TO_FILL and found.chinese == "待填"
    assert found.items == ("data/shili/2026/figures.yaml: 第 5 行：字段 report.number还没有填写",)


def test_a_check_that_found_cells_to_fill_is_to_fill_with_its_list(project: Project) -> None:
    check(project, "shili", 2025, "还有 2 处", to_fill=["a", "b"])
    found = state.of(project, "shili", 2025)
    assert (found.stage, found.items) == (Stage.TO_FILL, ("a", "b"))


def test_errors_are_invalid_while_the_files_are_as_checked_then_unchecked(project: Project) -> None:
    check(project, "shili", 2025, "data/shili/2025/figures.yaml: 第 9 行：错一\n  错二\n  处理办法：改")
    found = state.of(project, "shili", 2025)
    assert (found.stage, found.errors, found.first_error) == (
        Stage.INVALID,
        2,
        "data/shili/2025/figures.yaml: 第 9 行：错一",
    )
    touch(project.figures("shili", 2025))  # the clerk saved it: what the check found may be fixed
    assert stage(project, "shili", 2025) == Stage.UNCHECKED


@pytest.mark.parametrize("change", ["profile", "opening", "new file", "removed file"])
def test_any_of_the_years_files_changing_makes_a_check_untrusted(project: Project, change: str) -> None:
    check(project, "minzheng", 2017, "错")
    assert stage(project, "minzheng", 2017) == Stage.INVALID
    if change == "profile":
        touch(project.profile("minzheng"))
    elif change == "opening":
        touch(project.opening("minzheng"))
    elif change == "new file":
        (project.year_dir("minzheng", 2017) / "applications.csv").write_text("x", encoding="utf-8")
    else:
        shutil.copy(project.narrative("minzheng", 2017), project.root / "kept.md")
        project.narrative("minzheng", 2017).unlink()
        assert stage(project, "minzheng", 2017) != Stage.INVALID
        return
    assert stage(project, "minzheng", 2017) == Stage.UNCHECKED


def test_a_check_record_without_the_files_stamps_is_not_trusted(project: Project) -> None:
    records.write(project.check_record("shili", 2025), records.check_record("错", []))
    assert stage(project, "shili", 2025) == Stage.UNCHECKED


def test_a_passed_check_is_checked_a_build_built_then_stale(project: Project) -> None:
    check(project, "shili", 2025)
    assert stage(project, "shili", 2025) == Stage.CHECKED
    fake_build(project, "shili", 2025)
    assert stage(project, "shili", 2025) == Stage.BUILT
    touch(project.figures("shili", 2025))
    assert stage(project, "shili", 2025) == Stage.STALE


def test_a_failed_build_of_the_files_as_they_are_is_failed_then_stale_once_they_change(
    project: Project,
) -> None:
    fake_build(project, "shili", 2025)
    files = freshness.year_stamps(project, "shili", 2025)
    plan.record_failed(project, plan.Job("shili", 2025), "第 3 个单元格执行失败", checked=False, files=files)
    found = state.of(project, "shili", 2025)
    assert (found.stage, found.error) == (Stage.FAILED, "第 3 个单元格执行失败")
    touch(project.narrative("shili", 2025))
    assert stage(project, "shili", 2025) == Stage.STALE


def test_a_failed_build_over_the_data_is_invalid(project: Project) -> None:
    files = freshness.year_stamps(project, "shili", 2025)
    plan.record_failed(project, plan.Job("shili", 2025), "数字错", checked=True, files=files)
    assert stage(project, "shili", 2025) == Stage.INVALID


def test_figures_without_a_narrative_and_no_record_are_history(project: Project) -> None:
    project.narrative("shili", 2021).unlink()
    found = state.of(project, "shili", 2021)
    assert (found.stage, found.chinese) == (Stage.HISTORY, "已导入")
    assert plan.Job("shili", 2021) not in plan.jobs(project)


def test_figures_the_import_wrote_are_history_whatever_else_is_there(project: Project) -> None:
    project.narrative("shili", 2021).unlink()
    record_written(project, "shili", 2021, "figures.yaml", "import")
    (project.year_dir("shili", 2021) / "figures.xlsx").write_bytes(b"PK")
    assert stage(project, "shili", 2021) == Stage.HISTORY


def test_a_returned_form_without_a_narrative_is_words_never_imported(project: Project) -> None:
    project.narrative("shili", 2021).unlink()
    project.figures("shili", 2021).unlink()
    (project.year_dir("shili", 2021) / "figures.xlsx").write_bytes(b"PK")
    check(project, "shili", 2021, "data/shili/2021/figures.xlsx: 表二!C5 空着\n  表二!C6 空着")
    found = state.of(project, "shili", 2021)
    assert (found.stage, found.chinese, found.errors) == (Stage.WORDS, "待写文字", 2)


def test_typed_figures_the_tool_did_not_import_without_a_narrative_are_words(project: Project) -> None:
    project.narrative("shili", 2021).unlink()
    record_written(project, "shili", 2021, "applications.csv", "next-year")  # a record, not import's
    assert stage(project, "shili", 2021) == Stage.WORDS
    # figures.yaml beside a returned form, no record: words, not imported
    (project.year_dir("shili", 2021) / ".nianbao-written.json").unlink()
    (project.year_dir("shili", 2021) / "figures.xlsx").write_bytes(b"PK")
    assert stage(project, "shili", 2021) == Stage.WORDS


@pytest.mark.skipif(sys.platform == "win32", reason="no FIFOs")
@pytest.mark.parametrize("content", ["fifo", "garbage", "folder", "list"])
def test_a_record_that_cannot_be_read_is_no_record(project: Project, content: str) -> None:
    project.narrative("shili", 2021).unlink()
    path = written.record_path(project, "shili", 2021)
    if content == "fifo":
        os.mkfifo(path)  # never waited for
    elif content == "garbage":
        path.write_bytes(b"\xff{not json")
    elif content == "folder":
        path.mkdir()
    else:
        path.write_text(json.dumps({"files": ["figures.yaml"]}), encoding="utf-8")
    assert written.read(project, "shili", 2021) == {}
    assert stage(project, "shili", 2021) == Stage.HISTORY  # the rule for years from before the record


def test_the_district_expects_the_latest_year_begun_once_per_agency(project: Project) -> None:
    project.narrative("shili", 2025).unlink()  # 2025 now imported history: not begun
    states = state.of_project(project)
    assert state.expected_year(project, states) == 2024
    missing = [s for s in states if s.stage == Stage.MISSING]
    assert {s.year for s in missing} == {2024}
    assert sorted(s.agency for s in missing) == [a for a in project.agencies() if a != "shili"]
    assert next(s for s in missing if s.agency == "minzheng").since == 2017


def test_a_summary_waits_for_years_to_fill_and_is_wanted_only_with_the_districts_narrative(
    project: Project,
) -> None:
    begin(project, "shili", 2026)
    summary = state.summary_of(project, 2026, state.of_agencies(project, 2026))
    assert (summary.wanted, summary.agencies, [str(s) for s in summary.waiting]) == (
        False,
        ("shili",),
        ["shili 2026"],
    )
    shutil.copytree(project.root / "data/_district/2025", project.root / "data/_district/2026")
    assert state.summary_of(project, 2026, state.of_agencies(project, 2026)).wanted
    assert not state.summary_of(project, 2026, state.of_agencies(project, 2026)).ready
