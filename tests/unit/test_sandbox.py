"""The placeholder sandbox: only the report's figures and the project's filter, within bounds, and every
value escaped once where it is inserted."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from nianbao.errors import TemplateError
from nianbao.notebook import sandbox
from nianbao.notebook.narrative import render, render_prose

CONTEXT: dict[str, Any] = {
    "active": {
        "total": 17,
        "categories": [{"name": "机构职能", "count": 4}, {"name": "<b>其它</b>", "count": 13}],
    },
    "agency": {"name": "三元区<script>alert(1)</script>民政局", "note": "A & B"},
    "fees": {"collected": Decimal("12.50")},
    "words": ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"],
}


def refused(source: str, prose: bool = False) -> str:
    with pytest.raises(TemplateError) as caught:
        (render_prose if prose else render)(source, CONTEXT, where="模板")
    return caught.value.render()


@pytest.mark.parametrize(
    "name",
    ["lipsum", "cycler", "joiner", "namespace", "range", "dict", "self", "caller", "varargs", "kwargs"],
)
def test_jinja_globals_and_special_names_are_unknown_placeholders(name: str) -> None:
    assert refused(f"{{{{ {name} }}}}") == f"模板: 占位符无法填写：没有名为 {name} 的数字或文字"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("{{ agency.name.upper }}", "upper"),
        ("{{ active.keys }}", "keys"),
        ("{{ active.items }}", "items"),
        ("{{ active.__class__ }}", "__class__"),
        ("{{ active.categories.pop }}", "pop"),
        ("{{ agency.name[0] }}", "0"),
        ("{{ words[10] }}", "10"),
        ("{% for c in active.categories %}{{ loop.cycle }}{% endfor %}", "cycle"),
    ],
)
def test_only_data_can_be_read_no_python_attribute(source: str, name: str) -> None:
    assert refused(source) == f"模板: 占位符无法填写：没有名为 {name} 的数字或文字"


@pytest.mark.parametrize(
    "source",
    [
        "{{ agency.name.upper() }}",
        "{{ range(3) }}",
        "{% set x = 1 %}",
        "{% with x = 1 %}{{ x }}{% endwith %}",
        "{% macro m() %}{% endmacro %}",
        "{% include 'other' %}",
        "{% extends 'other' %}",
        "{% block b %}{% endblock %}",
        "{% filter upper %}x{% endfilter %}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ 'x' * 1000000000 }}",
        "{{ words * 1000000000 }}",
        "{{ '%999999999d' % 1 }}",
        "{{ words[0:2] }}",
        "{% for w in words recursive %}{{ loop(words) }}{% endfor %}",
        "{{ {'a': 1} }}",
    ],
)
def test_calls_assignments_and_unbounded_operations_are_refused(source: str) -> None:
    message = refused(source)
    assert message.startswith(
        "模板: 占位符只能引用数字和文字（如 {{ active.total }}），可用 {% if %} 和 {% for %}"
    )


def test_a_filter_other_than_the_projects_is_a_syntax_error() -> None:
    assert refused("{{ agency.name | upper }}") == "模板: 占位符写法错误（第 1 行）：No filter named 'upper'."
    assert refused("{{ words | _bounded }}") == "模板: 占位符无法填写：没有名为 _bounded 的数字或文字"


def test_a_group_of_figures_is_not_printed_as_python() -> None:
    assert (
        refused("{{ active }}")
        == "模板: 占位符无法填写：这是一组数字或文字，请写出其中的一项（如 active.total）"
    )
    assert refused("{{ words }}").endswith("请写出其中的一项（如 active.total）")


def test_loops_are_bounded() -> None:
    nested = "{% for a in words %}" * 5 + "x" + "{% endfor %}" * 5  # 10⁵ steps
    assert refused(nested) == f"模板: 占位符无法填写：循环超过 {sandbox.MAX_ITERATIONS} 次"
    # Bounds are per piece of text: the next render starts from zero.
    assert render("{% for a in words %}{{ a }}{% endfor %}", CONTEXT, where="模板") == "甲乙丙丁戊己庚辛壬癸"


def test_output_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 50)
    long = "{% for a in words %}{% for b in words %}{{ a }}{% endfor %}{% endfor %}"  # 100 characters
    assert refused(long) == "模板: 占位符无法填写：展开后超过 50 个字符"


def test_values_are_escaped_once_and_template_html_is_kept() -> None:
    assert render("<b>{{ agency.name }}</b>", CONTEXT, where="模板") == (
        "<b>三元区&lt;script&gt;alert(1)&lt;/script&gt;民政局</b>"
    )
    assert render("{{ agency.note }}", CONTEXT, where="模板") == "A &amp; B"


def test_html_typed_in_prose_is_text_and_its_values_are_not_escaped_twice() -> None:
    prose = render_prose("<i>注</i>：{{ agency.note }} > 引用", CONTEXT, where="narrative.md")
    assert prose == "&lt;i>注&lt;/i>：A &amp; B > 引用"
    # Put into a template cell, the prose is already safe: not escaped again.
    assert render("{{ prose }}", {"prose": prose}, where="模板") == str(prose)


def test_the_projects_filter_and_loop_fields_work() -> None:
    source = (
        "{% for c in active.categories %}{{ loop.index }}.{{ c.name }}"
        "{{ '；' if not loop.last else '。' }}{% endfor %}"
    )
    assert render(source, CONTEXT, where="模板") == "1.机构职能；2.&lt;b&gt;其它&lt;/b&gt;。"
    assert render("{{ fees.collected | money }}", CONTEXT, where="模板") == "12.5元"
    assert re.fullmatch(
        r"模板: 占位符中的计算无法进行：money 只能用于金额.*", refused("{{ agency.name | money }}")
    )


def test_builds_of_the_same_text_are_identical() -> None:
    source = "{{ agency.name }}{% for c in active.categories %}{{ c.count }}{% endfor %}"
    assert render(source, CONTEXT, where="模板") == render(source, dict(CONTEXT), where="模板")
