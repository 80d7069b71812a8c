"""Property-based fuzzing of the Excel form's reader (issue 24): whatever a returned .xlsx holds — its
sheets', shared strings', workbook's, content types' or styles' XML mutated, its zip cut or its bytes
flipped — reading it gives a form's figures, a list of cell faults, or one user error (a `NianbaoError`):
never another exception, and never slowly (each example has a deadline). Derandomized: the same
examples every run."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import NianbaoError
from nianbao.formats import format_for_year
from nianbao.inputs.workbook import identity, open_book, read_book
from tests.conftest import ROOT
from tests.hostile_xlsx import rebuild

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=dt.timedelta(seconds=20),  # generous on a loaded machine; a hang or a blow-up fails
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
WHERE = "data/shili/2021/figures.xlsx"
# The form as LibreOffice resaves it: with a shared-string table, as Excel and WPS write one too.
BASE = (ROOT / "tests/fixtures/workbooks/shili-2021-libreoffice.xlsx").read_bytes()
PARTS = (
    "xl/worksheets/sheet3.xml",  # 表三
    "xl/worksheets/sheet5.xml",  # the hidden sheet: agency, year, format
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "[Content_Types].xml",
    "xl/styles.xml",
    "xl/_rels/workbook.xml.rels",
)
# Fragments a damaged or hostile part is made of: markup cut in two, entities, ranges and indexes out of
# bounds, cell types and values openpyxl converts, formulas, encodings.
TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</",
    b'"',
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b'<!DOCTYPE x [<!ENTITY e "e">]>',
    b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    b"&e;",
    b'<c r="A1" s="999"/>',
    b'<c r="XFD1048576" t="s"><v>99999</v></c>',
    b'<c r="B2" t="s"><v>-1</v></c>',
    b'<c r="D8" t="n"><v>1e999</v></c>',
    b'<c r="D8" t="d"><v>2021-02-30</v></c>',
    b'<c r="D8" t="b"><v>2</v></c>',
    b'<c r="D8" t="e"><v>#REF!</v></c>',
    b'<c r="D8"><f>WEBSERVICE("http://evil.example/")</f><v>1</v></c>',
    b'<c r="D8"><f t="array" ref="D8:XFD9">1</f></c>',
    b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    b'<mergeCell ref="B2:A1"/>',
    b'<mergeCell ref="A0:B2"/>',
    b'<hyperlink ref="A1:C3" r:id="rId99"/>',
    b'<row r="0">',
    b'<row r="1048577" s="99" customFormat="1">',
    b'<col min="0" max="99999" style="999"/>',
    b'r="A0"',
    b's="-1"',
    b't="inlineStr"',
    b"<si><t>=1+1</t></si>",
    b"<si><r><t>x</t></r></si>",
    '<sheet name="表三" sheetId="3" r:id="rId99"/>'.encode(),
    b'<sheet name="x" sheetId="1" state="veryHidden" r:id="rId1"/>',
    b'<Relationship Id="rId3" Type="x" Target="../../../etc/passwd"/>',
    b'<Override PartName="/xl/workbook.xml" ContentType="text/plain"/>',
    b'<cellXfs count="0"></cellXfs>',
    b'<?xml version="1.0" encoding="rot13"?>',
    b'<?xml version="1.0" encoding="UTF-16"?>',
    b"\xff\xfe",
    b"\x00",
    "＝１２".encode(),
]


def read(data: bytes) -> str:
    """Read a returned form as `make check` does: "figures", "cell faults" or "user error"."""
    fmt = format_for_year(2021)
    assert fmt is not None
    try:
        book = open_book(data, WHERE)
        identity(book, WHERE)
        figures, faults = read_book(book, WHERE, fmt, 2021)
    except NianbaoError as err:
        assert err.render().strip(), "a user error always says something"
        return "user error"
    assert figures is not None or faults
    return "figures" if figures is not None else "cell faults"


@st.composite
def mutated(draw: st.DrawFn, xml: bytes) -> bytes:
    """`xml` with one to three edits: a slice cut out, a fragment put in, a slice repeated."""
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(xml)))
        end = draw(st.integers(start, min(len(xml), start + 200)))
        edit = draw(st.sampled_from(["cut", "insert", "replace", "repeat", "bytes"]))
        if edit == "cut":
            xml = xml[:start] + xml[end:]
        elif edit == "insert":
            xml = xml[:start] + draw(st.sampled_from(TOKENS)) + xml[start:]
        elif edit == "replace":
            xml = xml[:start] + draw(st.sampled_from(TOKENS)) + xml[end:]
        elif edit == "repeat":
            xml = xml[:end] + xml[start:end] * draw(st.integers(2, 50)) + xml[end:]
        else:
            xml = xml[:start] + draw(st.binary(max_size=20)) + xml[end:]
    return xml


def part(name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(BASE)).read(name)


def test_the_untouched_form_reads() -> None:
    assert read(BASE) == "figures"


@pytest.mark.parametrize("name", PARTS)
def test_a_mutated_part_is_read_or_refused(name: str) -> None:
    @FUZZ
    @given(mutated(part(name)))
    def check(xml: bytes) -> None:
        assert read(rebuild(BASE, change={name: lambda _: xml})) in {"figures", "cell faults", "user error"}

    check()


@FUZZ
@given(st.sampled_from(PARTS), st.text(max_size=200))
def test_any_text_as_a_part(name: str, text: str) -> None:
    data = rebuild(BASE, change={name: lambda _: text.encode("utf-8", errors="surrogatepass")})
    assert read(data) in {"figures", "cell faults", "user error"}


FLIPS = st.lists(st.tuples(st.integers(0, len(BASE) - 1), st.integers(0, 255)), max_size=8)


@FUZZ
@given(st.integers(0, len(BASE)), FLIPS)
def test_the_zip_cut_or_its_bytes_flipped(length: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(BASE)
    for at, value in flips:
        data[at] = value
    assert read(bytes(data[:length])) in {"figures", "cell faults", "user error"}


CELL_TYPES = st.sampled_from(["n", "s", "b", "e", "str", "inlineStr", "d", "x", ""])
CELL_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&"), max_size=20),
    st.sampled_from(["0", "-1", "1e309", "NaN", "99999999999999999999", "2021-02-30", "=1+1", "—", "待填"]),
)


@FUZZ
@given(st.sampled_from(["D8", "E9", "B2", "A1"]), CELL_TYPES, CELL_TEXT, st.booleans())
def test_any_cell_of_any_type_holding_anything(ref: str, kind: str, text: str, formula: bool) -> None:
    """One cell of 表三 (a figure, or a label) rewritten with any type and any text, or as a formula:
    the near misses that reach the reader's cell checks."""
    typed = f' t="{kind}"' if kind else ""
    body = f"<f>{text}</f>" if formula else f"<v>{text}</v>"
    if kind == "inlineStr" and not formula:
        body = f"<is><t>{text}</t></is>"
    cell = f'<c r="{ref}"{typed}>{body}</c>'.encode()
    sheet = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), cell, part(PARTS[0]), count=1)
    data = rebuild(BASE, change={PARTS[0]: lambda _: sheet})
    assert read(data) in {"figures", "cell faults", "user error"}
