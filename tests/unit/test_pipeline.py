"""The notebook's transforms in their order: before execution (select, fill), after (normalise, review,
provenance); and the driver runs the first list before any kernel starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nianbao import build
from nianbao.errors import TemplateError
from nianbao.figures.derived import Figures
from nianbao.notebook import pipeline
from nianbao.notebook.execute import Run
from nianbao.paths import Project
from tests.templates import replace_in_cell

TEMPLATE = "notebooks/annual_report.ipynb"


def before(figures: Figures, notebook: Any) -> Any:
    return pipeline.apply(
        notebook, pipeline.before_execution(figures, TEMPLATE, "data/minzheng/2017/narrative.md")
    )


def test_the_template_for_one_report_has_its_formats_cells_all_filled(
    project: Project, figures: Figures
) -> None:
    template = nbformat.read(project.template, as_version=4)  # type: ignore[no-untyped-call]
    prepared = before(figures, template)
    markdown = [cell.source for cell in prepared.cells if cell.cell_type == "markdown"]
    assert [line for line in markdown if "{{" in line or "{%" in line] == []
    assert "## 一、概述" in markdown[2]
    assert not [cell for cell in prepared.cells if cell.id.startswith("gb-")]
    assert prepared.metadata["title"] == "三元区民政局2017年政府信息公开工作年度报告"


def test_cells_are_selected_before_they_are_filled(figures: Figures) -> None:
    """Another format's cell may use names this report has not: it is dropped before filling."""
    elsewhere = new_markdown_cell("{{ outcome.granted.share }}")
    elsewhere.metadata["tags"] = ["format:gb2021"]
    prepared = before(figures, new_notebook(cells=[new_markdown_cell("{{ active.total }}条"), elsewhere]))
    assert [cell.source for cell in prepared.cells] == ["17条"]


def executed() -> Any:
    injected = new_code_cell("agency = 'minzheng'", id="random")
    injected.metadata.update(tags=["injected-parameters"], papermill={"duration": 0.1, "status": "completed"})
    notebook = new_notebook(cells=[injected, new_markdown_cell("正文", id="title")])
    notebook.metadata["papermill"] = {
        "start_time": "now",
        "input_path": "/tmp/x.ipynb",
        "output_path": "/tmp/y",
    }
    return notebook


def test_after_execution_the_notebook_is_normalised_reviewed_and_traced() -> None:
    finished = pipeline.apply(
        executed(),
        pipeline.after_execution(
            input_path=TEMPLATE,
            output_path="output/minzheng/2017/report.ipynb",
            warnings=["一条警告"],
            review_tag="nianbao-review",
            provenance={"version": "0.1.0"},
        ),
    )
    assert [cell.id for cell in finished.cells] == ["nianbao-review", "injected-parameters", "title"]
    assert "- 一条警告" in finished.cells[0].source
    assert finished.cells[1].metadata["papermill"] == {"status": "completed"}
    assert finished.metadata == {
        "papermill": {"input_path": TEMPLATE, "output_path": "output/minzheng/2017/report.ipynb"},
        "nianbao": {"version": "0.1.0"},
    }


def no_kernel(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a kernel was started")


def test_a_wrong_placeholder_stops_the_build_before_any_kernel(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "execute", no_kernel)
    replace_in_cell(project, "channels", "{{ interpretation.calls }}", "{{ interpretation.cals }}")
    with pytest.raises(
        TemplateError, match=rf"^{TEMPLATE} 第 \d+ 个单元格: 占位符无法填写：没有名为 cals 的数字或文字$"
    ):
        build.build_report(project, "minzheng", 2017)
    with pytest.raises(TemplateError, match="没有名为 cals 的数字或文字"):
        build.check_report(project, "minzheng", 2017)
    assert not Path(project.output_dir("minzheng", 2017)).exists()


def test_the_build_runs_the_prepared_template(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[Any] = []

    def fake_execute(project: Project, run: Run, work_dir: Path, template: Any, inputs: Any, km: Any) -> Any:
        assert run.parameters == {"agency": "minzheng", "year": 2017} and run.template == project.template
        ran.append(template)
        raise TemplateError("stop here")

    monkeypatch.setattr(build, "execute", fake_execute)
    with pytest.raises(TemplateError, match="stop here"):
        build.build_report(project, "minzheng", 2017)
    (template,) = ran
    assert [cell.id for cell in template.cells][:3] == ["parameters", "load", "title"]
    assert template.cells[2].source == (
        '<div class="doc-number">元民〔2018〕2号</div>\n\n# 三元区民政局2017年政府信息公开工作年度报告'
    )
