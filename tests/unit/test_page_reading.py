"""Reading a saved page as browsers read it (issue 24): spans clamped and clipped by HTML's table model,
the slots of a page bounded, the encoding from a byte order mark, else a label of the Web's encodings,
else the clerk-file rules; the page read by the one reader, within its size limit."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from nianbao.errors import DataError
from nianbao.inputs import snapshot
from nianbao.portal.grid import MAX_SLOTS, decode_page, read_page, web_encodings


def shape(markup: str) -> list[list[str]]:
    """The first table's grid as the cells' texts."""
    return [[slot.text for slot in row] for row in read_page(markup.encode(), "p.html").grids[0]]


# ---------------------------------------------------------------- spans


def test_a_rowspan_ends_with_its_row_group_and_zero_reaches_that_end() -> None:
    assert shape(
        "<table><thead><tr><td rowspan=5>h</td><td>1</td></tr><tr><td>2</td></tr></thead>"
        "<tbody><tr><td rowspan=0>z</td><td>3</td></tr><tr><td>4</td></tr><tr><td>5</td></tr></tbody></table>"
    ) == [["h", "1"], ["h", "2"], ["z", "3"], ["z", "4"], ["z", "5"]]


def test_spans_are_read_as_browsers_read_them() -> None:
    cells = ['colspan="+2"', 'colspan=" 2x"', 'colspan="0"', 'colspan="-3"', 'colspan="abc"', 'colspan="2.9"']
    widths = [len(shape(f"<table><tr><td {c}>a</td></tr></table>")[0]) for c in cells]
    assert widths == [2, 2, 1, 1, 1, 2]


def test_a_colspan_is_at_most_1000_and_a_number_of_any_length_is_no_fault() -> None:
    assert len(shape('<table><tr><td colspan="1200">a</td></tr></table>')[0]) == 1000
    assert len(shape(f'<table><tr><td colspan="{"9" * 5000}">a</td></tr></table>')[0]) == 1000


def test_a_rowspan_past_the_last_row_fills_no_slot_below_it() -> None:
    assert shape(f'<table><tr><td rowspan="{"7" * 5000}">a</td><td>b</td></tr></table>') == [["a", "b"]]


def test_the_slots_of_a_page_are_bounded_and_the_table_that_passes_the_bound_is_named() -> None:
    rows = MAX_SLOTS // 1001  # each row: 1000 slots and itself
    fits = "<table>" + "<tr><td colspan=1000>x</td></tr>" * rows + "</table>\n"
    assert len(read_page(fits.encode(), "p.html").grids[0]) == rows
    over = fits + "<table><tr><td>a</td></tr></table>" * (MAX_SLOTS - rows * 1001 + 1)
    with pytest.raises(DataError) as caught:
        read_page(over.encode(), "p.html")
    assert caught.value.render().splitlines()[0] == (
        f"p.html: 网页中的表格太大：合并单元格（rowspan、colspan）展开后超过 {MAX_SLOTS} 格，"
        f"超出处在第 {1 + (MAX_SLOTS - rows * 1001) // 2 + 1} 个表格（网页源代码第 2 行）"
    )


def test_empty_rows_count_against_the_bound() -> None:
    with pytest.raises(DataError, match="超出处在第 1 个表格"):
        read_page(b"<table>" + b"<tr>" * (MAX_SLOTS + 1) + b"</table>", "p.html")


def test_a_table_spanning_millions_of_slots_is_refused_before_they_are_made() -> None:
    cell = '<td colspan="1000" rowspan="65534">x</td>'
    page = "<table>" + ("<tr>" + cell * 50 + "</tr>") * 100 + "</table>"
    with pytest.raises(DataError, match="超出处在第 1 个表格（网页源代码第 1 行）"):
        read_page(page.encode(), "p.html")


# ---------------------------------------------------------------- encodings


def test_the_webs_encodings_are_the_standards_228_labels_each_with_a_text_codec_or_none() -> None:
    labels = web_encodings()
    assert len(labels) == 228
    assert labels["gb2312"] == labels["x-gbk"] == labels["gbk"] == "gb18030"
    assert labels["utf-16"] == "utf-8" and labels["replacement"] is None
    for codec in {c for c in labels.values() if c is not None}:
        assert codecs.lookup(codec)._is_text_encoding  # type: ignore[attr-defined]
    assert not {"rot13", "base64", "hex", "zlib", "undefined", "utf8mb4"} & set(labels)


def test_a_byte_order_mark_wins_over_the_declaration() -> None:
    page = '<meta charset="gbk"><p>表三</p>'
    assert "表三" in decode_page(b"\xef\xbb\xbf" + page.encode("utf-8"), "p.html")
    assert "表三" in decode_page(page.encode("utf-16"), "p.html")  # with its BOM, either byte order
    assert "表三" in decode_page(b"\xfe\xff" + page.encode("utf-16-be"), "p.html")


def test_an_undeclared_page_is_read_by_the_clerk_file_rules() -> None:
    with pytest.raises(DataError) as caught:
        decode_page("<p>總體情況，資訊公開，機關</p>".encode("big5"), "p.html")
    assert caught.value.render().startswith("p.html: 文件编码可能是 Big5（繁体）：应为 UTF-8 或 GBK/GB18030")


def test_control_characters_are_replaced_and_a_nul_is_refused_naming_its_line() -> None:
    assert decode_page(b"<p>1\x1b[31m2\x07\t</p>", "p.html") == "<p>1\ufffd[31m2\ufffd\t</p>"
    assert decode_page("<p>\x85\x9b31m</p>".encode(), "p.html") == "<p>\ufffd\ufffd31m</p>"  # C1 too
    with pytest.raises(DataError, match=r"^p.html: 网页第 3 行有空字符（U\+0000）"):
        decode_page(b"<p>\n\n\x00</p>", "p.html")


def test_entities_declared_in_the_page_are_never_expanded_nor_fetched() -> None:
    page = read_page(
        b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY x SYSTEM "file:///etc/hostname">]><table><tr><td>&b;&x;</td></tr></table>',
        "p.html",
    )
    assert page.grids[0][0][0].text == "&b;&x;"


# ---------------------------------------------------------------- the one reader


def test_a_handed_file_is_read_within_the_size_limit_wherever_it_lies(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"x" * (snapshot.MAX_BYTES + 1))
    with pytest.raises(DataError, match="文件太大：超过 5 MB"):
        snapshot.read_handed(page)
    (tmp_path / "link.html").symlink_to(page)
    page.write_bytes(b"<p>ok</p>")
    assert snapshot.read_handed(tmp_path / "link.html") == b"<p>ok</p>"
    with pytest.raises(FileNotFoundError):
        snapshot.read_handed(page / "x")  # through a file: nothing is there (no loop)
