"""Executed notebook → the files published beside it: every exporter in `REPORT_EXPORTS`.

The HTML page goes through nianbao's own nbconvert template. An exporter takes the finished notebook
(never the HTML) and returns the file's bytes; adding an output format is one entry here, and the build,
its record and the batch's up-to-date check follow from it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import pass_context
from nbconvert import HTMLExporter
from traitlets.config import Config

from nianbao.paths import TEMPLATES_DIR
from nianbao.publish import document, pages, pdf, word
from nianbao.publish.tags import REVIEW_TAG as REVIEW_TAG  # its name here since the HTML was all


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


def to_docx(notebook: Any) -> bytes:
    """The Word file for sign-off (审签): the document the notebook publishes (`publish.word`)."""
    return word.to_docx(document.from_notebook(notebook))


Exporter = Callable[[Any], bytes]  # the finished notebook → one published file's bytes

# File name (beside report.ipynb) → how it is made, in the order they are made.
REPORT_EXPORTS: dict[str, Exporter] = {
    "report.html": to_html,
    "report.pdf": pdf.to_pdf,
    "report.docx": to_docx,
}


def export_all(notebook: Any) -> dict[str, bytes]:
    """Step 6: every published file of a report, by file name."""
    return {name: make(notebook) for name, make in REPORT_EXPORTS.items()}
