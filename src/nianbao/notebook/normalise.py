"""Reproducible notebooks: the same inputs give a byte-identical executed notebook.

papermill and nbclient record what changes from run to run without the inputs changing: start and end
times and durations (per notebook and per cell), nbclient's execution timestamps, and the injected
parameters cell's fresh random id (which nbconvert copies into the HTML as an element id). Paths are
stored relative to the project, so no machine's or temporary folder appears in the notebook.
"""

from __future__ import annotations

from typing import Any

from traitlets import Unicode

from nianbao.notebook.preprocessor import NotebookPreprocessor

PAPERMILL_VOLATILE = ("start_time", "end_time", "duration")
INJECTED = "injected-parameters"  # papermill's tag of the cell it adds; also the cell's fixed id here


class Normalise(NotebookPreprocessor):
    """Drop papermill's and nbclient's timings, fix the injected cell's id, record project-relative paths."""

    input_path = Unicode(help="The template, relative to the project.").tag(config=True)
    output_path = Unicode(help="Where the notebook is published, relative to the project.").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        meta = nb.metadata.get("papermill", {})
        for key in (*PAPERMILL_VOLATILE, "exception"):
            meta.pop(key, None)
        meta["input_path"] = self.input_path
        meta["output_path"] = self.output_path
        return super().preprocess(nb, resources)  # type: ignore[no-untyped-call,no-any-return]

    def preprocess_cell(self, cell: Any, resources: dict[str, Any], index: int) -> tuple[Any, dict[str, Any]]:
        cell.metadata.pop("execution", None)
        for key in PAPERMILL_VOLATILE:
            cell.metadata.get("papermill", {}).pop(key, None)
        if INJECTED in cell.metadata.get("tags", []):
            cell.id = INJECTED
        return cell, resources
