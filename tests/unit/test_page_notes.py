"""The public page never contradicts itself (issue 27): in a year typed as printed, every place that prints
a total and parts that disagree says so in a visible note stating the shares' base (figures.yaml
`share_base`); the rounding note stands where shares shown together miss 100, and only there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from nianbao.build import prepare_template
from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.figures.numbers import ROUNDING_NOTE
from nianbao.formats import all_formats
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project

TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "annual_report.md"
CATEGORIES_20 = (
    "（注：原报告所列主动公开文件数20条与各类别条数之和17条不一致，照原报告刊印；各项占比以{}为基数。）"
)


def printed(project: Project, agency: str, year: int, old: str, new: str, head: str = "") -> None:
    path = project.figures(agency, year)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text("as_printed: true\n" + head + text.replace(old, new), encoding="utf-8")


def page(project: Project, figures: Figures) -> str:
    """The Markdown the public page (HTML, PDF and Word alike) is made from."""
    notebook: Any = prepare_template(project, figures)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def derive(project: Project, agency: str, year: int) -> Figures:
    return Figures.derive(load_agency_year(project, agency, year))


def test_a_printed_total_over_other_parts_is_noted_everywhere_it_is_printed(project: Project) -> None:
    """三元区民政局 typed as printed with 主动公开文件数 20 over categories of 17: the categories' paragraph
    and the appendix both say so; the shares are of the parts (the default base), and say it."""
    printed(project, "minzheng", 2017, "  produced: 17 ", "  total: 20\n  produced: 17 ")
    figures = derive(project, "minzheng", 2017)
    note = CATEGORIES_20.format("各项之和")
    assert figures.notes["categories"] == note
    assert figures.notes["appendix"] == note
    assert figures.notes["apply"] == ""
    assert [c["share"] for c in figures.context()["active"]["categories"]] == [
        "23.5%",
        "5.9%",
        "35.3%",
        "11.8%",
        "23.5%",
    ]
    text = page(project, figures)
    assert text.count(note) == 2
    categories = text.index("按类别分")
    assert categories < text.index(note) < text.index("### （三）主动公开的渠道")
    assert text.index("### （二）附表") < text.rindex(note)


def test_shares_of_the_printed_total_when_the_year_says_so(project: Project) -> None:
    """嘉莲's way: shares of the typed total (share_base: printed_total), not adding up to 100, no rounding
    note; the 合计 row is the printed total, 100% of itself."""
    printed(
        project,
        "minzheng",
        2017,
        "  produced: 17 ",
        "  total: 20\n  produced: 17 ",
        "share_base: printed_total\n",
    )
    figures = derive(project, "minzheng", 2017)
    assert [c["share"] for c in figures.context()["active"]["categories"]] == [
        "20%",
        "5%",
        "30%",
        "10%",
        "20%",
    ]
    assert figures.notes["categories"] == CATEGORIES_20.format("原报告所列合计")
    assert (figures.category_total, figures.percent(figures.category_share_total)) == (20, "100%")
    assert figures.rounding_note == ""


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (
            "share_base: total\n",
            "字段 share_base（占比的基数）应为 parts（各项之和）、printed_total（原报告所列合计）之一",
        ),
        ("", "字段 share_base（占比的基数）只用于照已发布的报告填写的年度（as_printed: true）"),
    ],
)
def test_share_base_is_checked_in_one_place(project: Project, head: str, message: str) -> None:
    path = project.figures("minzheng", 2017)
    text = path.read_text(encoding="utf-8")
    base = "" if head else "share_base: parts\n"
    path.write_text(("as_printed: true\n" + head if head else base) + text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)):
        load_agency_year(project, "minzheng", 2017)


def test_the_rounding_note_stands_after_the_shares_that_miss_100_only(project: Project) -> None:
    """The categories add up to 100 (no note there); the replies, a third each, to 99.9 (the note after
    them), where before the one note of the report stood after the categories."""
    path = project.figures("minzheng", 2017)
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  in_person: 0\n  online: 0\n  letter_fax: 0", "  in_person: 1\n  online: 1\n  letter_fax: 1"
    )
    text = text.replace(
        "  granted: 0\n  partial: 0\n  refused: 0", "  granted: 1\n  partial: 1\n  refused: 1"
    )
    path.write_text(text, encoding="utf-8")
    figures = derive(project, "minzheng", 2017)
    assert figures.notes["categories"] == ""
    assert figures.notes["apply"] == ROUNDING_NOTE
    markdown = page(project, figures)
    assert markdown.count(ROUNDING_NOTE) == 1
    assert "其他类型答复0条（占0%）。" + ROUNDING_NOTE in markdown


def test_national_tables_noted_where_they_are_printed(project: Project) -> None:
    """示例局 2025 typed as printed: 行政复议 总计 5 over results adding up to 4, and 主动公开 30 over
    categories of 20: the review paragraph and the overview say so."""
    printed(
        project,
        "shili",
        2025,
        "review:                      # 表四：行政复议（件）\n",
        "review:\n  total: 5\n",
    )
    path = project.figures("shili", 2025)
    text = path.read_text(encoding="utf-8")
    active = "active:                      # 表二：主动公开政府信息情况\n"
    path.write_text(
        text.replace(active, f"{active}  total: 30\n  categories: {{工作动态: 15, 通知公告: 5}}\n")
    )
    figures = derive(project, "shili", 2025)
    review = (
        "（注：原报告表四“行政复议”所列总计5件与结果维持、结果纠正、其他结果、尚未审结之和4件不一致，"
        "照原报告刊印。）"
    )
    overall = (
        "（注：原报告所列主动公开政府信息30条与各类别条数之和20条不一致，照原报告刊印；"
        "各项占比以各项之和为基数。）"
    )
    assert figures.notes["reviews"] == review
    assert figures.notes["overall"] == overall
    assert figures.notes["applications"] == ""
    markdown = page(project, figures)
    assert markdown.count(review) == 1 and markdown.count(overall) == 1
    assert markdown.index(review) < markdown.index("## 五、")


def test_every_place_a_format_notes_is_printed_by_the_template() -> None:
    """A rule's page_at and the categories' note name places the template prints (`{{ notes.<place> }}`)
    in that format's cells: a disagreement the page shows is never without its note."""
    cells = TEMPLATE.read_text(encoding="utf-8").split("\n+++")
    for fmt in all_formats():
        mine = "\n".join(cell for cell in cells if fmt.id in formats_of_text(cell))
        places = {p for rule in fmt.rules for p in rule.page_at}
        places |= {spec.note for spec in fmt.category_specs}
        places |= {spec.note for spec in fmt.shares if spec.list or spec.printed_total}
        for place in places:
            assert f"{{{{ notes.{place} }}}}" in mine, (fmt.id, place)


def formats_of_text(cell: str) -> str:
    """The format tags of a template cell in its text form (`+++ {"tags": ["format:gb2019"]}`)."""
    first = cell.splitlines()[0] if cell else ""
    return first if "format:" in first else ",".join(f.id for f in all_formats())
