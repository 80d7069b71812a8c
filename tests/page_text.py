"""A page's text as a reader reads it: headings, paragraphs and each table cell on its own, in order,
without the markup, styles or the charts' SVG (whose ids and paths are not the page's words)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "h1", "h2", "h3", "tr", "div", "li", "figure"}
HIDDEN = {"style", "script", "svg"}


class _Text(HTMLParser):
    def __init__(self, *, marked: bool) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.hidden = 0
        self.marked = marked  # a line per block, " | " before each cell

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in HIDDEN
        if self.marked and tag in BLOCKS:
            self.pieces.append("\n")
        if self.marked and tag in ("td", "th"):
            self.pieces.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in HIDDEN

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces.append(data)


def page_text(html: str) -> str:
    """One line per block or table row, stripped, blank lines left out."""
    parser = _Text(marked=True)
    parser.feed(html)
    lines = "".join(parser.pieces).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip()) + "\n"


def visible_text(html: str) -> str:
    """The page's words run together, each run of white space one space."""
    parser = _Text(marked=False)
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.pieces))
