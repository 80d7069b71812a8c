"""The committed template notebook: clean (no outputs), parametrised, and using only known sections."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nianbao.formats import ReportFormat, all_formats
from nianbao.notebook.cells import SelectFormatCells, formats_of
from nianbao.notebook.narrative import rendered_sections

TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "annual_report.ipynb"
SECTION_PLACEHOLDER = re.compile(r"\{\{\s*sections\.(\w+)\s*\}\}")


@pytest.fixture(scope="module")
def notebook() -> Any:
    nb = nbformat.read(TEMPLATE, as_version=4)  # type: ignore[no-untyped-call]
    nbformat.validate(nb)
    return nb


def select(notebook: Any, format_id: str) -> Any:
    """The template's cells for one format (on a copy: the module's fixture is shared)."""
    return SelectFormatCells(format_id=format_id)(copy.deepcopy(notebook), {})[0]


def code_cells(notebook: Any) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def markdown_sources(notebook: Any) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def test_code_cells_have_no_outputs(notebook: Any) -> None:
    assert len(code_cells(notebook)) >= 4
    assert [cell.id for cell in code_cells(notebook) if cell.outputs] == []


def test_code_cells_have_no_execution_counts(notebook: Any) -> None:
    assert [cell.id for cell in code_cells(notebook) if cell.execution_count is not None] == []


def test_exactly_one_parameters_cell(notebook: Any) -> None:
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert tagged[0].cell_type == "code"


def test_parameters_cell_defines_agency_and_year(notebook: Any) -> None:
    (cell,) = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assignments = {
        target.id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert assignments == {"agency": "minzheng", "year": 2017}
    assert isinstance(assignments["year"], int)


def test_parameters_cell_comes_first(notebook: Any) -> None:
    assert "parameters" in notebook.cells[0].metadata.get("tags", [])


@pytest.mark.parametrize("fmt", all_formats(), ids=lambda fmt: fmt.id)
def test_every_section_placeholder_is_a_section_of_the_format(notebook: Any, fmt: ReportFormat) -> None:
    cells = select(notebook, fmt.id)
    used = [name for source in markdown_sources(cells) for name in SECTION_PLACEHOLDER.findall(source)]
    known = {section.id for section in fmt.sections}
    assert used, "the template uses no {{ sections.X }} at all"
    assert sorted(set(used) - known) == []


@pytest.mark.parametrize("fmt", all_formats(), ids=lambda fmt: fmt.id)
def test_template_renders_every_section_once_in_format_order(notebook: Any, fmt: ReportFormat) -> None:
    cells = select(notebook, fmt.id)
    found = rendered_sections(markdown_sources(cells), fmt, where="notebooks/annual_report.ipynb")
    assert found == [section.id for section in fmt.sections]


def test_every_format_tag_names_a_format(notebook: Any) -> None:
    known = {fmt.id for fmt in all_formats()}
    tagged = {fmt_id for cell in notebook.cells for fmt_id in formats_of(cell)}
    assert tagged == known


def test_the_pre2019_report_keeps_exactly_the_cells_it_had_before_the_national_formats(notebook: Any) -> None:
    """The minzheng 2017 report must not change: its cells are the template's cells before gb2019/gb2021."""
    selected = select(notebook, "pre2019")
    assert [cell.id for cell in selected.cells] == [
        "parameters",
        "load",
        "title",
        "intro",
        "overview",
        "active",
        "categories",
        "categories-chart",
        "channels",
        "apply",
        "fees",
        "review-litigation",
        "problems",
        "notes-appendix",
        "appendix",
        "signature",
    ]
    assert [cell.metadata for cell in selected.cells[1:]] == [{}] * 15
