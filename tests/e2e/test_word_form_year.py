"""Issue 26 end to end, through make as an office runs it: a Word form filled in Word's constructs comes
back, is placed by `make collect`, and `make report` prints its words under the right headings (hostile
text in it treated as in narrative.md); the same form resaved by LibreOffice reads back the same; and an
agency's year from `make next-year` to its report with one Excel and one Word file returned and no file
typed by hand."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.text.paragraph import Paragraph

from nianbao.forms import word_identity
from nianbao.inputs.workbook import Identity
from tests.conftest import copy_project
from tests.e2e.test_make_variables import run_make
from tests.e2e.test_year_paths import fill_form
from tests.unit.test_word_forms import add_link
from tests.word_forms import Filler, fill, resaved_by_libreoffice, section_text, text

pytestmark = pytest.mark.slow

SECTIONS = (
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)


def ok(done: object) -> str:
    assert getattr(done, "returncode") == 0, getattr(done, "stderr")  # noqa: B009
    return str(getattr(done, "stdout"))  # noqa: B009


def words(number: int) -> str:
    return f"第{number}段的新文字，本年度按要求开展了这项工作。"


def active(form: WordDocument, at: Paragraph) -> None:
    """The first section as a clerk writes it: a placeholder in bold, a list, a table, hostile text."""
    p = at.insert_paragraph_before(words(1) + "新收申请")
    p.add_run("{{ apply.new.total }}件").bold = True
    p.add_run("。")
    at.insert_paragraph_before("列表第一项", style="List Bullet")
    at.insert_paragraph_before("列表第二项", style="List Bullet")
    at.insert_paragraph_before("<script>alert(1)</script><b>不是加粗</b>")
    p = at.insert_paragraph_before("详见")
    add_link(p, "此处", "javascript:alert(1)")
    table = form.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "表头甲", (0, 1): "表头乙", (1, 0): "格甲", (1, 1): "格乙"}.items():
        table.cell(r, c).text = value
    at._p.addprevious(table._tbl)


def filled(number: int) -> Filler:
    return active if number == 1 else text(words(number))


def fill_all(source: Path, target: Path) -> None:
    fill(source, target, {name: filled(i) for i, name in enumerate(SECTIONS, start=1)})


def page_text(path: Path) -> str:
    """The report page's text with its headings marked `§§`, as a reader sees the order."""
    page = path.read_text(encoding="utf-8")
    body = page[page.index("<body") :]
    body = re.sub(r"<h[1-6][^>]*>", "§§", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def under(page: str, heading: str) -> str:
    """The text between the heading that ends with `heading` and the next heading."""
    parts = page.split("§§")
    found = [part for part in parts if part.strip().split("\n")[0].strip().endswith(heading)]
    assert len(found) == 1, (heading, [p[:30] for p in parts])
    return found[0]


def test_a_word_form_filled_in_word_is_placed_and_printed_under_its_headings(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "data/shili/2025/narrative.md").unlink()  # the words now come in Word
    ok(run_make(root, "workbook", "AGENCY=shili", "YEAR=2025"))
    returned = tmp_path / "收回"
    fill_all(root / "output/workbooks/shili-2025.docx", returned / "示例局2025文字(1).docx")
    collected = ok(run_make(root, "collect", f"DIR={returned}"))
    assert collected.splitlines()[0] == (
        "已放置 / placed: 示例局2025文字(1).docx → data/shili/2025/narrative.md：各段文字均已写好"
    )
    ok(run_make(root, "report", "AGENCY=shili", "YEAR=2025"))
    page = page_text(root / "output/shili/2025/report.html")
    for number, heading in enumerate(SECTIONS, start=1):
        assert words(number) in under(page, heading), heading
    first = under(page, "主动公开")
    assert "{{" not in first and re.search(r"新收申请\d+件。", first)
    assert "列表第一项" in first and "表头甲" in first and "格乙" in first
    raw = (root / "output/shili/2025/report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<b>不是加粗" not in raw
    assert "javascript:" not in raw.lower()
    assert re.search(r"<table[^>]*>.*?表头甲.*?格乙.*?</table>", raw, re.S)
    assert re.search(r"<strong>\d+件</strong>", raw)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_form_resaved_by_libreoffice_reads_back_the_same(tmp_path: Path) -> None:
    roots = [copy_project(tmp_path / name) for name in ("word", "libreoffice")]
    for root in roots:
        ok(run_make(root, "next-year", "AGENCY=shili"))
        ok(run_make(root, "workbook", "AGENCY=shili", "YEAR=2026"))
    fill_all(roots[0] / "output/workbooks/shili-2026.docx", tmp_path / "returned-word/示例局.docx")
    resaved = resaved_by_libreoffice(
        tmp_path / "returned-word/示例局.docx", tmp_path / "returned-libreoffice", tmp_path / "lo-profile"
    )
    again = docx.Document(str(resaved))
    assert resaved.read_bytes() != (tmp_path / "returned-word/示例局.docx").read_bytes()
    assert word_identity.identity(again, "x") == Identity("shili", 2026, "gb2021")  # custom properties kept
    styles = {p.text: p.style.name for p in again.paragraphs if p.text in ("总体情况", *SECTIONS)}
    assert styles["总体情况"] == "Heading 1" and styles["主动公开"] == "Heading 2"
    assert styles["存在的主要问题及改进情况"] == "Heading 1"
    for root, folder in zip(roots, ("returned-word", "returned-libreoffice"), strict=True):
        ok(run_make(root, "collect", f"DIR={tmp_path / folder}"))
    by_word, by_libreoffice = (
        (root / "data/shili/2026/narrative.md").read_text(encoding="utf-8") for root in roots
    )
    for heading in SECTIONS:
        assert section_text(by_libreoffice, heading) == section_text(by_word, heading), heading
    assert "- 列表第一项\n- 列表第二项" in section_text(by_libreoffice, "主动公开")


def test_an_agencys_year_from_next_year_to_its_report_with_nothing_typed_by_hand(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    ok(run_make(root, "next-year", "AGENCY=shili"))
    handed = ok(run_make(root, "workbook", "AGENCY=shili", "YEAR=2026"))
    assert handed.splitlines() == [
        "已生成填报表 / form: output/workbooks/shili-2026.xlsx",
        "已生成文字填报表 / words form: output/workbooks/shili-2026.docx",
    ]
    returned = tmp_path / "收回的表格"
    returned.mkdir()
    shutil.copy(root / "output/workbooks/shili-2026.xlsx", returned / "示例局数字.xlsx")
    fill_form(returned / "示例局数字.xlsx", 2026)
    fill(
        root / "output/workbooks/shili-2026.docx",
        returned / "示例局文字.docx",
        {name: text(words(i)) for i, name in enumerate(SECTIONS, start=1)},
    )
    collected = ok(run_make(root, "collect", f"DIR={returned}")).splitlines()
    assert collected == [
        "已放置 / placed: 示例局数字.xlsx → data/shili/2026/figures.xlsx：各格均已填写",
        "  已替换 / replaced: data/shili/2026/figures.yaml（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2026/已替换/figures.yaml",
        "  已替换 / replaced: data/shili/2026/applications.csv（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2026/已替换/applications.csv",
        "已放置 / placed: 示例局文字.docx → data/shili/2026/narrative.md：各段文字均已写好",
        "  已替换 / replaced: data/shili/2026/narrative.md（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2026/已替换/narrative.md",
        "放置了 2 份，未放置 0 份。",
    ]
    assert "通过 / ok: shili 2026" in ok(run_make(root, "check", "AGENCY=shili", "YEAR=2026"))
    ok(run_make(root, "report", "AGENCY=shili", "YEAR=2026"))
    page = page_text(root / "output/shili/2026/report.html")
    for number, heading in enumerate(SECTIONS, start=1):
        assert words(number) in under(page, heading), heading
