"""Derived figures → HTML tables in the official layout (bordered, header rows, every cell printed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from nianbao.figures import numbers
from nianbao.figures.derived import Figures


def row(cells: Iterable[tuple[str, str, str]]) -> str:
    """One <tr>; each cell is (tag, css class, text). Text is always escaped."""
    parts = []
    for tag, css, text in cells:
        klass = f' class="{css}"' if css else ""
        parts.append(f"<{tag}{klass}>{escape(text)}</{tag}>")
    return "<tr>" + "".join(parts) + "</tr>"


def table(css: str, head: Sequence[str], body: Sequence[str], foot: Sequence[str] = ()) -> Markup:
    header = row(("th", "", label) for label in head)
    html = [f'<table class="nb-table {css}">', f"<thead>{header}</thead>", "<tbody>", *body, "</tbody>"]
    if foot:
        html += ["<tfoot>", *foot, "</tfoot>"]
    html.append("</table>")
    return Markup("\n".join(html))


def category_table(figures: Figures) -> Markup:
    """类别 | 条数 | 占比, with a 合计 row whose share is the sum of the printed shares."""
    spec = figures.model.format.categories
    body = [
        row(
            [
                ("td", "", line.name),
                ("td", "num", numbers.count(line.count)),
                ("td", "num", numbers.percent(line.share)),
            ]
        )
        for line in figures.categories
    ]
    total = [
        ("th", "", spec.total_label),
        ("td", "num", numbers.count(figures.category_total)),
        ("td", "num", numbers.percent(figures.category_share_total)),
    ]
    return table(
        "nb-categories", [spec.name_column, spec.count_column, spec.share_column], body, [row(total)]
    )


def appendix_table(figures: Figures) -> Markup:
    """附表：指标名称 | 单位 | <年度> | 历年累计, all rows of the format in order."""
    appendix = figures.model.format.appendix
    head = [appendix.label_column, appendix.unit_column, str(figures.model.year), appendix.cumulative_column]
    body = [
        row(
            [
                ("td", "sub" if line.parent else "", line.label),
                ("td", "unit", line.unit),
                ("td", "num", numbers.count(line.value)),
                ("td", "num", numbers.count(line.cumulative)),
            ]
        )
        for line in figures.appendix
    ]
    return table("nb-appendix", head, body)
