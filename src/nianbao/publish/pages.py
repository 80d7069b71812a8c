"""One way from data to HTML, for every page the project writes (report, district summary, index).

1. A data value is escaped once, where it is inserted: page templates and the narrative's placeholders
   autoescape, and what is already HTML (a drawn table, a chart, rendered Markdown) is `Markup`, so it is
   never escaped twice. HTML typed in data therefore shows as text.
2. Markdown — the template's wording and the agencies' prose, whose data was escaped by step 1 — becomes
   HTML through one renderer, `markdown`.
3. The assembled body passes one allow-list sanitiser, nh3, before it is put into the page's own frame
   (`<head>`, the CSS): no script, event handler, style sheet, frame or external resource, and links only
   where the link policy (`links.py`) allows them, whatever a bug upstream let through.
A Markdown link the policy refuses is shown as its text (`page_renderer`), as the PDF and Word show it.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any

import jinja2
import nh3
from markupsafe import Markup
from mistune.plugins import import_plugin

from nianbao import links
from nianbao.paths import TEMPLATES_DIR

LANGUAGE = "zh-CN"  # the frame is our own template (page.html.j2), so the full tag, not nbconvert's "zh"
CSS = TEMPLATES_DIR / "nianbao" / "report.css"

TEXT_TAGS = {"p", "br", "div", "span", "strong", "em", "b", "i", "u", "sup", "sub", "hr", "blockquote"}
TEXT_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "a", "code", "pre"}
TEXT_TAGS |= {"del"}  # Markdown's ~~strikethrough~~
TEXT_TAGS |= {"wbr"}  # where a title may break (`export.breakable_title`)
TABLE_TAGS = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
PAGE_TAGS = {"main", "figure", "figcaption"}
# The charts: matplotlib's SVG with text drawn as paths. No <text>, <image>, <foreignObject>, <a>, <style>.
SVG_TAGS = {"svg", "g", "path", "defs", "use", "clipPath", "rect"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class"},
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "svg": {
        "width",
        "height",
        "viewBox",
        "version",
        "role",
        "aria-label",
    },  # aria-label: its text alternative
    "g": {"id", "transform", "clip-path", "style"},
    "path": {"id", "d", "transform", "clip-path", "style"},
    "use": {"href", "x", "y", "transform", "style"},
    "clipPath": {"id"},
    "rect": {"x", "y", "width", "height"},
}
# Elements removed with everything inside them (nh3 keeps the text of other removed elements).
DROPPED_WHOLE = {"script", "style", "metadata", "template", "noscript", "iframe", "object", "title"}


def _attribute(tag: str, name: str, value: str, *, beside: bool = False) -> str | None:
    """What nh3's allow-list can't say by name: links go where the link policy allows (and, with `beside`,
    to the pages below this one, as the index's do); a chart's parts refer to the chart only."""
    if name == "href":
        if tag == "use":
            return value if value.startswith("#") else None
        if links.outside(value) is not None or (beside and links.beside(value)):
            return value
        return None
    if name in {"style", "clip-path"} and ("url(" in value.replace("url(#", "") or "\\" in value):
        return None  # CSS could load a remote resource
    return value


def sanitise(body: str, *, beside: bool = False) -> str:
    """The allow-list every page body passes: what is not on it is removed (data was escaped earlier).
    `beside`: the page may link to the pages below its folder (the index)."""
    return nh3.clean(
        body,
        tags=TEXT_TAGS | TABLE_TAGS | PAGE_TAGS | SVG_TAGS,
        clean_content_tags=DROPPED_WHOLE,
        attributes=ATTRIBUTES,
        attribute_filter=partial(_attribute, beside=beside),
        url_schemes=set(links.SCHEMES),
        link_rel=None,  # the pages open no new windows, so rel="noopener" would be noise
        strip_comments=True,
    )


def markdown(source: str) -> Markup:
    """Markdown → HTML. Raw HTML in `source` is kept: it is the template's own (`<div class="signature">`);
    data inside it was escaped where it was inserted. Web addresses in text are marked (`page_renderer`)."""
    # nbconvert's Markdown (as its exporter renders notebooks), imported here: importing nbconvert costs
    # half a second, which the index page (a no-op `make reports` writes it) need not pay.
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer = page_renderer()(escape=False, exclude_anchor_links=True)
    plugins = [import_plugin(name) for name in markdown_plugins()]
    return Markup(MarkdownWithMath(renderer=renderer, plugins=plugins).render(source))


@cache
def page_renderer() -> Any:
    """nbconvert's renderer, with each web address in running text marked `<span class="nb-url">` (so a
    long address may break anywhere instead of stretching a justified line) and a link the link policy
    refuses shown as its text; made on first use, as nbconvert is imported then."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class PageRenderer(IPythonRenderer):
        def text(self, text: str) -> str:
            # The stylesheet lets a marked address break anywhere (`.nb-url`), so it does not move whole
            # to the next line and leave the justified line before it spread wide.
            marked: str = links.IN_TEXT.sub(
                lambda m: f'<span class="nb-url">{m[0]}</span>', super().text(text)
            )
            return marked

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if links.outside(url) is None:
                return text  # already rendered: its escaped text and inline markup, no <a>
            shown: str = super().link(text, url, title)
            return shown

    return PageRenderer


@cache
def markdown_plugins() -> tuple[str, ...]:
    """nbconvert's Markdown plugins minus "url": a bare URL followed by Chinese text has no space to end
    it, so the autolinker would swallow the rest of the sentence into the link."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    return tuple(p for p in MarkdownWithMath.DEFAULT_PLUGINS if p != "url")


@cache
def environment() -> jinja2.Environment:
    """The page templates (`templates/pages`): every inserted value is escaped unless it is `Markup`."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "pages")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_body(template: str, context: dict[str, Any]) -> str:
    """A page's body from its template in `templates/pages`."""
    return environment().get_template(template).render(context)


def page(title: str, body: str, *, beside: bool = False, wide: bool = False) -> bytes:
    """The whole page: the sanitised body in the reports' frame, CSS inlined, nothing loaded from outside.
    `beside`: the page links to the pages below its folder (the index, `links.beside`); `wide`: on a
    screen it takes the window's width rather than an A4 sheet's (the index, a dashboard)."""
    frame = environment().get_template("page.html.j2")
    css = Markup(CSS.read_text(encoding="utf-8"))
    body = Markup(sanitise(body, beside=beside))
    html = frame.render(language=LANGUAGE, title=title, css=css, body=body, wide=wide)
    return html.encode("utf-8")
