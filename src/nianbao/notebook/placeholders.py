"""Filling the template's placeholders: every Markdown cell, from the figures and the agency's prose."""

from __future__ import annotations

from typing import Any

from traitlets import Instance, Unicode

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

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        context = self.context([cell.source for cell in nb.cells if cell.cell_type == "markdown"])
        for index, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "markdown":
                cell.source = render(cell.source, context, where=f"{self.where} 第 {index} 个单元格")
        nb.metadata["title"] = self.figures.title
        return nb, resources

    def context(self, markdown: list[str]) -> dict[str, Any]:
        """The figures' context, with the numbered headings of the sections these cells render and the
        agency's prose, itself filled (the prose may use placeholders too)."""
        fmt = self.figures.model.format
        context = self.figures.context()
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
        return context
