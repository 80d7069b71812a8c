"""Which reports a batch must build: the cheap first half of `make reports`.

Each built report leaves a record (`records.py`), `output/<agency>/<year>/build.json`, that lists
exactly the files the report was computed from — like the dependency files `gcc -MD` writes for make:
every input its build read (its snapshot: profile, opening balance, the figures of every year it chains,
its narrative, the template) and its format definitions, each with its size and modification time as
read, the folder listings it depended on (the years on file), plus a signature of nianbao's own code and
the project's lock file. A report is up to date when its record says "built" and none of that changed.

This module imports nothing heavy (no pandas, papermill, nbconvert or matplotlib): a run with nothing
to do reads the records and stats the files, and that is all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.errors import NianbaoError, OutputError
from nianbao.inputs.snapshot import Snapshot, Stamp, read_regular
from nianbao.paths import PACKAGE_DIR, Project
from nianbao.year import records

if TYPE_CHECKING:
    from nianbao.build import Built
    from nianbao.inputs.model import AgencyYear

PACKAGE_PREFIX = "nianbao:"  # record keys for files shipped in the package, e.g. nianbao:formats/pre2019.yaml
CODE_SUFFIXES = (".py", ".j2", ".css", ".json", ".typ")  # .typ: the PDF template
LOCK_FILE = "requirements.lock"


@dataclass(frozen=True, order=True)
class Job:
    agency: str
    year: int

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


def jobs(project: Project, year: int | None = None) -> list[Job]:
    """Every report the project has data for (only `year`'s when given), by agency then year; not the
    imported history years, which are never built."""
    return [job for job in _on_file(project, year) if not project.is_history(job.agency, job.year)]


def imported(project: Project, year: int | None = None) -> list[Job]:
    """The years imported from published pages and kept as history (no narrative), by agency then year."""
    return [job for job in _on_file(project, year) if project.is_history(job.agency, job.year)]


def _on_file(project: Project, year: int | None) -> list[Job]:
    return [
        Job(agency, y)
        for agency in project.agencies()
        for y in project.years(agency)
        if year is None or y == year
    ]


def stamp(path: Path) -> Stamp:
    """What identifies a file's version cheaply: [size, mtime in ns]; None when it is missing."""
    try:
        info = path.stat()
    except (OSError, ValueError):  # ValueError: a name no file can have (a NUL in it)
        return None
    return [info.st_size, info.st_mtime_ns]


def code_signature(project: Project) -> str:
    """nianbao's code and templates (not its format definitions: each report lists its own) and the lock."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file())
    digest = hashlib.sha256()
    for path in [*files, project.root / LOCK_FILE]:
        digest.update(f"{key(project, path)}:{stamp(path)}\n".encode())
    return digest.hexdigest()


def key(project: Project, path: Path) -> str:
    """A record's name for an input: project-relative, or `nianbao:` + package-relative."""
    try:
        return PACKAGE_PREFIX + path.resolve().relative_to(PACKAGE_DIR.resolve()).as_posix()
    except ValueError:
        return project.relative(path)


def resolve(project: Project, name: str) -> Path:
    if name.startswith(PACKAGE_PREFIX):
        return PACKAGE_DIR / name.removeprefix(PACKAGE_PREFIX)
    return project.root / name


def stamps(project: Project, paths: list[Path]) -> dict[str, Stamp]:
    return {key(project, path): stamp(path) for path in paths}


def up_to_date(project: Project, record: dict[str, Any] | None, code: str) -> bool:
    """Whether the outputs a record describes are all there, as recorded, and still match every input
    and listing it lists."""
    if not record or record["status"] != records.BUILT or record["code"] != code:
        return False
    outputs: dict[str, Any] = record["outputs"]
    if not outputs or not outputs_match(project, outputs):
        return False
    inputs: dict[str, Any] = record["inputs"]
    listings: dict[str, Any] = record["listings"]
    return (
        bool(inputs)
        and all(stamp(resolve(project, name)) == seen for name, seen in inputs.items())
        and all(_listing(project, key) == seen for key, seen in listings.items())
    )


def outputs_match(project: Project, outputs: dict[str, str]) -> bool:
    """Whether every file the record lists is there with the content it recorded: a build that
    published its files but could not write its record (a full disk) leaves a record that disagrees."""
    return bool(outputs) and all(_sha256(project.root / name) == sha for name, sha in outputs.items())


def _sha256(path: Path) -> str | None:
    """A listed output's SHA-256; None when it is not a regular file (a FIFO or device put in its place:
    stale, never a wait)."""
    try:
        return hashlib.sha256(read_regular(path)[1]).hexdigest()
    except (OSError, ValueError):
        return None


def _listing(project: Project, key: str) -> list[Any] | None:
    try:
        return project.listing(key)
    except ValueError:  # a record from another version of nianbao: stale
        return None


def report_up_to_date(project: Project, job: Job, code: str) -> bool:
    record = records.read(project.build_record(job.agency, job.year))
    return up_to_date(project, record, code)


def format_file(format_id: str) -> Path:
    return PACKAGE_DIR / "formats" / f"{format_id}.yaml"


def format_files(years: list[int]) -> list[Path]:
    """The definitions of the formats of `years`, with the shared parts they extend."""
    from nianbao.formats import format_for_year  # reads the format definitions (YAML), still light

    files: list[Path] = []
    for year in years:
        fmt = format_for_year(year)
        for path in fmt.files if fmt else ():  # the package's, or NIANBAO_FORMATS_PATH's
            if path not in files:
                files.append(path)
    return files


def agencies_for(project: Project, year: int) -> list[str]:
    """The agencies with data for `year`: what that year's district summary adds up."""
    return [
        agency
        for agency in project.agencies()
        if year in project.years(agency) and not project.is_history(agency, year)
    ]


def summary_up_to_date(project: Project, year: int, code: str) -> bool:
    # The record lists which agencies there were and their years: one added or removed makes it stale.
    return up_to_date(project, records.read(project.summary_record(year)), code)


def stale(project: Project, year: int | None = None) -> tuple[list[Job], list[Job]]:
    """(the reports to build, the reports that are up to date)."""
    code = code_signature(project)
    todo: list[Job] = []
    fresh: list[Job] = []
    for job in jobs(project, year):
        (fresh if report_up_to_date(project, job, code) else todo).append(job)
    return todo, fresh


def input_stamps(project: Project, inputs: Snapshot, years: list[int]) -> dict[str, Stamp]:
    """What a build read, as stamped when read, and the format definitions of its years."""
    return {**inputs.stamps(), **stamps(project, format_files(years))}


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
        inputs=input_stamps(project, inputs, sorted(model.history)),
        listings=listings,
        code=code or code_signature(project),
    )
    # The build record last: it is what says the outputs are this build's.
    records.write(project.check_record(model.profile.slug, model.year), passed(model))
    records.write(project.build_record(model.profile.slug, model.year), record)


def passed(model: AgencyYear) -> dict[str, Any]:
    """The check record of a report whose data passed: its warnings, its date and its legal deadline."""
    deadline = model.format.deadline
    return records.check_record(
        None,
        list(model.warnings),
        date=model.current.date.isoformat(),
        deadline=deadline.of(model.profile.level or "department", model.year).isoformat()
        if deadline
        else None,
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


def record_failed(project: Project, job: Job, error: str, checked: bool, to_fill: Sequence[str] = ()) -> None:
    """After a failed build: the failure, keeping what the last good build wrote and read (its report is
    still published); and the check's failure too when the data was at fault (`checked`), with what is
    still to fill when that was the fault."""
    path = project.build_record(job.agency, job.year)
    previous = records.read(path) or records.build_record(records.FAILED)
    records.write(path, {**previous, "status": records.FAILED, "error": error})
    if checked:
        records.write(
            project.check_record(job.agency, job.year), records.check_record(error, [], to_fill=list(to_fill))
        )
