"""Normalise: what papermill and nbclient record from run to run is dropped; paths are the project's."""

from __future__ import annotations

from typing import Any

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nianbao.notebook.normalise import Normalise

TIMES = {"start_time": "2026-01-01T00:00:00", "end_time": "2026-01-01T00:00:01", "duration": 1.0}


def executed() -> Any:
    """A notebook as papermill returns it, with its timings, an exception flag and absolute paths."""
    injected = new_code_cell("agency = 'minzheng'", id="5f1c2a9e")
    injected.metadata.update(tags=["injected-parameters"], papermill={**TIMES, "status": "completed"})
    injected.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.1Z"}
    text = new_markdown_cell("正文", id="title")
    text.metadata["papermill"] = {**TIMES, "status": "completed"}
    notebook = new_notebook(cells=[injected, text])
    notebook.metadata["papermill"] = {
        **TIMES,
        "exception": None,
        "input_path": "<NotebookNode>",
        "output_path": "/tmp/nianbao-x/report.ipynb",
        "parameters": {"agency": "minzheng", "year": 2017},
    }
    return notebook


def normalised() -> Any:
    normaliser = Normalise(
        input_path="notebooks/annual_report.ipynb", output_path="output/m/2017/report.ipynb"
    )
    notebook, resources = normaliser(executed(), {"kept": 1})
    assert resources == {"kept": 1}
    return notebook


def test_the_notebooks_timings_go_and_its_paths_are_the_projects() -> None:
    assert normalised().metadata["papermill"] == {
        "input_path": "notebooks/annual_report.ipynb",
        "output_path": "output/m/2017/report.ipynb",
        "parameters": {"agency": "minzheng", "year": 2017},
    }


def test_each_cells_timings_go_its_status_stays() -> None:
    assert [cell.metadata for cell in normalised().cells] == [
        {"tags": ["injected-parameters"], "papermill": {"status": "completed"}},
        {"papermill": {"status": "completed"}},
    ]


def test_the_injected_cell_gets_a_fixed_id_the_others_keep_theirs() -> None:
    assert [cell.id for cell in normalised().cells] == ["injected-parameters", "title"]


def test_a_notebook_papermill_never_touched_only_loses_nothing() -> None:
    notebook = new_notebook(cells=[new_markdown_cell("正文", id="a")])
    Normalise(input_path="i", output_path="o")(notebook, {})
    assert ("papermill" in notebook.metadata, notebook.cells[0].metadata) == (False, {})
