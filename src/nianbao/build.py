"""The driver: one function that reads as the pipeline, data → checked model → derived figures →
executed notebook → HTML. The CLI and the tests call it; the Makefile calls the CLI."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import nbformat

from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear
from nianbao.notebook.cells import select_cells
from nianbao.notebook.execute import dumps, execute
from nianbao.notebook.narrative import fill_notebook
from nianbao.paths import Project
from nianbao.publish.atomic import publish
from nianbao.publish.export import REVIEW_TAG, to_html


@dataclass(frozen=True)
class Built:
    notebook: Path
    html: Path
    warnings: tuple[str, ...] = ()
    figures: Figures | None = None  # what it was built from (the batch records inputs and headline figures)


def build_report(project: Project, agency: str, year: int, km: Any = None) -> Built:
    """Build `output/<agency>/<year>/report.{ipynb,html}`.

    1. Load and check the agency's files (the checked model) — before any kernel starts.
    2. Derive the figures: totals, shares, rates, cumulative counts; fill the template's placeholders
       once on the unexecuted template, so a wrong placeholder also fails before any kernel starts.
    3. Execute the template notebook with papermill in a private working folder.
    4. Fill the narrative placeholders of the executed notebook from the figures.
    5. Export the executed notebook to one self-contained HTML page.
    6. Publish both files atomically: a failure in any step leaves the last good report untouched.

    Warnings of the checks go into the executed notebook, for reviewers, never into the public page.

    `km`: a kernel manager whose kernel is already starting in the project root (the batch's pool);
    by default papermill starts a fresh kernel. Either way the kernel runs this one report only.
    """
    model = load_agency_year(project, agency, year)
    figures = Figures.derive(model)
    fill_template(project, figures)
    with tempfile.TemporaryDirectory(prefix="nianbao-") as work:
        notebook = execute(project, agency, year, Path(work), model.format.id, km=km)
    fill(project, notebook, figures)
    add_review_notes(notebook, model.warnings)
    notebook.metadata["nianbao"] = provenance(project, model)
    html = to_html(notebook)
    built = Built(
        project.report_notebook(agency, year), project.report_html(agency, year), model.warnings, figures
    )
    publish({built.notebook: dumps(notebook), built.html: html})
    project.failed_notebook(agency, year).unlink(missing_ok=True)  # evidence of a failure now fixed
    return built


def check_report(project: Project, agency: str, year: int) -> tuple[str, ...]:
    """Everything `build_report` checks before and after execution, without a kernel: load and check the
    files (step 1), derive the figures (step 2) and fill the template's placeholders (step 4).
    Returns the warnings; raises the first user error."""
    model = load_agency_year(project, agency, year)
    fill_template(project, Figures.derive(model))
    return model.warnings


def fill_template(project: Project, figures: Figures) -> None:
    """Fill the placeholders of the unexecuted template: every narrative fault shows before execution."""
    template = nbformat.read(project.template, as_version=4)  # type: ignore[no-untyped-call]
    fill(project, select_cells(template, figures.model.format.id), figures)


def fill(project: Project, notebook: Any, figures: Figures) -> None:
    """Fill `notebook`'s placeholders; messages name the template or the agency's narrative file."""
    model = figures.model
    narrative = project.narrative(model.profile.slug, model.year)
    fill_notebook(
        notebook, figures, where=project.relative(project.template), prose_where=project.relative(narrative)
    )


def add_review_notes(notebook: Any, warnings: tuple[str, ...]) -> None:
    """A first cell for reviewers listing the checks' warnings; the exporter leaves it out of the HTML."""
    if warnings:
        lines = "\n".join(f"- {warning}" for warning in warnings)
        text = f"**校验警告（{len(warnings)} 条）**，请审阅者核实：\n\n{lines}"
    else:
        text = "**校验结果**：全部规则通过，没有警告。"
    cell = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
        f"<!-- 仅供审阅，不进入公开的 HTML -->\n{text}", id=REVIEW_TAG, metadata={"tags": [REVIEW_TAG]}
    )
    notebook.cells.insert(0, cell)


def provenance(project: Project, model: AgencyYear) -> dict[str, Any]:
    """What the report was built from, for reviewers: nianbao's version, the format, each input's SHA-256."""
    return {
        "version": version("nianbao"),
        "format": _format_provenance(model),
        "inputs": {project.relative(path): _sha256(path) for path in input_files(project, model)},
    }


def input_files(project: Project, model: AgencyYear) -> list[Path]:
    """The project's files a report read (its format definitions aside)."""
    fmt = model.format
    tables = (fmt.applications.file,) if fmt.applications else ()
    return project.inputs(model.profile.slug, model.year, sorted(model.history), fmt.cumulative, tables)


def _format_provenance(model: AgencyYear) -> dict[str, Any]:
    """The format by id and hash, and the shared part it extends (gb2019/gb2021 → _national.yaml)."""
    fmt = model.format
    own, *parts = fmt.files  # a format may be defined outside the package (NIANBAO_FORMATS_PATH)
    result: dict[str, Any] = {"id": fmt.id, "sha256": _sha256(own)}
    if fmt.extends:
        result["extends"] = {fmt.extends: _sha256(parts[0])}
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
