"""Text of the data files nianbao writes for clerks (figures.yaml, opening.yaml, narrative.md): every
key, value and comment made by a serializer, never by joining the data into the text.

A profile's name, a category's name or the name of an imported page is data, and may hold anything: a
line break followed by `as_printed: true`, a `-->`. Here
- a YAML key or value is written by PyYAML's safe emitter, on one line (a string with a line break in
  it is double-quoted, its breaks escaped), so it is read back as exactly itself, never as more keys;
- a YAML comment is written a comment line per line of its text, each beginning with `#`; a note beside
  a value is one line; characters YAML refuses anywhere in a file (controls, U+FFFE) become U+FFFD;
- an HTML comment (narrative.md's) never holds `--`, so nothing in it can close it (`-->`, `--!>`).

Ordinary data is written as it always was: `机构职能` double-quoted as a category's name, `待填` and
numbers plain, the comments as they read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml

# What YAML calls a line break (`\x85`, U+2028 and U+2029 too), and what `str.splitlines` also splits at.
BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Characters a YAML file may not hold anywhere, comments included (YAML 1.1's printable set; a NUL would
# even end a comment early in PyYAML's scanner).
NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"
HTML_COMMENT_DASHES = "—"  # what `--` becomes inside an HTML comment (as `-->` became `—>` before)


class Quoted(str):
    """A key or value to write double-quoted (`"机构职能"`): a name from the data, read back as text even
    when it looks like a number, a date or `yes`."""

    __slots__ = ()


class Dumper(yaml.SafeDumper):
    """Safe YAML with Decimal amounts written as plain numbers (8.36, 251000)."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    return dumper.represent_scalar(
        "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text
    )


Dumper.add_representer(Decimal, _decimal)


def dump(content: Mapping[str, Any]) -> str:
    """A whole mapping as block YAML, in its own order, Chinese as it is."""
    return yaml.dump(dict(content), Dumper=Dumper, allow_unicode=True, sort_keys=False, width=math.inf)


def scalar(value: str | int | Decimal) -> str:
    """One key or value as YAML text on one line: plain when YAML reads it back as itself, quoted else;
    double-quoted when it is `Quoted` or holds a line break."""
    style = '"' if isinstance(value, Quoted) or (isinstance(value, str) and BREAKS.search(value)) else None
    shown = str(value) if isinstance(value, Quoted) else value
    text = yaml.dump(
        [shown],
        Dumper=Dumper,
        default_flow_style=True,
        default_style=style if isinstance(value, str) else None,
        allow_unicode=True,
        width=math.inf,
    )
    if not (text.startswith("[") and text.endswith("]\n")) or "\n" in text[1:-2]:
        raise ValueError(f"{value!r} is not one line of YAML: {text!r}")  # a bug of this module
    return text[1:-2]


def one_line(text: str) -> str:
    """`text` as one line a YAML comment can hold: its line breaks as spaces, refused characters as
    U+FFFD."""
    return NOT_PRINTABLE.sub(REPLACEMENT, BREAKS.sub(" ", text))


def yaml_comment(text: str) -> list[str]:
    """`text` as YAML comment lines, one per line of it, each beginning with `# `."""
    return [f"# {NOT_PRINTABLE.sub(REPLACEMENT, line)}".rstrip() for line in BREAKS.split(text)]


def yaml_note(text: str) -> str:
    """A comment beside a value, on its line: `  # text`."""
    return f"  # {one_line(text)}"


def html_comment_text(text: str) -> str:
    """`text` as an HTML comment may hold it: no `--` (which `-->` and `--!>` begin with, and which
    `<!--` ends with), so the data can neither close the comment nor open another."""
    return text.replace("--", HTML_COMMENT_DASHES)


def html_comment(text: str) -> str:
    """`<!-- text -->`, the text kept as it is but for its `--`."""
    return f"<!-- {html_comment_text(text)} -->"


# A leaf of a tree written by `noted`: a value, or a value with the note written beside it.
Leaf = str | int | Decimal | tuple[str | int | Decimal, str]


def noted(tree: Mapping[str, Any], depth: int = 0) -> list[str]:
    """Nested keys as block YAML, two spaces a level, each leaf on its own line (`key: value  # note`):
    the layout clerks fill in, a figure a line with its printed label beside it."""
    indent = "  " * depth
    lines: list[str] = []
    for key, value in tree.items():
        if isinstance(value, Mapping):
            lines.append(f"{indent}{scalar(key)}:")
            lines += noted(value, depth + 1)
        elif isinstance(value, tuple):
            shown, note = value
            lines.append(f"{indent}{scalar(key)}: {scalar(shown)}{yaml_note(note)}")
        else:
            lines.append(f"{indent}{scalar(key)}: {scalar(value)}")
    return lines


def same_keys(text: str, tree: Mapping[str, Any]) -> str:
    """`text`, after making sure that YAML reads in it exactly the keys of `tree`, nested alike: a bug
    here must never write a file that says more (or less) than it was given."""
    read = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar a string: no types guessed
    if _keys(read) != _keys(tree):
        raise ValueError(f"the YAML written does not hold the keys given: {text!r}")  # a bug
    return text


def _keys(tree: Any) -> Any:
    if not isinstance(tree, Mapping):
        return None
    return {str(key): _keys(value) for key, value in tree.items()}
