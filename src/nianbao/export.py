"""Executed notebook → HTML: one self-contained page through nianbao's own nbconvert template."""

from __future__ import annotations

from functools import cache
from typing import Any

import bleach
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
REVIEW_TAG = "nianbao-review"  # cells for reviewers only: kept in the executed notebook, left out of the HTML

# What Markdown cells may produce once rendered. Text from data (narrative, profile) passes through the
# template's Markdown cells, so anything else — <script>, <iframe>, <img> (remote content), on… handlers,
# style attributes (CSS can load remote content) — is escaped into visible text or dropped; links keep
# only web and mail addresses.
ALLOWED_TAGS = frozenset(
    {"p", "br", "div", "span", "strong", "em", "b", "i", "u", "sup", "sub", "hr", "blockquote"}
    | {"ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
ALLOWED_ATTRIBUTES = {
    "div": ["class"],
    "span": ["class"],
    "p": ["class"],
    "a": ["href", "title"],
    "th": ["colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def sanitise(html: str) -> str:
    """Markdown's HTML with everything outside the allow-list escaped (shown as text, never run)."""
    return str(
        bleach.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=False,
            strip_comments=True,
        )
    )


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter with Markdown that suits Chinese prose."""

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        renderer = IPythonRenderer(escape=False, exclude_anchor_links=True)
        plugins = [import_plugin(name) for name in MARKDOWN_PLUGINS]
        return sanitise(str(MarkdownWithMath(renderer=renderer, plugins=plugins).render(source)))


@cache
def exporter() -> ReportExporter:
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = "nianbao"
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = LANGUAGE
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {REVIEW_TAG}
    return ReportExporter(config=config)  # type: ignore[no-untyped-call]


def to_html(notebook: Any) -> bytes:
    """Step 5: the public page. Only markdown and rich outputs are rendered (see the template)."""
    body, _ = exporter().from_notebook_node(notebook, resources={"metadata": {"name": "report"}})
    return str(body).encode("utf-8")
