"""Figures a format declares that a report may leave out (issue 27): application channels and applicant
types with their shares, 全文电子化率 in the national formats, pre2019's year-on-year changes, 咨询
shares and categories; a placeholder for a figure the report lacks says why in words."""

from __future__ import annotations

import re

import pytest

from nianbao.errors import DataError, TemplateError
from nianbao.figures.derived import Figures
from nianbao.figures.numbers import ROUNDING_NOTE
from nianbao.inputs.load import load_agency_year
from nianbao.notebook.narrative import render_prose
from nianbao.paths import Project
from nianbao.report import Report

WHERE = "data/x/narrative.md"


def derive(project: Project, agency: str, year: int) -> Figures:
    return Figures.derive(load_agency_year(project, agency, year))


def said(figures: Figures, text: str) -> str:
    return str(render_prose(text, figures.context(), where=WHERE))


def add(project: Project, agency: str, year: int, text: str) -> None:
    path = project.figures(agency, year)
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_channels_and_electronic_rate_in_a_national_year(project: Project) -> None:
    """示例局 2025 also types its channels (76 new applications: 25 in person, 50 online, 1 by letter) and
    its 全文电子化 count: the shares, the rate and the rounding note of the channels come out."""
    add(project, "shili", 2025, "apply:\n  in_person: 25\n  online: 50\n  letter_fax: 1\n")
    path = project.figures("shili", 2025)
    text = path.read_text(encoding="utf-8")
    active = "active:                      # 表二：主动公开政府信息情况\n"
    path.write_text(text.replace(active, f"{active}  total: 240\n  electronic: 236\n"), encoding="utf-8")
    figures = derive(project, "shili", 2025)
    text = (
        "当面{{ apply.in_person }}件，占{{ share.apply.in_person }}；网络占{{ share.apply.online }}；"
        "信函占{{ share.apply.letter_fax }}。{{ notes.channels }}全文电子化率{{ active.electronic_rate }}。"
    )
    assert said(figures, text) == ("当面25件，占32.89%；网络占65.79%；信函占1.32%。全文电子化率98.33%。")


def test_channels_left_out_say_so(project: Project) -> None:
    figures = derive(project, "shili", 2025)
    with pytest.raises(
        TemplateError, match="2025 年度没有填写申请渠道（当面、网络、信函传真）的占比所需的数字"
    ):
        said(figures, "网络申请占{{ share.apply.online }}")
    assert said(figures, "{% if share.apply.online %}有{% else %}无{% endif %}") == "无"
    with pytest.raises(TemplateError, match="2025 年度没有填写全文电子化率所需的数字"):
        said(figures, "{{ active.electronic_rate }}")


def test_channels_that_miss_the_new_applications_are_flagged(project: Project) -> None:
    add(project, "shili", 2025, "apply:\n  in_person: 25\n  online: 50\n  letter_fax: 0\n")
    warnings = load_agency_year(project, "shili", 2025).warnings
    assert any("规则 C1 不成立" in w and "（75 ≠ 76）" in w for w in warnings)


def test_applicant_types_share_table_threes_new_applications(project: Project) -> None:
    figures = derive(project, "shili", 2025)
    assert (
        said(
            figures,
            "自然人{{ applicant.natural.count }}件，占{{ applicant.natural.share }}；"
            "法人或其他组织{{ applicant.legal.count }}件，占{{ applicant.legal.share }}。"
            "{{ notes.applicants }}",
        )
        == "自然人51件，占67.11%；法人或其他组织25件，占32.89%。"
    )


def test_pre2019_changes_when_last_year_is_on_file(project: Project) -> None:
    figures = derive(project, "shili-jiaoyu", 2017)
    assert said(
        figures, "主动公开{{ active.total }}条，{{ yoy.active.text }}，是上年的{{ yoy.active.multiple }}倍。"
    ) == ("主动公开119条，比上年增加12条（增长11.21%），是上年的1.11倍。")


def test_pre2019_changes_without_last_year_say_why(project: Project) -> None:
    figures = derive(project, "minzheng", 2017)
    with pytest.raises(TemplateError, match="2016 年度的数据不在系统中，无法与上年相比"):
        said(figures, "{{ yoy.apply.text }}")


@pytest.mark.parametrize(
    ("agency", "year", "placeholder", "words"),
    [
        ("minzheng", 2017, "outcome.granted.share", "2017 年度格式没有（一）予以公开的占比"),
        ("minzheng", 2017, "applicant.natural.share", "2017 年度格式没有申请人类型的占比"),
        ("minzheng", 2017, "rate.completed", "2017 年度格式没有办结率"),
        ("minzheng", 2017, "yoy.new.text", "2017 年度格式没有新收政府信息公开申请与上年相比的变化"),
        ("shili", 2025, "share.reply.granted", "2025 年度格式没有各类答复的占比"),
        ("shili", 2025, "interpretation.visitors", "2025 年度格式没有政策解读现场接待"),
        ("shili", 2025, "yoy.apply.text", "2025 年度格式没有受理政府信息公开申请与上年相比的变化"),
    ],
)
def test_a_figure_the_format_does_not_declare_says_so(
    project: Project, agency: str, year: int, placeholder: str, words: str
) -> None:
    figures = derive(project, agency, year)
    with pytest.raises(TemplateError) as caught:
        said(figures, f"见{{{{ {placeholder} }}}}")
    assert caught.value.render() == f"{WHERE}: 占位符无法填写：{words}"


def test_an_unknown_name_is_still_unknown(project: Project) -> None:
    with pytest.raises(TemplateError, match="没有名为 totl 的数字或文字"):
        said(derive(project, "shili", 2025), "{{ apply.new.totl }}")


def test_consult_shares_in_pre2019(project: Project) -> None:
    add(project, "minzheng", 2017, "consult:\n  in_person: 2\n  phone: 5\n  online: 1\n")
    figures = derive(project, "minzheng", 2017)
    text = (
        "现场{{ share.consult.in_person }}，电话{{ share.consult.phone }}，网上{{ share.consult.online }}。"
    )
    assert said(figures, text + "{{ notes.consult }}") == "现场25%，电话62.5%，网上12.5%。"


def test_pre2019_without_categories_gives_its_total(project: Project) -> None:
    path = project.figures("minzheng", 2017)
    text = path.read_text(encoding="utf-8")
    listed = text[text.index("  categories:") : text.index("interpretation:")]
    path.write_text(text.replace(listed, "  total: 17\n\n"), encoding="utf-8")
    figures = derive(project, "minzheng", 2017)
    assert figures.values["active.total"] == 17 and figures.categories == ()
    assert Report(figures).category_table() is None and Report(figures).category_chart() is None
    assert figures.line("active.total").cumulative == 192
    path.write_text(text.replace(listed, "\n"), encoding="utf-8")
    with pytest.raises(
        DataError,
        match=re.escape("没有列出类别（active.categories）时，必须填写字段 active.total（主动公开文件数）"),
    ):
        load_agency_year(project, "minzheng", 2017)


def test_channel_shares_that_miss_100_have_their_own_note(project: Project) -> None:
    add(project, "shili", 2025, "apply:\n  in_person: 1\n  online: 1\n  letter_fax: 1\n")
    context = derive(project, "shili", 2025).context()
    assert context["share"]["apply"] == {"in_person": "33.33%", "online": "33.33%", "letter_fax": "33.33%"}
    assert context["notes"]["channels"] == ROUNDING_NOTE
    assert context["notes"]["applications"] == ""  # the outcomes' shares add up to 100
