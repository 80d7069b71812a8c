"""The one table of output kinds: every file published beside an executed notebook, a report's or the
district summary's alike, `OUTPUTS`.

Each kind is made from the finished notebook (`FinishedNotebook`): the public HTML page through nianbao's
own nbconvert template, and the document (`publish.document`) that PDF and Word set, read from the
notebook (never from the HTML). Adding an output kind is one entry here: the build, its record, the
batch's up-to-date check and the summary follow from it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, cached_property
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape
from nbconvert import HTMLExporter
from traitlets.config import Config

from nianbao.notebook.tags import REVIEW_TAG as REVIEW_TAG  # its name here since the HTML was all
from nianbao.paths import TEMPLATES_DIR
from nianbao.publish import pages, pdf, word
from nianbao.publish.document import Document, from_notebook


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


def to_html(notebook: Any, title_parts: Sequence[str] = ()) -> bytes:
    """Step 5: the public page. Only markdown and rich outputs are rendered (see the template), then the
    body goes through the pages' sanitiser and frame. `title_parts`: where the title may break
    (`Document.title_in_parts`)."""
    body, _ = exporter().from_notebook_node(notebook, resources={"metadata": {"name": "report"}})
    return pages.page(str(notebook.metadata.get("title", "")), breakable_title(str(body), title_parts))


def breakable_title(body: str, parts: Sequence[str]) -> str:
    """The page's title with a break opportunity (<wbr>) between its parts and nowhere else: the style
    sheet keeps Chinese words whole in it (`word-break: keep-all`), so a phone breaks 示例局2021年 /
    政府信息公开工作年度报告, never 年政 / 府."""
    if len(parts) < 2:
        return body  # no parts (a title retitled by hand): the browser breaks it where it must
    whole = f"<h1>{escape(''.join(parts))}</h1>"
    parted = Markup('<h1 class="nb-parted">{}</h1>').format(Markup("<wbr>").join(escape(p) for p in parts))
    return body.replace(whole, parted, 1)


class FinishedNotebook:
    """An executed notebook (a report's or the summary's) as published: its page by nbconvert, its
    document read once."""

    def __init__(self, notebook: Any) -> None:
        self.notebook = notebook

    def page(self) -> bytes:
        return to_html(self.notebook, self.document().title_in_parts)

    def document(self) -> Document:
        return self._document

    @cached_property
    def _document(self) -> Document:
        return from_notebook(self.notebook)


def to_pdf(source: FinishedNotebook) -> bytes:
    document = source.document()
    return pdf.render(document, author=document.author)


def to_docx(source: FinishedNotebook) -> bytes:
    """The Word file for sign-off (审签) (`publish.word`)."""
    return word.to_docx(source.document())


OutputKind = Callable[[FinishedNotebook], bytes]

# Output kind (the file's suffix) → how its file is made, for reports and summaries alike, in the order they
# are made (the page first): `report.html`, `report.pdf`, … and `summary.html`, `summary.pdf`, ….
OUTPUTS: dict[str, OutputKind] = {
    "html": lambda source: source.page(),
    "pdf": to_pdf,
    "docx": to_docx,
}
REPORT, SUMMARY = "report", "summary"  # the stems of their file names


def file_names(stem: str) -> list[str]:
    """The published files of a report (`REPORT`) or a summary (`SUMMARY`), in the order they are made."""
    return [f"{stem}.{kind}" for kind in OUTPUTS]


def made(stem: str, source: FinishedNotebook) -> dict[str, bytes]:
    """Every published file of `source`, by file name."""
    return {f"{stem}.{kind}": make(source) for kind, make in OUTPUTS.items()}
