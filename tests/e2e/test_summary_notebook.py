"""The district summary is a template notebook (`notebooks/district_summary.md` and its .ipynb), run by the
report's driver and exported by the same table of outputs: its executed notebook for reviewers, its page,
PDF and Word file made from that notebook, and its page saying what the summary said before it became one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from nianbao import build
from nianbao.batch import plan
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.table_model import Table
from nianbao.errors import TemplateError
from nianbao.figures import numbers
from nianbao.notebook.tags import REVIEW_TAG
from nianbao.paths import Project
from nianbao.publish import export, word
from nianbao.publish.document import from_notebook
from nianbao.year import freshness, state
from tests.conftest import Summaries, run_cli
from tests.page_text import page_text

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures" / "summary_pages"


@pytest.mark.parametrize("year", [2017, 2025])
def test_the_page_says_what_the_summary_said_before_it_was_a_notebook(
    summaries: Summaries, year: int
) -> None:
    """The text and every table figure of the page the summary's own pipeline made (saved from it before
    the change, `tests/fixtures/summary_pages/`), line by line."""
    made = summaries(year)
    page = made.built.html.read_text(encoding="utf-8")
    assert page_text(page) == (FIXTURES / f"{year}.txt").read_text(encoding="utf-8")


def test_the_page_shows_the_breakdown_and_the_district_text(summaries: Summaries) -> None:
    made = summaries(2017)
    page = made.built.html.read_text(encoding="utf-8")
    assert "<title>示例区2017年政府信息公开工作年度报告（汇总）</title>" in page
    for part in made.district.parts:
        assert f"<td>{part.model.profile.name}</td>" in page
    total = sum(part.line("active.total").value for part in made.district.parts)
    assert f"共主动公开政府信息{total}条" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_the_national_page_draws_the_formats_tables(summaries: Summaries) -> None:
    page = summaries(2025).built.html.read_text(encoding="utf-8")
    assert "<title>示例区2025年政府信息公开工作年度报告（汇总）</title>" in page
    assert "（七）总计" in page and "行政复议" in page
    assert "全区共新收政府信息公开申请" in page


def test_the_document_says_what_the_page_says_in_the_same_order(summaries: Summaries) -> None:
    made = summaries(2025)
    page = made.built.html.read_text(encoding="utf-8")
    found = made.notebook.document()
    district = made.district
    assert found.title == district.title
    date = district.figures.model.current.date
    assert found.signature == (district.figures.model.profile.name, numbers.date(date))
    assert found.date == date
    headings = [heading.text for heading in found.headings]
    assert headings == re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page)
    tables = [block for block in found.blocks if isinstance(block, Table)]
    assert [table.id for table in tables][-1] == "breakdown"
    assert all(cell.text in page for table in tables for row in table.rows for cell in row)
    charts = [block for block in found.blocks if isinstance(block, Chart)]
    assert charts and all(chart.png and chart.png.startswith(b"\x89PNG") for chart in charts)


def test_every_file_is_made_from_the_executed_notebook_by_the_one_table_of_outputs(
    summaries: Summaries,
) -> None:
    made = summaries(2017)
    assert [path.name for path in made.built.outputs] == ["summary.ipynb", *export.file_names(export.SUMMARY)]
    files = export.made(export.SUMMARY, made.notebook)
    for path in made.built.exports:
        assert path.read_bytes() == files[path.name], path.name
    assert files["summary.docx"] == word.to_docx(from_notebook(made.notebook.notebook))


def test_the_reviewers_notebook_says_what_it_summed_and_from_what(summaries: Summaries) -> None:
    made = summaries(2017)
    notebook = nbformat.read(made.built.notebook, as_version=4)  # type: ignore[no-untyped-call]
    assert notebook.cells[0].metadata["tags"] == [REVIEW_TAG]
    assert "全部规则通过" in notebook.cells[0].source
    injected = next(cell for cell in notebook.cells if "injected-parameters" in cell.metadata.get("tags", []))
    assert "year = 2017" in injected.source
    assert f"agencies = {json.dumps(state.summed_agencies(made.project, 2017))}" in injected.source
    provenance = notebook.metadata["nianbao"]
    assert "data/_district/2017/narrative.md" in provenance["inputs"]
    assert "notebooks/district_summary.ipynb" in provenance["inputs"]
    assert notebook.metadata["title"] == made.district.title
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not any(output.output_type == "error" for cell in code for output in cell.outputs)


def test_the_reviewers_cell_names_each_agencys_warnings(project: Project) -> None:
    """A warning of an agency's (here: last year's date in its words) reaches the summary's reviewers,
    under the agency's name; the public page never shows it."""
    narrative = project.narrative("minzheng", 2017)
    words = narrative.read_text(encoding="utf-8")
    narrative.write_text(
        words.replace("{{ report.year }}年，{{ agency.self_reference }}在区委", "2016年，本局在区委")
    )
    built = build.build_summary(project, 2017, state.summed_agencies(project, 2017))
    assert len(built.warnings) == 1 and built.warnings[0].startswith(
        "三元区民政局：data/minzheng/2017/narrative.md"
    )
    review = nbformat.read(built.notebook, as_version=4).cells[0]  # type: ignore[no-untyped-call]
    assert "校验警告（1 条）" in review.source and "三元区民政局：" in review.source
    assert "2016 年写作本年度" not in built.html.read_text(encoding="utf-8")


def test_a_summary_template_out_of_step_with_its_text_form_is_named(project: Project) -> None:
    text = project.summary_template.with_suffix(".md")
    text.write_text(
        text.read_text(encoding="utf-8").replace("## 二、各机关情况", "## 二、各单位情况"), "utf-8"
    )
    agencies = state.summed_agencies(project, 2017)
    with pytest.raises(TemplateError, match=r"notebooks/district_summary\.md.*二、各单位情况"):
        build.build_summary(project, 2017, agencies)
    assert not project.summary_html(2017).exists()


def test_make_summary_records_the_notebook_and_is_stale_when_its_template_changes(project_dir: Path) -> None:
    first = run_cli(project_dir, "summary", "2017", seconds=240)
    assert first.returncode == 0, first.stderr
    project = Project(project_dir)
    record = json.loads(project.summary_record(2017).read_text(encoding="utf-8"))
    assert set(record["outputs"]) == {
        f"output/_district/2017/{name}" for name in ["summary.ipynb", *export.file_names(export.SUMMARY)]
    }
    assert {"notebooks/district_summary.ipynb", "notebooks/district_summary.md"} <= set(record["inputs"])
    code = freshness.code_signature(project)
    assert plan.summary_up_to_date(project, 2017, code)
    for template in (project.summary_template, project.summary_template.with_suffix(".md")):
        template.write_text(template.read_text("utf-8").replace("三、说明", "三、其他说明"), "utf-8")
    assert not plan.summary_up_to_date(project, 2017, code)
    again = run_cli(project_dir, "summary", "2017", seconds=240)
    assert again.returncode == 0, again.stderr
    assert "<h2>三、其他说明</h2>" in project.summary_html(2017).read_text(encoding="utf-8")
