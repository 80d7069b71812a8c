"""The placeholder sandbox: what `{{ … }}` and `{% … %}` in the template and in agencies' prose may do.

Prose is data a clerk typed, so the language is cut down to reading the report's figures:
- names are the report's figures only (`Figures.context()`): Jinja's globals (`range`, `lipsum`, `cycler`,
  `namespace`, …), tests and special names (`self`, `caller`, …) are gone, and filters are the project's;
- `.name` and `[key]` read keys of the figures (and items of their lists, and `loop.index`-style fields),
  never a Python attribute, so no method or object address can reach the page;
- `{% if %}`, `{% for %}`, comparisons, arithmetic and `~`; no calls, assignments, macros, blocks,
  includes or `**`, and no repetition of text by `*` or `%`;
- at most `MAX_ITERATIONS` loop steps and `MAX_OUTPUT` characters for one piece of text.
Every inserted value is HTML-escaped (autoescape); values that are already HTML are `Markup`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from nianbao.figures import numbers
from nianbao.figures.absent import Absent, AbsentFigureError, Names

MAX_ITERATIONS = 10_000  # loop steps in one piece of text (a report's loops take a few dozen)
MAX_OUTPUT = 200_000  # characters one piece of text may expand to (a whole report is about 10,000)
LOOP_FIELDS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
SPECIAL_NAMES = frozenset({"self", "caller", "varargs", "kwargs"})
ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.If,
    nodes.For,
    nodes.Filter,
    nodes.Keyword,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.CondExpr,
    nodes.Concat,
    nodes.List,
    nodes.Tuple,
)
BOUNDED = "_bounded"  # the filter every loop's iterable is wrapped in


class PlaceholderError(Exception):
    """A placeholder outside the sandbox's bounds: a special name, a group printed, too many steps."""


_steps: contextvars.ContextVar[list[int]] = contextvars.ContextVar("steps")


def _bounded(iterable: Iterable[Any]) -> Iterator[Any]:
    counter = _steps.get()
    for item in iterable:
        counter[0] += 1
        if counter[0] > MAX_ITERATIONS:
            raise PlaceholderError(f"循环超过 {MAX_ITERATIONS} 次")
        yield item


def _money(value: Any) -> str:
    """`{{ fees.collected | money }}`: an amount (or a count) in 元."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"money 只能用于金额，这里是 {value!r}")
    return numbers.money(Decimal(value))


def _printable(value: Any) -> Any:
    """What a placeholder prints is a number or a text, never a group of them (a Python repr)."""
    if isinstance(value, Mapping | list | tuple | LoopContext):
        raise PlaceholderError("这是一组数字或文字，请写出其中的一项（如 active.total）")
    if isinstance(value, Absent):  # a figure this report does not have: say why
        raise AbsentFigureError(value.message)
    return value


class PlaceholderEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, narrowed to reading data (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "%"})

    def __init__(self) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True, finalize=_printable
        )
        self.globals.clear()
        self.tests.clear()
        # Amounts stay numbers in the context, so `{% if fees.collected %}` works; `money` prints them.
        self.filters = {"money": _money, BOUNDED: _bounded}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, LoopContext) and attribute in LOOP_FIELDS:
            return getattr(obj, attribute)
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, jinja2.Undefined):
            return obj  # `apply.total` with no `apply`: the message names `apply`
        if isinstance(obj, Absent):
            return obj.child(argument)  # the deeper name's own words, when it has some
        try:
            if isinstance(obj, Mapping) and argument in obj:
                return obj[argument]
        except TypeError:  # an unhashable key
            pass
        if isinstance(obj, list | tuple) and type(argument) is int and -len(obj) <= argument < len(obj):
            return obj[argument]
        absent = obj.absent(argument) if isinstance(obj, Names) else None
        return absent if absent is not None else self.undefined(obj=obj, name=argument)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if isinstance(left, str | Sequence) or isinstance(right, str | Sequence):
            raise SecurityError(f"{operator} on text")  # "x" * 10**9, "%999999999d" % 1
        return super().call_binop(context, operator, left, right)


_ENV = PlaceholderEnvironment()


def check(tree: nodes.Node) -> None:
    """Refuse every construct outside the cut-down language, before anything runs."""
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Name) and node.name in SPECIAL_NAMES:
            raise PlaceholderError(f"没有名为 {node.name} 的数字或文字")
        if not isinstance(node, ALLOWED_NODES) or (isinstance(node, nodes.For) and node.recursive):
            raise SecurityError(type(node).__name__)
        if isinstance(node, nodes.Filter) and node.name == BOUNDED:
            raise PlaceholderError(f"没有名为 {BOUNDED} 的数字或文字")


def _escape_text(text: str) -> str:
    """Typed text as HTML text. Only `&` and `<` can start markup; `>` stays for Markdown's quotes."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


@lru_cache(maxsize=512)
def compiled(source: str, literal_is_data: bool) -> jinja2.Template:
    """A batch fills the same template cells for every report: check and compile each text once."""
    tree = _ENV.parse(source)
    check(tree)
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, BOUNDED, [], [], None, None, lineno=loop.lineno)
    if literal_is_data:
        for data in tree.find_all(nodes.TemplateData):
            data.data = _escape_text(data.data)
    return _ENV.from_string(tree)


def render(source: str, context: Mapping[str, Any], literal_is_data: bool) -> str:
    """Fill one text's placeholders within the bounds. `literal_is_data`: the text around the
    placeholders was typed by a clerk (escaped like a value), not written in the template."""
    template = compiled(source, literal_is_data)
    token = _steps.set([0])
    try:
        pieces, size = [], 0
        for piece in template.generate(dict(context)):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise PlaceholderError(f"展开后超过 {MAX_OUTPUT} 个字符")
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _steps.reset(token)
