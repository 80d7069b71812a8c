"""One template for every format: which of its cells a format's report keeps.

A cell tagged `format:<id>` (one tag per format it serves) belongs to those formats only; a cell without
such a tag is shared. Before papermill runs, the other formats' cells are dropped and the `format:` tags
removed, so a report's executed notebook is exactly what it would be from a template of its own.
"""

from __future__ import annotations

import copy
from typing import Any

PREFIX = "format:"


def formats_of(cell: Any) -> list[str]:
    """The format ids a cell is tagged for ([] for a shared cell)."""
    return [tag.removeprefix(PREFIX) for tag in cell.metadata.get("tags", []) if tag.startswith(PREFIX)]


def select_cells(notebook: Any, format_id: str) -> Any:
    """A copy of `notebook` with the cells of `format_id` and the shared ones, without `format:` tags."""
    selected = copy.deepcopy(notebook)
    selected.cells = [cell for cell in selected.cells if format_id in (formats_of(cell) or [format_id])]
    for cell in selected.cells:
        tags = cell.metadata.get("tags")
        if tags is None:
            continue
        kept = [tag for tag in tags if not tag.startswith(PREFIX)]
        if kept:
            cell.metadata["tags"] = kept
        else:
            del cell.metadata["tags"]
    return selected
