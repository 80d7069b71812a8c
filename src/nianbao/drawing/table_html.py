"""The one HTML renderer of tables: any `Table` → the bordered table the pages show. Text is escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

from nianbao.drawing.table_model import Cell, Row, Table

WRAP_HEAD = "nb-wrap-head"  # the stylesheet's class for a header whose text may wrap


def html(table: Table) -> Markup:
    """`<table class="nb-table nb-<id>">` with a `<thead>`, a `<tbody>` and, for total rows, a `<tfoot>`.

    Every header row is in `<thead>`, so a printed table that runs over a page repeats it on the next.
    The stylesheet keeps header cells on one line (right for the appendix) unless the table's header
    may wrap (`wrap_head`: table 三's 勾稽关系 note, the summary's long column headings), marked
    with the class `nb-wrap-head`."""
    classes = f"nb-table nb-{table.id}" + (f" {WRAP_HEAD}" if table.wrap_head else "")
    lines = [f'<table class="{classes}">']
    if table.head:
        lines.append("<thead>" + "".join(tr(row) for row in table.head) + "</thead>")
    lines += ["<tbody>", *(tr(row) for row in table.body), "</tbody>"]
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
