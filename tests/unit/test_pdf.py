"""A document as a PDF: A4, official-document order (文号, title, sections, signature), fonts embedded,
text extractable and literal, page numbers, table headers repeated, byte-identical rebuilds."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from dataclasses import replace

import pytest

from nianbao.drawing.table_model import Cell, Table
from nianbao.errors import DataError
from nianbao.publish import export, pdf
from nianbao.publish.document import Document, Heading, Items, Paragraph, Span
from tests.conftest import Summaries
from tests.pdf_text import fonts, in_order, pages_text, reader, squeezed

A4 = (595.28, 841.89)  # points
# Typst markup, maths, escapes and comments, as an agency's narrative might carry them by accident.
HOSTILE = (
    r"#set text(red) $x^2$ *粗体* _斜体_ [方括号] \\反斜杠 @引用 <标签> `代码` // 注释 /* 块 */ ~ = 标题"
)


def table_three(rows: int) -> Table:
    """A table with a two-row header, long enough to break pages."""
    head = (
        (Cell("项目", header=True, rowspan=2), Cell("申请人情况", header=True, colspan=2)),
        (Cell("自然人", header=True), Cell("法人或其他组织", header=True)),
    )
    body = tuple((Cell(f"第{n}行的标签"), Cell(str(n), classes=("num",)), Cell("0")) for n in range(rows))
    return Table(
        "applications", head=head, body=body, foot=((Cell("总计", header=True), Cell("9"), Cell("0")),)
    )


def sample(*blocks: object) -> Document:
    return Document(
        "某局2025年政府信息公开工作年度报告",
        "某〔2026〕1号",
        (Heading(2, "一、总体情况"), Paragraph((Span("本年度新收申请76件。"),)), *blocks),  # type: ignore[arg-type]
        ("某局", "2026年1月21日"),
        dt.date(2026, 1, 21),
    )


@pytest.fixture(scope="module")
def plain() -> bytes:
    return pdf.render(sample(Heading(3, "（一）主动公开"), Paragraph((Span("无。"),))), author="某局")


def test_a4_with_title_number_and_signature_in_order(plain: bytes) -> None:
    document = reader(plain)
    assert [
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in document.pages
    ] == [A4]
    text = "".join(pages_text(plain))
    assert (
        in_order(
            [
                "某〔2026〕1号",
                "某局2025年政府信息公开工作年度报告",
                "一、总体情况",
                "76件",
                "（一）主动公开",
                "某局",
                "2026年1月21日",
            ],
            text,
        )
        == []
    )
    assert document.metadata is not None
    assert (document.metadata.title, document.metadata.author) == (
        "某局2025年政府信息公开工作年度报告",
        "某局",
    )
    assert document.metadata["/CreationDate"] == "D:20260121000000Z"  # the document's date, not the clock


def test_fonts_are_the_cjk_faces_embedded(plain: bytes) -> None:
    found = dict(fonts(plain))
    assert all(found.values()), found
    faces = {name.split("+", 1)[1].removesuffix("-Identity-H") for name in found}
    assert faces == {"NotoSerifCJKsc-Regular", "NotoSansCJKsc-Regular"}  # body and title serif, 一、 sans


def test_agency_text_prints_literally_never_as_typst_markup() -> None:
    hostile = Document(
        HOSTILE,
        HOSTILE,
        (
            Heading(2, HOSTILE),
            Paragraph(
                (Span(HOSTILE), Span(HOSTILE, strong=True), Span(HOSTILE, link="https://example.gov.cn"))
            ),
            Items(True, ((Paragraph((Span(HOSTILE),)),),)),
            Table("t", head=((Cell(HOSTILE, header=True),),), body=((Cell(HOSTILE),),)),
        ),
        (HOSTILE,),
    )
    text = squeezed("".join(pages_text(pdf.render(hostile))))
    # 文号, title, heading, three spans, the item, two cells and the signature: each a full, literal copy.
    assert text.count(squeezed(HOSTILE)) == 10


def test_a_long_tables_header_is_on_every_page_it_spans_and_pages_are_numbered() -> None:
    data = pdf.render(sample(table_three(120)))
    pages = pages_text(data)
    assert len(pages) >= 3
    spanned = [n for n, text in enumerate(pages, 1) if "行的标签" in text]
    assert len(spanned) >= 3
    for n in spanned:
        assert in_order(["申请人情况", "自然人", "法人或其他组织"], pages[n - 1]) == [], n
    for n, text in enumerate(pages, 1):
        assert text.rstrip().endswith(f"— {n} —"), n
    assert in_order([f"第{n}行的标签" for n in range(120)], "".join(pages)) == []


def test_the_same_document_gives_the_same_bytes_in_another_process(plain: bytes) -> None:
    script = (
        "import sys, hashlib; from tests.unit.test_pdf import sample, Heading, Paragraph, Span; "
        "from nianbao.publish import pdf; "
        "data = pdf.render(sample(Heading(3, '（一）主动公开'), Paragraph((Span('无。'),))), author='某局'); "
        "print(hashlib.sha256(data).hexdigest())"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == hashlib.sha256(plain).hexdigest()


def test_a_changed_word_changes_the_pdf(plain: bytes) -> None:
    changed = sample(Heading(3, "（一）主动公开"), Paragraph((Span("有。"),)))
    assert pdf.render(changed, author="某局") != plain


@pytest.mark.parametrize("year", [2017, 2025])
def test_the_summary_pdf_says_what_its_document_says(summaries: Summaries, year: int) -> None:
    made = summaries(year)
    document = made.notebook.document()
    text = "".join(pages_text(export.OUTPUTS["pdf"](made.notebook)))
    assert in_order([document.title, *(h.text for h in document.headings)], text) == []
    columns = made.district.figures.model.format.summary.breakdown
    assert in_order([heading for _, heading in columns], text) == []  # every column of the breakdown
    assert in_order([part.model.profile.name for part in made.district.parts], text) == []
    assert in_order(list(document.signature), text) == []


def test_a_document_without_a_number_or_signature_still_renders() -> None:
    bare = replace(sample(), number=None, signature=())
    text = "".join(pages_text(pdf.render(bare)))
    assert squeezed(text).startswith(squeezed(bare.title))


def test_the_signature_never_stands_alone_on_a_page() -> None:
    """However the text falls, the page that carries the signature carries the last paragraph too."""
    line = Paragraph((Span("本局按照条例要求做好政府信息公开工作，" * 3),))
    broke = 0
    for count in range(8, 24):
        pages = pages_text(pdf.render(sample(*([line] * count), Paragraph((Span("最后一段。"),)))))
        broke += len(pages) > 1
        signed = [text for text in pages if "2026年1月21日" in text]
        assert len(signed) == 1 and "最后一段" in signed[0], count
    assert broke > 0  # some counts did spill onto a second page


def test_a_tall_row_is_not_split_across_pages() -> None:
    label = "的标签很长，在窄的一列中要折成好几行才能排完，一行排不下" * 3
    body = tuple((Cell(f"第{n}行{label}"), Cell(str(n)), Cell("0"), Cell("0"), Cell("0")) for n in range(40))
    head = (tuple(Cell(text, header=True) for text in ("项目", "甲", "乙", "丙", "丁")),)
    pages = pages_text(pdf.render(sample(Table("t", head=head, body=body))))
    assert len(pages) >= 2
    for n in range(40):
        assert sum(squeezed(f"第{n}行{label}") in squeezed(text) for text in pages) == 1, n


def test_a_character_the_fonts_lack_is_a_users_error_naming_it() -> None:
    text = "本年度工作顺利完成😀，群众满意。"
    with pytest.raises(DataError) as raised:
        pdf.render(sample(Paragraph((Span(text),))))
    assert raised.value.render() == (
        "报告文字中的字符“😀”（U+1F600）无法印在 PDF 中：PDF 的字体中没有这个字。"
        "所在的文字：“本年度工作顺利完成😀，群众满意。”\n"
        "  处理办法：这类字（表情符号、生僻字、自造字等）请在 narrative.md 或数据中的这段文字里"
        "换成常用字或删去。"
    )


def test_only_the_environments_font_package_is_searched() -> None:
    """System fonts and Typst's own are ignored: every machine sets the same faces."""
    folders = [str(folder) for folder in pdf.font_folders()]
    found = pdf.fonts().fonts()
    assert found and all(str(info.path).startswith(tuple(folders)) for info in found)
