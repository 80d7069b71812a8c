"""Reading a .docx back as a person checking it would: its paragraphs with their styles, its tables cell by
cell (a merged cell once, with its spans), the faces on its runs, its footer; shared by the Word tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from nianbao.drawing.table_model import Table


@dataclass(frozen=True)
class ReadCell:
    text: str
    rowspan: int
    colspan: int


def opened(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def paragraphs(word: WordDocument) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph outside tables, empty ones left out."""
    return [(p.style.name, p.text) for p in word.paragraphs if p.text and p.style is not None]


def tables(word: WordDocument) -> list[list[list[ReadCell]]]:
    """Each table as rows of the cells that start in that row (a vertically merged cell counted once,
    its rowspan counted down the rows it covers), as HTML and the table model write them."""
    found = []
    for table in word.tables:
        rows: list[list[Any]] = []
        starts: dict[tuple[int, int], list[Any]] = {}  # (row, column) of a vertical merge's start
        for r, tr in enumerate(table._tbl.tr_lst):
            row: list[Any] = []
            column = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                if merge is not None and merge.get(qn("w:val")) != "restart":
                    starts[(r, column)] = starts.pop((r - 1, column))
                    starts[(r, column)][1] += 1
                else:
                    text = "\n".join(Paragraph(p, None).text for p in tc.p_lst)  # type: ignore[arg-type]
                    cell = [text, 1, span]
                    row.append(cell)
                    starts[(r, column)] = cell
                column += span
            rows.append(row)
        found.append([[ReadCell(text, rowspan, colspan) for text, rowspan, colspan in row] for row in rows])
    return found


def model_cells(table: Table) -> list[list[ReadCell]]:
    return [[ReadCell(cell.text, cell.rowspan, cell.colspan) for cell in row] for row in table.rows]


def header_rows(word: WordDocument) -> list[list[bool]]:
    """Per table, which rows Word repeats at the top of each page (`w:tblHeader`)."""
    return [
        [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst]
        for table in word.tables
    ]


def run_faces(word: WordDocument) -> list[tuple[str, str | None]]:
    """(text, East Asian face) of every run with text: body, tables and footers."""
    parts = [word.element.body]
    for section in word.sections:
        parts += [section.footer._element, section.even_page_footer._element]
    return [
        (run.findtext(qn("w:t")) or "", _east_asian(run))
        for part in parts
        for run in part.iter(qn("w:r"))
        if run.find(qn("w:t")) is not None
    ]


def _east_asian(element: Any) -> str | None:
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def style_face(style: Any) -> str | None:
    return _east_asian(style.element)
