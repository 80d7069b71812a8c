"""FillPlaceholders: the template's Markdown cells filled from the figures, faults named by cell or part."""

from __future__ import annotations

from typing import Any

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from traitlets.config import Config

from nianbao.build import prepare_template
from nianbao.errors import TemplateError
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.notebook.placeholders import SAYS_NOTHING, FillPlaceholders
from nianbao.paths import Project
from tests.unit.conftest import Edit

TEMPLATE = "notebooks/annual_report.ipynb"
NARRATIVE = "data/minzheng/2017/narrative.md"


def notebook(*markdown: str) -> Any:
    return new_notebook(cells=[new_code_cell("x = '{{ active.total }}'"), *map(new_markdown_cell, markdown)])


def fill(figures: Figures, nb: Any) -> Any:
    filled, resources = FillPlaceholders(figures=figures, where=TEMPLATE, prose_where=NARRATIVE)(nb, {"a": 1})
    assert resources == {"a": 1}
    return filled


def test_markdown_cells_are_filled_code_cells_left_as_they_are(figures: Figures) -> None:
    filled = fill(figures, notebook("主动公开{{ active.total }}条，{{ agency.self_reference }}。"))
    assert [cell.source for cell in filled.cells] == ["x = '{{ active.total }}'", "主动公开17条，我局。"]


def test_the_notebook_gets_the_reports_title(figures: Figures) -> None:
    assert fill(figures, notebook("正文")).metadata["title"] == "三元区民政局2017年政府信息公开工作年度报告"


def test_sections_are_numbered_in_the_order_the_cells_render_them(figures: Figures) -> None:
    filled = fill(
        figures, notebook("## {{ sections.problems }}", "## {{ sections.overview }}", "{{ report.parts }}")
    )
    assert [cell.source for cell in filled.cells[1:]] == [
        "## 一、主要问题及改进情况",
        "## 二、概述",
        "主要问题及改进情况，概述",
    ]


def test_the_agencys_prose_is_filled_too(figures: Figures) -> None:
    (overview,) = [cell.source for cell in fill(figures, notebook("{{ prose.overview }}")).cells[1:]]
    assert overview.startswith("2017年，我局在区委、区政府的部署")


def test_a_wrong_placeholder_names_the_template_and_the_cell(figures: Figures) -> None:
    with pytest.raises(TemplateError) as caught:
        fill(figures, notebook("正文", "接听电话{{ interpretation.cals }}次"))
    assert caught.value.render() == f"{TEMPLATE} 第 3 个单元格: 占位符无法填写：没有名为 cals 的数字或文字"


def test_a_wrong_placeholder_in_the_prose_names_the_file_and_the_part(project: Project, edit: Edit) -> None:
    edit(project.narrative("minzheng", 2017), "# 改进措施\n", "# 改进措施\n\n{{ agency.nmae }}\n")
    figures = Figures.derive(load_agency_year(project, "minzheng", 2017))
    with pytest.raises(TemplateError) as caught:
        fill(figures, notebook("正文"))
    assert (
        caught.value.render()
        == f"{NARRATIVE}（“# 改进措施”一段）: 占位符无法填写：没有名为 nmae 的数字或文字"
    )


def test_the_names_in_messages_are_traitlets_options(figures: Figures) -> None:
    config = Config()
    config.FillPlaceholders.where = "模板.ipynb"
    with pytest.raises(TemplateError, match=r"^模板\.ipynb 第 2 个单元格: "):
        FillPlaceholders(figures=figures, config=config)(notebook("{{ nothing }}"), {})


@pytest.mark.parametrize(
    ("prose", "says_nothing"),
    [
        ("无。", True),
        ("无其他需要报告的事项。", True),
        ("本年度无其他需要报告的事项", True),
        ("无", True),
        ("无其他需要报告的事项；本局还开展了培训。", False),
        ("本年度开展培训3次。", False),
    ],
)
def test_a_part_that_only_says_nothing_is_told_apart(prose: str, says_nothing: bool) -> None:
    assert (SAYS_NOTHING.fullmatch(prose.strip()) is not None) is says_nothing


def test_the_2021_fee_sentence_is_never_preceded_by_a_nothing_to_report(project: Project) -> None:
    """The 信息处理费 sentence is what 其他需要报告的事项 reports: an agency's "无。" there would
    contradict it."""
    narrative = project.narrative("shili", 2021)
    text = narrative.read_text(encoding="utf-8")
    assert text.rstrip().endswith("# 其他需要报告的事项\n\n无其他需要报告的事项。")
    section = "\n\n".join(_other_section(project))
    assert "无其他需要报告的事项" not in section and "收取信息处理费300元" in section
    narrative.write_text(text.replace("无其他需要报告的事项。", "本年度开展业务培训3次。"), encoding="utf-8")
    section = "\n\n".join(_other_section(project))
    assert section.index("收取信息处理费300元") < section.index("本年度开展业务培训3次。")


def _other_section(project: Project) -> list[str]:
    figures = Figures.derive(load_agency_year(project, "shili", 2021))
    cells = prepare_template(project, figures).cells
    return [
        cell.source for cell in cells if cell.cell_type == "markdown" and "其他需要报告的事项" in cell.source
    ]
