"""The driver: one function that reads as the pipeline, data → checked model → derived figures →
executed notebook → HTML. The CLI and the tests call it; the Makefile calls the CLI."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from nianbao.execute import dumps, execute
from nianbao.export import to_html
from nianbao.figures import Figures
from nianbao.formats import FORMATS_DIR
from nianbao.load import load_agency_year
from nianbao.model import AgencyYear
from nianbao.narrative import fill_notebook
from nianbao.paths import Project


@dataclass(frozen=True)
class Built:
    notebook: Path
    html: Path


def build_report(project: Project, agency: str, year: int) -> Built:
    """Build `output/<agency>/<year>/report.{ipynb,html}`.

    1. Load and check the agency's files (the checked model) — before any kernel starts.
    2. Derive the figures: totals, shares, rates, cumulative counts.
    3. Execute the template notebook with papermill in a private working folder.
    4. Fill the narrative placeholders of the executed notebook from the figures.
    5. Export the executed notebook to one self-contained HTML page.
    6. Publish both files atomically: a failure in any step leaves the last good report untouched.
    """
    model = load_agency_year(project, agency, year)
    figures = Figures.derive(model)
    with tempfile.TemporaryDirectory(prefix="nianbao-") as work:
        notebook = execute(project, agency, year, Path(work), model.format.id)
    fill_notebook(notebook, figures, where=project.relative(project.template))
    notebook.metadata["nianbao"] = provenance(project, model)
    html = to_html(notebook)
    built = Built(project.report_notebook(agency, year), project.report_html(agency, year))
    write_atomic(built.notebook, dumps(notebook))
    write_atomic(built.html, html)
    project.failed_notebook(agency, year).unlink(missing_ok=True)  # evidence of a failure now fixed
    return built


def provenance(project: Project, model: AgencyYear) -> dict[str, Any]:
    """What the report was built from, for reviewers: nianbao's version, the format, each input's SHA-256."""
    fmt = model.format
    tables = (fmt.applications.file,) if fmt.applications else ()
    files = project.inputs(model.profile.slug, model.year, sorted(model.history), fmt.cumulative, tables)
    return {
        "version": version("nianbao"),
        "format": _format_provenance(model),
        "inputs": {project.relative(path): _sha256(path) for path in files},
    }


def _format_provenance(model: AgencyYear) -> dict[str, Any]:
    """The format by id and hash, and the shared part it extends (gb2019/gb2021 → _national.yaml)."""
    fmt = model.format
    result: dict[str, Any] = {"id": fmt.id, "sha256": _sha256(FORMATS_DIR / f"{fmt.id}.yaml")}
    if fmt.extends:
        result["extends"] = {fmt.extends: _sha256(FORMATS_DIR / f"{fmt.extends}.yaml")}
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        Path(temporary).chmod(0o666 & ~_umask())  # mkstemp makes 0600; a report is as readable as any file
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
