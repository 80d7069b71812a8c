"""Carry-over (inputs/carry_over.py): the figures a year takes over from the year before, as each
format declares them — 上年结转 from 结转下年度继续办理, gb2019's 上一年项目数量, pre2019's 历年累计."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.inputs.carry_over import carry_over
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project

APPLICANTS = ("natural", "legal.commercial", "legal.research", "legal.public_welfare", "legal.legal_service")
ITEMS = ("active.licensing", "active.other_services", "active.penalty", "active.coercion", "active.fees")


@pytest.mark.parametrize("year", range(2019, 2025))
def test_table_three_carries_out_into_next_years_carried_in(project: Project, year: int) -> None:
    carried = carry_over(load_agency_year(project, "shili", year))
    following = load_agency_year(project, "shili", year + 1).current.values
    assert carried.year == year + 1
    for column in (*APPLICANTS, "legal.other"):
        key = f"apply.carried_in.{column}"
        assert carried.figures[key] == following[key]  # the sample years chain (rule A5 holds)
        assert carried.files[key] == f"{year + 1}/applications.csv"


def test_gb2019_carries_its_items_with_this_years_change(project: Project) -> None:
    model = load_agency_year(project, "shili", 2019)
    carried = carry_over(model)
    for item in ITEMS:
        expected = model.current.values[f"{item}.prev_items"] + model.current.values[f"{item}.delta"]
        assert carried.figures[f"{item}.prev_items"] == expected
        assert carried.files[f"{item}.prev_items"] == "2020/figures.yaml"
    following = load_agency_year(project, "shili", 2020).current.values
    assert {key: following[key] for key in carried.figures} == carried.figures


def test_into_gb2021_only_table_three_carries_over(project: Project) -> None:
    carried = carry_over(load_agency_year(project, "shili", 2020))
    assert sorted(carried.figures) == sorted(f"apply.carried_in.{c}" for c in (*APPLICANTS, "legal.other"))
    assert carried.missing == ()


def test_pre2019_opens_next_year_with_this_years_cumulative_counts(project: Project) -> None:
    model = load_agency_year(project, "minzheng", 2017)
    carried = carry_over(model)
    lines = {line.id: line for line in Figures.derive(model).appendix}
    typed = [row.id for row in model.format.appendix.typed_rows]
    assert carried.figures == {f"cumulative.{row}": lines[row].cumulative for row in typed}
    assert carried.figures["cumulative.active.total"] == 192
    assert set(carried.files.values()) == {"opening.yaml"}


def test_an_opening_written_from_the_carry_over_gives_the_same_chain(project: Project) -> None:
    """Start the system a year later from the carried-over opening: 2018's 历年累计 do not change."""
    root = project.root
    data = root / "data/minzheng"
    (data / "2018").mkdir()
    text = (data / "2017/figures.yaml").read_text(encoding="utf-8").replace("2018-01-30", "2019-01-30")
    (data / "2018/figures.yaml").write_text(text, encoding="utf-8")
    (data / "2018/narrative.md").write_bytes((data / "2017/narrative.md").read_bytes())
    chained = Figures.derive(load_agency_year(project, "minzheng", 2018)).appendix

    carried = carry_over(load_agency_year(project, "minzheng", 2017))
    rows = "".join(f"  {key.split('.', 1)[1]}: {value}\n" for key, value in carried.figures.items())
    (data / "opening.yaml").write_text(f"as_of: 2017\ncumulative:\n{rows}", encoding="utf-8")
    assert Figures.derive(load_agency_year(project, "minzheng", 2018)).appendix == chained


def test_a_format_change_lists_what_this_year_cannot_give(project: Project) -> None:
    carried = carry_over(load_agency_year(project, "shili-caizheng", 2018))  # pre2019 → gb2019
    assert carried.figures == {} and carried.files == {}
    assert carried.missing == (
        *(f"apply.carried_in.{c}" for c in (*APPLICANTS, "legal.other")),
        *(f"{item}.prev_items" for item in ITEMS),
    )


def test_a_year_after_every_format_is_refused(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nianbao.inputs.carry_over as module

    monkeypatch.setattr(module, "format_for_year", lambda year: None)
    with pytest.raises(DataError, match="nianbao 不支持 2018 年度的报告格式，无法得出该年度的期初数"):
        carry_over(load_agency_year(Project(project_dir), "minzheng", 2017))
