"""The pieces behind the PDF's typesetting (issue 29): a title breaks only between its parts, which the
notebook carries from the figures to the document; 表二's block rows become subheaders; charts are drawn
at the size they print, their labels inside the figure."""

from __future__ import annotations

import datetime as dt
import io
import re

import matplotlib.image
import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from nianbao.drawing import charts
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.table_model import Cell
from nianbao.figures.derived import title_parts
from nianbao.notebook.tags import TITLE_PARTS_KEY
from nianbao.publish import document, pdf
from nianbao.publish.document import Document, Paragraph, Span
from tests.pdf_glyphs import lines, page_glyphs

TITLE_SIZE = 22.0  # 二号


def title_lines(parts: tuple[str, ...], title: str | None = None) -> list[str]:
    """The lines page 1 sets a document's title in, given its parts."""
    title = "".join(parts) if title is None else title
    doc = Document(title, None, (Paragraph((Span("正文。"),)),), date=dt.date(2026, 1, 21), title_parts=parts)
    page = page_glyphs(pdf.render(doc))[0]
    return ["".join(g.char for g in line) for line in lines(page) if abs(line[0].size - TITLE_SIZE) < 0.01]


def test_a_title_that_fits_is_one_line() -> None:
    assert title_lines(title_parts("某局", 2017, "政府信息公开工作年度报告")) == [
        "某局2017年政府信息公开工作年度报告"
    ]


def test_a_long_title_breaks_between_parts_in_the_most_even_lines() -> None:
    """A long name: after the name (13 | 15 characters wide), not after the year (16 | 12)."""
    parts = title_parts("示例区人力资源和社会保障局", 2017, "政府信息公开工作年度报告")
    assert title_lines(parts) == ["示例区人力资源和社会保障局", "2017年政府信息公开工作年度报告"]


def test_the_summarys_title_keeps_its_mark_with_the_kind_of_report() -> None:
    parts = title_parts("示例区", 2017, "政府信息公开工作年度报告", "（汇总）")
    assert title_lines(parts) == ["示例区2017年", "政府信息公开工作年度报告（汇总）"]


def test_parts_that_do_not_spell_the_title_are_not_used() -> None:
    """A retitled notebook: its title is set whole, by Typst's own breaking, never cut at stale parts."""
    doc = Document("新标题", None, (), title_parts=("旧", "标题"))
    assert doc.title_in_parts == ("新标题",)
    assert title_lines(("旧", "标题"), "新标题") == ["新标题"]


def test_a_part_wider_than_the_line_is_still_printed_whole() -> None:
    name = (
        "示例市示例区示例街道示例社区示例居民委员会示例工作组示例办公室"  # 31 characters: wider than the line
    )
    found = title_lines(title_parts(name, 2017, "政府信息公开工作年度报告"))
    assert "".join(found) == f"{name}2017年政府信息公开工作年度报告"
    assert len(found) >= 2


def test_the_notebook_carries_the_title_parts_to_the_document() -> None:
    notebook = new_notebook(cells=[new_markdown_cell("# 某局2017年政府信息公开工作年度报告")])
    notebook.metadata["title"] = "某局2017年政府信息公开工作年度报告"
    notebook.metadata[TITLE_PARTS_KEY] = list(title_parts("某局", 2017, "政府信息公开工作年度报告"))
    found = document.from_notebook(nbformat.from_dict(notebook))
    assert found.title_in_parts == ("某局", "2017年", "政府信息公开工作年度报告")


# --- 表二's block rows ----------------------------------------------------------------------------------


def test_a_block_row_and_its_header_rows_are_a_subheader() -> None:
    block = (Cell("第二十条第（一）项", header=True, colspan=2, classes=("block",)),)
    heads = (Cell("信息内容", header=True), Cell("本年制发件数", header=True))
    row = (Cell("规章"), Cell("2", classes=("num",)))
    other = (Cell("行政规范性文件"), Cell("4", classes=("num",)))
    assert pdf.body_parts([block, heads, row, other, block, heads, row]) == [
        (True, [block, heads]),
        (False, [row, other]),
        (True, [block, heads]),
        (False, [row]),
    ]
    assert pdf.body_parts([row, heads, other]) == [(False, [row, heads, other])]  # no block: plain body


# --- charts -------------------------------------------------------------------------------------------

NAMES = ["予以公开", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", "其他处理"]


@pytest.fixture(scope="module")
def chart() -> Chart:
    return charts.bar_chart(
        NAMES, [3400, 17, 6], ["3400件（99.32%）", "17件（0.50%）", "6件（0.18%）"], "申请数（件）"
    )


def test_a_chart_is_as_wide_as_the_printed_text_block(chart: Chart) -> None:
    width = re.search(r'<svg[^>]* width="([\d.]+)pt"', chart.svg)
    assert width is not None
    assert float(width[1]) == pytest.approx(156 / 25.4 * 72, abs=0.01)  # 156 mm: A4 less 28 + 26 mm


def test_a_charts_lettering_is_drawn_at_the_print_size(chart: Chart) -> None:
    """matplotlib places each text drawn as paths at size / 100 (its glyphs are outlined at 100 pt)."""
    scales = {float(s) for s in re.findall(r"scale\(([\d.]+) -[\d.]+\)", chart.svg)}
    assert scales == {charts.FONT_SIZE / 100}
    assert charts.FONT_SIZE >= 10.5


def test_the_longest_bars_label_stays_inside_the_figure(chart: Chart) -> None:
    """The longest bar with the widest label: no ink in the picture's rightmost tenth of an inch."""
    assert chart.png is not None
    pixels = matplotlib.image.imread(io.BytesIO(chart.png))
    margin = pixels[:, -charts.PNG_DPI // 10 :, :3]
    assert margin.min() == 1.0
