"""The one HTML renderer of tables: any `Table` → the bordered table the pages show. Text is escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

from nianbao.drawing.table_model import Cell, Row, Table


def html(table: Table) -> Markup:
    """`<table class="nb-table nb-<id>">` with a `<thead>`, a `<tbody>` and, for total rows, a `<tfoot>`.

    Header rows that may wrap go at the top of `<tbody>` instead: the stylesheet keeps `<thead>` cells
    on one line (right for the appendix), but table 三's 勾稽关系 note and 社会公益组织 over a narrow
    column must wrap; leaving the stylesheet alone keeps every published page byte-identical."""
    lines = [f'<table class="nb-table nb-{table.id}">']
    body = table.body
    if table.wrap_head:
        body = (*table.head, *body)
    elif table.head:
        lines.append("<thead>" + "".join(tr(row) for row in table.head) + "</thead>")
    lines += ["<tbody>", *(tr(row) for row in body), "</tbody>"]
    if table.foot:
        lines += ["<tfoot>", *(tr(row) for row in table.foot), "</tfoot>"]
    lines.append("</table>")
    return Markup("\n".join(lines))


def tr(row: Row) -> str:
    return "<tr>" + "".join(td(cell) for cell in row) + "</tr>"


def td(cell: Cell) -> str:
    """One `<td>` or `<th>`: class, rowspan and colspan written only when they say something."""
    tag = "th" if cell.header else "td"
    attributes = [("class", " ".join(cell.classes)), ("rowspan", cell.rowspan), ("colspan", cell.colspan)]
    written = "".join(f' {name}="{value}"' for name, value in attributes if value not in ("", 1))
    return f"<{tag}{written}>{escape(cell.text)}</{tag}>"
