"""Property-based fuzzing of `nianbao import` (issue 24): whatever a saved page holds — tables of any shape
with spans of any value, any declared charset, any bytes, a good page broken anywhere — reading it ends in
a valid import or one user error (a `NianbaoError`), never another exception, and its grids never hold more
than `MAX_SLOTS` slots. The same examples run every time (derandomized); a generous deadline per example
makes a hang fail rather than stall the suite (speed itself is not asserted).
"""

from __future__ import annotations

import contextlib
import html
import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import DataError, NianbaoError
from nianbao.formats import format_for_year
from nianbao.paths import Project
from nianbao.portal.grid import MAX_SLOTS, decode_page, read_page, web_encodings
from nianbao.portal.import_page import import_page
from tests.conftest import ROOT, copy_project

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=30),
    max_examples=80,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MORE = settings(FUZZ, max_examples=200)  # reading a page only: cheap
GOOD = (ROOT / "tests/fixtures/portal/gb2021-gb2312.html").read_bytes()  # shili 2021's figures
WRITTEN = ("data/shili/2021/figures.yaml", "data/shili/2021/applications.csv")


def format_labels() -> list[str]:
    """The labels the import looks for (so that generated tables come near a match)."""
    fmt = format_for_year(2021)
    assert fmt is not None and fmt.printed_tables is not None
    active, applications, reviews = fmt.printed_tables
    labels = [active.label_column, *(b.header for b in active.blocks)]
    labels += [c.label for b in active.blocks for c in b.columns] + [
        r.label for b in active.blocks for r in b.rows
    ]
    labels += [applications.header, *(c.label for c in applications.all_columns)]
    labels += [r.label for r in applications.data_rows] + [c.label for c in reviews.columns]
    return sorted(set(labels))


LABELS = format_labels()
# Python codecs that are no text encoding, or text encodings no browser knows: never on the Web's list.
NOT_WEB = [
    "rot13",
    "base64",
    "hex",
    "zlib",
    "bz2",
    "uu",
    "quopri",
    "undefined",
    "punycode",
    "idna",
    "unicode_escape",
    "utf-7",
    "utf-32",
    "utf8mb4",
    "mbcs",
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """A project copy without shili 2021's figures: each example imports a page, removing what it wrote."""
    root = copy_project(tmp_path_factory.mktemp("fuzz-pages") / "project")
    for name in WRITTEN:
        (root / name).unlink()
    yield Project(root)
    shutil.rmtree(root)


def outcome(project: Project, page: bytes) -> str:
    """Import `page` as shili 2021: "ok" or "user error", else the test fails; nothing is left behind."""
    path = project.root / "page.html"
    path.write_bytes(page)
    try:
        imported = import_page(project, path, "shili", 2021)
    except NianbaoError as err:
        assert err.render().strip(), "a user error always says something"
        assert not any((project.root / name).exists() for name in WRITTEN), "a refused import wrote nothing"
        return "user error"
    finally:
        path.unlink()
    assert imported.written == list(WRITTEN)
    for name in WRITTEN:
        (project.root / name).unlink()
    return "ok"


def slots(page_bytes: bytes) -> int:
    page = read_page(page_bytes, "p.html")
    return sum(len(row) for grid in page.grids for row in grid)


# ---------------------------------------------------------------- generated tables

spans = st.one_of(
    st.none(),
    st.integers(-3, 70_000).map(str),
    st.sampled_from(["", "0", "+2", " 3", "2x", "abc", "1e9", "9" * 40, "-1", "１２", "2.5", "0x10"]),
    # any printable text: a NUL or another control byte refuses the whole page first (tested on its own)
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=6),
)
texts = st.one_of(
    st.sampled_from(LABELS),
    st.integers(-5, 100_000).map(str),
    st.sampled_from(["", "&nbsp;", "—", "/", "十二", "1,234", "８", "12.5万元"]),
    st.text(max_size=10).map(html.escape),
)


@st.composite
def cell(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(["td", "th"]))
    attributes = "".join(
        f' {name}="{html.escape(value)}"'
        for name in ("colspan", "rowspan")
        if (value := draw(spans)) is not None
    )
    return f"<{tag}{attributes}>{draw(inner)}</{tag}>"


@st.composite
def table(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    rows = draw(st.lists(st.lists(cell(inner), max_size=6), max_size=8))
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    wrap = draw(st.sampled_from(["{}", "<tbody>{}</tbody>", "<thead>{}</thead><tbody>{}</tbody>"]))
    return "<table>" + wrap.replace("{}", body, 1).replace("{}", "") + "</table>"


# Cells holding text or tables of cells, nested a few levels (a layout table around the data tables).
contents = st.recursive(texts, lambda inner: table(inner), max_leaves=40)


@st.composite
def pages(draw: st.DrawFn) -> bytes:
    tables = draw(st.lists(table(contents), min_size=1, max_size=4))
    label = draw(st.one_of(st.none(), st.sampled_from(sorted(web_encodings())), st.sampled_from(NOT_WEB)))
    head = "" if label is None else f'<meta charset="{label}">'
    document = f"<html><head>{head}</head><body>{''.join(tables)}</body></html>"
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16", "big5", "cp1252"]))
    return document.encode(encoding, errors="xmlcharrefreplace")


@FUZZ
@given(pages())
def test_any_generated_tables_import_or_give_one_user_error(shared: Project, page: bytes) -> None:
    with contextlib.suppress(NianbaoError):  # refused is fine; read, the grids are within the limit
        assert slots(page) <= MAX_SLOTS
    assert outcome(shared, page) in {"ok", "user error"}


@MORE
@given(st.lists(st.tuples(spans, spans), min_size=1, max_size=30), st.integers(1, 40))
def test_spans_of_any_value_fill_a_bounded_grid_of_the_table_rows(
    cells: list[tuple[str | None, str | None]], height: int
) -> None:
    """One row of spanning cells over `height` rows: a rowspan never reaches past the table."""

    def attribute(name: str, value: str | None) -> str:
        return "" if value is None else f' {name}="{html.escape(value)}"'

    first = "".join(f"<td{attribute('colspan', c)}{attribute('rowspan', r)}>x</td>" for c, r in cells)
    page = f"<table><tr>{first}</tr>{'<tr><td>y</td></tr>' * (height - 1)}</table>".encode()
    try:
        grid = read_page(page, "p.html").grids[0]
    except DataError as err:
        assert "网页中的表格太大" in err.render()
        return
    assert len(grid) == height
    assert sum(map(len, grid)) <= MAX_SLOTS


# ---------------------------------------------------------------- charsets


label_characters = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.-")


@MORE
@given(
    st.one_of(
        st.sampled_from(sorted(web_encodings())).map(str.upper),
        st.sampled_from(sorted(web_encodings())),
        st.sampled_from(NOT_WEB),
        st.text(label_characters, min_size=1, max_size=14),
    )
)
def test_a_declared_label_is_honoured_exactly_when_it_is_one_of_the_webs(label: str) -> None:
    page = f'<html><head><meta charset="{label}"></head><body><table><tr><td>abc</td></tr></table>'
    codec = web_encodings().get(label.lower())
    if codec is None:
        with pytest.raises(DataError, match=f"网页声明的字符编码“{label.lower()}”不是网页可用的字符编码"):
            decode_page(page.encode("ascii"), "p.html")
    else:
        assert "<td>abc</td>" in decode_page(page.encode("ascii"), "p.html")


# ---------------------------------------------------------------- any bytes, and a good page broken


@MORE
@given(st.binary(max_size=2_000))
def test_any_bytes_read_as_a_page_or_one_user_error(raw: bytes) -> None:
    try:
        assert slots(raw) <= MAX_SLOTS
    except NianbaoError as err:
        assert err.render().strip()


# What is put in: markup that changes the tables' shape, or any text.
MARKUP = [
    "<",
    ">",
    "<td>",
    "</td>",
    "<tr>",
    "</tr>",
    "<table>",
    "</table>",
    "<tbody>",
    '"',
    "&nbsp;",
    "0",
    "17",
    "\n",
    "<!--",
    "<p>",
]
MARKUP += [' colspan="3"', ' rowspan="0"', ' rowspan="999999"', ' colspan="1000"', "<td colspan=1000>"]
pieces = st.one_of(st.sampled_from(MARKUP), st.text(max_size=10))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(GOOD)), st.integers(0, 40), st.binary(max_size=12)), max_size=6))
def test_the_good_page_broken_anywhere(shared: Project, edits: list[tuple[int, int, bytes]]) -> None:
    """Bytes cut out and put in anywhere: in a tag, a label, a figure, the charset, a multi-byte character."""
    page = GOOD
    for at, cut, put in edits:
        page = page[:at] + put + page[at + cut :]
    assert outcome(shared, page) in {"ok", "user error"}


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(GOOD)), st.integers(0, 40), pieces), max_size=6))
def test_the_good_page_edited_anywhere(shared: Project, edits: list[tuple[int, int, str]]) -> None:
    """As a clerk's editor would: characters, not bytes, cut out and put in (markup, any text)."""
    page = GOOD.decode("gb18030")
    for at, cut, put in edits:
        page = page[:at] + put + page[at + cut :]
    assert outcome(shared, page.encode("gb18030")) in {"ok", "user error"}


def test_the_good_page_imports(shared: Project) -> None:
    assert outcome(shared, GOOD) == "ok"


@FUZZ
@given(st.data())
def test_the_good_page_with_cells_respanned_or_retyped(shared: Project, data: st.DataObject) -> None:
    """Near misses: the good page's own cells given any span, or any text (a label, a figure, junk)."""
    parts = GOOD.split(b"<td")
    for index in data.draw(st.lists(st.integers(1, len(parts) - 1), max_size=8)):
        value = data.draw(spans)
        name = data.draw(st.sampled_from(["colspan", "rowspan"]))
        if value is not None:
            parts[index] = f' {name}="{html.escape(value)}"'.encode() + parts[index]
    page = b"<td".join(parts)
    figures = page.split(b'10.5pt">')
    for index in data.draw(st.lists(st.integers(1, len(figures) - 1), max_size=4)):
        figures[index] = data.draw(texts).encode("gb18030") + figures[index][figures[index].find(b"<") :]
    assert outcome(shared, b'10.5pt">'.join(figures)) in {"ok", "user error"}
