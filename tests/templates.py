"""Editing a project's template in tests as JupyterLab saves it: the .ipynb and its text form, the .md,
together (the build refuses a template whose two files disagree)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jupytext
import nbformat

from nianbao.notebook.paired import TEXT_FORMAT, text_form
from nianbao.paths import Project


def edit_template(project: Project, change: Callable[[Any], None]) -> None:
    """Apply `change` to the template notebook and save both of its files."""
    notebook = nbformat.read(project.template, as_version=4)  # type: ignore[no-untyped-call]
    change(notebook)
    nbformat.write(notebook, project.template)  # type: ignore[no-untyped-call]
    jupytext.write(notebook, text_form(project.template), fmt=TEXT_FORMAT)


def cell(notebook: Any, cell_id: str) -> Any:
    """The template's cell with this id."""
    return next(cell for cell in notebook.cells if cell.id == cell_id)


def replace_in_cell(project: Project, cell_id: str, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in one cell of the template, in both files."""

    def change(notebook: Any) -> None:
        found = cell(notebook, cell_id)
        if found.source.count(old) != 1:
            raise ValueError(f"{old!r} occurs {found.source.count(old)} times in cell {cell_id}")
        found.source = found.source.replace(old, new)

    edit_template(project, change)


def template_files(project: Project) -> dict[Any, bytes]:
    """Both files of the template as they are, to put back with `restore`."""
    return {path: path.read_bytes() for path in (project.template, text_form(project.template))}


def restore(saved: dict[Any, bytes]) -> None:
    for path, content in saved.items():
        path.write_bytes(content)
