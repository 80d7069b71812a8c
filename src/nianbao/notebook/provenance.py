"""Provenance in the executed notebook: what the report was built from, for reviewers."""

from __future__ import annotations

from typing import Any

from traitlets import Dict, Unicode

from nianbao.notebook.preprocessor import NotebookPreprocessor


class RecordProvenance(NotebookPreprocessor):
    """Store `provenance` (nianbao's version, the format, each input's SHA-256) in the notebook's metadata."""

    provenance = Dict(help="What the report was built from; the driver computes it.")
    key = Unicode("nianbao", help="The notebook metadata key it is stored under.").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        nb.metadata[self.key] = self.provenance
        return nb, resources
