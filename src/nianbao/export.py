"""Executed notebook → HTML: one self-contained page through nianbao's own nbconvert template."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import pass_context
from mistune.plugins import import_plugin
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config import Config

from nianbao.paths import TEMPLATES_DIR

LANGUAGE = "zh"  # nbconvert accepts "zh", not "zh-CN" (it would fall back to English)
# nbconvert's plugins minus "url": a bare URL followed by Chinese text has no space to end it, so the
# autolinker would swallow the rest of the sentence into the link.
MARKDOWN_PLUGINS = tuple(p for p in MarkdownWithMath.DEFAULT_PLUGINS if p != "url")


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter with Markdown that suits Chinese prose."""

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        renderer = IPythonRenderer(escape=False, exclude_anchor_links=True)
        plugins = [import_plugin(name) for name in MARKDOWN_PLUGINS]
        return str(MarkdownWithMath(renderer=renderer, plugins=plugins).render(source))


@cache
def exporter() -> ReportExporter:
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = "nianbao"
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = LANGUAGE
    return ReportExporter(config=config)  # type: ignore[no-untyped-call]


def to_html(notebook: Any) -> bytes:
    """Step 5: the public page. Only markdown and rich outputs are rendered (see the template)."""
    body, _ = exporter().from_notebook_node(notebook, resources={"metadata": {"name": "report"}})
    return str(body).encode("utf-8")
