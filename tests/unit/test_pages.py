"""The one way to HTML: the allow-list every page body passes, the links that survive, the frame."""

from __future__ import annotations

import pytest

from nianbao.publish import pages


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>文字<script>alert(1)</script></p>", "<p>文字</p>"),
        ('<img src="https://evil.example/x.png" onerror="alert(1)">', ""),
        ('<iframe src="https://evil.example/"></iframe>正文', "正文"),
        ('<p onclick="alert(1)" style="color:red">x</p>', "<p>x</p>"),
        ("<style>body{background:url(https://evil.example/)}</style>x", "x"),
        ("<p>a<!-- --><script>alert(1)</script> --></p>", "<p>a --&gt;</p>"),
        ('<object data="x.swf"></object><embed src="x.swf">', ""),
        (
            '<svg onload="alert(1)"><a href="javascript:alert(2)"><text>t</text></a></svg>',
            "<svg><a>t</a></svg>",
        ),
        ('<svg><use href="https://evil.example/s.svg#a"></use></svg>', "<svg><use></use></svg>"),
        (
            '<svg><path d="M0 0" style="fill:url(https://evil.example/)"></path></svg>',
            '<svg><path d="M0 0"></path></svg>',
        ),
        ('<form action="https://evil.example/"><input name="q"></form>', ""),
        ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', ""),
    ],
)
def test_sanitise_removes_what_could_run_or_load(html: str, expected: str) -> None:
    assert pages.sanitise(html) == expected


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("https://www.smsy.gov.cn/xxgk/", True),
        ("http://www.smsy.gov.cn/", True),
        ("mailto:office@example.gov.cn", True),
        ("minzheng/2017/report.html", False),  # relative: only the index links to the pages below it
        ("../2016/report.html", False),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox(1)", False),
        ("ftp://files.example/", False),
        ("//evil.example/", False),
        ("/etc/passwd", False),
        ("https:evil", False),
    ],
)
def test_links_go_where_the_link_policy_allows_without_rel_noise(address: str, kept: bool) -> None:
    html = pages.sanitise(f'<a href="{address}" target="_blank">链接</a>')
    if kept:
        assert html == f'<a href="{address}">链接</a>'
    else:
        assert html == "<a>链接</a>"


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("minzheng/2017/report.html", True),  # the index's links to the pages it lists
        ("_district/2017/summary.pdf", True),
        ("https://www.smsy.gov.cn/", True),
        ("../2016/report.html", False),
        ("minzheng/../../etc/passwd", False),
        ("/etc/passwd", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
    ],
)
def test_the_index_links_below_its_folder_and_nowhere_else(address: str, kept: bool) -> None:
    html = pages.sanitise(f'<a href="{address}">链接</a>', beside=True)
    assert html == (f'<a href="{address}">链接</a>' if kept else "<a>链接</a>")


def test_the_charts_svg_keeps_its_drawing() -> None:
    svg = (
        '<svg height="10pt" viewBox="0 0 10 10" width="10pt"><defs><clipPath id="c1">'
        '<rect height="5" width="5" x="0" y="0"></rect></clipPath>'
        '<path d="M 0 0 L 1 1" id="g1"></path></defs><g clip-path="url(#c1)" id="axes_1">'
        '<use href="#g1" transform="translate(1 0)"></use>'
        '<path d="M 0 0" style="fill: #9b2c2c"></path></g></svg>'
    )
    assert pages.sanitise(svg) == svg


def test_the_frame_holds_the_css_and_the_sanitised_body() -> None:
    page = pages.page("标题 <i>", "<h1>标题</h1><script>x</script>").decode("utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">')
    assert "<title>标题 &lt;i&gt;</title>" in page
    assert '<main class="nb-report">\n<h1>标题</h1>\n</main>' in page
    assert ".nb-table" in page  # the reports' CSS, inlined
    assert "<script" not in page


def test_markdown_keeps_the_templates_html_and_leaves_escaped_data_as_text() -> None:
    html = pages.markdown(
        '<div class="signature">三元区&lt;b&gt;民政局</div>\n\n段落 https://a.example/ 后文'
    )
    assert html == (
        '<div class="signature">三元区&lt;b&gt;民政局</div>\n\n'
        '<p>段落 <span class="nb-url">https://a.example/</span> 后文</p>\n'
    )


def test_a_web_address_in_text_is_marked_up_to_its_chinese_punctuation() -> None:
    """The stylesheet lets `.nb-url` break anywhere; the address ends where the Chinese resumes."""
    html = pages.markdown("电子版可在“网站”（http://www.a.gov.cn/x?a=1&b=2）下载，或见www.b.cn。")
    assert html == (
        '<p>电子版可在“网站”（<span class="nb-url">http://www.a.gov.cn/x?a=1&amp;b=2</span>）下载，'
        '或见<span class="nb-url">www.b.cn</span>。</p>\n'
    )
    assert pages.sanitise(html) == html
