"""Hostile saved pages for `nianbao import` (issue 24), run as a clerk runs it: the CLI in a process.

Each refused page gives its exact one-line message, exit status 1, no traceback, within `SECONDS` (the
process is killed otherwise: a hang or a memory blow-up fails the case), and leaves `data/`, `params/`,
`notebooks/` and `output/` as they were. Each hostile page that still holds a good report (an entity bomb
in its DOCTYPE, its tables nested in layout tables, a byte order mark) imports exactly what the clean page
imports. The pages are built from the hand-made portal page of shili 2021 (tests/fixtures/portal/).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project
from tests.functional.test_hostile_input import SECONDS, entries

GOOD = (ROOT / "tests/fixtures/portal/gb2021-gb2312.html").read_bytes()  # shili 2021, declared gb2312
WRITTEN = ("data/shili/2021/figures.yaml", "data/shili/2021/applications.csv")
BODY = b"<body>"
BODY_LINE = GOOD[: GOOD.index(BODY)].count(b"\n") + 1
FIRST_FIGURE = b'<span style="font-size:10.5pt">19</span>'  # （一）予以公开's 自然人
FIGURE_LINE = GOOD[: GOOD.index(FIRST_FIGURE)].count(b"\n") + 1


def text() -> str:
    return GOOD.decode("gb18030")


def in_body(extra: bytes) -> bytes:
    """The good page with `extra` right after its `<body>` (before its layout table)."""
    return GOOD.replace(BODY, BODY + extra, 1)


def charset(label: str) -> bytes:
    return GOOD.replace(b"charset=gb2312", b"charset=" + label.encode(), 1)


def huge_spans() -> bytes:
    """170 KB of cells each claiming 1000 columns and 1000 rows: billions of slots, expanded."""
    row = b"<tr>" + b'<td colspan="1000" rowspan="1000">1</td>' * 100 + b"</tr>\n"
    return in_body(b"<table>" + row * 40 + b"</table>")


def nested(levels: int) -> bytes:
    return in_body(b"<table><tr><td>" * levels)


def with_nul() -> bytes:
    return GOOD.replace(FIRST_FIGURE, FIRST_FIGURE.replace(b"19", b"1\x009"), 1)


def with_escape() -> bytes:
    """A figure holding a terminal escape sequence: quoted in the message, it must not colour the screen."""
    return GOOD.replace(FIRST_FIGURE, FIRST_FIGURE.replace(b"19", b"1\x1b[31m9"), 1)


def entity_bomb() -> bytes:
    doctype = GOOD.split(b"\n", 1)[0]
    laughs = b"".join(
        b'<!ENTITY l%d "%s">' % (i + 1, (b"&l%d;" % i) * 10) for i in range(9)
    )  # l9 would be 10^9 characters
    hostile = b'<!DOCTYPE html [<!ENTITY l0 "ha">' + laughs + b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return GOOD.replace(doctype, hostile, 1).replace(BODY, BODY + b"<p>&l9;&x;</p>", 1)


def utf16(bom: bool) -> bytes:
    return ("\ufeff" if bom else "").encode("utf-16-le") + text().encode("utf-16-le")


def declared_utf16() -> bytes:
    """UTF-8 bytes declaring UTF-16: HTML reads a declaration found in ASCII bytes as UTF-8."""
    return text().replace("charset=gb2312", "charset=UTF-16").encode("utf-8")


def malformed() -> bytes:
    """Stray end tags, a cell outside any row, unquoted and broken attributes, an unclosed table."""
    junk = b"</table></tr><td colspan=x rowspan=-3>stray</td><tr colspan=\"'><p <b>"
    return in_body(junk).replace(b"</body>", b"<table><tr><td rowspan=0>unclosed</body>", 1)


@dataclass(frozen=True)
class Refused:
    id: str
    message: str  # the first line of stderr, after "错误："
    page: Callable[[], bytes]


REFUSED = [
    Refused(
        "spans-170-kb-of-colspan-and-rowspan-1000",
        "page.html: 网页中的表格太大：合并单元格（rowspan、colspan）展开后超过 50000 格，"
        f"超出处在第 1 个表格（网页源代码第 {BODY_LINE} 行）",
        huge_spans,
    ),
    Refused(
        "a-hundred-thousand-tiny-tables",
        "page.html: 网页中的表格太大：合并单元格（rowspan、colspan）展开后超过 50000 格，"
        "超出处在第 25001 个表格（网页源代码第 1 行）",  # each: one slot and one row
        lambda: b"<table><tr><td>1</td></tr></table>" * 100_000,
    ),
    *(
        Refused(
            f"charset-{label}",
            f"page.html: 网页声明的字符编码“{label}”不是网页可用的字符编码"
            "（应为 UTF-8、GBK/GB2312、GB18030、Big5 等）",
            functools.partial(charset, label),
        )
        for label in ("rot13", "base64", "undefined", "hex", "zlib", "utf8mb4", "hz-gb-2312")
    ),
    Refused(
        "six-megabytes",
        "page.html: 文件太大：超过 5 MB，不像是数据文件",
        lambda: GOOD.replace(b"</body>", b"<!--" + b"x" * (6 * 1024 * 1024) + b"--></body>", 1),
    ),
    Refused(
        "a-nul-byte-in-a-figure",
        f"page.html: 网页第 {FIGURE_LINE} 行有空字符（U+0000）：这不是保存下来的网页文本",
        with_nul,
    ),
    Refused(
        "utf16-without-its-byte-order-mark",
        "page.html: 网页第 1 行有空字符（U+0000）：这不是保存下来的网页文本",
        lambda: utf16(bom=False),
    ),
    Refused(
        "a-picture-named-html",
        "page.html: 网页第 3 行有空字符（U+0000）：这不是保存下来的网页文本",  # after \r\n and \x1a\n
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    ),
    Refused(
        "text-without-a-table",
        "page.html: 这个文件中没有表格：应是保存下来的年度报告网页，表二、表三、表四是网页上的表格",
        lambda: "示例局 2021 年政府信息公开工作年度报告（正文）\n".encode() * 20,
    ),
    Refused("empty", "page.html: 这个文件不是网页（没有可读的 HTML 内容）", lambda: b""),
    Refused(
        "tables-nested-20000-deep",
        "page.html: 网页源代码第 1 行起的内容无法读取：元素嵌套超过 256 层（表格套表格、div 套 div），"
        "或一段文字超过 10 MB",
        lambda: b"<table><tr><td>" * 20_000 + GOOD,
    ),
    Refused(
        "a-utf8-byte-order-mark-on-gbk-bytes",
        "page.html: 网页开头的字节顺序标记（BOM）表明编码是 UTF-8，但内容不是这种编码",
        lambda: b"\xef\xbb\xbf" + GOOD,
    ),
    Refused(
        "a-terminal-escape-in-a-figure",
        f"page.html: 网页源代码第 {FIGURE_LINE} 行“（一）予以公开”的“自然人”应为非负整数，"
        '实际为 "1\ufffd[31m9"',
        with_escape,
    ),
]

ACCEPTED = {
    "an-entity-bomb-and-an-external-entity": entity_bomb,
    "utf16-with-its-byte-order-mark": lambda: utf16(bom=True),
    "a-utf16-declaration-on-utf8-bytes": declared_utf16,
    "the-alias-x-gbk-in-capitals": lambda: charset(" X-GBK"),
    "inside-80-layout-tables-with-a-typo-rowspan": lambda: nested(80).replace(
        b"<table><tr><td>", b'<table><tr><td rowspan="2000" colspan="0">', 1
    ),
    "malformed-markup-around-the-tables": malformed,
}


def run_import(root: Path, name: str = "page.html") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "import", "--", name, "shili", "2021"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=SECONDS,  # a hang, or a grid expanded without end, fails here
        env={**os.environ, "NIANBAO_DEBUG": ""},
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The sample project without shili 2021's figures, so that an import could write them."""
    project = copy_project(tmp_path / "project")
    for name in WRITTEN:
        (project / name).unlink()
    return project


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What the good page imports, file by file."""
    project = copy_project(tmp_path_factory.mktemp("clean") / "project")
    for name in WRITTEN:
        (project / name).unlink()
    (project / "page.html").write_bytes(GOOD)
    done = run_import(project)
    assert done.returncode == 0, done.stderr
    return {name: (project / name).read_bytes() for name in WRITTEN}


def test_the_corpus_ids_are_unique() -> None:
    assert len({case.id for case in REFUSED}) == len(REFUSED)


@pytest.mark.parametrize("case", REFUSED, ids=[case.id for case in REFUSED])
def test_a_hostile_page_is_refused_with_one_message_in_seconds_writing_nothing(
    case: Refused, root: Path
) -> None:
    (root / "page.html").write_bytes(case.page())
    before = entries(root)

    done = run_import(root)

    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "\x1b" not in done.stderr
    assert done.stderr.splitlines()[0] == f"错误：{case.message}"
    assert entries(root) == before


@pytest.mark.parametrize("make", ACCEPTED.values(), ids=list(ACCEPTED))
def test_a_hostile_page_holding_a_good_report_imports_what_the_clean_page_does(
    make: Callable[[], bytes], root: Path, clean: dict[str, bytes]
) -> None:
    (root / "page.html").write_bytes(make())

    done = run_import(root)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert {name: (root / name).read_bytes() for name in WRITTEN} == clean


def test_a_page_name_too_long_for_the_system_is_one_message(root: Path) -> None:
    name = "年报" * 100 + ".html"  # 600 bytes in UTF-8: more than a file name may have
    before = entries(root)

    done = run_import(root, name)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"错误：{name}: 无法读取这个网页文件：File name too long"
    assert entries(root) == before
