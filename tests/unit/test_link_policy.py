"""The one link policy (`links.py`) and every renderer that uses it: the HTML page, the PDF (its link
annotations, read back with pypdf) and the Word file (its hyperlink relationships)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from nianbao import links
from nianbao.publish import pages, pdf, word
from nianbao.publish.document import Document, Heading, Paragraph, Span, from_markdown
from tests import pdf_text, word_reading

ALLOWED = ["https://www.smsy.gov.cn/xxgk/", "http://www.example.gov.cn/", "mailto:xxgk@example.gov.cn"]
REFUSED = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "file:///etc/passwd",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "../../../etc/passwd",
    "report.html",
    "/etc/passwd",
    "//evil.example/",
    "#top",
    "",
    "http://",
    "https:evil.example",
    "http:\\\\evil.example",
    "ftp://files.example/",
    "vbscript:msgbox(1)",
    "mailto:",
    "mailto:?subject=x",
    "http://exa mple.gov.cn/",
    "http://[::1",
]
# Markdown a narrative, a category name or a profile field could hold: each link's text, then its address.
MARKDOWN = " ".join(
    f"[链接{i}]({address})" for i, address in enumerate(ALLOWED + REFUSED) if " " not in address
)
MARKDOWN += " [空链接]() [引用][r] <javascript:alert(2)>\n\n[r]: file:///etc/passwd\n"


@pytest.mark.parametrize("address", ALLOWED)
def test_web_and_mail_addresses_go_out(address: str) -> None:
    assert links.outside(address) == address


@pytest.mark.parametrize("address", REFUSED)
def test_anything_else_is_no_link(address: str) -> None:
    assert links.outside(address) is None


def test_no_address_is_no_link() -> None:
    assert links.outside(None) is None


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("minzheng/2017/report.html", True),
        ("_district/2017/summary.docx", True),
        ("../2016/report.html", False),
        ("a/../../b", False),
        ("/etc/passwd", False),
        ("//evil.example/x", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_only_the_index_links_below_its_folder(address: str, kept: bool) -> None:
    assert links.beside(address) is kept


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def test_the_page_links_only_what_the_policy_allows_and_shows_the_rest_as_text() -> None:
    html = pages.sanitise(str(pages.markdown(MARKDOWN)))
    anchors = Anchors()
    anchors.feed(html)
    assert anchors.hrefs == ALLOWED
    assert "<a>" not in html  # a refused link is its text, not an empty anchor
    assert "链接3" in html and "空链接" in html and "引用" in html


def test_a_refused_link_keeps_its_texts_look_on_the_page() -> None:
    assert pages.markdown("[**加粗**](javascript:alert(1))") == "<p><strong>加粗</strong></p>\n"


DOCUMENT = Document(
    "标题", None, (Heading(2, "一、链接"), *from_markdown(MARKDOWN)), ("某局", "2021年1月2日")
)


def test_the_document_keeps_the_addresses_as_written_for_the_renderers_to_judge() -> None:
    paragraph = DOCUMENT.blocks[1]
    assert isinstance(paragraph, Paragraph)
    written = [span.link for span in paragraph.spans if span.link is not None]
    assert "javascript:alert(1)" in written and "" in written


def pdf_links(data: bytes) -> list[str]:
    """The address of every link annotation of every page."""
    found = []
    for page in pdf_text.reader(data).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            found.append(str(action.get("/URI")))
    return found


def test_the_pdf_links_only_what_the_policy_allows_and_an_empty_link_is_text() -> None:
    data = pdf.render(DOCUMENT)
    # A link's text may be set in more than one piece (链接 and a number kept whole, 0), each its own
    # annotation: the addresses, in order and each once, are the allowed ones.
    assert list(dict.fromkeys(pdf_links(data))) == ALLOWED
    text = pdf_text.squeezed("".join(pdf_text.pages_text(data)))
    assert "链接3" in text and "空链接" in text and "引用" in text


def test_the_word_file_links_only_what_the_policy_allows() -> None:
    opened = word_reading.opened(word.to_docx(DOCUMENT))
    targets = [rel.target_ref for rel in opened.part.rels.values() if rel.is_external]
    assert targets == ALLOWED
    text = "".join(found for _, found in word_reading.paragraphs(opened))
    assert "链接3" in text and "空链接" in text and "引用" in text


def test_a_span_built_with_a_hostile_link_is_text_in_every_document() -> None:
    """A document made outside Markdown (the district summary's intro) meets the same policy."""
    document = Document(
        "标题", None, (Paragraph((Span("点此", link="javascript:alert(1)"), Span("空", link=""))),)
    )
    assert pdf_links(pdf.render(document)) == []
    opened = word_reading.opened(word.to_docx(document))
    assert [rel for rel in opened.part.rels.values() if rel.is_external] == []


@pytest.mark.parametrize("address", ["http://例子.中国/", "http://%E4%BE%8B%E5%AD%90.cn/%E8%B7%AF"])
def test_a_chinese_domain_goes_out_as_typed_or_as_markdown_encodes_it(address: str) -> None:
    assert links.outside(address) == address
