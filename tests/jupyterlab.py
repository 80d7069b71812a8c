"""JupyterLab as a reviewer opens an executed report (`report.ipynb`, untrusted): what it keeps of an
output's HTML, how it styles tables, and how its Markdown renderer links web addresses.

The allow-list is JupyterLab's own, restated here for tests: `packages/apputils/src/sanitizer.ts` of
jupyterlab/jupyterlab (read at commit 00bc244605004b0dc8900aed7d4ab670a63efeba; the bundle of JupyterLab
4.6.6 in our development set, `share/jupyter/lab/static/jlab_core.*.js`, carries the same rules). It runs
sanitize-html with `allowedStyles['*']`: each declaration of a `style` attribute is kept only if its
property is listed and one of the property's regular expressions matches its value; the others are
dropped one by one. Each expression is built as `new RegExp('^' + r + '$', 'i')` and applied with
`.test()`, so an alternation at its top level is anchored at one end only, as restated here.
Only the value expressions of the properties our tables use are restated (`VALUES`); a property on the
list whose expression is not restated fails the check, so a new property has to be looked up first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

# ---- sanitizer.ts, class CssProp: the building blocks (N, B, A, _COLOR, C) of the value expressions
NUMBER = r"[+-]?([0-9]*[.])?[0-9]+(e-?[0-9]*)?"
NUMBER_POS = r"[+]?([0-9]*[.])?[0-9]+(e-?[0-9]*)?"
UNITS = "px|em|rem|ex|in|cm|mm|pt|pc"
LENGTH = rf"({NUMBER}({UNITS})|0)"
LENGTH_POS = rf"({NUMBER_POS}({UNITS})|0)"
LEN_OR_PERC = rf"(0|{NUMBER}({UNITS}|%))"
PERCENTAGE = rf"{NUMBER}%"
PERCENTAGE_POS = rf"{NUMBER_POS}%"
BORDER_STYLE = "none|hidden|dotted|dashed|solid|double|groove|ridge|inset|outset"
ABSOLUTE_SIZE = "xx-small|x-small|small|medium|large|x-large|xx-large"
HEX = r"\#(0x)?[0-9a-f]+"
RGB = r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)"
# The named colours are left out: our styles write colours in hex, and a name fails the check.
COLOR = f"{HEX}|{RGB}"
BORDER_WIDTH = f"thin|medium|thick|{LENGTH}"
MARGIN_WIDTH = f"{LEN_OR_PERC}|auto"
PADDING_WIDTH = f"{LENGTH_POS}|{PERCENTAGE_POS}"

# ---- the value expressions (CssProp.AP / CssProp._CP) of the properties our tables' styles use
VALUES: dict[str, str] = {
    "border": rf"(({BORDER_WIDTH}|{BORDER_STYLE}|{COLOR})\s*){{1,3}}",
    "border-collapse": "collapse|separate",
    "background-color": COLOR,
    "color": COLOR,
    "font-size": f"{ABSOLUTE_SIZE}|smaller|larger|{LENGTH_POS}|{PERCENTAGE_POS}",
    "font-weight": "normal|bold|bolder|lighter|100|200|300|400|500|600|700|800|900",
    "line-height": f"normal|{NUMBER_POS}|{LENGTH_POS}|{PERCENTAGE_POS}",
    "margin": rf"(({MARGIN_WIDTH})\s*){{1,4}}",
    "margin-left": MARGIN_WIDTH,
    "margin-right": MARGIN_WIDTH,
    "min-width": f"{LENGTH_POS}|{PERCENTAGE_POS}|auto",
    "padding": rf"(({PADDING_WIDTH})\s*){{1,4}}",
    "padding-left": PADDING_WIDTH,
    "table-layout": "auto|fixed",
    "text-align": "left|right|center|justify",
    "vertical-align": f"baseline|sub|super|top|text-top|middle|bottom|text-bottom|{LEN_OR_PERC}",
    "white-space": "normal|pre|nowrap|pre-wrap|pre-line",
    "width": f"{LENGTH_POS}|{PERCENTAGE_POS}|auto",
}

# ---- sanitizer.ts, allowedStyles['*']: every property JupyterLab keeps (whatever its value)
_LISTED = """
    backface-visibility background background-attachment background-clip background-color
    background-image background-origin background-position background-repeat background-size border
    border-bottom border-bottom-color border-bottom-left-radius border-bottom-right-radius
    border-bottom-style border-bottom-width border-collapse border-color border-left border-left-color
    border-left-style border-left-width border-radius border-right border-right-color border-right-style
    border-right-width border-spacing border-style border-top border-top-color border-top-left-radius
    border-top-right-radius border-top-style border-top-width border-width bottom box box-shadow
    box-sizing caption-side clear clip color cursor direction display display-inside display-outside
    elevation empty-cells float font font-family font-size font-stretch font-style font-variant
    font-weight height left letter-spacing line-height list-style list-style-image list-style-position
    list-style-type margin margin-bottom margin-left margin-right margin-top max-height max-width
    min-height min-width opacity outline outline-color outline-style outline-width overflow
    overflow-wrap overflow-x overflow-y padding padding-bottom padding-left padding-right padding-top
    page-break-after page-break-before page-break-inside pause-after perspective pitch pitch-range
    position quotes resize richness right speak speak-header speak-numeral speak-punctuation
    speech-rate stress table-layout text-align text-decoration text-indent text-overflow text-shadow
    text-transform text-wrap top unicode-bidi vertical-align visibility volume white-space width
    word-break word-spacing word-wrap z-index zoom
"""
ALLOWED_PROPERTIES = frozenset(_LISTED.split())
# sanitizer.ts, allowedAttributes: what table elements keep besides `style` and `class` ('*').
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class", "dir", "draggable", "hidden", "id", "inert", "itemprop", "itemref"})
    | frozenset({"itemscope", "lang", "spellcheck", "style", "title", "translate"}),
    "table": frozenset({"align", "bgcolor", "border", "cellpadding", "cellspacing", "frame", "rules"})
    | frozenset({"summary", "width"}),
    "td": frozenset({"abbr", "align", "axis", "bgcolor", "char", "charoff", "colspan", "headers"})
    | frozenset({"height", "nowrap", "rowspan", "scope", "valign", "width"}),
    "tr": frozenset({"align", "bgcolor", "char", "charoff", "valign"}),
}
ALLOWED_ATTRIBUTES["th"] = ALLOWED_ATTRIBUTES["td"]
for _section in ("thead", "tbody", "tfoot"):
    ALLOWED_ATTRIBUTES[_section] = frozenset({"align", "char", "charoff", "valign"})

# JupyterLab's own rules for tables in a rendered output (packages/rendermime/style/base.css, as in the
# 4.6.6 bundle): no borders, every cell right-aligned, a fixed table layout.
TABLE_CSS = """
.jp-RenderedHTMLCommon table { border-collapse: collapse; border-spacing: 0; border: none;
  font-size: 13px; table-layout: fixed; margin-left: auto; margin-bottom: 1em; margin-right: auto; }
.jp-OutputArea-output.jp-RenderedHTMLCommon table { margin-left: 0; margin-right: 0; }
.jp-RenderedHTMLCommon thead { border-bottom: 1px solid #616161; vertical-align: bottom; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon tr {
  vertical-align: middle; padding: 0.5em; line-height: normal; white-space: normal; max-width: none;
  border: none; }
:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td, :not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon th,
:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon tr { text-align: right; }
.jp-RenderedHTMLCommon th { font-weight: bold; }
.jp-RenderedHTMLCommon tbody tr:nth-child(odd) { background: #fff; }
.jp-RenderedHTMLCommon tbody tr:nth-child(even) { background: #f5f5f5; }
"""


@cache
def _expression(prop: str) -> re.Pattern[str]:
    return re.compile(f"^{VALUES[prop]}$", re.IGNORECASE)


def declarations(style: str) -> list[tuple[str, str]]:
    """A `style` attribute's declarations (property, value), as sanitize-html's CSS parser reads them."""
    found = []
    for part in style.split(";"):
        if part.strip():
            prop, _, value = part.partition(":")
            found.append((prop.strip(), value.strip()))
    return found


def kept(prop: str, value: str) -> bool:
    """Whether JupyterLab keeps the declaration `prop: value`. A listed property whose expression is not
    restated in VALUES is a KeyError: look it up in sanitizer.ts first."""
    if prop not in ALLOWED_PROPERTIES:
        return False
    return _expression(prop).search(value) is not None


def sanitised_style(style: str) -> str:
    """The `style` attribute as JupyterLab writes it back: the kept declarations, `prop:value;…`."""
    return ";".join(f"{prop}:{value}" for prop, value in declarations(style) if kept(prop, value))


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of `html`: (tag, attributes)."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def dropped(html: str) -> list[str]:
    """What JupyterLab's sanitizer would drop of a table's HTML: attributes off its list, declarations of
    `style` it does not keep. Empty: the table shows as written."""
    lost = []
    for tag, attributes in elements(html):
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
        lost += [f"<{tag} {name}>" for name in attributes if name not in allowed]
        for prop, value in declarations(attributes.get("style", "")):
            if not kept(prop, value):
                lost.append(f"<{tag} style> {prop}: {value}")
    return lost


# ---- JupyterLab's Markdown renderer: the `marked` it bundles, run with Node


def marked_chunk() -> Path | None:
    """The chunk of JupyterLab's bundle that holds `marked` (a module with no imports), if installed."""
    static = Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    for chunk in sorted(static.glob("*.js")):
        head = chunk.read_bytes()[:400]
        if b"rspackChunk" in head and b"gfm:!0" in head and b"_backpedal" in chunk.read_bytes():
            return chunk
    return None


RUN_MARKED = r"""
const fs = require('fs');
globalThis.self = globalThis;
eval(fs.readFileSync(process.argv[1], 'utf8'));
const modules = self.rspackChunk_jupyterlab_application_top[0][1];
const exported = {};
const require_ = {
  r: () => {},
  d: (target, getters) => {
    for (const key in getters) Object.defineProperty(target, key, {enumerable: true, get: getters[key]});
  },
  o: (object, key) => Object.prototype.hasOwnProperty.call(object, key),
};
modules[Object.keys(modules)[0]]({exports: exported}, exported, require_);
process.stdout.write(exported.marked.parse(fs.readFileSync(0, 'utf8'), {gfm: true}));
"""


def jupyterlab_markdown(source: str) -> str | None:
    """`source` rendered by JupyterLab's own `marked` (GFM, as its Markdown cells are), or None when Node
    or JupyterLab's bundle is not installed."""
    node, chunk = shutil.which("node"), marked_chunk()
    if node is None or chunk is None:
        return None
    done = subprocess.run(
        [node, "-e", RUN_MARKED, str(chunk)],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout
