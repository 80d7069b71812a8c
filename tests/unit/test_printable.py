"""Text no output can carry (`inputs/printable.py`) is refused where a file is read, naming the line and the
character as U+XXXX; private-use characters reach the PDF's missing-glyph message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nianbao.errors import DataError
from nianbao.inputs import printable
from nianbao.inputs.files import read_text, read_yaml
from nianbao.publish import pdf
from nianbao.publish.document import Document, Paragraph, Span

WHY = "；报告（网页、PDF、Word）中不能有这种字符"


def refused(tmp_path: Path, raw: bytes, name: str = "narrative.md") -> DataError:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(DataError) as caught:
        read_yaml(path, name) if name.endswith(".yaml") else read_text(path, name)
    return caught.value


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\x00", "不可打印的控制字符 U+0000"),
        ("\x1b", "不可打印的控制字符 U+001B"),
        ("\x0b", "不可打印的控制字符 U+000B"),
        ("\x0c", "不可打印的控制字符 U+000C"),
        ("\x7f", "不可打印的控制字符 U+007F"),
        ("\x85", "不可打印的控制字符 U+0085"),
        ("\x9f", "不可打印的控制字符 U+009F"),
        ("\ufffe", "非字符 U+FFFE（Unicode 中不表示任何文字的码位）"),
        ("\uffff", "非字符 U+FFFF（Unicode 中不表示任何文字的码位）"),
        ("\ufdd0", "非字符 U+FDD0（Unicode 中不表示任何文字的码位）"),
        ("\U0010ffff", "非字符 U+10FFFF（Unicode 中不表示任何文字的码位）"),
    ],
)
def test_a_narrative_line_with_a_character_no_output_can_carry_is_refused(
    tmp_path: Path, char: str, what: str
) -> None:
    raw = f"# 总体情况\n\n本机关依照{char}条例公开信息。\n".encode()
    error = refused(tmp_path, raw)
    assert error.render().splitlines()[0] == f"narrative.md: 第 3 行：含有{what}，在“本机关依照”之后{WHY}"
    assert error.hint == printable.HINT


def test_the_line_is_counted_in_the_file_as_saved_whatever_its_line_ends(tmp_path: Path) -> None:
    error = refused(tmp_path, "# 总体情况\r\n\r\n第一段。\r\n\x1b第二段。\r\n".encode())
    assert error.message == f"第 4 行：含有不可打印的控制字符 U+001B{WHY}"  # nothing before it on its line


def test_a_gbk_file_is_checked_too(tmp_path: Path) -> None:
    error = refused(tmp_path, "# 总体情况\n示例局\x7f信息。\n".encode("gbk"))
    assert error.message == f"第 2 行：含有不可打印的控制字符 U+007F，在“示例局”之后{WHY}"


def test_only_the_last_characters_before_it_are_shown(tmp_path: Path) -> None:
    error = refused(tmp_path, ("字" * 40 + "\x01").encode())
    assert error.message == f"第 1 行：含有不可打印的控制字符 U+0001，在“{'字' * 12}”之后{WHY}"


@pytest.mark.parametrize(
    ("yaml", "line", "what"),
    [
        ('name: "示例局\\e"\n', 1, "不可打印的控制字符 U+001B，在“示例局”之后"),
        ('name: 示例局\ndistrict: "\\x85示例区"\n', 2, "不可打印的控制字符 U+0085"),
        (
            'categories:\n  机构职能: 1\n  "其它\\uFFFE": 2\n',
            3,
            "非字符 U+FFFE（Unicode 中不表示任何文字的码位），在“其它”之后",
        ),
        ('name: "\\ud800"\n', 1, "不成对的代理码位 U+D800（不是一个完整的字符）"),
    ],
)
def test_a_yaml_escape_that_makes_such_a_character_is_refused(
    tmp_path: Path, yaml: str, line: int, what: str
) -> None:
    error = refused(tmp_path, yaml.encode(), "profile.yaml")
    assert error.message == f"第 {line} 行：含有{what}{WHY}"
    assert error.hint == printable.ESCAPE_HINT


def test_a_raw_control_character_in_yaml_is_named_before_yaml_parses_it(tmp_path: Path) -> None:
    error = refused(tmp_path, "name: 示例\x1b局\n".encode(), "profile.yaml")
    assert error.message == f"第 1 行：含有不可打印的控制字符 U+001B，在“name: 示例”之后{WHY}"
    assert error.hint == printable.HINT


def test_tabs_line_breaks_format_and_private_use_characters_are_text(tmp_path: Path) -> None:
    """Private use is text to the reader: whether a font has it is the PDF's question (below)."""
    text = "# 总体情况\n\t甲\u200b乙\u00ad丙\ue000丁\U000f0001。\n"
    path = tmp_path / "narrative.md"
    path.write_text(text, encoding="utf-8")
    assert read_text(path, "narrative.md") == text
    quoted = tmp_path / "p.yaml"
    quoted.write_text('name: "甲\\t乙\\n丙"\n', encoding="utf-8")
    assert read_yaml(quoted, "p.yaml") == {"name": "甲\t乙\n丙"}


@pytest.mark.parametrize("char", ["\ue000", "\uf8ff", "\U000f0000", "\U00100000"])
def test_a_private_use_character_is_named_as_a_missing_glyph_in_the_pdf(char: str) -> None:
    document = Document("标题", None, (Paragraph((Span(f"申请人{char}先生"),)),))
    code = f"U+{ord(char):04X}"
    with pytest.raises(DataError, match=re.escape(f"（{code}）无法印在 PDF 中：PDF 的字体中没有这个字")):
        pdf.render(document)


def test_a_control_character_that_reaches_the_pdf_is_named_never_printed_to_the_terminal() -> None:
    document = Document("标题", None, (Paragraph((Span("申请人\x1b[31m先生"),)),))
    with pytest.raises(DataError) as caught:
        pdf.render(document)
    assert caught.value.message == (
        "报告文字中含有不可打印的控制字符 U+001B，无法印在 PDF 中。所在的文字：“申请人[31m先生”"
    )
