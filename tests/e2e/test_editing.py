"""Editing the narrative or the template's wording, then re-running, changes the report."""

from __future__ import annotations

import pytest

from nianbao.build import build_report
from nianbao.errors import ExecutionError, TemplateError
from nianbao.paths import Project
from tests.templates import cell, edit_template, replace_in_cell, restore, template_files

pytestmark = pytest.mark.slow


def test_edited_prose_and_template_wording_reach_the_html(project: Project) -> None:
    narrative = project.narrative("minzheng", 2017)
    narrative.write_text(
        narrative.read_text(encoding="utf-8").replace(
            "# 需要说明的其他情况\n\n无。", "# 需要说明的其他情况\n\n本年度机构未调整。"
        ),
        encoding="utf-8",
    )
    replace_in_cell(project, "channels", "全年现场接待", "全年共现场接待群众")

    html = build_report(project, "minzheng", 2017).html.read_text(encoding="utf-8")

    assert "本年度机构未调整。" in html
    assert "全年共现场接待群众272人次" in html


def test_a_misspelt_placeholder_names_the_cell_and_keeps_the_last_report(project: Project) -> None:
    built = build_report(project, "minzheng", 2017)
    before = built.html.read_bytes()
    replace_in_cell(project, "channels", "{{ interpretation.calls }}", "{{ interpretation.cals }}")

    with pytest.raises(
        TemplateError, match=r"notebooks/annual_report.ipynb 第 \d+ 个单元格.*没有名为 cals 的数字或文字"
    ):
        build_report(project, "minzheng", 2017)
    assert built.html.read_bytes() == before


def test_a_failing_cell_keeps_its_notebook_apart_and_the_last_report(project: Project) -> None:
    built = build_report(project, "minzheng", 2017)
    before = {path: path.read_bytes() for path in (built.html, built.notebook)}
    good_template = template_files(project)
    edit_template(
        project, lambda notebook: setattr(cell(notebook, "appendix"), "source", "report.no_such_table()")
    )

    with pytest.raises(ExecutionError, match=r"模板第 \d+ 个代码单元格执行失败：AttributeError") as caught:
        build_report(project, "minzheng", 2017)

    failed = project.failed_notebook("minzheng", 2017)
    assert f"出错的笔记本保存在 {project.relative(failed)}" in str(caught.value)
    assert "report.no_such_table()" in failed.read_text(encoding="utf-8")
    assert "papermill-error-cell-tag" in failed.read_text(encoding="utf-8")  # papermill's banner
    assert {path: path.read_bytes() for path in before} == before

    restore(good_template)
    build_report(project, "minzheng", 2017)
    assert not failed.exists()  # a fixed failure leaves no stale evidence behind
