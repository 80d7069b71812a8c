"""The district summary adds up the agencies: totals, categories, 历年累计 and the breakdown
(`figures.district`, `drawing.breakdown`). Its notebook, page and documents:
tests/e2e/test_summary_notebook.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nianbao.drawing import breakdown
from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.figures.district import District
from nianbao.paths import Project
from nianbao.report import Summary
from nianbao.year import state

YEAR = 2017


def summed(project: Project, year: int) -> District:
    return District.derive(project, year, state.summed_agencies(project, year))


@pytest.fixture
def parts(project: Project) -> list[Figures]:
    return list(summed(project, YEAR).parts)


@pytest.fixture
def district(project: Project) -> Figures:
    return summed(project, YEAR).figures


def test_every_agency_with_data_for_the_year_is_included(project: Project, parts: list[Figures]) -> None:
    names = {part.model.profile.slug for part in parts}
    assert names == {agency for agency in project.agencies() if YEAR in project.years(agency)}
    assert "shili-caizheng" not in names  # it has 2018 only


def test_every_appendix_row_and_its_cumulative_count_is_the_sum(
    parts: list[Figures], district: Figures
) -> None:
    for line in district.appendix:
        assert line.value == sum(part.line(line.id).value for part in parts), line.id
        assert line.cumulative == sum(part.line(line.id).cumulative for part in parts), line.id


def test_categories_are_merged_by_name(parts: list[Figures], district: Figures) -> None:
    expected: dict[str, int] = {}
    for part in parts:
        for line in part.categories:
            expected[line.name] = expected.get(line.name, 0) + line.count
    assert {line.name: line.count for line in district.categories} == expected
    assert district.category_share_total == 100


def test_amounts_stay_exact(parts: list[Figures], district: Figures) -> None:
    collected = district.model.current.values["fees.collected"]
    assert collected == sum(part.model.current.values["fees.collected"] for part in parts)


def test_a_missing_district_narrative_is_named(project: Project) -> None:
    project.summary_narrative(YEAR).unlink()
    with pytest.raises(DataError, match=r"data/_district/2017/narrative\.md"):
        summed(project, YEAR)


def test_a_year_without_data_is_refused(project: Project) -> None:
    with pytest.raises(DataError, match="没有任何机关有 2015 年度的数据"):
        summed(project, 2015)


def test_a_national_year_sums_every_cell_of_tables_two_three_and_four(project: Project) -> None:
    """A second agency with the same files as the sample one: every figure of the district doubles."""
    shutil.copy(project.profile("shili"), project.root / "params" / "shili-copy.yaml")
    shutil.copytree(project.agency_dir("shili"), project.agency_dir("shili-copy"))
    both = summed(project, 2025)
    parts, district = both.parts, both.figures
    agency = parts[0].values
    assert set(district.values) == set(agency)
    for key, value in agency.items():
        assert district.values[key] == 2 * value, key
    assert district.changes  # the previous year is summed too, for the year-on-year figures


def test_the_breakdown_is_a_table_model_one_row_per_agency_and_the_sum(
    project: Project, parts: list[Figures], district: Figures
) -> None:
    columns = district.model.format.summary.breakdown
    table = breakdown.breakdown_table(district, parts)
    assert [cell.text for cell in table.head[0]] == ["机关", *(heading for _, heading in columns)]
    assert [row[0].text for row in table.body] == [part.model.profile.name for part in parts]
    (total,) = table.foot
    assert total[0].text == "合计" and total[0].header
    first = [int(row[1].text.replace(",", "")) for row in table.body]
    assert int(total[1].text.replace(",", "")) == sum(first) == district.line(columns[0][0]).value


def test_the_summary_draws_what_its_format_defines(project: Project) -> None:
    """The pieces follow the format definition's parts: pre2019's categories and 附表, national 二三四."""
    old = Summary(summed(project, YEAR)).drawn()
    assert [output.shown().count("<table") for output in old] == [1, 0, 1]
    drawn = [output.shown() for output in Summary(summed(project, 2025)).drawn()]
    assert [re.findall(r'class="nb-table nb-(\w+)[" ]|<svg', piece) for piece in drawn] == [
        ["active"],
        ["applications"],
        ["reviews"],
        [""],
    ]


def test_an_agency_without_an_opening_balance_makes_the_district_sum_partial(project_dir: Path) -> None:
    project = Project(project_dir)
    assert summed(project, YEAR).figures.cumulative_heading == "历年累计"
    (project_dir / "data/shili-renshe/opening.yaml").unlink()
    district = summed(project, YEAR).figures
    assert district.cumulative_heading == "历年累计（部分机关没有期初数，不完整）"
    assert district.context()["report"]["cumulative_known"] is False
