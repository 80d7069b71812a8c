"""One template for every format: which of its cells a format's report keeps.

A cell tagged `format:<id>` (one tag per format it serves) belongs to those formats only; a cell without
such a tag is shared. Before papermill runs, the other formats' cells are dropped and the `format:` tags
removed, so a report's executed notebook is exactly what it would be from a template of its own.
"""

from __future__ import annotations

from typing import Any

from traitlets import Unicode

from nianbao.notebook.preprocessor import NotebookPreprocessor

PREFIX = "format:"


def formats_of(cell: Any) -> list[str]:
    """The format ids a cell is tagged for ([] for a shared cell)."""
    return [tag.removeprefix(PREFIX) for tag in cell.metadata.get("tags", []) if tag.startswith(PREFIX)]


class SelectFormatCells(NotebookPreprocessor):
    """Keep the cells of `format_id` and the shared ones, in order, without their `format:` tags."""

    format_id = Unicode(help="The id of the report format whose cells are kept.").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if not self.format_id:
            raise ValueError("SelectFormatCells needs a format_id")
        nb.cells = [cell for cell in nb.cells if self.format_id in (formats_of(cell) or [self.format_id])]
        for cell in nb.cells:
            _drop_format_tags(cell)
        return nb, resources


def _drop_format_tags(cell: Any) -> None:
    tags = cell.metadata.get("tags")
    if tags is None:
        return
    kept = [tag for tag in tags if not tag.startswith(PREFIX)]
    if kept:
        cell.metadata["tags"] = kept
    else:
        del cell.metadata["tags"]  # a cell tagged only for formats ends with no `tags` at all, as before
