"""The agency's prose (narrative.md) and the placeholders of the template and the prose."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from nianbao.errors import DataError, TemplateError
from nianbao.formats import ReportFormat
from nianbao.inputs.prose import parse_narrative
from nianbao.notebook.narrative import render, rendered_sections, section_context

NARRATIVE = """\
<!-- 说明：每个一级标题是一段。
     文中可以用 {{ active.total }} 这样的占位符。 -->

# 概述

2017年，{{ agency.self_reference }}落实年度任务，
制定了实施方案。

## 小标题留在正文中

English words
stay on their lines.

# 存在的主要问题

一是认识不够；
二是力量偏弱。

# 改进措施

加强培训。<!-- 行内注释 -->

# 需要说明的其他情况

无。
"""


def parse(text: str, fmt: ReportFormat) -> dict[str, str]:
    return parse_narrative(text, fmt, where="data/minzheng/2017/narrative.md")


# ---------------------------------------------------------------- parse_narrative


def test_parse_splits_at_level_one_headings(pre2019: ReportFormat) -> None:
    parts = parse(NARRATIVE, pre2019)
    assert list(parts) == ["overview", "problems", "improvements", "other_notes"]
    assert parts["problems"] == "一是认识不够；二是力量偏弱。"
    assert parts["improvements"] == "加强培训。"
    assert parts["other_notes"] == "无。"


def test_parse_keeps_lower_headings_and_placeholders_in_the_text(pre2019: ReportFormat) -> None:
    overview = parse(NARRATIVE, pre2019)["overview"]
    assert overview.startswith("2017年，{{ agency.self_reference }}落实年度任务，制定了实施方案。")
    assert "\n\n## 小标题留在正文中\n\n" in overview
    assert overview.endswith("English words\nstay on their lines.")


def test_parse_strips_html_comments(pre2019: ReportFormat) -> None:
    parts = parse(NARRATIVE, pre2019)
    assert not any("<!--" in text or "说明" in text or "行内注释" in text for text in parts.values())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("第一行，\n第二行", "第一行，第二行", id="between-chinese-joined"),
        pytest.param("第一行\n第二行", "第一行第二行", id="between-hanzi-joined"),
        pytest.param("English\nline", "English\nline", id="between-latin-kept"),
        pytest.param("共17\n条", "共17\n条", id="digit-then-chinese-kept"),
        pytest.param("第一段。\n\n第二段。", "第一段。\n\n第二段。", id="paragraph-break-kept"),
    ],
)
def test_parse_joins_soft_breaks_only_between_chinese(
    pre2019: ReportFormat, body: str, expected: str
) -> None:
    text = NARRATIVE.replace("无。", body)
    assert parse(text, pre2019)["other_notes"] == expected


@pytest.mark.parametrize(
    "heading",
    ["#概述", "#   概述   ", "# 概述\t"],
    ids=["no-space", "extra-spaces", "trailing-tab"],
)
def test_parse_tolerates_spacing_in_headings(pre2019: ReportFormat, heading: str) -> None:
    parts = parse(NARRATIVE.replace("# 概述", heading), pre2019)
    assert parts["overview"].startswith("2017年")


def test_parse_sample_narrative(pre2019: ReportFormat, project_dir: Path) -> None:
    text = (project_dir / "data/minzheng/2017/narrative.md").read_text(encoding="utf-8")
    parts = parse(text, pre2019)
    assert list(parts) == ["overview", "problems", "improvements", "other_notes"]
    assert "落实全区政务公开年度任务分解要求，制定了本局政务公开工作实施方案" in parts["overview"]
    assert parts["other_notes"] == "无。"


def test_unknown_heading_suggests_the_closest(pre2019: ReportFormat) -> None:
    text = NARRATIVE.replace("# 存在的主要问题", "# 存在的问题")
    with pytest.raises(
        DataError, match=re.escape("未知的一级标题 “# 存在的问题”（是不是 存在的主要问题？）；应为：概述、")
    ) as caught:
        parse(text, pre2019)
    assert caught.value.path == "data/minzheng/2017/narrative.md"


def test_unknown_heading_without_a_close_match(pre2019: ReportFormat) -> None:
    with pytest.raises(DataError, match=r"未知的一级标题 “# 工作回顾”；应为：概述、存在的主要问题") as caught:
        parse(NARRATIVE.replace("# 概述", "# 工作回顾"), pre2019)
    assert "是不是" not in caught.value.message


def test_duplicate_heading(pre2019: ReportFormat) -> None:
    with pytest.raises(DataError, match=re.escape("一级标题 “# 改进措施” 出现了两次")):
        parse(NARRATIVE + "\n# 改进措施\n\n再写一遍。\n", pre2019)


@pytest.mark.parametrize(
    ("removed", "message"),
    [
        pytest.param("# 改进措施\n\n加强培训。", "缺少一级标题：# 改进措施$", id="one"),
        pytest.param(
            NARRATIVE[NARRATIVE.index("# 存在的主要问题") :],
            "缺少一级标题：# 存在的主要问题、# 改进措施、# 需要说明的其他情况$",
            id="three-in-format-order",
        ),
    ],
)
def test_missing_heading(pre2019: ReportFormat, removed: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse(NARRATIVE.replace(removed, ""), pre2019)


def test_text_before_the_first_heading(pre2019: ReportFormat) -> None:
    with pytest.raises(
        DataError, match=re.escape("第一个一级标题之前有文字；每段文字都应放在一个一级标题（# 概述）之下")
    ):
        parse("前言一段。\n\n" + NARRATIVE, pre2019)


@pytest.mark.parametrize("text", ["", "\n", "<!-- 还没写 -->\n"], ids=["empty", "blank-line", "comment-only"])
def test_narrative_without_any_heading_is_a_data_error(pre2019: ReportFormat, text: str) -> None:
    with pytest.raises(DataError, match="缺少一级标题：# 概述、# 存在的主要问题"):
        parse(text, pre2019)


# ---------------------------------------------------------------- render

CONTEXT: dict[str, Any] = {
    "active": {"total": 17},
    "cumulative": {"active": {"total": 192}},
    "fees": {"collected": Decimal("12.50"), "waived": Decimal(0)},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("共{{ active.total }}条", "共17条", id="placeholder"),
        pytest.param("累计{{cumulative.active.total}}条", "累计192条", id="nested-no-spaces"),
        pytest.param("{% if active.total %}有{% else %}无{% endif %}", "有", id="condition"),
        pytest.param("{{ fees.collected | money }}", "12.5元", id="money-filter"),
        pytest.param("{% if fees.waived %}减免{% endif %}", "", id="zero-amount-is-false"),
        pytest.param("末尾换行\n", "末尾换行\n", id="keeps-trailing-newline"),
        pytest.param("<b>{{ active.total }}</b>", "<b>17</b>", id="markdown-html-not-escaped"),
    ],
)
def test_render(source: str, expected: str) -> None:
    assert render(source, CONTEXT, where="模板") == expected


@pytest.mark.parametrize(
    ("source", "name"),
    [
        pytest.param("共{{ active.totl }}条", "totl", id="misspelt-attribute"),
        pytest.param("{{ apply.total }}", "apply", id="unknown-top-level-name"),
        pytest.param("{% if nothing %}x{% endif %}", "nothing", id="unknown-in-condition"),
    ],
)
def test_render_unknown_placeholder_names_it(source: str, name: str) -> None:
    with pytest.raises(
        TemplateError, match=re.escape(f"占位符无法填写：没有名为 {name} 的数字或文字")
    ) as caught:
        render(source, CONTEXT, where="notebooks/annual_report.ipynb 第 5 个单元格")
    assert caught.value.path == "notebooks/annual_report.ipynb 第 5 个单元格"


@pytest.mark.parametrize(
    "source",
    ["共{{ active.total 条", "{% if %}x{% endif %}", "{% if active.total %}没有结束"],
    ids=["unclosed-placeholder", "empty-condition", "unclosed-if"],
)
def test_render_syntax_error(source: str) -> None:
    with pytest.raises(TemplateError, match=re.escape("占位符写法错误（第 1 行）：")):
        render(source, CONTEXT, where="模板")


def test_render_syntax_error_names_the_line() -> None:
    with pytest.raises(TemplateError, match=re.escape("占位符写法错误（第 3 行）")):
        render("第一行\n第二行\n{{ active.total }", CONTEXT, where="模板")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "占位符无法填写：没有名为 __class__ 的数字或文字"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "占位符只能引用数字和文字"),
        ("{{ active.__class__ }}", "占位符无法填写：没有名为 __class__ 的数字或文字"),
        ("{{ active.total.__class__.__base__ }}", "占位符无法填写：没有名为 __class__ 的数字或文字"),
    ],
    ids=["str-mro", "object-subclasses", "dict-class", "int-base"],
)
def test_render_sandbox_refuses_python_internals(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match="^" + re.escape(f"模板: {message}")) as caught:
        render(source, CONTEXT, where="模板")
    assert "<class" not in str(caught.value)


@pytest.mark.parametrize(
    "source",
    ["{{ active.total / 0 }}", "{{ active.total + report }}"],
    ids=["division-by-zero", "text-plus-number"],
)
def test_render_arithmetic_in_a_placeholder_is_a_template_error(source: str) -> None:
    context = {**CONTEXT, "report": "标题"}
    with pytest.raises(TemplateError, match=re.escape("占位符中的计算无法进行：")):
        render(source, context, where="模板")


# ---------------------------------------------------------------- section headings and numbering


def test_rendered_sections_in_order_of_appearance(pre2019: ReportFormat) -> None:
    cells = [
        "# {{ report.title }}",
        "## {{ sections.active }}\n\n正文提到 {{ sections.fees }} 不算标题",
        "### {{sections.overview}}",
    ]
    assert rendered_sections(cells, pre2019, where="模板") == ["active", "overview"]


def test_section_context_numbers_in_chinese(pre2019: ReportFormat) -> None:
    ids = ["overview", "active", "apply", "fees", "review_litigation", "problems", "notes_appendix"]
    context = section_context(ids, pre2019)
    assert context["sections"] == {
        "overview": "一、概述",
        "active": "二、主动公开政府信息情况",
        "apply": "三、依申请公开政府信息办理情况",
        "fees": "四、政府信息公开的收费及减免情况",
        "review_litigation": "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "problems": "六、主要问题及改进情况",
        "notes_appendix": "七、需要说明的事项与附表",
    }
    assert context["part_count"] == "七"
    assert context["parts"].startswith("概述，主动公开政府信息情况，依申请公开")


def test_section_context_follows_the_template_not_the_format(pre2019: ReportFormat) -> None:
    context = section_context(["active", "overview"], pre2019)
    assert context == {
        "sections": {"active": "一、主动公开政府信息情况", "overview": "二、概述"},
        "parts": "主动公开政府信息情况，概述",
        "part_count": "二",
    }


def test_unknown_section_id_suggests_the_closest(pre2019: ReportFormat) -> None:
    with pytest.raises(
        TemplateError,
        match=re.escape("模板中的 {{ sections.overveiw }} 不是格式 pre2019 的部分（是不是 overview？）"),
    ):
        rendered_sections(["## {{ sections.overveiw }}"], pre2019, where="模板")


def test_section_heading_twice(pre2019: ReportFormat) -> None:
    with pytest.raises(TemplateError, match=re.escape("部分 sections.fees 的标题在模板中出现了两次")):
        rendered_sections(["## {{ sections.fees }}", "## {{ sections.fees }}"], pre2019, where="模板")
