"""A published document as blocks, for exporters that are not HTML (PDF, Word).

`from_notebook` reads a finished notebook the way its page shows it — the Markdown cells' headings,
paragraphs and lists, every table (its model, `drawing.table_model`) and chart (SVG and PNG) in order —
without parsing the page. Reviewers' cells are left out, as the page leaves them out. The template's own
HTML blocks (`<div class="doc-number">`, `<div class="signature">`) become the document's 文号 and
signature; the report's date is the notebook's (its metadata, beside the title), never read back out of
the signature's text. Text is plain (HTML entities, which placeholders carry because data is escaped where
it is inserted, are decoded); inline emphasis and links are kept as spans.

`from_markdown` gives the blocks of one Markdown text, for documents built outside a notebook (the Word
form a clerk writes the narrative in).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import mistune
from mistune.plugins import import_plugin

from nianbao.drawing import outputs
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.table_model import Table
from nianbao.notebook.tags import DATE_KEY, REVIEW_TAG, TITLE_PARTS_KEY
from nianbao.publish.pages import markdown_plugins

# The template's HTML blocks that carry parts of the document (class → role); any other HTML block is
# a bug of the template, since an exporter could not show it.
ROLE_PATTERN = re.compile(r'^<div class="(doc-number|signature)">(.*)</div>$', re.DOTALL)
LINE_BREAK = re.compile(r"<br\s*/?>")


@dataclass(frozen=True)
class Span:
    """A run of text with one look."""

    text: str
    strong: bool = False
    emphasis: bool = False
    code: bool = False
    # the address of a link as written; each renderer links it only where `links.outside` allows
    link: str | None = None


@dataclass(frozen=True)
class Heading:
    level: int  # 1: the title; 2: 一、…; 3: （一）…
    text: str


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Items:
    """A bulleted or numbered list; each item is its paragraphs."""

    ordered: bool
    items: tuple[tuple[Paragraph, ...], ...]


Block = Heading | Paragraph | Items | Table | Chart


@dataclass(frozen=True)
class Document:
    title: str
    number: str | None  # 文号, above the title
    blocks: tuple[Block, ...]
    signature: tuple[str, ...] = field(default=())  # the lines at the foot as printed: agency, date
    # The document's date (2018-01-30), which its files carry as theirs (created, modified); None: undated.
    date: dt.date | None = None
    # The title in the parts a printed title may break between (`figures.derived.title_parts`).
    title_parts: tuple[str, ...] = ()

    @property
    def title_in_parts(self) -> tuple[str, ...]:
        """The title's parts, which spell it exactly; the title whole when they do not (none given, or
        the title retitled since): a break is never put where no part ends."""
        return self.title_parts if "".join(self.title_parts) == self.title else (self.title,)

    @property
    def author(self) -> str:
        """Who signs it: the signature's first line (the agency, or the district's office)."""
        return self.signature[0] if self.signature else ""

    @property
    def headings(self) -> list[Heading]:
        return [block for block in self.blocks if isinstance(block, Heading)]


def from_notebook(notebook: Any) -> Document:
    """The document a finished notebook publishes (an nbformat node or its JSON dict)."""
    number: str | None = None
    signature: tuple[str, ...] = ()
    blocks: list[Block] = []
    for cell in notebook["cells"]:
        if REVIEW_TAG in cell.get("metadata", {}).get("tags", ()):
            continue
        if cell["cell_type"] == "markdown":
            for block in _markdown_blocks(_source(cell["source"])):
                if isinstance(block, _Role):
                    if block.role == "doc-number":
                        number = block.lines[0] if block.lines else None
                    else:
                        signature = block.lines
                else:
                    blocks.append(block)
        elif cell["cell_type"] == "code":
            blocks.extend(_pieces(cell["outputs"]))
    title = str(notebook["metadata"].get("title", ""))
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        title, blocks = blocks[0].text, blocks[1:]
    date = notebook["metadata"].get(DATE_KEY)
    parts = notebook["metadata"].get(TITLE_PARTS_KEY) or ()
    return Document(
        title,
        number,
        tuple(blocks),
        signature,
        dt.date.fromisoformat(date) if date else None,
        tuple(str(part) for part in parts),
    )


def from_markdown(source: str) -> list[Heading | Paragraph | Items]:
    """The blocks of a Markdown text (no HTML blocks allowed: agency prose carries none that shows)."""
    found: list[Heading | Paragraph | Items] = []
    for block in _markdown_blocks(source):
        if isinstance(block, _Role):
            raise ValueError(f"an HTML block in prose: {block.role}")  # a bug: prose is sanitised text
        found.append(block)
    return found


@dataclass(frozen=True)
class _Role:
    role: str
    lines: tuple[str, ...]


def _pieces(cell_outputs: Sequence[Mapping[str, Any]]) -> Iterator[Table | Chart]:
    for output in cell_outputs:
        piece = outputs.piece_of(output)
        if piece is not None:
            yield piece
        elif outputs.HTML_MIMETYPE in output.get("data", {}):
            # The page shows it, a document could not: every rich output the template makes is a table
            # or a chart with its model.
            raise ValueError("an HTML output without a table model")


@cache
def _parser() -> mistune.Markdown:
    plugins = [import_plugin(name) for name in markdown_plugins()]
    return mistune.create_markdown(renderer="ast", plugins=plugins)


def _markdown_blocks(source: str) -> Iterator[Heading | Paragraph | Items | _Role]:
    tokens: list[dict[str, Any]] = _parser()(source)  # type: ignore[assignment]
    for token in tokens:
        kind = token["type"]
        if kind == "heading":
            yield Heading(int(token["attrs"]["level"]), _plain(token["children"]))
        elif kind in ("paragraph", "block_text"):
            yield Paragraph(tuple(_spans(token["children"])))
        elif kind == "list":
            yield _items(token)
        elif kind == "block_html":
            yield _role(token["raw"])
        elif kind in ("blank_line", "thematic_break"):
            continue
        else:  # quotes, code blocks, maths: nothing the template or agency prose uses yet
            yield Paragraph((Span(_plain(token.get("children", [])) or token.get("raw", "")),))


def _items(token: Mapping[str, Any]) -> Items:
    items = []
    for item in token["children"]:
        paragraphs = [
            Paragraph(tuple(_spans(child["children"])))
            for child in item["children"]
            if child["type"] in ("paragraph", "block_text")
        ]
        items.append(tuple(paragraphs))
    return Items(bool(token["attrs"].get("ordered")), tuple(items))


def _role(raw: str) -> _Role:
    found = ROLE_PATTERN.match(raw.strip())
    if found is None:
        raise ValueError(f"an HTML block a document cannot show: {raw[:60]!r}")  # a bug of the template
    lines = tuple(html.unescape(line).strip() for line in LINE_BREAK.split(found.group(2)))
    return _Role(found.group(1), tuple(line for line in lines if line))


def _spans(children: Sequence[Mapping[str, Any]], **look: Any) -> Iterator[Span]:
    for child in children:
        kind = child["type"]
        if kind == "text":
            yield Span(html.unescape(child["raw"]), **look)
        elif kind == "codespan":
            yield Span(html.unescape(child["raw"]), code=True, **look)
        elif kind == "strong":
            yield from _spans(child["children"], **{**look, "strong": True})
        elif kind == "emphasis":
            yield from _spans(child["children"], **{**look, "emphasis": True})
        elif kind == "link":
            yield from _spans(child["children"], **{**look, "link": child["attrs"]["url"]})
        elif kind == "linebreak":
            yield Span("\n", **look)
        elif kind == "softbreak":
            continue  # Chinese prose: a line break inside a paragraph is no space
        elif "children" in child:
            yield from _spans(child["children"], **look)
        elif "raw" in child and kind != "inline_html":
            yield Span(html.unescape(child["raw"]), **look)


def _plain(children: Sequence[Mapping[str, Any]]) -> str:
    return "".join(span.text for span in _spans(children))


def _source(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)
