"""Filling the template's placeholders: every Markdown cell, from the figures and the agency's prose."""

from __future__ import annotations

import re
from typing import Any

from traitlets import Dict, Instance, List, Unicode

from nianbao.figures.derived import Figures
from nianbao.notebook.narrative import (
    heading,
    render,
    render_prose,
    rendered_sections,
    section_context,
    subheads,
)
from nianbao.notebook.preprocessor import NotebookPreprocessor
from nianbao.notebook.tags import DATE_KEY, TITLE_PARTS_KEY

# A part of the agency's prose that only says there is nothing to report (无。/ 无其他需要报告的事项。):
# `prose_says_nothing.<part>` lets the template state the format's own facts in that section alone, so
# a "无" never stands before a sentence that does report something (the 2021 format's 信息处理费).
SAYS_NOTHING = re.compile(r"(本年度|本年)?(无|没有)(其他)?(需要|需)?(报告|说明)?(的)?(事项|情况)?[。.]?")


class FillPlaceholders(NotebookPreprocessor):
    """Fill every Markdown cell's `{{ … }}` from `figures` and set the notebook's title.

    Runs on the template's cells of one format, before any kernel starts, so a wrong placeholder (in the
    template or in the agency's prose) fails the report there. Messages name `where` (the template, with
    the cell's number) or `prose_where` (the agency's narrative file, with the part's heading)."""

    figures = Instance(Figures, help="The report's derived figures (data, so not configurable).")
    where = Unicode(help="The template as named in messages, e.g. 'notebooks/annual_report.ipynb'.").tag(
        config=True
    )
    prose_where = Unicode(help="The agency's narrative file as named in messages.").tag(config=True)
    # The district summary's own: its title and agencies (`figures.district.District.context`).
    extra = Dict(help="Placeholders beyond the figures' (data, so not configurable).")
    title_parts = List(Unicode(), help="The notebook's title in parts, if not the report's (figures').")

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        context = self.context([cell.source for cell in nb.cells if cell.cell_type == "markdown"])
        for index, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "markdown":
                cell.source = render(cell.source, context, where=f"{self.where} 第 {index} 个单元格")
        parts = list(self.title_parts or self.figures.title_parts)
        nb.metadata["title"] = "".join(parts)
        nb.metadata[TITLE_PARTS_KEY] = parts  # where the PDF may break it
        nb.metadata[DATE_KEY] = self.figures.model.current.date.isoformat()  # the PDF's and Word file's
        return nb, resources

    def context(self, markdown: list[str]) -> dict[str, Any]:
        """The figures' context, with the numbered headings of the sections these cells render and the
        agency's prose, itself filled (the prose may use placeholders too)."""
        fmt = self.figures.model.format
        context = {**self.figures.context(), **self.extra}
        sections = section_context(rendered_sections(markdown, fmt, self.where), fmt)
        context["sections"] = sections["sections"]
        context["report"].update(parts=sections["parts"], part_count=sections["part_count"])
        context["prose"] = {
            part_id: render_prose(
                text, context, where=f"{self.prose_where}（“# {heading(fmt, part_id)}”一段）"
            )
            for part_id, text in self.figures.model.narrative.items()
        }
        context["subheads"] = subheads(fmt, context["prose"])
        prose = context["prose"]
        # The parts in the narrative's order with their headings, for a template that lists them all
        # (the district summary's 说明).
        context["prose_parts"] = [
            {"heading": heading(fmt, part_id), "text": text} for part_id, text in prose.items()
        ]
        context["prose_says_nothing"] = {
            part_id: SAYS_NOTHING.fullmatch(text.strip()) is not None for part_id, text in prose.items()
        }
        return context
