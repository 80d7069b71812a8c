"""The pre2019 tables in the official layout: labels from the format, figures from the data, text escaped.

Each is a model (`Table`); these tests read the HTML its one renderer draws, as the page shows it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import yaml
from markupsafe import Markup

from nianbao.drawing import tables
from nianbao.drawing.table_html import html
from nianbao.drawing.table_model import Cell
from nianbao.figures.derived import Figures
from nianbao.formats import FORMATS_DIR
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project

Edit = Callable[[Path, str, str], None]  # the `edit` fixture of conftest.py


def category_table(figures: Figures) -> Markup:
    return html(tables.category_table(figures))


def appendix_table(figures: Figures) -> Markup:
    return html(tables.appendix_table(figures))


def cells(table: str, part: str) -> list[list[str]]:
    """The text of every cell of every row in `thead`, `tbody` or `tfoot` (entities decoded)."""
    root = ET.fromstring(table)
    section = root.find(part)
    assert section is not None, f"no <{part}>"
    return [["".join(cell.itertext()) for cell in row] for row in section.findall("tr")]


def test_category_table_header_from_the_format(figures: Figures) -> None:
    assert cells(category_table(figures), "thead") == [["类别", "条数", "占比"]]


def test_category_table_rows(figures: Figures) -> None:
    assert cells(category_table(figures), "tbody") == [
        ["机构职能", "4", "23.5%"],
        ["规划计划", "1", "5.9%"],
        ["扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", "6", "35.3%"],
        ["工作动态", "2", "11.8%"],
        ["其它", "4", "23.5%"],
    ]


def test_category_table_total_row(figures: Figures) -> None:
    table = category_table(figures)
    assert cells(table, "tfoot") == [["合计", "17", "100%"]]
    assert "<tr><th>合计</th>" in table


def test_category_table_is_markup(figures: Figures) -> None:
    table = category_table(figures)
    assert isinstance(table, Markup)
    assert table.startswith('<table class="nb-table nb-categories">')


def test_appendix_table_header(figures: Figures) -> None:
    assert cells(appendix_table(figures), "thead") == [["指标名称", "单位", "2017", "历年累计"]]


def test_appendix_table_has_every_label_of_the_format_in_order(figures: Figures) -> None:
    raw = yaml.safe_load((FORMATS_DIR / "pre2019.yaml").read_text(encoding="utf-8"))
    labels = [row["label"] for row in raw["appendix"]["rows"]]
    assert len(labels) == 15
    assert [row[0] for row in cells(appendix_table(figures), "tbody")] == labels


def test_appendix_table_figures(figures: Figures) -> None:
    body = cells(appendix_table(figures), "tbody")
    assert body[0] == ["主动公开文件数", "条", "17", "192"]
    assert body[1] == ["其中：1.政府网站公开数", "条", "17", "192"]
    assert body[2] == ["2.政府公报公开数", "条", "0", "0"]
    assert body[3] == ["受理政府信息公开申请总数", "条", "0", "0"]
    assert all(row[1] == "条" for row in body)


def test_appendix_sub_rows_are_marked(figures: Figures) -> None:
    root = ET.fromstring(appendix_table(figures))
    first_cells = [row[0] for row in root.iterfind("tbody/tr")]
    marked = [cell.text for cell in first_cells if cell.get("class") == "sub"]
    assert len(marked) == 2 + 3 + 4  # active, apply and reply channels
    assert first_cells[0].get("class") is None
    assert marked[0] == "其中：1.政府网站公开数"


def test_text_from_the_data_is_escaped(project_dir: Path, edit: Edit) -> None:
    edit(
        project_dir / "data/minzheng/2017/figures.yaml", "    机构职能: 4", '    "<b>机构职能</b> & 编制": 4'
    )
    figures = Figures.derive(load_agency_year(Project(project_dir), "minzheng", 2017))
    table = category_table(figures)
    assert "&lt;b&gt;机构职能&lt;/b&gt; &amp; 编制" in table
    assert "<b>" not in table
    assert cells(table, "tbody")[0] == ["<b>机构职能</b> & 编制", "4", "23.5%"]


def test_the_model_holds_the_cells_the_page_shows(figures: Figures) -> None:
    table = tables.category_table(figures)
    assert table.id == "categories" and not table.wrap_head
    assert table.head == ((Cell("类别", header=True), Cell("条数", header=True), Cell("占比", header=True)),)
    assert table.body[0] == (Cell("机构职能"), Cell("4", classes=("num",)), Cell("23.5%", classes=("num",)))
    assert table.foot == (
        (Cell("合计", header=True), Cell("17", classes=("num",)), Cell("100%", classes=("num",))),
    )


def test_the_appendix_model_marks_sub_rows_and_units(figures: Figures) -> None:
    body = tables.appendix_table(figures).body
    assert body[1] == (
        Cell("其中：1.政府网站公开数", classes=("sub",)),
        Cell("条", classes=("unit",)),
        Cell("17", classes=("num",)),
        Cell("192", classes=("num",)),
    )
    assert body[0][0] == Cell("主动公开文件数")
