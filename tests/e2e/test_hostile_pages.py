"""Markup typed in data never scripts a page: the same hostile strings in an agency's narrative, its profile
name, a category name and the district's narrative, then every page written (reports, the district
summary, the index) parsed as a browser would build it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import word_reading
from tests.conftest import copy_project

pytestmark = pytest.mark.slow

# Markup and Markdown an attacker or a careless paste could bring: scripts, handlers, javascript:/data:
# URLs, frames, SVG, styles, comments that break out, and blocks that imitate the page's own.
HOSTILE = """
<script>alert("narrative")</script>
<img src="http://evil.example/pixel.png" onerror="alert(1)">
<iframe src="https://evil.example/frame"></iframe>
<a href="javascript:alert(2)">点这里</a> <a href="http://www.smsy.gov.cn/" onclick="alert(3)">门户</a>
<svg onload="alert(4)"><script>alert(5)</script></svg>
<div style="background:url(https://evil.example/bg.png)">样式</div>
<style>body { background: url(https://evil.example/css.png) }</style>
<object data="https://evil.example/x.swf"></object>
--><script>alert(6)</script><!--
<div class="signature" id="nb-fake">伪造的落款</div>

[脚本链接](javascript:alert(7)) [数据链接](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)
[门户网站](https://www.smsy.gov.cn/xxgk/) ![远程图片](https://evil.example/remote.png)
"""
NAME = '三元区民政局<script>alert("name")</script>'
CATEGORY = '<img src=x onerror=alert("category")>其它'
BAD_TAGS = {"script", "iframe", "img", "object", "embed", "link", "form", "input", "base", "meta", "frame"}


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the page, and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_head = self.in_head or tag == "head"
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        self.in_head = self.in_head and tag != "head"

    def handle_data(self, data: str) -> None:
        if not self.in_head:
            self.text.append(data)


@dataclass
class Page:
    path: str
    html: str
    elements: Elements = field(default_factory=Elements)

    def __post_init__(self) -> None:
        self.elements.feed(self.html)

    @property
    def text(self) -> str:
        return "".join(self.elements.text)


def inject(root: Path) -> None:
    def edit(relative: str, old: str, new: str) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("params/minzheng.yaml", "name: 三元区民政局 ", f"name: '{NAME}' ")
    edit("data/minzheng/2017/figures.yaml", "    其它: 4", f"    '{CATEGORY}': 4")
    edit(
        "data/minzheng/2017/narrative.md", "# 需要说明的其他情况\n\n无。", f"# 需要说明的其他情况\n{HOSTILE}"
    )
    edit("data/_district/2017/narrative.md", "# 存在的主要问题\n", f"# 存在的主要问题\n{HOSTILE}")
    edit("data/shili/2025/narrative.md", "# 政府信息管理\n", f"# 政府信息管理\n{HOSTILE}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with hostile data, its 2017 reports, summary and index and one 2025 report built."""
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    inject(root)
    for command in (["reports", "2017"], ["report", "shili", "2025"]):
        result = subprocess.run(
            [sys.executable, "-m", "nianbao.cli", *command],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def pages(built: Path) -> Iterator[list[Page]]:
    root = built
    written = sorted((root / "output").rglob("*.html"))
    yield [Page(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")) for path in written]


def by_path(pages: list[Page], path: str) -> Page:
    return next(page for page in pages if page.path == path)


def test_every_page_was_written(pages: list[Page]) -> None:
    paths = {page.path for page in pages}
    assert {
        "output/minzheng/2017/report.html",
        "output/shili/2025/report.html",
        "output/_district/2017/summary.html",
        "output/index.html",
    } <= paths


def test_no_page_runs_or_loads_anything(pages: list[Page]) -> None:
    for page in pages:
        elements = page.elements
        assert not set(elements.tags) & BAD_TAGS - {"meta"}, page.path
        assert elements.tags.count("meta") == 2 and elements.tags.count("style") == 1, (
            page.path
        )  # the frame's
        assert [a for a in elements.attributes if a[1].startswith("on")] == [], page.path
        assert [a for a in elements.attributes if a[1] in {"src", "srcset", "action", "formaction"}] == []
        for tag, name, value in elements.attributes:
            lowered = value.replace(" ", "").lower()
            assert "javascript:" not in lowered and "data:" not in lowered, (page.path, tag, name, value)
            assert "evil.example" not in lowered and "url(http" not in lowered, (page.path, tag, name, value)
            if name == "href":
                assert value.startswith(("http://", "https://", "#")) or ":" not in value, (page.path, value)


@pytest.mark.parametrize(
    "path",
    [
        "output/minzheng/2017/report.html",
        "output/shili/2025/report.html",
        "output/_district/2017/summary.html",
    ],
)
def test_markup_typed_in_a_narrative_is_shown_as_text(pages: list[Page], path: str) -> None:
    text = by_path(pages, path).text
    assert '<script>alert("narrative")</script>' in text
    assert '<img src="http://evil.example/pixel.png" onerror="alert(1)">' in text
    assert "--><script>alert(6)</script><!--" in text
    assert '<div class="signature" id="nb-fake">伪造的落款</div>' in text


@pytest.mark.parametrize(
    "path",
    [
        "output/minzheng/2017/report.html",
        "output/shili/2025/report.html",
        "output/_district/2017/summary.html",
    ],
)
def test_data_cannot_add_the_pages_own_blocks(pages: list[Page], path: str) -> None:
    attributes = by_path(pages, path).elements.attributes
    assert [a for a in attributes if a[1] == "class" and "signature" in a[2]] == [
        ("div", "class", "signature")
    ]
    assert [a for a in attributes if a[1] == "id" and a[2] == "nb-fake"] == []


@pytest.mark.parametrize(
    "path",
    [
        "output/minzheng/2017/report.html",
        "output/shili/2025/report.html",
        "output/_district/2017/summary.html",
    ],
)
def test_markdown_links_keep_only_web_addresses(pages: list[Page], path: str) -> None:
    page = by_path(pages, path)
    assert '<a href="https://www.smsy.gov.cn/xxgk/">门户网站</a>' in page.html  # no rel noise
    assert "<a>" not in page.html  # a refused link is its text (links.py), as in the PDF and Word
    assert "脚本链接 数据链接" in page.text


def test_a_profile_name_and_a_category_name_are_text_on_every_page(pages: list[Page]) -> None:
    for path in (
        "output/minzheng/2017/report.html",
        "output/_district/2017/summary.html",
        "output/index.html",
    ):
        assert NAME in by_path(pages, path).text, path
    for path in ("output/minzheng/2017/report.html", "output/_district/2017/summary.html"):
        assert CATEGORY in by_path(pages, path).text, path
    # The title is in the frame: escaped there too.
    report = by_path(pages, "output/minzheng/2017/report.html").html
    assert "<title>三元区民政局&lt;script&gt;" in report


# The addresses a report's template links from its agency's profile (params/*.yaml): the 引言's website
# and, in the pre2019 format, the portal.
OWN_ADDRESSES = {
    "output/minzheng/2017/report.docx": ["http://www.smsy.gov.cn/syxxgk/", "http://www.smsy.gov.cn"],
    "output/shili/2025/report.docx": ["http://shili.example/xxgk"],
    "output/_district/2017/summary.docx": [],
}


@pytest.mark.parametrize(
    "path",
    [
        "output/minzheng/2017/report.docx",
        "output/shili/2025/report.docx",
        "output/_district/2017/summary.docx",
    ],
)
def test_the_word_files_show_markup_as_text_and_link_only_web_addresses(built: Path, path: str) -> None:
    opened = word_reading.opened((built / path).read_bytes())
    text = "\n".join(text for _, text in word_reading.paragraphs(opened))
    assert '<script>alert("narrative")</script>' in text
    assert '<div class="signature" id="nb-fake">伪造的落款</div>' in text
    links = [rel.target_ref for rel in opened.part.rels.values() if rel.is_external]
    # the agency's own addresses (its profile's, linked by the template), then the narrative's one web
    # link: not the javascript: or data: ones
    assert links == [*OWN_ADDRESSES[path], "https://www.smsy.gov.cn/xxgk/"]
