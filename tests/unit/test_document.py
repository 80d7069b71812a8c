"""A finished notebook read as a document (headings, paragraphs, lists, tables, charts), as PDF and Word
exporters take it: what the page shows, in its order, without parsing the page."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nianbao.drawing.chart_model import Chart
from nianbao.drawing.outputs import chart_output, table_output
from nianbao.drawing.table_model import Cell, Table
from nianbao.publish import document
from nianbao.publish.document import Heading, Items, Paragraph, Span
from nianbao.publish.export import REVIEW_TAG

TABLE = Table(
    "t", head=((Cell("项目", header=True), Cell("数量", header=True)),), body=((Cell("甲"), Cell("1")),)
)
CHART = Chart(svg='<svg xmlns="http://www.w3.org/2000/svg"/>', png=b"\x89PNG")  # as svg_element keeps it


def executed(*cells: object) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=list(cells))
    notebook.metadata["title"] = "元数据中的标题"
    return notebook


def output_of(shown: object) -> nbformat.NotebookNode:
    return new_output("execute_result", data=shown._repr_mimebundle_(), execution_count=1)  # type: ignore[attr-defined]


def test_the_document_is_what_the_page_shows_in_order() -> None:
    review = new_markdown_cell("**校验结果**：有警告", metadata={"tags": [REVIEW_TAG]})
    head = new_markdown_cell('<div class="doc-number">元民〔2018〕2号</div>\n\n# 某局2017年年度报告')
    text = new_markdown_cell(
        "## 一、概述\n\n本局&lt;试点&gt;工作，\n**重点**见[网站](https://example.gov.cn)。\n\n- 甲\n- 乙"
    )
    tables = new_code_cell(
        "report.t()", outputs=[output_of(table_output(TABLE)), output_of(chart_output(CHART))]
    )
    foot = new_markdown_cell('<div class="signature">某局<br>2018年1月30日</div>')
    found = document.from_notebook(executed(review, head, text, tables, foot))
    assert found.title == "某局2017年年度报告"
    assert found.number == "元民〔2018〕2号"
    assert found.signature == ("某局", "2018年1月30日")
    assert found.blocks == (
        Heading(2, "一、概述"),
        Paragraph(
            (
                Span("本局<试点>工作，"),
                Span("重点", strong=True),
                Span("见"),
                Span("网站", link="https://example.gov.cn"),
                Span("。"),
            )
        ),
        Items(False, ((Paragraph((Span("甲"),)),), (Paragraph((Span("乙"),)),))),
        TABLE,
        CHART,
    )
    assert "校验结果" not in str(found)  # the reviewers' cell is not published


def test_without_a_title_heading_the_notebooks_title_is_the_documents() -> None:
    found = document.from_notebook(executed(new_markdown_cell("## 一、概述\n\n无。")))
    assert (found.title, found.number, found.signature) == ("元数据中的标题", None, ())


def test_what_a_document_could_not_show_is_a_bug_not_a_silent_gap() -> None:
    with pytest.raises(ValueError, match="HTML block"):
        document.from_notebook(executed(new_markdown_cell('<div class="banner">x</div>')))
    html_only = new_output(
        "execute_result", data={"text/html": "<b>x</b>", "text/plain": "x"}, execution_count=1
    )
    with pytest.raises(ValueError, match="without a table model"):
        document.from_notebook(executed(new_code_cell("x", outputs=[html_only])))


def test_prose_from_markdown_is_blocks() -> None:
    assert document.from_markdown("### （一）问题\n\n一是……") == [
        Heading(3, "（一）问题"),
        Paragraph((Span("一是……"),)),
    ]
