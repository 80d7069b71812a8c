"""Which reports a batch must build: the cheap first half of `make reports`.

Each built report leaves a record, `output/<agency>/<year>/build.json`, that lists exactly the files the
report was computed from — like the dependency files `gcc -MD` writes for make: its profile, opening
balance, the figures of every year its cumulative counts add up, its narrative, the template and its
format definition — each with its size and modification time, plus a signature of nianbao's own code and
the project's lock file. A report is up to date when its record says "built" and none of that changed.

This module imports nothing heavy (no pandas, papermill, nbconvert or matplotlib): a run with nothing
to do reads the records and stats the files, and that is all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.paths import PACKAGE_DIR, Project
from nianbao.publish.atomic import write_atomic

if TYPE_CHECKING:
    from nianbao.build import Built

PACKAGE_PREFIX = "nianbao:"  # record keys for files shipped in the package, e.g. nianbao:formats/pre2019.yaml
CODE_SUFFIXES = (".py", ".j2", ".css", ".json")
LOCK_FILE = "requirements.lock"


@dataclass(frozen=True, order=True)
class Job:
    agency: str
    year: int

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


def jobs(project: Project, year: int | None = None) -> list[Job]:
    """Every report the project has data for (only `year`'s when given), by agency then year."""
    return [
        Job(agency, y)
        for agency in project.agencies()
        for y in project.years(agency)
        if year is None or y == year
    ]


def stamp(path: Path) -> list[int] | None:
    """What identifies a file's version cheaply: [size, mtime in ns]; None when it is missing."""
    try:
        info = path.stat()
    except OSError:
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


def stamps(project: Project, paths: list[Path]) -> dict[str, list[int] | None]:
    return {key(project, path): stamp(path) for path in paths}


def read_record(path: Path) -> dict[str, Any] | None:
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record


def record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def up_to_date(project: Project, record: dict[str, Any] | None, output: Path, code: str) -> bool:
    """Whether the output a record describes still matches every input it lists."""
    if not record or record.get("status") != "built" or record.get("code") != code:
        return False
    if not output.is_file():
        return False
    inputs: dict[str, Any] = record.get("inputs") or {}
    return bool(inputs) and all(stamp(resolve(project, name)) == seen for name, seen in inputs.items())


def report_up_to_date(project: Project, job: Job, code: str) -> bool:
    record = read_record(project.build_record(job.agency, job.year))
    return up_to_date(project, record, project.report_html(job.agency, job.year), code)


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


def candidates(project: Project, agency: str, year: int) -> list[Path]:
    """Every file a report of `year` might read: stamped before the build reads them (so an edit made
    during the build shows next time), then narrowed to what the build did read."""
    years = [y for y in project.years(agency) if y <= year]
    data = [path for y in years for path in sorted(project.year_dir(agency, y).glob("*")) if path.is_file()]
    files = [project.template, project.profile(agency), project.opening(agency), *data]
    return [*files, project.narrative(agency, year), *format_files(years)]


def agencies_for(project: Project, year: int) -> list[str]:
    """The agencies with data for `year`: what that year's district summary adds up."""
    return [agency for agency in project.agencies() if year in project.years(agency)]


def summary_inputs(project: Project, year: int) -> list[Path]:
    """Every file the district summary reads: each agency's report inputs up to `year`, the district's."""
    files = [project.summary_profile, project.summary_narrative(year)]
    for agency in agencies_for(project, year):
        files += candidates(project, agency, year)
    return files


def summary_up_to_date(project: Project, year: int, code: str) -> bool:
    record = read_record(project.summary_record(year))
    if record and set(record.get("inputs") or {}) != {key(project, p) for p in summary_inputs(project, year)}:
        return False  # an agency was added or removed
    return up_to_date(project, record, project.summary_html(year), code)


def stale(project: Project, year: int | None = None) -> tuple[list[Job], list[Job]]:
    """(the reports to build, the reports that are up to date)."""
    code = code_signature(project)
    todo: list[Job] = []
    fresh: list[Job] = []
    for job in jobs(project, year):
        (fresh if report_up_to_date(project, job, code) else todo).append(job)
    return todo, fresh


def record_built(
    project: Project, built: Built, seen: dict[str, list[int] | None] | None = None, code: str | None = None
) -> None:
    """After a successful build: the record of exactly the files it read, as stamped in `seen` before the
    build read them (a batch), or now (a lone `make report`), and the figures the index shows."""
    from nianbao.build import input_files  # the build is done: its modules are loaded anyway
    from nianbao.figures.headline import headline

    figures = built.figures
    assert figures is not None
    model = figures.model
    read = [*input_files(project, model), *format_files(sorted(model.history))]
    if seen is None:
        seen = stamps(project, read)
    used = {key(project, path) for path in read}
    record = {
        "status": "built",
        "error": None,
        "name": model.profile.name,
        "format": model.format.id,
        "headline": headline(figures),
        "inputs": {name: stamp for name, stamp in seen.items() if name in used},
        "code": code or code_signature(project),
    }
    write_atomic(project.build_record(model.profile.slug, model.year), record_bytes(record))
