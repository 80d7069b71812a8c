"""AddReviewNotes: the reviewers' first cell, tagged so the exporter leaves it out of the HTML."""

from __future__ import annotations

from typing import Any

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from nianbao.notebook.review import PASSED_BOX, WARNING_BOX, AddReviewNotes
from nianbao.publish.export import REVIEW_TAG, to_html

WARNING = "data/minzheng/2017/figures.yaml: 规则 W1 不成立：对申请的答复总数大于受理申请总数"


def reviewed(*warnings: str) -> Any:
    notebook = new_notebook(cells=[new_markdown_cell("正文")])
    return AddReviewNotes(warnings=list(warnings), tag=REVIEW_TAG)(notebook, {})[0]


def test_the_warnings_are_listed_in_a_first_cell() -> None:
    first, body = reviewed(WARNING, "第二条").cells
    assert first.source == (
        "<!-- 仅供审阅，不进入公开的 HTML -->\n"
        f'<div style="{WARNING_BOX}">\n\n'
        "⚠ **校验警告（2 条）**：请审阅者逐条核实，需要更正的请改正所列文件后重新生成。\n\n"
        f"- {WARNING}\n- 第二条\n\n</div>"
    )
    assert (first.id, first.metadata) == (REVIEW_TAG, {"tags": [REVIEW_TAG]})
    assert body.source == "正文"


def test_without_warnings_the_cell_says_every_rule_passed() -> None:
    assert reviewed().cells[0].source == (
        "<!-- 仅供审阅，不进入公开的 HTML -->\n"
        f'<div style="{PASSED_BOX}">\n\n✓ **校验结果**：全部规则通过，没有警告。\n\n</div>'
    )


def test_the_box_uses_only_styles_jupyterlabs_sanitiser_keeps_untrusted() -> None:
    """JupyterLab keeps an untrusted cell's `style` only for the properties on its allow-list."""
    kept = {"border-left", "background-color", "padding", "color"}
    for style in (WARNING_BOX, PASSED_BOX):
        assert {part.split(":")[0].strip() for part in style.split(";")} <= kept


def test_the_public_page_leaves_the_cell_out() -> None:
    html = to_html(reviewed(WARNING)).decode("utf-8")
    assert "正文" in html
    assert "W1" not in html
    assert "校验" not in html


def test_without_the_exporters_tag_it_is_a_bug() -> None:
    with pytest.raises(ValueError, match="needs the tag"):
        AddReviewNotes(warnings=[WARNING])(new_notebook(), {})
