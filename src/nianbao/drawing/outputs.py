"""What the executed notebook carries for each table and chart, and reading it back for exporters.

A table's output holds its HTML (`text/html`, what the page shows) and its model as JSON
(`table_model.MIMETYPE`); a chart's holds its SVG (`image/svg+xml`, what the page shows) and its PNG
(`image/png`). nbconvert shows one mimetype per output, the first of its display priority: HTML and
SVG come before PNG there and the JSON is not in it at all, and the page template renders neither
(`templates/nianbao/index.html.j2`). Every output also has a fixed `text/plain`, so an executed
notebook holds no memory address.

`pieces(notebook)` gives a later PDF or Word exporter every table (as a `Table`) and chart (as a
`Chart`, PNG bytes and SVG) of an executed notebook in order, without parsing HTML.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import Any
from xml.dom import minidom

from nianbao.drawing import table_html
from nianbao.drawing.chart_model import PNG_MIMETYPE, SVG_MIMETYPE, Chart
from nianbao.drawing.table_model import MIMETYPE, Table

HTML_MIMETYPE = "text/html"
TEXT_MIMETYPE = "text/plain"


class Output:
    """A display object: IPython asks it for its mimetypes (`_repr_mimebundle_`) and shows the best."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = dict(data)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return dict(self.data)

    def __repr__(self) -> str:
        return str(self.data[TEXT_MIMETYPE])

    def shown(self) -> str:
        """What a page shows of it (the mimetype nbconvert picks): a table's HTML, a chart's SVG."""
        return str(self.data.get(HTML_MIMETYPE, self.data.get(SVG_MIMETYPE)))


def table_output(table: Table) -> Output:
    return Output(
        {
            TEXT_MIMETYPE: f"<nianbao table {table.id}>",
            HTML_MIMETYPE: str(table_html.html(table, inline=True)),  # its look in JupyterLab too
            MIMETYPE: table.to_json(),
        }
    )


def chart_output(chart: Chart) -> Output:
    """The chart's SVG, and its PNG when it was drawn (always, in a notebook)."""
    data = {TEXT_MIMETYPE: "<nianbao chart>", SVG_MIMETYPE: svg_element(chart.svg)}
    if chart.png is not None:
        data[PNG_MIMETYPE] = base64.b64encode(chart.png).decode("ascii")
    return Output(data)


def svg_element(svg: str) -> str:
    """The `<svg>` element alone, without the XML prolog, re-serialised as IPython's `SVG` display
    object does (the notebooks and pages have always carried it in exactly this form)."""
    found = minidom.parseString(svg).getElementsByTagName("svg")
    return found[0].toxml() if found else svg


def pieces(notebook: Any) -> list[Table | Chart]:
    """Every table and chart of an executed notebook (an nbformat node or its JSON dict), in order."""
    return [piece for output in _outputs(notebook) if (piece := piece_of(output)) is not None]


def piece_of(output: Mapping[str, Any]) -> Table | Chart | None:
    """The table or chart one output carries, or None for any other output (text, a stream)."""
    data = output.get("data", {})
    if MIMETYPE in data:
        return Table.from_json(data[MIMETYPE])
    if PNG_MIMETYPE in data and SVG_MIMETYPE in data:
        return Chart(svg=_text(data[SVG_MIMETYPE]), png=base64.b64decode(_text(data[PNG_MIMETYPE])))
    return None


def _outputs(notebook: Any) -> Iterator[Mapping[str, Any]]:
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            yield from cell["outputs"]


def _text(value: str | list[str]) -> str:
    """A text mimetype as nbformat may store it on disk: one string or a list of lines."""
    return value if isinstance(value, str) else "".join(value)
