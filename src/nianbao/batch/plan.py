"""Which reports a batch must build: the cheap first half of `make reports`.

Each built report leaves a record (`year/records.py`), `output/<agency>/<year>/build.json`, that lists
exactly the files the report was computed from — like the dependency files `gcc -MD` writes for make:
every input its build read (its snapshot: profile, opening balance, the figures of every year it chains,
its narrative, the template) and its format definitions, each with its size and modification time as
read, the folder listings it depended on (the years on file), plus a signature of nianbao's own code and
the project's lock file. A report is up to date when its record says "built" and none of that changed
(`year/freshness.py`). Where every other agency-year stands comes from the one model
(`year/state.py`): a year still to fill or with words to write is the clerk's to finish, not built (it
would only fail); an imported history year is never built.

This module imports nothing heavy (no papermill, nbconvert or matplotlib): a run with nothing
to do reads the records and stats the files, and that is all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nianbao.errors import NianbaoError, OutputError
from nianbao.paths import Project
from nianbao.year import freshness, records, state
from nianbao.year.state import Stage, YearState

if TYPE_CHECKING:
    from nianbao.build import Built
    from nianbao.inputs.model import AgencyYear


@dataclass(frozen=True, order=True)
class Job:
    agency: str
    year: int

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


def jobs(project: Project, year: int | None = None) -> list[Job]:
    """Every report the project has data for (only `year`'s when given), by agency then year; not the
    imported history years, which are never built."""
    return [
        Job(agency, y)
        for agency in project.agencies()
        for y in project.years(agency)
        if (year is None or y == year) and not state.is_history(project, agency, y)
    ]


def report_up_to_date(project: Project, job: Job, code: str) -> bool:
    record = records.read(project.build_record(job.agency, job.year))
    return freshness.up_to_date(project, record, code)


def summary_up_to_date(project: Project, year: int, code: str) -> bool:
    # The record lists which agencies there were and their years: one added or removed makes it stale.
    return freshness.up_to_date(project, records.read(project.summary_record(year)), code)


@dataclass
class Plan:
    """Every agency-year of a batch by where it stands, and what follows for the batch."""

    states: dict[Job, YearState] = field(default_factory=dict)

    def where(self, *stages: Stage) -> list[Job]:
        return [job for job, found in sorted(self.states.items()) if found.stage in stages]

    @property
    def todo(self) -> list[Job]:
        return self.where(*state.TO_BUILD)

    @property
    def fresh(self) -> list[Job]:
        return self.where(Stage.BUILT)

    @property
    def waiting(self) -> list[Job]:
        """Still to fill, or words to write: listed, never built (it would only fail), never a failure."""
        return self.where(*state.TO_DO)

    def by_key(self) -> Mapping[tuple[str, int], YearState]:
        return {(job.agency, job.year): found for job, found in self.states.items()}


def plan(project: Project, year: int | None = None, code: str | None = None) -> Plan:
    """Where every agency-year on file (of `year`, when given) stands."""
    found = state.of_agencies(project, year, code or freshness.code_signature(project))
    return Plan({Job(s.agency, s.year): s for s in found})


def stale(project: Project, year: int | None = None) -> tuple[list[Job], list[Job]]:
    """(the reports to build, the reports that are up to date)."""
    planned = plan(project, year)
    return planned.todo, planned.fresh


def record_built(project: Project, built: Built, code: str | None = None) -> None:
    """After a successful build: what it wrote, what it read (from its snapshot), the figures the index
    shows; and the check that passed on the way."""
    from nianbao.figures.headline import headline  # the build is done: its modules are loaded anyway

    figures, inputs = built.figures, built.inputs
    if figures is None or inputs is None:
        raise ValueError("a Built without figures or inputs cannot be recorded")  # a bug
    model = figures.model
    # Which agencies exist only mattered to refuse a wrong slug: a new agency does not make this stale.
    listings = {key: value for key, value in inputs.listings.items() if key != "agencies"}
    record = records.build_record(
        records.BUILT,
        name=model.profile.name,
        format_id=model.format.id,
        headline=headline(figures),
        warnings=list(built.warnings),
        outputs=records.digests(list(built.outputs), project.root),
        inputs=freshness.input_stamps(project, inputs, sorted(model.history)),
        listings=listings,
        code=code or freshness.code_signature(project),
    )
    # The build record last: it is what says the outputs are this build's.
    agency, year = model.profile.slug, model.year
    files = freshness.year_stamps(project, agency, year, inputs.stamps())  # as the build read them
    records.write(project.check_record(agency, year), passed(model, files))
    records.write(project.build_record(agency, year), record)


def passed(model: AgencyYear, files: Mapping[str, Any]) -> dict[str, Any]:
    """The check record of a report whose data passed: its warnings, its date and its legal deadline;
    `files`: the year's files as the check found them."""
    deadline = model.format.deadline
    return records.check_record(
        None,
        list(model.warnings),
        date=model.current.date.isoformat(),
        deadline=deadline.of(model.profile.level or "department", model.year).isoformat()
        if deadline
        else None,
        files=files,
    )


def record_published(project: Project, built: Built, code: str | None = None) -> None:
    """`record_built`, for a report whose files were just published: when the record cannot be written
    (a full disk), the old one is removed — it describes the previous report — and the message says
    that the files were replaced but not recorded."""
    try:
        record_built(project, built, code)
    except NianbaoError as err:
        if built.figures is not None:
            model = built.figures.model
            project.build_record(model.profile.slug, model.year).unlink(missing_ok=True)
        files = "、".join(project.relative(path) for path in built.outputs)
        raise OutputError(
            f"报告的文件已替换为新生成的（{files}），但它的构建记录无法写入：{err.message}",
            hint="请清理磁盘空间或检查写入权限后重新运行 make reports，它会重新生成这份报告；"
            "旧的构建记录已删除，以免把新报告记成旧数据的。",
        ) from err


def record_failed(
    project: Project,
    job: Job,
    error: str,
    checked: bool,
    to_fill: Sequence[str] = (),
    files: Mapping[str, Any] | None = None,
) -> None:
    """After a failed build: the failure, keeping what the last good build wrote and read (its report is
    still published); and the check's failure too when the data was at fault (`checked`), with what is
    still to fill when that was the fault. `files`: the year's files as stamped before the build."""
    path = project.build_record(job.agency, job.year)
    previous = records.read(path) or records.build_record(records.FAILED)
    records.write(path, {**previous, "status": records.FAILED, "error": error, "files": files})
    if checked:
        records.write(
            project.check_record(job.agency, job.year),
            records.check_record(error, [], to_fill=list(to_fill), files=files),
        )
