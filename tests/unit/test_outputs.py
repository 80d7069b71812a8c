"""What a notebook output carries for a table or a chart, what the page shows of it, and reading it back."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import nbformat
import pytest
from IPython.core.formatters import DisplayFormatter
from IPython.display import SVG

from nianbao.drawing import outputs
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.charts import category_chart
from nianbao.drawing.table_html import html
from nianbao.drawing.table_model import MIMETYPE, Table
from nianbao.drawing.tables import appendix_table, category_table
from nianbao.figures.derived import Figures
from nianbao.publish.export import to_html
from nianbao.report import Report


@pytest.fixture
def chart(figures: Figures) -> Chart:
    return category_chart(figures)


def test_a_table_carries_its_html_its_model_and_a_fixed_text(figures: Figures) -> None:
    table = category_table(figures)
    shown = outputs.table_output(table)
    assert set(shown.data) == {"text/plain", "text/html", MIMETYPE}
    assert shown.data["text/html"] == html(table, inline=True)  # with its look for JupyterLab
    assert shown.data[MIMETYPE] == table.to_json()
    assert repr(shown) == shown.data["text/plain"] == "<nianbao table categories>"
    assert shown.shown() == html(table, inline=True)


def test_a_chart_carries_the_svg_element_ipython_kept_and_the_png(chart: Chart) -> None:
    shown = outputs.chart_output(chart)
    assert set(shown.data) == {"text/plain", "image/svg+xml", "image/png"}
    assert shown.data["image/svg+xml"] == SVG(chart.svg).data  # type: ignore[no-untyped-call]
    assert shown.data["image/svg+xml"].startswith("<svg")
    assert base64.b64decode(shown.data["image/png"]) == chart.png
    assert repr(shown) == "<nianbao chart>" and shown.shown() == shown.data["image/svg+xml"]


def test_ipython_publishes_exactly_the_bundle(figures: Figures) -> None:
    """The kernel's formatter takes every mimetype from the bundle, its text/plain included (no address)."""
    for shown in (Report(figures).appendix_table(), Report(figures).category_chart()):
        data, metadata = DisplayFormatter().format(shown)  # type: ignore[no-untyped-call]
        assert data == shown.data and metadata == {}


def notebook(*bundles: dict[str, Any]) -> Any:
    """A notebook whose code cells each end with one of `bundles`, with a stream before it."""
    cells = [nbformat.v4.new_markdown_cell("# 标题")]  # type: ignore[no-untyped-call]
    for count, data in enumerate(bundles, 1):
        cell = nbformat.v4.new_code_cell("report.x()", execution_count=count)  # type: ignore[no-untyped-call]
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="log\n"),  # type: ignore[no-untyped-call]
            nbformat.v4.new_output("execute_result", data=data, execution_count=count),  # type: ignore[no-untyped-call]
        ]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells, metadata={"title": "报告"})  # type: ignore[no-untyped-call]


def test_the_page_shows_the_html_and_the_svg_and_nothing_else(figures: Figures, chart: Chart) -> None:
    """Adding the model and the PNG to the outputs leaves the exported page byte for byte the same."""
    rich = [outputs.table_output(category_table(figures)).data, outputs.chart_output(chart).data]
    plain = [
        {key: value for key, value in data.items() if key not in (MIMETYPE, "image/png")} for data in rich
    ]
    page = to_html(notebook(*rich))
    assert page == to_html(notebook(*plain))
    text = page.decode("utf-8")
    assert '<table class="nb-table nb-categories">' in text and "<svg" in text
    assert "nianbao.table" not in text and '"version"' not in text
    assert "iVBORw0KGgo" not in text and "data:" not in text  # no PNG (base64 of its signature), no data: URL


def test_pieces_are_the_tables_and_charts_in_order(figures: Figures, chart: Chart) -> None:
    first, second = category_table(figures), appendix_table(figures)
    executed = notebook(
        outputs.table_output(first).data,
        outputs.chart_output(chart).data,
        {"text/plain": "3"},
        outputs.table_output(second).data,
    )
    pieces = outputs.pieces(executed)
    assert pieces == [first, Chart(outputs.svg_element(chart.svg), chart.png), second]


def test_pieces_read_the_notebook_file_as_stored(figures: Figures, chart: Chart) -> None:
    """From plain JSON too, where nbformat splits text mimetypes into lists of lines."""
    executed = notebook(outputs.chart_output(chart).data, outputs.table_output(category_table(figures)).data)
    stored = json.loads(nbformat.writes(executed))  # type: ignore[no-untyped-call]
    svg = stored["cells"][1]["outputs"][1]["data"]["image/svg+xml"]
    assert isinstance(svg, list) and len(svg) > 1
    assert outputs.pieces(stored) == outputs.pieces(executed)
    assert [type(piece) for piece in outputs.pieces(stored)] == [Chart, Table]


def test_a_table_of_a_newer_nianbao_is_not_guessed_at(figures: Figures) -> None:
    data = copy.deepcopy(outputs.table_output(category_table(figures)).data)
    data[MIMETYPE]["version"] = 2
    with pytest.raises(ValueError, match=r"expected schema .nianbao\.table. version 1"):
        outputs.pieces(notebook(data))
