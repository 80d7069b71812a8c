"""The driver: one function that reads as the pipeline, data → checked model → derived figures →
executed notebook → HTML, PDF, Word; the district summary goes the same way from the agencies' sum. The
CLI, the batch and the tests call it; the Makefile calls the CLI."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from nianbao.figures.derived import Figures
from nianbao.figures.district import District
from nianbao.inputs import snapshot
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear
from nianbao.inputs.snapshot import Snapshot
from nianbao.notebook import paired, pipeline, runtime
from nianbao.notebook.execute import Run, dumps, execute
from nianbao.notebook.tags import REVIEW_TAG
from nianbao.paths import Project
from nianbao.publish import export
from nianbao.publish.atomic import publish


@dataclass(frozen=True)
class Built:
    notebook: Path
    html: Path
    warnings: tuple[str, ...] = ()
    figures: Figures | None = None  # what it was built from (the batch records headline figures)
    inputs: Snapshot | None = None  # every input as read: the build record lists them
    exports: tuple[Path, ...] = ()  # every file published beside the notebook, the HTML among them

    @property
    def outputs(self) -> tuple[Path, ...]:
        """Everything the build wrote: the notebook and its exports (the HTML alone if none listed)."""
        return (self.notebook, *(self.exports or (self.html,)))


def build_report(project: Project, agency: str, year: int, km: Any = None) -> Built:
    """Build `output/<agency>/<year>/report.{ipynb,html,…}`.

    1. Load and check the agency's files (the checked model) — before any kernel starts. Every input is
       read once, into the build's snapshot: all later steps, the kernel's included, use those bytes.
    2. Derive the figures: totals, shares, rates, cumulative counts.
    3. Prepare the template: check that the .ipynb agrees with its text form (the .md), then run the
       before-execution preprocessors: keep the format's cells and fill the placeholders from the
       figures, so a wrong placeholder also fails before any kernel starts.
    4. Execute the prepared template with papermill in a private working folder, the kernel loading
       from the snapshot.
    5. Finish the executed notebook (the after-execution preprocessors): normalise it for
       reproducibility, add the reviewers' cell with the checks' warnings, record the provenance.
    6. Export the executed notebook: every output kind of `publish.export.OUTPUTS` (the self-contained
       HTML page, …), each made from the notebook.
    7. Publish them all atomically: a failure in any step leaves the last good report untouched.

    Warnings of the checks go into the executed notebook, for reviewers, never into the public page.

    `km`: a kernel manager whose kernel is already starting in the project root (the batch's pool);
    by default a fresh kernel is started. Either way the kernel runs this one report only.
    """
    run = Run(project.template, {"agency": agency, "year": year}, project.failed_notebook(agency, year))
    with snapshot.recording(project.root) as inputs:
        model = load_agency_year(project, agency, year)
        figures = Figures.derive(model)
        template = prepare_template(project, figures)
        executed = execute_in_work_folder(project, run, template, inputs, km)
    evidence = (run.failed, project.failure_log(agency, year))
    published = Destination(project.report_notebook(agency, year), export.REPORT, evidence)
    return finish_and_publish(project, run, executed, published, figures, model.warnings, inputs)


def build_summary(project: Project, year: int, agencies: Sequence[str], km: Any = None) -> Built:
    """Build `output/_district/<year>/summary.{ipynb,html,…}`, the district summary of `agencies`, by the
    report's steps: its template is `notebooks/district_summary.ipynb`, its figures the agencies' sum
    (`figures.district`), its reviewers' cell lists every agency's warnings too."""
    run = Run(
        project.summary_template,
        {"year": year, "agencies": list(agencies)},
        project.summary_failed_notebook(year),
    )
    with snapshot.recording(project.root) as inputs:
        district = District.derive(project, year, agencies)
        template = prepare_summary_template(project, district)
        executed = execute_in_work_folder(project, run, template, inputs, km)
    evidence = (run.failed, project.summary_failure_log(year))
    published = Destination(project.summary_notebook(year), export.SUMMARY, evidence)
    return finish_and_publish(project, run, executed, published, district.figures, district.warnings, inputs)


@dataclass(frozen=True)
class Destination:
    """Where a build publishes: its executed notebook, the stem (`report`, `summary`) of the files exported
    beside it, and the evidence of an earlier failure (its notebook and error log) that success removes."""

    notebook: Path
    stem: str
    evidence: tuple[Path, ...]

    @property
    def folder(self) -> Path:
        return self.notebook.parent


def execute_in_work_folder(project: Project, run: Run, template: Any, inputs: Snapshot, km: Any) -> Any:
    """Step 4, in a private working folder in this process's runtime folder (which the next run sweeps if
    this one is killed)."""
    with runtime.temp_space(), tempfile.TemporaryDirectory(prefix="work-", dir=runtime.folder()) as work:
        return execute(project, run, Path(work), template, inputs, km=km)


def finish_and_publish(
    project: Project,
    run: Run,
    executed: Any,
    published: Destination,
    figures: Figures,
    warnings: tuple[str, ...],
    inputs: Snapshot,
) -> Built:
    """Steps 5 to 7, the same for a report and the summary."""
    notebook = finish(
        project, executed, run.template, published.notebook, warnings, provenance(figures.model, inputs)
    )
    made = export.made(published.stem, export.FinishedNotebook(notebook))
    files = {published.folder / name: data for name, data in made.items()}
    built = Built(
        published.notebook,
        published.folder / f"{published.stem}.html",
        warnings,
        figures,
        inputs,
        tuple(files),
    )
    publish({built.notebook: dumps(notebook), **files})
    for evidence in published.evidence:  # of a failure now fixed
        evidence.unlink(missing_ok=True)
    return built


def check_report(project: Project, agency: str, year: int) -> tuple[str, ...]:
    """Everything `build_report` checks without a kernel: load and check the files (step 1), derive
    the figures (step 2) and prepare the template (step 3). Returns the warnings; raises the first
    user error (or all that is still 待填, at once)."""
    return check_model(project, agency, year).warnings


def check_model(project: Project, agency: str, year: int) -> AgencyYear:
    """`check_report`, returning the checked model (its date and format go into the check record)."""
    model = load_agency_year(project, agency, year)
    prepare_template(project, Figures.derive(model))
    return model


def prepare_template(project: Project, figures: Figures) -> Any:
    """Step 3: the template as this report runs it (the .ipynb, once it agrees with its text form, the
    .md); messages name the template or the agency's narrative file."""
    model = figures.model
    narrative = project.narrative(model.profile.slug, model.year)
    template = paired.read_template(project, project.template)
    where, prose_where = project.relative(project.template), project.relative(narrative)
    return pipeline.apply(template, pipeline.before_execution(figures, where, prose_where))


def prepare_summary_template(project: Project, district: District) -> Any:
    """Step 3 for the summary: its template, its placeholders from the district's figures and its own."""
    template = paired.read_template(project, project.summary_template)
    where = project.relative(project.summary_template)
    prose_where = project.relative(project.summary_narrative(district.figures.model.year))
    steps = pipeline.before_execution(
        district.figures, where, prose_where, extra=district.context(), title_parts=district.title_parts
    )
    return pipeline.apply(template, steps)


def finish(
    project: Project,
    executed: Any,
    template: Path,
    published: Path,
    warnings: tuple[str, ...],
    provenance: dict[str, Any],
) -> Any:
    """Step 5: the executed notebook as published at `published` (and as every export is made from)."""
    preprocessors = pipeline.after_execution(
        input_path=project.relative(template),
        output_path=project.relative(published),
        warnings=warnings,
        review_tag=REVIEW_TAG,
        provenance=provenance,
    )
    return pipeline.apply(executed, preprocessors)


def provenance(model: AgencyYear, inputs: Snapshot) -> dict[str, Any]:
    """What the report was built from, for reviewers: nianbao's version, the format, each input's SHA-256
    (exactly the files the build read, from its snapshot)."""
    return {"version": version("nianbao"), "format": _format_provenance(model), "inputs": inputs.digests()}


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
