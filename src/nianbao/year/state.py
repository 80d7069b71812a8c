"""Where an agency-year stands: the one model every command asks instead of guessing from which files exist.

Computed from the files (which exist, their stamps), the tool's own record in `data/` of what it wrote
(`written.py`) and the build and check records in `output/` (`records.py`) — cheaply: no figures are
loaded, a `make reports` with nothing to do stats files and reads records. Only a year with a narrative,
no check that is still true and no up-to-date report has its files scanned for `待填` cells and `待改写`
sections (`inputs.to_fill`, the very scan a build starts with), so that a begun year reads as 待填 before
anything was checked.

The states, in the order they are decided (the Chinese is what the index and the messages say):
- missing    缺少数据     nothing on file for a year the district expects (`expected_year`);
- history    已导入       figures imported from a published page and no narrative: never built, feeds the
                          next year;
- words      待写文字     figures on file (a returned form, typed figures), no narrative.md yet;
- built      已生成       built, and nothing it was built from changed since;
- to_fill    待填         cells still `待填` or sections still `待改写`;
- invalid    数据有误     the last check, still true, found errors;
- failed     生成失败     the data passed, the build failed (a bug, an output fault), files unchanged since;
- stale      需要重新生成 built once, something changed since (`make reports` rebuilds it);
- checked    校验通过     checked, no errors, not built;
- unchecked  尚未校验.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from nianbao.inputs.load import agencies_on_file, years_on_file
from nianbao.paths import Project
from nianbao.year import freshness, records, written


class Stage(StrEnum):
    MISSING = "missing"
    HISTORY = "history"
    TO_FILL = "to_fill"
    WORDS = "words"
    INVALID = "invalid"
    CHECKED = "checked"
    BUILT = "built"
    STALE = "stale"
    FAILED = "failed"
    UNCHECKED = "unchecked"


CHINESE: dict[Stage, str] = {
    Stage.MISSING: "缺少数据",
    Stage.HISTORY: "已导入",
    Stage.TO_FILL: "待填",
    Stage.WORDS: "待写文字",
    Stage.INVALID: "数据有误",
    Stage.CHECKED: "校验通过",
    Stage.BUILT: "已生成",
    Stage.STALE: "需要重新生成",
    Stage.FAILED: "生成失败",
    Stage.UNCHECKED: "尚未校验",
}
TO_DO = (Stage.TO_FILL, Stage.WORDS)  # the clerk's work still to do: never a failure of a batch
TO_BUILD = (Stage.STALE, Stage.FAILED, Stage.INVALID, Stage.CHECKED, Stage.UNCHECKED)  # make reports builds


@dataclass(frozen=True)
class YearState:
    """One agency-year's state, with what the index and the messages say about it."""

    agency: str
    year: int
    stage: Stage
    items: tuple[str, ...] = ()  # to_fill: each cell still 待填 / section still 待改写 (words: the figures')
    error: str | None = None  # invalid, failed: the error as recorded (words: the figures' first fault)
    since: int | None = None  # missing: the agency's latest year on file before this one, if any
    build: Mapping[str, Any] | None = None  # the build record
    check: Mapping[str, Any] | None = None  # the check record, only while the year's files are as it saw

    @property
    def chinese(self) -> str:
        return CHINESE[self.stage]

    @property
    def errors(self) -> int:
        """How many faults the error lists (errors.together puts one a line, before its hint)."""
        if not self.error:
            return 0
        return self.error.split("\n  处理办法：", 1)[0].count("\n  ") + 1

    @property
    def first_error(self) -> str | None:
        return self.error.split("\n", 1)[0] if self.error else None

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


def has_narrative(project: Project, agency: str, year: int) -> bool:
    """Whether the year's words are on file: a broken link counts (the loader refuses it, saying why)."""
    return _exists(project.narrative(agency, year))


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def is_history(project: Project, agency: str, year: int) -> bool:
    """A year imported from a published page: its figures.yaml written by `make import` (the tool's
    record says so), no narrative. A year from before that record (none, or none readable): figures.yaml,
    no narrative and no returned form (figures.xlsx) — a form or typed figures without words is `words`."""
    if has_narrative(project, agency, year) or not project.figures(agency, year).is_file():
        return False
    record = written.read(project, agency, year)
    if record:
        entry = record.get(project.figures(agency, year).name)
        return entry is not None and entry.command == "import"
    return not project.workbook(agency, year).is_file()


def of(project: Project, agency: str, year: int, code: str | None = None) -> YearState:
    """Where `agency`'s `year` stands; `code`: the code signature, when the caller has it already."""
    on_file = project.years(agency)
    if year not in on_file:
        return YearState(
            agency, year, Stage.MISSING, since=max((y for y in on_file if y < year), default=None)
        )
    build = records.read(project.build_record(agency, year))
    check = records.read_check(project.check_record(agency, year))
    if check is not None and not freshness.files_current(project, agency, year, check["files"]):
        check = None  # the files changed since: what it found may no longer be true
    base = YearState(agency, year, Stage.UNCHECKED, build=build, check=check)
    if not has_narrative(project, agency, year):
        if is_history(project, agency, year):
            return replace(base, stage=Stage.HISTORY)
        return replace(base, stage=Stage.WORDS, items=_to_fill(check), error=_error(check))
    if freshness.up_to_date(project, build, code or freshness.code_signature(project)):
        return replace(base, stage=Stage.BUILT)
    if check is not None and check["to_fill"]:
        return replace(base, stage=Stage.TO_FILL, items=_to_fill(check))
    if check is not None and check["status"] == records.FAILED:
        return replace(base, stage=Stage.INVALID, error=check["error"])
    if (
        build
        and build["status"] == records.FAILED
        and freshness.files_current(project, agency, year, build["files"])
    ):
        return replace(base, stage=Stage.FAILED, error=build["error"])
    if check is None:
        items = tuple(unfilled(project, agency, year))
        if items:
            return replace(base, stage=Stage.TO_FILL, items=items)
    if build and build["outputs"]:
        return replace(base, stage=Stage.STALE)
    return replace(base, stage=Stage.CHECKED if check is not None else Stage.UNCHECKED)


def _to_fill(check: Mapping[str, Any] | None) -> tuple[str, ...]:
    return tuple(check["to_fill"] or ()) if check else ()


def _error(check: Mapping[str, Any] | None) -> str | None:
    return check["error"] if check and check["status"] == records.FAILED and not check["to_fill"] else None


def unfilled(project: Project, agency: str, year: int) -> list[str]:
    """What is still `待填` or `待改写` in the year's files (the scan a build starts with); nothing for a
    year of no known format (its build says why)."""
    from nianbao.formats import format_for_year
    from nianbao.inputs.to_fill import unfilled as scan

    fmt = format_for_year(year)
    return list(scan(project, fmt, agency, year)) if fmt is not None else []


# ---------------------------------------------------------------- the district


def expected_year(project: Project, states: Iterable[YearState]) -> int | None:
    """The year the district is working on: the latest that some agency has begun (history, imported to
    start from, is not begun)."""
    return max((s.year for s in states if s.stage not in (Stage.HISTORY, Stage.MISSING)), default=None)


def of_agencies(project: Project, year: int | None = None, code: str | None = None) -> list[YearState]:
    """Every agency-year on file (of `year` only, when given), by agency then year."""
    code = code or freshness.code_signature(project)
    return [
        of(project, agency, y, code)
        for agency in project.agencies()
        for y in project.years(agency)
        if year is None or y == year
    ]


def of_project(
    project: Project, known: Mapping[tuple[str, int], YearState] | None = None, code: str | None = None
) -> list[YearState]:
    """Every agency-year on file, and for the year the district is working on (`expected_year`) one
    `missing` row for each agency that has not begun it — however long ago its last year was (`since`
    says): by agency then year. `known`: states a batch computed already (nothing recomputed)."""
    known = known or {}
    code = code or freshness.code_signature(project)
    states = [
        known.get((agency, y)) or of(project, agency, y, code)
        for agency in project.agencies()
        for y in project.years(agency)
    ]
    expected = expected_year(project, states)
    if expected is not None:
        begun = {s.agency for s in states if s.year == expected}
        states += [
            of(project, agency, expected, code) for agency in project.agencies() if agency not in begun
        ]
    return sorted(states, key=lambda s: (s.agency, s.year))


@dataclass(frozen=True)
class SummaryState:
    """A district summary: whether there is one to make (`data/_district/<year>/narrative.md` and the
    district's profile), and which agencies it still waits for."""

    year: int
    wanted: bool
    agencies: tuple[str, ...]  # those whose figures it sums
    waiting: tuple[YearState, ...]  # those still to fill, or with words to write
    blocked: tuple[YearState, ...]  # those whose data has errors

    @property
    def ready(self) -> bool:
        return self.wanted and bool(self.agencies) and not self.waiting and not self.blocked


def summed_agencies(project: Project, year: int) -> list[str]:
    """The agencies whose figures the summary of `year` sums: those with the year on file, not imported
    as history (a published page has no report of its own). Listed through the build's snapshot, so a
    summary's record notes an agency or a year added since."""
    return [
        agency
        for agency in agencies_on_file(project)
        if year in years_on_file(project, agency) and not is_history(project, agency, year)
    ]


def summary_of(project: Project, year: int, states: Iterable[YearState]) -> SummaryState:
    """The summary of `year`, from its agencies' states (`states`: at least every agency's `year`)."""
    wanted = project.summary_profile.is_file() and _exists(project.summary_narrative(year))
    mine = [s for s in states if s.year == year and s.stage not in (Stage.HISTORY, Stage.MISSING)]
    return SummaryState(
        year,
        wanted,
        tuple(s.agency for s in mine),
        tuple(s for s in mine if s.stage in TO_DO),
        tuple(s for s in mine if s.stage == Stage.INVALID),
    )
