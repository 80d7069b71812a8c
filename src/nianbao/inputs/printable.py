"""Text a report can carry: the one rule for characters that no output could show.

A PDF cannot set a control character (PDF/A forbids the missing glyph), XML — hence Word — cannot hold most
of them, and no font draws a noncharacter (U+FFFE, U+FFFF, U+FDD0…) or half of a surrogate pair. Such a
character is invisible in an editor, usually pasted in from another program, so it is refused where the
file is read (`files.read_text` for every text file, the YAML loader for `"\\e"`-style escapes), naming the
file, the line and the character as U+XXXX, and the text just before it (the character itself cannot be
seen). Tab and line ends are text. Private-use characters (U+E000–U+F8FF…) are characters, only not in
the fonts: the PDF's glyph check names them (`publish.pdf.check_glyphs`).
"""

from __future__ import annotations

import re
import unicodedata

from nianbao.errors import DataError

# Noncharacters: U+FDD0–U+FDEF and the last two code points of every plane.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# C0 controls but tab and line feed, DEL and C1 controls, surrogates, noncharacters.
UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{NONCHARACTERS}]")
CONTEXT = 12  # characters shown before the refused one
HINT = (
    "这个字符在编辑器里看不见，常是从网页、PDF 或其他软件复制文字时带进来的。"
    "请在记事本或 WPS 中找到提示的文字，删去紧跟其后的那个字符（或把这一处重新输入一遍）后重新运行。"
)
ESCAPE_HINT = "这个字符是用双引号中的转义写法（如 \\e、\\x1b、\\uFFFE）写出的；请删去这个转义，直接写出文字。"


def first(text: str) -> int | None:
    """Where the first character no output can carry is in `text`, or None."""
    found = UNPRINTABLE.search(text)
    return found.start() if found else None


def what(char: str) -> str:
    """The character as a message names it: its kind and U+XXXX."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) == "Cc":
        return f"不可打印的控制字符 {code}"
    if unicodedata.category(char) == "Cs":
        return f"不成对的代理码位 {code}（不是一个完整的字符）"
    return f"非字符 {code}（Unicode 中不表示任何文字的码位）"


def problem(value: str) -> str | None:
    """What is wrong with `value` (the first character no output can carry, and the text just before it
    on its line), as a message's words; None when every character can be carried. For a reader that names
    the place itself (a form's cell)."""
    at = first(value)
    if at is None:
        return None
    tail = value[:at].rsplit("\n", 1)[-1][-CONTEXT:]
    after = f"，在“{tail}”之后" if tail.strip() else ""
    return f"含有{what(value[at])}{after}；报告（网页、PDF、Word）中不能有这种字符"


def check_file(text: str, where: str) -> None:
    """Refuse a file's text holding a character no output can carry, naming its line (from 1)."""
    at = first(text)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        start = text.rfind("\n", 0, at) + 1
        check_value(text[start : at + 1], where, line)


def check_value(value: str, where: str, line: int | None, hint: str = HINT) -> None:
    """Refuse one value (a line of a file; a YAML scalar after its escapes), naming the line where it is
    written."""
    found = problem(value)
    if found is not None:
        at = f"第 {line} 行：" if line is not None else ""
        raise DataError(f"{at}{found}", path=where, hint=hint)
