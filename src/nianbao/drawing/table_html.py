"""The one HTML renderer of tables: any `Table` → the bordered table the pages show. Text is escaped.

The page styles a table by its classes (the stylesheet, `templates/nianbao/report.css`, which also fits
it to a phone and to print). The executed notebook carries the same table with the stylesheet's look
said again in inline styles (`inline=True`): a reviewer opens `report.ipynb` in JupyterLab untrusted, so
its sanitizer drops any style sheet but keeps these declarations (every property and value is on its
allow-list; tests/jupyterlab.py restates it), and without them JupyterLab's own table rules — no
borders, every cell right-aligned, a fixed layout — would show the tables bare. The page's sanitiser
(`publish/pages.py`) takes the inline styles off again, so on the page the stylesheet alone decides.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from nianbao.drawing.table_model import Cell, Row, Table

WRAP_HEAD = "nb-wrap-head"  # the stylesheet's class for a header whose text may wrap

# The stylesheet's rules for `.nb-table` (report.css, on a screen), as inline declarations.
TABLE_STYLE = (
    "border-collapse: collapse; table-layout: auto; margin: 0.8em 0 1.2em; font-size: 14px; color: #1a1a1a"
)
CELL_STYLE = "border: 1px solid #333; padding: 4px 10px; vertical-align: middle; line-height: 1.5"
# A header cell: centred, bold, never narrower than two characters; shaded in the header rows. Every
# other cell is white, as on the page (JupyterLab stripes rows, and its dark theme would leave the
# table's dark text on a dark ground).
HEAD_STYLE = "text-align: center; font-weight: bold; min-width: 2em"
SHADED = "background-color: #f2f2f2"
WHITE = "background-color: #fff"
ONE_LINE = "white-space: nowrap"
LEFT = "text-align: left"
# By the cell's class (table_model.CLASSES); a cell of none of these is a label, to the left.
CLASS_STYLES = {
    "num": f"text-align: right; {ONE_LINE}",
    "unit": f"text-align: center; {ONE_LINE}",
    "sub": f"{LEFT}; padding-left: 2em",
    "label": f"{LEFT}; min-width: 7em",
}


def html(table: Table, *, inline: bool = False) -> Markup:
    """`<table class="nb-table nb-<id>">` with a `<thead>`, a `<tbody>` and, for total rows, a `<tfoot>`;
    with `inline`, each element also carries the stylesheet's look as a `style` (for the notebook).

    Every header row is in `<thead>`, so a printed table that runs over a page repeats it on the next.
    The stylesheet keeps header cells on one line (right for the appendix) unless the table's header
    may wrap (`wrap_head`: table 三's 勾稽关系 note, the summary's long column headings), marked
    with the class `nb-wrap-head`."""
    classes = f"nb-table nb-{table.id}" + (f" {WRAP_HEAD}" if table.wrap_head else "")
    style = f' style="{TABLE_STYLE}"' if inline else ""
    lines = [f'<table class="{classes}"{style}>']
    head = _Look(inline, in_head=True, wrap=table.wrap_head)
    look = _Look(inline)
    if table.head:
        lines.append("<thead>" + "".join(tr(row, head) for row in table.head) + "</thead>")
    lines += ["<tbody>", *(tr(row, look) for row in table.body), "</tbody>"]
    if table.foot:
        lines += ["<tfoot>", *(tr(row, look) for row in table.foot), "</tfoot>"]
    lines.append("</table>")
    return Markup("\n".join(lines))


class _Look:
    """The inline style of a cell in one part of a table (none when `inline` is off)."""

    def __init__(self, inline: bool, *, in_head: bool = False, wrap: bool = False) -> None:
        self.inline, self.in_head, self.wrap = inline, in_head, wrap

    def __call__(self, cell: Cell) -> str:
        if not self.inline:
            return ""
        return "; ".join([CELL_STYLE, *self._own(cell)])

    def _own(self, cell: Cell) -> Iterable[str]:
        if cell.header:
            yield HEAD_STYLE
            yield SHADED if self.in_head else WHITE
            if self.in_head and not self.wrap:
                yield ONE_LINE
            return
        yield WHITE
        known = [CLASS_STYLES[name] for name in cell.classes if name in CLASS_STYLES]
        yield from known or [LEFT]


def tr(row: Row, look: _Look | None = None) -> str:
    return "<tr>" + "".join(td(cell, look) for cell in row) + "</tr>"


def td(cell: Cell, look: _Look | None = None) -> str:
    """One `<td>` or `<th>`: class, rowspan and colspan written only when they say something, and the
    inline style `look` gives it (none by default)."""
    tag = "th" if cell.header else "td"
    attributes = [("class", " ".join(cell.classes)), ("rowspan", cell.rowspan), ("colspan", cell.colspan)]
    attributes.append(("style", look(cell) if look is not None else ""))
    written = "".join(f' {name}="{value}"' for name, value in attributes if value not in ("", 1))
    return f"<{tag}{written}>{escape(cell.text)}</{tag}>"
