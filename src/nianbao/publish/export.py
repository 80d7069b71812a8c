"""Executed notebook → HTML: one self-contained page through nianbao's own nbconvert template."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import pass_context
from nbconvert import HTMLExporter
from traitlets.config import Config

from nianbao.paths import TEMPLATES_DIR
from nianbao.publish import pages

REVIEW_TAG = "nianbao-review"  # cells for reviewers only: kept in the executed notebook, left out of the HTML


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter with the pages' one Markdown renderer (Chinese prose, no autolinker)."""

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        return str(pages.markdown(source))


@cache
def exporter() -> ReportExporter:
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = "nianbao"
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    # nbconvert accepts "zh", not "zh-CN" (it would fall back to English); its <html> is not published:
    # the page's frame (pages.page) writes pages.LANGUAGE.
    config.HTMLExporter.language_code = "zh"
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {REVIEW_TAG}
    return ReportExporter(config=config)  # type: ignore[no-untyped-call]


def to_html(notebook: Any) -> bytes:
    """Step 5: the public page. Only markdown and rich outputs are rendered (see the template), then the
    body goes through the pages' sanitiser and frame."""
    body, _ = exporter().from_notebook_node(notebook, resources={"metadata": {"name": "report"}})
    return pages.page(str(notebook.metadata.get("title", "")), str(body))
