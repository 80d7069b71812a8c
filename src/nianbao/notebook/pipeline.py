"""The notebook's transforms, composed in one place: nbconvert preprocessors, in the order they run.

Before execution, on the template for one report (so every fault shows before any kernel starts):
  1. SelectFormatCells — keep the report format's cells and the shared ones (cells.py);
  2. FillPlaceholders — fill the Markdown cells' placeholders from the figures (placeholders.py).
After execution, on the notebook papermill returns:
  3. Normalise — drop timings and random ids, store project-relative paths (normalise.py);
  4. AddReviewNotes — the reviewers' first cell with the checks' warnings (review.py);
  5. RecordProvenance — what the report was built from, in the notebook's metadata (provenance.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from nianbao.figures.derived import Figures
from nianbao.notebook.cells import SelectFormatCells
from nianbao.notebook.normalise import Normalise
from nianbao.notebook.placeholders import FillPlaceholders
from nianbao.notebook.preprocessor import NotebookPreprocessor
from nianbao.notebook.provenance import RecordProvenance
from nianbao.notebook.review import AddReviewNotes


def before_execution(
    figures: Figures,
    where: str,
    prose_where: str,
    *,
    extra: dict[str, Any] | None = None,
    title_parts: Sequence[str] = (),
) -> list[NotebookPreprocessor]:
    """The template's transforms for one report or the district summary; `where` and `prose_where` name
    the template and the narrative file in messages; `extra` and `title_parts`: the summary's
    placeholders beyond the figures' and its title."""
    return [
        SelectFormatCells(format_id=figures.model.format.id),
        FillPlaceholders(
            figures=figures,
            where=where,
            prose_where=prose_where,
            extra=extra or {},
            title_parts=list(title_parts),
        ),
    ]


def after_execution(
    *, input_path: str, output_path: str, warnings: Iterable[str], review_tag: str, provenance: dict[str, Any]
) -> list[NotebookPreprocessor]:
    """The executed notebook's transforms: `input_path` and `output_path` relative to the project;
    `review_tag` marks the reviewers' cell, which the exporter leaves out of the HTML."""
    return [
        Normalise(input_path=input_path, output_path=output_path),
        AddReviewNotes(warnings=list(warnings), tag=review_tag),
        RecordProvenance(provenance=provenance),
    ]


def apply(notebook: Any, preprocessors: Iterable[NotebookPreprocessor]) -> Any:
    """Run `preprocessors` in order on `notebook` (changed in place) and return it."""
    resources: dict[str, Any] = {}
    for preprocessor in preprocessors:
        notebook, resources = preprocessor(notebook, resources)
    return notebook
