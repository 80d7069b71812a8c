"""The writers of the data files nianbao creates (`authoring/serialize.py`): whatever a name holds, it is
read back as itself, never adds a key and never ends a comment. Property-based: any string, derandomized."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.authoring.serialize import (
    Quoted,
    html_comment,
    html_comment_text,
    noted,
    one_line,
    same_keys,
    scalar,
    yaml_comment,
    yaml_note,
)
from nianbao.inputs.prose import COMMENT

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=300)
# Any text, and text made of what attacks a line-based file: breaks of every kind, YAML's indicators,
# the ends of comments, a NUL and other characters YAML refuses.
PIECES = [
    *("\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\t"),
    *("\x00", "\x01", "\x1b", "\x7f", "\ufeff", "\ufffe", "\ue000"),
    *("#", ":", " ", "-", "->", "-->", "--!>", "<!--", "'", '"', "\\", "!", "&", "*", "{", "}", "[", "]"),
    *("|", ">", "%", "@", "`", "?", "as_printed: true", "active.total: 424242", "  - x"),
    *("yes", "null", "~", "2018-01-30", "0x1F", "1e3", "机构职能", "待填"),
]
ANY_TEXT = st.one_of(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.text())
KEY = ANY_TEXT.filter(lambda text: len(text) <= 200)  # YAML's implicit keys end at 1,024 characters


def load(text: str) -> Any:
    return yaml.safe_load(text)


@PROPERTY
@given(ANY_TEXT)
def test_a_comment_of_any_text_adds_no_key_and_ends_with_its_lines(text: str) -> None:
    lines = yaml_comment(text)
    assert all(line.startswith("#") and "\n" not in line and "\r" not in line for line in lines)
    assert load("\n".join(["a: 1", *lines, "b: 2"])) == {"a": 1, "b": 2}


@PROPERTY
@given(ANY_TEXT)
def test_a_note_of_any_text_stays_on_its_line(text: str) -> None:
    note = yaml_note(text)
    assert note.startswith("  # ") and one_line(text) == note.removeprefix("  # ")
    assert load(f"a: 1{note}\nb: 2\n") == {"a": 1, "b": 2}


@PROPERTY
@given(ANY_TEXT)
def test_any_value_is_one_line_read_back_as_itself(text: str) -> None:
    shown = scalar(text)
    assert "\n" not in shown and "\r" not in shown
    assert load(f"a: {shown}\nb: 2\n") == {"a": text, "b": 2}
    assert load(f"a: {scalar(Quoted(text))}\n") == {"a": text}


@PROPERTY
@given(KEY, ANY_TEXT)
def test_any_name_is_one_key_read_back_as_itself(name: str, note: str) -> None:
    tree = {"active": {"categories": {Quoted(name): ("待填", note)}}, "report": {"number": (7, note)}}
    text = same_keys("\n".join([*yaml_comment(note), *noted(tree)]) + "\n", tree)
    assert load(text) == {"active": {"categories": {name: "待填"}}, "report": {"number": 7}}


@PROPERTY
@given(ANY_TEXT)
def test_no_text_closes_an_html_comment(text: str) -> None:
    comment = html_comment(text)
    assert "--" not in html_comment_text(text)
    assert comment.startswith("<!-- ") and comment.endswith(" -->")
    assert "-->" not in comment[4:-3] and "--!>" not in comment[4:-3]
    assert COMMENT.sub("", f"{comment}\n# 概述\n") == "\n# 概述\n"  # how narrative.md drops comments


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("待填", "待填"),
        (Quoted("机构职能"), '"机构职能"'),
        (Quoted("一、“规章”"), '"一、“规章”"'),
        (0, "0"),
        (Decimal("8.36"), "8.36"),
        (Decimal("251000"), "251000"),
        ("active.total", "active.total"),
        ("yes", "'yes'"),  # else YAML 1.1 reads a boolean
        ("a\nas_printed: true", '"a\\nas_printed: true"'),
    ],
)
def test_ordinary_data_is_written_as_before_and_odd_data_quoted(value: Any, shown: str) -> None:
    assert scalar(value) == shown


def test_the_comment_writer_keeps_ordinary_lines_and_neutralises_the_rest() -> None:
    assert yaml_comment("三元区民政局 2018 年度\n格式：pre2019") == [
        "# 三元区民政局 2018 年度",
        "# 格式：pre2019",
    ]
    assert yaml_comment("a\x00b\u2028c") == ["# a\ufffdb", "# c"]
    assert yaml_note("名\nas_printed: true") == "  # 名 as_printed: true"
    assert html_comment("局\n-->x --!> <!-- ---") == "<!-- 局\n—>x —!> <!— —- -->"


def test_a_tree_that_reads_back_otherwise_is_never_returned() -> None:
    with pytest.raises(ValueError, match="does not hold the keys given"):
        same_keys("a: 1\nb: 2\n", {"a": 1})
