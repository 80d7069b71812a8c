"""The page's title may break only between its parts (`export.breakable_title`), as the PDF's and the Word
file's do: a <wbr> between the parts, the style sheet keeping Chinese words whole elsewhere."""

from __future__ import annotations

from nianbao.figures.derived import title_parts
from nianbao.publish import pages
from nianbao.publish.export import breakable_title

KIND = "政府信息公开工作年度报告"


def test_the_title_gets_a_break_opportunity_between_its_parts_only() -> None:
    parts = title_parts("示例区", 2017, KIND, "（汇总）")
    body = "<h1>示例区2017年政府信息公开工作年度报告（汇总）</h1>\n<h2>一、汇总情况</h2>"
    assert breakable_title(body, parts) == (
        '<h1 class="nb-parted">示例区<wbr>2017年<wbr>政府信息公开工作年度报告<wbr>（汇总）</h1>\n'
        "<h2>一、汇总情况</h2>"
    )


def test_a_name_with_markup_characters_is_matched_escaped_and_kept_escaped() -> None:
    parts = title_parts("A&B<局>", 2021, KIND)
    body = "<h1>A&amp;B&lt;局&gt;2021年政府信息公开工作年度报告</h1>"
    assert breakable_title(body, parts) == (
        '<h1 class="nb-parted">A&amp;B&lt;局&gt;<wbr>2021年<wbr>政府信息公开工作年度报告</h1>'
    )


def test_a_title_without_parts_or_another_heading_is_left_alone() -> None:
    body = "<h1>某局年度报告</h1>"
    assert breakable_title(body, ("某局年度报告",)) == body  # retitled by hand: no parts
    assert breakable_title(body, title_parts("某局", 2021, KIND)) == body  # the parts spell another title


def test_the_sanitiser_keeps_the_break_opportunities() -> None:
    page = pages.page("t", '<h1 class="nb-parted">某局<wbr>2021年</h1>').decode("utf-8")
    assert '<h1 class="nb-parted">某局<wbr>2021年</h1>' in page
