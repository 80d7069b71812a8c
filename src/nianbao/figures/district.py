"""The district summary's figures (汇总报告): one year's figures of every agency, summed.

The district is derived the way an agency's report is, from a checked model, for any format: its
years (this one, and the one before when every agency has it) are the agencies' typed figures summed
key by key (categories merged by name; the format's totals left out, `Figures.derive` recomputes them),
so its tables, shares and totals equal the sums of the agency reports; chained figures (历年累计) start
from the agencies' at the end of the year before. Its profile is `params/_district.yaml` (an agency's
fields) and its prose `data/_district/<year>/narrative.md` (the headings of that year's format).

Which agencies are summed is the caller's to say (the year's state knows which years were imported as
history and have no report of their own); the template notebook receives them as a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.errors import DataError
from nianbao.figures import numbers
from nianbao.figures.derived import Figures, title_parts
from nianbao.formats import ReportFormat
from nianbao.inputs.derive import format_of, history_values
from nianbao.inputs.load import load_agency_year, load_narrative, load_profile
from nianbao.inputs.model import AgencyYear, Number, Opening, YearData
from nianbao.paths import SUMMARY, Project

# The summary's title, after the format's own (政府信息公开工作年度报告): it is not an agency's report.
TITLE_MARK = "（汇总）"


@dataclass(frozen=True)
class District:
    """The district's figures (the agencies' sum, derived like a report's) and each agency's."""

    figures: Figures
    parts: tuple[Figures, ...]

    @classmethod
    def derive(cls, project: Project, year: int, agencies: Sequence[str]) -> District:
        """Load and derive every agency of `agencies` for `year`, then the district from their sum; one
        broken agency makes the summary fail, naming it."""
        if not agencies:
            raise DataError(f"没有任何机关有 {year} 年度的数据，无法汇总")
        parts = tuple(Figures.derive(load_agency_year(project, agency, year)) for agency in agencies)
        return cls(Figures.derive(district_model(project, year, parts)), parts)

    @property
    def title_parts(self) -> tuple[str, ...]:
        model = self.figures.model
        return title_parts(model.profile.district, model.year, model.format.title, TITLE_MARK)

    @property
    def title(self) -> str:
        return "".join(self.title_parts)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The checks' warnings, for the summary's reviewers: the district's, then each agency's by name."""
        own = self.figures.model.warnings
        return own + tuple(
            f"{part.model.profile.name}：{warning}" for part in self.parts for warning in part.model.warnings
        )

    def context(self) -> dict[str, Any]:
        """What the summary's template says beyond a report's placeholders: its title and the agencies."""
        count = len(self.parts)
        return {
            "summary": {"title": self.title},
            "agencies": {
                "count": count,
                # 七个机关; past ten the digits read better (23个)
                "count_text": numbers.chinese(count) if count <= 10 else str(count),
                "names": "、".join(part.model.profile.name for part in self.parts),
            },
        }


def summed(datas: Sequence[YearData], fmt: ReportFormat) -> YearData:
    """The agencies' typed figures of one year, key by key; categories merged by name, first seen first.

    The totals the format computes are left out even where an agency typed one: the derivation
    recomputes them."""
    computed = {total.key for total in fmt.sums}
    values: dict[str, Number] = {}
    for data in datas:
        for key, value in data.values.items():
            if key not in computed:
                values[key] = values.get(key, 0) + value
    categories: dict[str, int] = {}
    for data in datas:
        for name, count in data.categories:
            categories[name] = categories.get(name, 0) + count
    return YearData(
        year=datas[0].year,
        number=0,
        date=max(data.date for data in datas),
        values=values,
        categories=tuple(categories.items()),
    )


def opening_before(fmt: ReportFormat, year: int, parts: Sequence[Figures]) -> Opening | None:
    """The agencies' chained figures (历年累计) at the end of the year before `year`, summed, for every
    row whose opening balance is typed; None when the format's history chains nothing."""
    if fmt.history.opening is None:
        return None
    key = fmt.history.key
    before = [history_values(part.model)[year - 1] for part in parts]
    return Opening(
        year - 1,
        {row.id: sum(int(v[f"{key}.{row.id}"]) for v in before) for row in fmt.history.opening_rows},
        known=all(part.model.opening is None or part.model.opening.known for part in parts),
    )


def district_model(project: Project, year: int, parts: Sequence[Figures]) -> AgencyYear:
    """The district as one agency: this year and the year before (when every agency has it on file),
    each the agencies' sum; chained figures start from the agencies' at the end of the year before."""
    fmt = parts[0].model.format
    if not project.summary_profile.is_file():
        raise DataError(
            "缺少汇总报告的档案文件",
            path=project.relative(project.summary_profile),
            hint="复制任一机关的 params/<机关>.yaml 为 params/_district.yaml，"
            "填写区（县）政府信息公开主管部门的信息。",
        )
    years = [y for y in (year - 1, year) if all(y in part.model.history for part in parts)]
    history = {y: summed([part.model.history[y] for part in parts], format_of(y)) for y in years}
    return AgencyYear(
        format=fmt,
        profile=load_profile(project, SUMMARY),
        year=year,
        history=history,
        opening=opening_before(fmt, years[0], parts),
        narrative=load_narrative(project, fmt, SUMMARY, year),
    )
