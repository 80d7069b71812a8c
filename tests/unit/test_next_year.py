"""`make next-year` (src/nianbao/authoring/next_year.py): the next year starts from the latest on file, with
only the figures its format carries over filled in, everything else `待填` / `待改写`, which `make check`
lists exactly; and nothing is ever overwritten."""

from __future__ import annotations

import re
import shutil

import pytest

from nianbao import cli
from nianbao.authoring.next_year import start_next_year
from nianbao.build import check_report
from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.formats import format_for_year
from nianbao.inputs.carry_over import carry_over
from nianbao.inputs.cells import TO_FILL
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear
from nianbao.inputs.prose import REWRITE
from nianbao.inputs.to_fill import UnfilledError
from nianbao.paths import Project

# (agency, the latest year it keeps, the formats of that year and of the next)
CASES = [
    ("minzheng", 2017, "pre2019", "pre2019"),
    ("shili-caizheng", 2018, "pre2019", "gb2019"),
    ("shili", 2019, "gb2019", "gb2019"),
    ("shili", 2020, "gb2019", "gb2021"),
    ("shili", 2025, "gb2021", "gb2021"),
]
LISTED_FIELD = re.compile(
    r"^  - data/[^:\n]+/figures\.yaml: 第 \d+ 行：字段 (\S+?)(?:（.*）)?还没有填写$", re.MULTILINE
)
LISTED_ROW = re.compile(
    r"^  - data/[^:\n]+/applications\.csv: 第 \d+ 行“(.+)”还没有填写：(.+)$", re.MULTILINE
)
LISTED_SECTION = re.compile(r"^  - data/[^:\n]+/narrative\.md（“# (.+)”一段）", re.MULTILINE)


@pytest.fixture(autouse=True)
def in_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line finds the project from the current folder."""
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)


def keep_until(project: Project, agency: str, year: int) -> None:
    """Drop the agency's years after `year`, so that `year` is its latest."""
    for folder in project.agency_dir(agency).iterdir():
        if folder.name.isdigit() and int(folder.name) > year:
            shutil.rmtree(folder)


def listed(capsys: pytest.CaptureFixture[str], agency: str, year: int) -> str:
    assert cli.main(["check", "--agency", agency, "--year", str(year)]) == 1
    return capsys.readouterr().err


@pytest.mark.parametrize(("agency", "latest", "before", "after"), CASES)
def test_next_year_fills_only_what_its_format_carries_over(
    project: Project, capsys: pytest.CaptureFixture[str], agency: str, latest: int, before: str, after: str
) -> None:
    keep_until(project, agency, latest)
    last = load_agency_year(project, agency, latest)
    expected = carry_over(last)
    started = start_next_year(project, agency)
    year = latest + 1
    fmt = format_for_year(year)
    assert fmt is not None
    assert (last.format.id, started.format.id, started.year) == (before, after, year)
    assert started.format_changed == (before != after)

    err = listed(capsys, agency, year)
    fields = set(LISTED_FIELD.findall(err))
    typed = {key for key, spec in fmt.fields.items() if not spec.optional}
    into_figures = {key for key, file in expected.files.items() if file == f"{year}/figures.yaml"}
    categories = (
        {f"active.categories.{name}" for name, _ in last.current.categories} if fmt.category_specs else set()
    )
    # Everything typed in figures.yaml is to fill, but what is carried over into it; and the 文号 and date.
    assert fields == (typed - into_figures) | categories | {"report.number", "report.date"}
    # Table 三: every data row but those carried over, in every applicant column.
    for table in fmt.file_tables:
        carried_rows = {
            key.rsplit(".", 1)[0] for key in expected.figures if key.startswith("apply.carried_in")
        }
        rows = {label: columns.split("、") for label, columns in LISTED_ROW.findall(err)}
        labels = [c.label for c in table.columns]
        assert rows == {
            row.label: labels for row in table.data_rows if row.derive is None and row.id not in carried_rows
        }
    assert LISTED_SECTION.findall(err) == [spec.heading for spec in fmt.prose]

    new = load_filled(project, agency, year)
    for key, value in expected.figures.items():  # the carried figures equal last year's
        if expected.files[key] != "opening.yaml":
            assert new.current.values[key] == value
            assert key in started.carried
    chained = [key for key, file in expected.files.items() if file == "opening.yaml"]
    assert started.chained == len(chained)  # pre2019's 历年累计 go on from the opening on file
    if chained:  # with this year's figures all 0, each 历年累计 is last year's
        lines = {line.id: line.cumulative for line in Figures.derive(new).appendix}
        assert {key: lines[key.removeprefix("cumulative.")] for key in chained} == {
            key: expected.figures[key] for key in chained
        }


def load_filled(project: Project, agency: str, year: int) -> AgencyYear:
    """Fill every 待填 with 0 and drop every 待改写 line; the year then checks and loads."""
    folder = project.year_dir(agency, year)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        if path.name == "narrative.md":
            text = "\n".join(
                "（本年度情况。）" if line.startswith(REWRITE) else line for line in text.splitlines()
            )
        path.write_text(
            text.replace(TO_FILL, "0").replace("report:\n  number: 0", "report:\n  number: 1"),
            encoding="utf-8",
        )
    table = folder / "applications.csv"
    if table.exists():  # all carried in, still pending: rule A1 holds with every other cell 0
        lines = table.read_text(encoding="utf-8").splitlines()
        carried = next(line for line in lines if line.startswith("二、上年结转")).split(",")[1:]
        table.write_text(
            "\n".join(
                ",".join(["四、结转下年度继续办理", *carried]) if line.startswith("四、") else line
                for line in lines
            ),
            encoding="utf-8",
        )
    figures = project.figures(agency, year)
    figures.write_text(
        re.sub(r"date: 0", f"date: {year + 1}-01-20", figures.read_text(encoding="utf-8")), encoding="utf-8"
    )
    check_report(project, agency, year)
    return load_agency_year(project, agency, year)


def test_the_carried_over_cells_are_last_years_figures(project: Project) -> None:
    """shili 2025 → 2026: 二、上年结转 is 2025's 四、结转下年度继续办理, column by column, in the CSV."""
    last = load_agency_year(project, "shili", 2025).current.values
    start_next_year(project, "shili")
    lines = project.year_dir("shili", 2026).joinpath("applications.csv").read_text("utf-8-sig").splitlines()
    carried = next(line for line in lines if line.startswith("二、上年结转"))
    columns = ("natural", "legal.commercial", "legal.research", "legal.public_welfare", "legal.legal_service")
    expected = [str(last[f"apply.carried_out.{c}"]) for c in (*columns, "legal.other")]
    assert carried.split(",")[1:] == expected
    figures = project.figures("shili", 2026).read_text("utf-8")
    assert f"in_force: {TO_FILL}" in figures  # 现行有效件数: a stock, never copied


def test_the_narrative_keeps_the_headings_and_last_years_text_under_the_marker(project: Project) -> None:
    start_next_year(project, "shili")
    text = project.narrative("shili", 2026).read_text("utf-8")
    assert (
        "# 存在的主要问题及改进情况\n\n"
        "待改写：下面是 2025 年度的文字，请改写成 2026 年度的情况，改完删去这一行。\n" in text
    )
    last = load_agency_year(project, "shili", 2025).narrative["problems"]
    assert last in text


def test_next_year_never_overwrites(project: Project) -> None:
    keep_until(project, "shili", 2025)
    target = project.narrative("shili", 2026)
    target.parent.mkdir()
    target.write_text("# 手写的文字\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=re.escape("以下文件已存在，nianbao 不会覆盖：data/shili/2026/narrative.md")
    ):
        start_next_year(project, "shili")
    assert sorted(p.name for p in target.parent.iterdir()) == ["narrative.md"]  # nothing else written
    assert target.read_text(encoding="utf-8") == "# 手写的文字\n"


def test_a_year_not_yet_filled_cannot_start_another(project: Project) -> None:
    start_next_year(project, "minzheng")
    before = sorted(project.agency_dir("minzheng").rglob("*"))
    with pytest.raises(
        DataError, match=r"机关 minzheng 的 2018 年度还有 \d+ 处没有填写，先填完它再开始 2019 年度"
    ):
        start_next_year(project, "minzheng")
    assert sorted(project.agency_dir("minzheng").rglob("*")) == before


def test_a_build_of_a_year_still_to_fill_lists_everything(project: Project) -> None:
    start_next_year(project, "minzheng")
    with pytest.raises(UnfilledError) as raised:
        load_agency_year(project, "minzheng", 2018)
    assert raised.value.items[0] == "data/minzheng/2018/figures.yaml: 第 6 行：字段 report.number还没有填写"
    assert raised.value.items[-1].startswith("data/minzheng/2018/narrative.md（“# 需要说明的其他情况”一段）")


def test_every_agency_without_agency(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["next-year"]) == 0
    out = capsys.readouterr().out
    for agency in project.agencies():
        latest = project.years(agency)[-1]
        assert project.figures(agency, latest).read_text("utf-8").count(TO_FILL) > 0
    assert "shili-caizheng：开始 2019 年度（格式 gb2019，2019—2020）" in out
    assert (
        "注意：2019 年度的报告格式是 gb2019，与 2018 年度的 pre2019 不同，已按 gb2019 的格式建立文件。" in out
    )
    assert "  已新建 / created: data/shili/2026/applications.csv" in out


def test_a_year_that_came_in_an_excel_form_starts_the_next_year_as_a_form(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    from nianbao.inputs.load import load_any_year
    from tests.unit.test_workbook import to_form

    to_form(project, "shili", 2025)
    last = load_agency_year(project, "shili", 2025)
    assert last.current.source == "data/shili/2025/figures.xlsx"
    started = start_next_year(project, "shili")
    assert started.written == ["data/shili/2026/figures.xlsx", "data/shili/2026/narrative.md"]
    assert not project.figures("shili", 2026).exists()  # the form alone: both would be refused
    expected = carry_over(last).figures
    assert expected and started.carried == expected  # 上年结转, pre-filled in the form
    # make check lists the narrative's parts still to rewrite first; once rewritten, every blank cell of
    # the form (the carried ones not among them).
    assert "还没有改写" in listed(capsys, "shili", 2026)
    narrative = project.narrative("shili", 2026)
    kept = [line for line in narrative.read_text(encoding="utf-8").splitlines() if REWRITE not in line]
    narrative.write_text("\n".join(kept) + "\n", encoding="utf-8")
    err = listed(capsys, "shili", 2026)
    assert "data/shili/2026/figures.xlsx: " in err and "没有填写" in err
    assert "“二、上年结转政府信息公开申请数量”行" not in err
    with pytest.raises(DataError):
        load_any_year(project, "shili", 2026)
