"""End to end for the national formats: `make report` for the sample agency 示例市示例局 in gb2019 (2020)
and gb2021 (2025), judged from the HTML: labels in order, merged cells, computed totals, shares, YoY."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from nianbao.figures.numbers import chinese, percent
from nianbao.formats import ReportFormat, format_for_year
from nianbao.inputs.model import PUBLISHERS
from tests.conftest import copy_project
from tests.e2e.test_report import FORBIDDEN, loaded, make
from tests.page_text import visible_text

pytestmark = pytest.mark.slow


@dataclass
class Cell:
    tag: str
    text: str
    rowspan: int
    colspan: int
    css: str


@dataclass
class Tables(HTMLParser):
    """Every <table> of a page as rows of cells, keyed by its nb-… class."""

    tables: dict[str, list[list[Cell]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.current = (a.get("class") or "").split()[1]  # nb-<id>, after nb-table
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            span = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))
            self.cell = Cell(tag, "", *span, a.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell and self.current:
            self.tables[self.current][-1].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text += data


@dataclass
class Report:
    year: int
    fmt: ReportFormat
    root: Path
    html: str
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return visible_text(self.html)

    def table(self, name: str) -> list[list[Cell]]:
        parser = Tables()
        parser.feed(self.html)
        return parser.tables[name]

    def typed(self, year: int | None = None) -> dict[str, list[int]]:
        """Table 三 as typed in the sample CSV: row label → the six applicant cells."""
        path = self.root / f"data/shili/{year or self.year}/applications.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            _header, *rows = csv.reader(handle)
        return {row[0]: [int(v) for v in row[1:]] for row in rows if any(row[1:])}


@pytest.fixture(scope="module", params=[2020, 2025], ids=["gb2019", "gb2021"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Report:
    year: int = request.param
    root = copy_project(tmp_path_factory.mktemp(f"national{year}") / "project")
    result = make(root, "report", "AGENCY=shili", f"YEAR={year}")
    assert result.returncode == 0, result.stderr
    html = (root / f"output/shili/{year}/report.html").read_text(encoding="utf-8")
    fmt = format_for_year(year)
    assert fmt is not None
    return Report(year, fmt, root, html, result.stdout, result.stderr)


def test_report_is_built_in_the_format_of_its_year(report: Report) -> None:
    assert report.fmt.id == {2020: "gb2019", 2025: "gb2021"}[report.year]
    assert report.stderr == ""
    assert f"<title>示例市示例局{report.year}年政府信息公开工作年度报告</title>" in report.html


def test_six_section_headings_of_the_format_in_order(report: Report) -> None:
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", report.html)
    assert headings == [f"{chinese(i)}、{s.label}" for i, s in enumerate(report.fmt.sections, start=1)]
    assert len(headings) == 6
    subheads = re.findall(r"<h3[^>]*>(.*?)</h3>", report.html)
    assert subheads == [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]


def test_table_two_has_every_block_column_and_row_label_in_order(report: Report) -> None:
    table = report.table("nb-active")
    spec = report.fmt.active
    assert spec is not None
    expected: list[list[str]] = []
    for block in spec.blocks:
        expected.append([block.header])
        expected.append([spec.label_column, *(c.label for c in block.columns)])
        expected += [[row.label] for row in block.rows]
    assert [[c.text for c in row][: len(e)] for row, e in zip(table, expected, strict=True)] == expected
    headers = [row[0] for row in table if row[0].css == "block"]
    assert {c.colspan for c in headers} == {spec.width + 1}
    assert all(sum(c.colspan for c in row) == spec.width + 1 for row in table)
    assert all(c.text.strip() for row in table for c in row)  # every cell printed


def test_table_three_header_is_merged_as_in_the_official_layout(report: Report) -> None:
    head = report.table("nb-applications")[:3]
    corner, applicants = head[0]
    assert corner.text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert (applicants.text, applicants.colspan) == ("申请人情况", 7)
    assert [(c.text, c.rowspan, c.colspan) for c in head[1]] == [
        ("自然人", 2, 1),
        ("法人或其他组织", 1, 5),
        ("总计", 2, 1),
    ]
    assert [c.text for c in head[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def test_table_three_has_every_row_label_in_order_and_spans(report: Report) -> None:
    body = report.table("nb-applications")[3:]
    spec = report.fmt.applications
    assert spec is not None
    labels = [c.text for row in body for c in row if "label" in c.css]
    assert labels == [row.label for row in spec.rows]
    assert len(body) == len(spec.data_rows) == {2020: 23, 2025: 25}[report.year]
    result = next(c for row in body for c in row if c.text == "三、本年度办理结果")
    assert result.rowspan == {2020: 20, 2025: 22}[report.year]
    assert all(sum(c.colspan for c in row if "label" in c.css) + 7 <= 10 for row in body)
    assert all(len([c for c in row if c.css == "num"]) == 7 for row in body)


def test_table_three_totals_are_computed_from_the_typed_cells(report: Report) -> None:
    body = report.table("nb-applications")[3:]
    figures = {
        next(c.text for c in reversed(row) if "label" in c.css): [int(c.text) for c in row if c.css == "num"]
        for row in body
    }
    typed = report.typed()
    assert "（七）总计" not in typed  # the sample never types a total
    for label, cells in typed.items():
        assert figures[label] == [*cells, sum(cells)]
    spec = report.fmt.applications
    assert spec is not None
    leaves = [figures[row.label] for row in spec.leaves]
    assert figures["（七）总计"] == [sum(column) for column in zip(*leaves, strict=True)]
    new, carried_in = figures["一、本年新收政府信息公开申请数量"], figures["二、上年结转政府信息公开申请数量"]
    carried_out = figures["四、结转下年度继续办理"]
    for column in range(7):  # A1 in every column
        assert new[column] + carried_in[column] == figures["（七）总计"][column] + carried_out[column]


def test_outcome_shares_in_the_text_sum_to_100(report: Report) -> None:
    paragraph = re.search(r"本年度办理完毕(\d+)件，其中(.*?)结转下年度继续办理", report.text)
    assert paragraph is not None
    parts = re.findall(r"([^，；]+?)(\d+)件，占([\d.]+)%", paragraph.group(2))
    assert [name for name, _, _ in parts] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    assert sum(int(count) for _, count, _ in parts) == int(paragraph.group(1))
    assert sum(float(share) for _, _, share in parts) == pytest.approx(100.0)


def test_year_on_year_line_compares_with_last_year(report: Report) -> None:
    now, before = report.typed(), report.typed(report.year - 1)
    new, old = sum(now["一、本年新收政府信息公开申请数量"]), sum(before["一、本年新收政府信息公开申请数量"])
    change = new - old
    word = "增加" if change > 0 else "减少"
    trend = "增长" if change > 0 else "下降"
    # how the project writes a percentage for an agency without a `percent:` setting
    share = percent(Decimal(abs(change) * 100) / Decimal(old), PUBLISHERS)
    expected = (
        f"与{report.year - 1}年相比，新收政府信息公开申请{new}件，"
        f"比上年{word}{abs(change)}件（{trend}{share}）；予以公开"
    )
    assert change != 0
    assert expected in report.text
    assert re.search(r"；行政复议\d+件，(比上年(增加|减少)\d+件|与上年持平)", report.text)


def test_table_four_has_three_merged_header_rows(report: Report) -> None:
    table = report.table("nb-reviews")
    assert [(c.text, c.colspan) for c in table[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [(c.text, c.rowspan) for c in table[1][:5]] == [(label, 2) for label in labels]
    assert [(c.text, c.colspan) for c in table[1][5:]] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]
    assert [c.text for c in table[2]] == labels * 2
    values = [int(c.text) for c in table[3]]
    assert len(values) == 15
    for group in (values[0:5], values[5:10], values[10:15]):  # R1–R3 by construction
        assert group[4] == sum(group[:4])


def test_section_six_reports_the_information_fee_in_gb2021_only(report: Report) -> None:
    mentions = "信息处理费" in report.text
    assert mentions == (report.fmt.id == "gb2021")


def test_chart_of_outcomes_is_embedded_svg(report: Report) -> None:
    assert report.html.count("<svg") == 1


@pytest.mark.parametrize("forbidden", [*FORBIDDEN, "report.application_table", "None"])
def test_no_code_no_external_url(report: Report, forbidden: str) -> None:
    assert forbidden not in loaded(report.html)


def test_provenance_lists_the_tables_and_no_opening_balance(report: Report) -> None:
    notebook = nbformat.read(report.root / f"output/shili/{report.year}/report.ipynb", as_version=4)
    meta = notebook.metadata.nianbao
    assert meta.format.id == report.fmt.id
    assert list(meta.format.extends) == ["_national"]
    before, now = report.year - 1, report.year
    assert sorted(meta.inputs) == [
        f"data/shili/{before}/applications.csv",
        f"data/shili/{before}/figures.xlsx",  # looked for first, and found absent (None)
        f"data/shili/{before}/figures.yaml",
        f"data/shili/{before}/narrative.md",  # last year's text: is this year's a copy of it? (issue 14)
        f"data/shili/{now}/applications.csv",
        f"data/shili/{now}/figures.xlsx",
        f"data/shili/{now}/figures.yaml",
        f"data/shili/{now}/narrative.md",
        "notebooks/annual_report.ipynb",
        "notebooks/annual_report.md",
        "params/_district.yaml",  # the percent policy an agency without one inherits (issue 11)
        "params/shili.yaml",
    ]
    assert not any("format:" in tag for cell in notebook.cells for tag in cell.metadata.get("tags", []))
