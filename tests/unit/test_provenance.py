"""RecordProvenance: what a report was built from, in the executed notebook's metadata."""

from __future__ import annotations

from nbformat.v4 import new_notebook
from traitlets.config import Config

from nianbao.notebook.provenance import RecordProvenance

PROVENANCE = {"version": "0.1.0", "format": {"id": "pre2019"}, "inputs": {"params/minzheng.yaml": "ab12"}}


def test_the_provenance_goes_under_the_nianbao_key() -> None:
    notebook = new_notebook(metadata={"language_info": {"name": "python"}})
    notebook, resources = RecordProvenance(provenance=PROVENANCE)(notebook, {"r": 1})
    assert notebook.metadata == {"language_info": {"name": "python"}, "nianbao": PROVENANCE}
    assert resources == {"r": 1}


def test_the_key_is_a_traitlets_option() -> None:
    config = Config()
    config.RecordProvenance.key = "built_from"
    notebook, _ = RecordProvenance(provenance=PROVENANCE, config=config)(new_notebook(), {})
    assert dict(notebook.metadata) == {"built_from": PROVENANCE}
