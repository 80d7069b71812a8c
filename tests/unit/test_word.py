"""A document as a Word file, read back with python-docx: the structure, text and figures of the document,
on the roles' styles, with East Asian faces, real merged tables, page numbers, fixed properties and the
same bytes every time; any text an agency types gives a valid file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph as WordParagraph

from nianbao.drawing import charts
from nianbao.drawing.chart_model import Chart
from nianbao.drawing.table_model import Cell, Table, header_rows
from nianbao.publish import export, titles, word, word_styles
from nianbao.publish.document import Document, Heading, Items, Paragraph, Span
from tests import word_reading
from tests.conftest import Summaries
from tests.word_reading import ReadCell

# 行政复议 and 行政诉讼 over two columns each, three of their labels down two rows: spans both ways.
PATHS = [
    ("行政复议", "结果维持"),
    ("行政复议", "总计"),
    ("行政诉讼", "直接起诉", "结果维持"),
    ("行政诉讼", "总计"),
]
TABLE = Table(
    "reviews",
    head=tuple(tuple(row) for row in header_rows(PATHS)),
    body=((Cell("2", classes=("num",)), Cell("4", classes=("num",)), Cell("1"), Cell("1")),),
    wrap_head=True,
)
CHART = charts.bar_chart(["予以公开", "不予公开"], [3, 1], ["3件", "1件"], "办理结果", png=True)
DOCUMENT = Document(
    title="某局2025年政府信息公开工作年度报告",
    number="某〔2026〕1号",
    blocks=(
        Paragraph((Span("本报告根据《条例》编制。"),)),
        Heading(2, "一、总体情况"),
        Paragraph(
            (Span("本局"), Span("重点", strong=True), Span("见"), Span("网站", link="https://a.gov.cn/"))
        ),
        Heading(3, "（一）主动公开"),
        Items(True, ((Paragraph((Span("甲"),)),), (Paragraph((Span("乙"),)),))),
        TABLE,
        CHART,
        Heading(4, "1.其他"),
    ),
    signature=("某局", "2026年1月21日"),
    date=dt.date(2026, 1, 21),
)


@pytest.fixture(scope="module")
def saved() -> bytes:
    return word.to_docx(DOCUMENT)


def test_the_paragraphs_are_the_documents_in_order_on_their_roles_styles(saved: bytes) -> None:
    assert word_reading.paragraphs(word_reading.opened(saved)) == [
        ("文号", "某〔2026〕1号"),
        ("标题", "某局2025年政府信息公开工作年度报告"),
        ("正文", "本报告根据《条例》编制。"),
        ("一级标题", "一、总体情况"),
        ("正文", "本局重点见网站"),
        ("二级标题", "（一）主动公开"),
        ("正文", "1. 甲"),
        ("正文", "2. 乙"),
        ("三级标题", "1.其他"),
        ("落款", "某局\n2026年1月21日"),
    ]


def test_headings_are_built_on_words_own_and_carry_their_outline_level(saved: bytes) -> None:
    styles = word_reading.opened(saved).styles
    found = {}
    for name in ("标题", "一级标题", "二级标题", "三级标题", "正文"):
        style = styles[name]
        level = style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        found[name] = (style.base_style.name, None if level is None else level.get(qn("w:val")))
    assert found == {
        "标题": ("Title", None),
        "一级标题": ("Heading 1", "0"),
        "二级标题": ("Heading 2", "1"),
        "三级标题": ("Heading 3", "2"),
        "正文": ("Normal", None),
    }


def test_every_style_and_every_run_names_its_east_asian_face(saved: bytes) -> None:
    opened = word_reading.opened(saved)
    faces = {role.name: word_reading.style_face(opened.styles[role.name]) for role in word_styles.ROLES}
    assert faces["标题"] == "方正小标宋简体"
    assert (faces["一级标题"], faces["二级标题"], faces["正文"], faces["页码"]) == (
        "黑体",
        "楷体",
        "仿宋",
        "宋体",
    )
    runs = word_reading.run_faces(opened)
    assert {text for text, _ in runs} >= {"一、总体情况", "重点", "— ", "2"}
    assert [text for text, face in runs if not face] == []
    assert dict(runs)["一、总体情况"] == "黑体"
    # Word falls back on the Windows face named in the font table when the official one is missing.
    fonts = zipfile.ZipFile(io.BytesIO(saved)).read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="SimSun"/>' in fonts


def test_the_table_is_the_models_cell_for_cell_with_its_merges(saved: bytes) -> None:
    opened = word_reading.opened(saved)
    assert word_reading.tables(opened) == [word_reading.model_cells(TABLE)]
    assert word_reading.tables(opened)[0][0][:2] == [ReadCell("行政复议", 1, 2), ReadCell("行政诉讼", 1, 2)]
    assert word_reading.header_rows(opened) == [[True, True, True, False]]  # three header rows repeat
    kept = [
        any(WordParagraph(p, None).paragraph_format.keep_with_next for p in row._tr.iter(qn("w:p")))
        for row in opened.tables[0].rows
    ]
    assert kept == [True, True, True, False]  # header rows stay on the page of the rows below them
    borders = opened.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert [side.get(qn("w:val")) for side in borders] == ["single"] * 6


def test_figures_align_right_and_headings_centre(saved: bytes) -> None:
    table = word_reading.opened(saved).tables[0]
    assert table.cell(3, 0).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.cell(0, 0).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert table.cell(3, 2).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_the_chart_is_its_png(saved: bytes) -> None:
    opened = word_reading.opened(saved)
    images = [shape for shape in opened.inline_shapes]
    assert len(images) == 1
    assert CHART.png is not None
    assert opened.part.related_parts[images[0]._inline.graphic.graphicData.pic.blipFill.blip.embed].blob == (
        CHART.png
    )
    assert images[0].width <= Mm(156)


def test_a4_with_the_official_margins(saved: bytes) -> None:
    section = word_reading.opened(saved).sections[0]
    sizes = ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")
    found = [round(getattr(section, size).mm, 1) for size in sizes]  # Word keeps twentieths of a point
    assert found == [210, 297, 37, 35, 28, 26]


def test_page_numbers_are_a_page_field_between_dashes_on_odd_and_even_pages(saved: bytes) -> None:
    opened = word_reading.opened(saved)
    assert opened.settings.odd_and_even_pages_header_footer
    section = opened.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        line = footer.paragraphs[0]
        assert line.text == "— 1 —"  # the field's last value, as Word shows it before updating fields
        codes = [code.text for code in line._p.iter(qn("w:instrText"))]
        assert codes == [" PAGE "]
        marks = [mark.get(qn("w:fldCharType")) for mark in line._p.iter(qn("w:fldChar"))]
        assert marks == ["begin", "separate", "end"]
        assert line.alignment == getattr(WD_ALIGN_PARAGRAPH, align.upper())


def test_the_properties_say_nianbao_made_it_from_the_data_dated_as_signed(saved: bytes) -> None:
    core = word_reading.opened(saved).core_properties
    assert (core.author, core.last_modified_by, core.title) == ("nianbao", "nianbao", DOCUMENT.title)
    assert "由 nianbao 根据数据文件自动生成" in core.comments
    assert "Generated by nianbao from the data" in core.comments
    signed = dt.datetime(2026, 1, 21, tzinfo=dt.UTC)
    assert (core.created, core.modified, core.revision) == (signed, signed, 1)
    names = zipfile.ZipFile(io.BytesIO(saved)).namelist()
    assert "docProps/thumbnail.jpeg" not in names  # python-docx's template's preview of another document


def test_the_same_document_gives_the_same_bytes(saved: bytes) -> None:
    assert word.to_docx(DOCUMENT) == saved
    members = zipfile.ZipFile(io.BytesIO(saved)).infolist()
    assert {member.date_time for member in members} == {(1980, 1, 1, 0, 0, 0)}
    assert members[0].filename == "[Content_Types].xml"


def test_a_web_link_is_a_hyperlink_and_nothing_else_is() -> None:
    document = Document(
        "标题",
        None,
        (Paragraph((Span("网站", link="https://a.gov.cn/x"), Span("脚本", link="javascript:alert(1)"))),),
    )
    opened = word_reading.opened(word.to_docx(document))
    links = [rel.target_ref for rel in opened.part.rels.values() if rel.is_external]
    assert links == ["https://a.gov.cn/x"]
    assert word_reading.paragraphs(opened)[1] == ("正文", "网站脚本")


HOSTILE = [
    ("control characters", "甲\x00乙\x01\x08\x0b\x0c\x1f丙\ufffe\uffff丁", "甲乙丙丁"),
    ("markup", "</w:t></w:r><w:r><w:t>伪造</w:t></w:r> <script>&amp;</script> ]]> <?xml?>", None),
    ("a very long run", "长" * 200_000, None),
    ("tabs and line breaks", "甲\t乙\n丙", None),
]


@pytest.mark.parametrize(
    ("text", "shown"), [(text, shown) for _, text, shown in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_any_text_gives_a_valid_file_that_says_it(text: str, shown: str | None) -> None:
    cell = Cell(text)
    document = Document(text, text, (Heading(2, text), Paragraph((Span(text),)), Table("t", (), ((cell,),))))
    opened = word_reading.opened(word.to_docx(document))
    expected = text if shown is None else shown
    assert [found for _, found in word_reading.paragraphs(opened)] == [expected] * 4
    assert word_reading.tables(opened) == [[[ReadCell(expected, 1, 1)]]]
    assert opened.core_properties.title == expected[:255]  # a property holds 255 characters


@pytest.mark.parametrize("year", [2017, 2025])
def test_a_district_summary_in_word_says_what_its_document_says(summaries: Summaries, year: int) -> None:
    content = summaries(year).notebook
    document = content.document()
    opened = word_reading.opened(export.OUTPUTS["docx"](content))
    roles = {2: "一级标题", 3: "二级标题"}
    found = [(style, text) for style, text in word_reading.paragraphs(opened) if style.endswith("标题")]
    title = found.pop(0)
    assert title == (
        "标题",
        "\n".join(titles.lines(document.title_in_parts, word.TITLE_WIDTH)),
    )  # broken between words
    assert found == [(roles[h.level], h.text) for h in document.headings]
    models = [block for block in document.blocks if isinstance(block, Table)]
    assert word_reading.tables(opened) == [word_reading.model_cells(model) for model in models]
    assert len(opened.inline_shapes) == sum(isinstance(block, Chart) for block in document.blocks) > 0
    assert export.OUTPUTS["docx"](content) == export.OUTPUTS["docx"](content)
