"""Issue 26, the words in Word: the Word form handed out beside the Excel form (its headings, its text to
start from, its identity, its bytes) and `collect` placing a returned one at narrative.md — what it
writes as Markdown, and each case it refuses, skips or leaves alone, with its exact message."""

from __future__ import annotations

import io
import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from nianbao.authoring.next_year import start_next_year
from nianbao.errors import DataError
from nianbao.forms import collect, hand_out, word_identity
from nianbao.forms.collect import Collected
from nianbao.forms.word_reader import read_form
from nianbao.inputs.workbook import Identity
from nianbao.paths import Project
from nianbao.year import state, written
from nianbao.year.state import Stage
from tests.word_forms import fill, following, replace_in_part, section_text, text

HEADINGS = [
    ("Title", "示例市示例局 2026 年度政府信息公开工作年度报告 文字部分"),
    ("Heading 1", "总体情况"),
    ("Heading 2", "主动公开"),
    ("Heading 2", "依申请公开"),
    ("Heading 2", "政府信息管理"),
    ("Heading 2", "政府信息公开平台建设"),
    ("Heading 2", "监督保障"),
    ("Heading 1", "存在的主要问题及改进情况"),
    ("Heading 1", "其他需要报告的事项"),
]
SECTIONS = [h for style, h in HEADINGS if style != "Title" and h != "总体情况"]
MARK = "待改写：下面是 2025 年度的文字，请改写成 2026 年度的情况，改完删去这一行。"


@pytest.fixture
def begun(project: Project) -> Project:
    """shili with 2026 begun by next-year (its narrative.md: 2025's text under 待改写 lines)."""
    start_next_year(project, "shili")
    return project


def form_of(project: Project, agency: str = "shili", year: int = 2026) -> Path:
    return hand_out.write_words(project, agency, year)


def returned(project: Project) -> Path:
    folder = project.root.parent / "returned"
    folder.mkdir(exist_ok=True)
    return folder


def collected(project: Project) -> Collected:
    return collect.collect(project, returned(project))


def refused(project: Project) -> str:
    outcome = collected(project)
    assert not outcome.placed, outcome
    [(_, why)] = outcome.refused
    return why


def narrative(project: Project, agency: str = "shili", year: int = 2026) -> str:
    return project.narrative(agency, year).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the form handed out


def test_the_form_is_titled_headed_by_the_formats_sections_and_carries_its_identity(begun: Project) -> None:
    path = form_of(begun)
    assert path == begun.root / "output/workbooks/shili-2026.docx"
    form = docx.Document(str(path))
    heads = [(p.style.name, p.text) for p in form.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert heads == HEADINGS
    body = [p.text for p in form.paragraphs]
    assert body[body.index("主动公开") + 1] == MARK
    assert body[body.index("主动公开") + 2].startswith("{{ report.year }}年，{{ agency.self_reference }}")
    assert word_identity.properties(form) == {
        "nianbao.agency": "shili",
        "nianbao.year": "2026",
        "nianbao.format": "gb2021",
        "nianbao.kind": "narrative",
    }
    assert word_identity.identity(form, "x.docx") == Identity("shili", 2026, "gb2021")


def test_the_same_year_gives_the_same_bytes(begun: Project) -> None:
    first = form_of(begun).read_bytes()
    assert form_of(begun).read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/custom.xml" in package.namelist()
        assert "docProps/thumbnail.jpeg" not in package.namelist()


def test_a_year_without_words_to_copy_gives_each_section_its_purpose(project: Project) -> None:
    for old in project.agency_dir("shili").glob("*/narrative.md"):
        old.unlink()
    form = docx.Document(str(form_of(project)))
    body = [p.text for p in form.paragraphs]
    assert body[body.index("主动公开") + 1] == (
        "待改写：请写 2026 年度的情况（本年度主动公开了哪些政府信息、通过哪些渠道公开），写完删去这一行。"
    )
    assert body[body.index("其他需要报告的事项") + 1] == (
        "待改写：请写 2026 年度的情况（收取信息处理费的情况等其他需要报告的事项；没有的写明“无”），"
        "写完删去这一行。"
    )


def test_workbooks_writes_both_forms_of_each_agency_and_the_districts(project: Project) -> None:
    handed = hand_out.write_forms(project, 2026)
    names = sorted(one.path.name for one in handed if one.path is not None)
    assert "_district-2026.docx" in names
    assert all(f"{agency}-2026.docx" in names for agency in project.agencies())
    district = docx.Document(str(project.words_form("_district", 2026)))
    assert word_identity.identity(district, "x") == Identity("_district", 2026, "gb2021")


# ---------------------------------------------------------------- what comes back, as Markdown


def add_link(paragraph: Paragraph, shown: str, address: str) -> None:
    rel = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    words = OxmlElement("w:t")
    words.text = shown
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def rich(form: docx.document.Document, at: Paragraph) -> None:
    """A section as a clerk writes it in Word: every construct the reader keeps."""
    p = at.insert_paragraph_before("本年度新收申请")
    p.add_run("{{ apply.new.total }}件").bold = True
    p.add_run("，")
    p.add_run("（全部）").bold = True
    p.add_run("按时办结。")
    at.insert_paragraph_before("第一项", style="List Bullet")
    at.insert_paragraph_before("第二项", style="List Bullet")
    at.insert_paragraph_before("办结", style="List Number")
    at.insert_paragraph_before("答复", style="List Number")
    at.insert_paragraph_before("• 打字的圆点")
    at.insert_paragraph_before("1.打字的编号")
    p = at.insert_paragraph_before("第一行")
    p.add_run().add_break()
    p.add_run("第二行")
    at.insert_paragraph_before("小标题", style="Heading 3")
    at.insert_paragraph_before("# 不是标题 <!-- 不是注释 --> <script>alert(1)</script>")
    p = at.insert_paragraph_before("见")
    add_link(p, "门户网站", "https://www.example.gov.cn/a b")
    add_link(p, "这里", "javascript:alert(1)")
    table = form.add_table(rows=3, cols=2)
    for (r, c), value in {
        (0, 0): "项目",
        (0, 1): "件数",
        (1, 0): "申请|来信",
        (1, 1): "{{ apply.new.total }}",
    }.items():
        table.cell(r, c).text = value
    table.cell(2, 0).merge(table.cell(2, 1)).text = "合计"
    at._p.addprevious(table._tbl)


RICH = (
    "本年度新收申请**{{ apply.new.total }}件**，（**全部**）按时办结。\n\n"
    "- 第一项\n- 第二项\n1. 办结\n2. 答复\n- 打字的圆点\n1. 打字的编号\n\n"
    "第一行\\\n第二行\n\n"
    "## 小标题\n\n"
    "\\# 不是标题 <!\\-\\- 不是注释 --> <script>alert(1)</script>\n\n"
    "见[门户网站](https://www.example.gov.cn/a%20b)[这里](javascript:alert%281%29)\n\n"
    "| 项目 | 件数 |\n| --- | --- |\n| 申请\\|来信 | {{ apply.new.total }} |\n| 合计 |  |"
)


def test_a_filled_form_is_placed_as_the_markdown_a_clerk_would_have_typed(begun: Project) -> None:
    fill(form_of(begun), returned(begun) / "甲局的文字（1）.docx", {"监督保障": rich})
    outcome = collected(begun)
    assert outcome.placed == [("甲局的文字（1）.docx", "data/shili/2026/narrative.md", 0)]
    assert outcome.replaced == [
        (
            "data/shili/2026/narrative.md",
            "data/shili/2026/narrative.md",
            "data/shili/2026/已替换/narrative.md",
        )
    ]
    assert outcome.to_rewrite == {}
    text_now = narrative(begun)
    assert section_text(text_now, "监督保障") == "把政务公开纳入年度工作考核，组织业务培训1次。\n\n" + RICH
    assert (
        section_text(text_now, "政府信息管理")
        == "定期清理本局制发的规范性文件，对不再适用的文件及时公布废止或失效情况。"
    )
    entry = written.read(begun, "shili", 2026)["narrative.md"]
    assert (entry.command, entry.source) == ("collect", "甲局的文字（1）.docx")


def test_a_form_still_to_rewrite_is_placed_and_its_sections_named(begun: Project) -> None:
    fill(form_of(begun), returned(begun) / "甲.docx", {"主动公开": text("本年度的文字。")}, drop_marks=False)
    outcome = collected(begun)
    assert [target for _, target, _ in outcome.placed] == ["data/shili/2026/narrative.md"]
    assert outcome.to_rewrite == {"data/shili/2026/narrative.md": SECTIONS}
    assert section_text(narrative(begun), "主动公开").startswith(MARK)


# ---------------------------------------------------------------- refused, skipped, left alone


def write_form(project: Project, name: str, data: bytes) -> None:
    (returned(project) / name).write_bytes(data)


def test_a_renamed_a_missing_and_a_repeated_heading_are_named(begun: Project) -> None:
    form = docx.Document(str(form_of(begun)))
    next(p for p in form.paragraphs if p.text == "监督保障").runs[0].text = "监督和保障"
    form.save(str(returned(begun) / "甲.docx"))
    assert refused(begun) == (
        "标题“监督和保障”不是这份表的标题（是不是 监督保障？）；标题不能改动，应为：“总体情况”、“主动公开”、"
        "“依申请公开”、“政府信息管理”、“政府信息公开平台建设”、“监督保障”、“存在的主要问题及改进情况”、"
        "“其他需要报告的事项”"
    )
    form = docx.Document(str(form_of(begun)))
    next(p for p in form.paragraphs if p.text == "监督保障").style = form.styles["Normal"]
    form.save(str(returned(begun) / "甲.docx"))
    assert refused(begun) == "缺少标题：“监督保障”（被删去了，或不是标题样式？）"
    form = docx.Document(str(form_of(begun)))
    form.add_paragraph("主动公开", style="Heading 2")
    form.save(str(returned(begun) / "甲.docx"))
    assert refused(begun) == "标题“主动公开”出现了两次"
    assert "待改写" in narrative(begun)  # next-year's file, still there


def test_text_outside_the_sections_is_named(begun: Project) -> None:
    form = docx.Document(str(form_of(begun)))
    form.paragraphs[1].insert_paragraph_before("前言")
    form.save(str(returned(begun) / "甲.docx"))
    assert refused(begun) == "第一个标题“总体情况”之前有文字（“前言”）；每段文字都应写在一个标题下面"
    fill(form_of(begun), returned(begun) / "甲.docx", {"总体情况": text("总的来说")})
    assert refused(begun) == "标题“总体情况”与它的第一个小标题之间有文字（“总的来说”）；文字应写在小标题下面"


def test_a_document_that_is_not_the_form(begun: Project) -> None:
    plain = docx.Document()
    plain.add_paragraph("主动公开", style="Heading 1")
    plain.save(str(returned(begun) / "甲.docx"))
    assert refused(begun) == "这不是 nianbao 的文字填报表（文档属性中没有记录机关和年度）"
    data = form_of(begun).read_bytes()
    write_form(begun, "甲.docx", replace_in_part(data, "docProps/custom.xml", "narrative", "figures"))
    assert refused(begun) == "文字填报表中记录机关和年度的文档属性被改动过，无法确定是哪个机关哪一年的"
    write_form(begun, "甲.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert refused(begun) == "是旧版 Word 97-2003 文档（.doc）或设了打开密码的文档，无法读取"
    write_form(begun, "甲.docx", b"PK\x03\x04 truncated")
    assert refused(begun) == "Word 文档不完整或已损坏（可能没有保存完，或传输时中断），无法读取"


def test_a_form_of_an_agency_not_on_file_or_of_another_format(begun: Project) -> None:
    data = form_of(begun).read_bytes()
    write_form(begun, "甲.docx", replace_in_part(data, "docProps/custom.xml", ">shili<", ">tongji<"))
    assert refused(begun).startswith("机关 tongji 没有档案（params/tongji.yaml）")
    write_form(begun, "甲.docx", replace_in_part(data, "docProps/custom.xml", ">gb2021<", ">gb2019<"))
    assert refused(begun).startswith("是 gb2019 格式的填报表，2026 年度应为 gb2021 格式")


def test_words_a_person_wrote_are_never_replaced(project: Project) -> None:
    """shili 2025's narrative.md was typed by a person (no record): a Word form for it is refused."""
    before = narrative(project, year=2025)
    fill(form_of(project, year=2025), returned(project) / "甲.docx", {"主动公开": text("新的文字。")})
    assert refused(project) == (
        "机关 shili 的 2025 年度已有文字：data/shili/2025/narrative.md 是手工写的，或生成后有人改过，"
        "nianbao 不会替换它；要改用这份文字填报表，请先把它移出 data/shili/2025/，再运行 make collect"
    )
    assert narrative(project, year=2025) == before


def test_next_years_words_changed_by_a_person_are_kept(begun: Project) -> None:
    path = begun.narrative("shili", 2026)
    path.write_text(path.read_text(encoding="utf-8") + "\n有人加的一句。\n", encoding="utf-8")
    fill(form_of(begun), returned(begun) / "甲.docx", {})
    assert refused(begun).startswith(
        "机关 shili 的 2026 年度已有文字：data/shili/2026/narrative.md 是手工写的"
    )
    assert narrative(begun).endswith("有人加的一句。\n")


def test_a_second_copy_the_same_form_again_and_a_corrected_form(begun: Project) -> None:
    form = form_of(begun)
    fill(form, returned(begun) / "a.docx", {"主动公开": text("第一稿。")})
    fill(form, returned(begun) / "b.docx", {"主动公开": text("第二稿。")})
    outcome = collected(begun)
    assert [name for name, _, _ in outcome.placed] == ["a.docx"]
    assert outcome.refused == [("b.docx", "与 a.docx 是同一机关同一年度的文字填报表，只放置了前者")]
    (returned(begun) / "b.docx").unlink()
    again = collected(begun)
    assert again.already == [("a.docx", "已放置过：与 data/shili/2026/narrative.md 完全相同")]
    assert again.placed == []
    (returned(begun) / "a.docx").unlink()
    fill(form, returned(begun) / "改正.docx", {"主动公开": text("改正稿。")})
    corrected = collected(begun)
    assert corrected.replaced == [
        (
            "data/shili/2026/narrative.md",
            "data/shili/2026/narrative.md",
            "data/shili/2026/已替换/narrative-2.md",
        )
    ]
    assert "改正稿。" in narrative(begun)
    assert "第一稿。" in (begun.year_dir("shili", 2026) / "已替换/narrative-2.md").read_text(encoding="utf-8")


def test_a_word_form_comes_back_without_its_excel_form(begun: Project) -> None:
    """An agency on YAML writes in Word: only its words are placed; its figures files are untouched."""
    figures = begun.figures("shili", 2026).read_bytes()
    fill(form_of(begun), returned(begun) / "甲.docx", {})
    assert [t for _, t, _ in collected(begun).placed] == ["data/shili/2026/narrative.md"]
    assert begun.figures("shili", 2026).read_bytes() == figures


def test_other_word_files_are_skipped_saying_save_as_docx(begun: Project) -> None:
    for name in ("甲.doc", "乙.odt", "丙.wps", "~$甲.docx"):
        (returned(begun) / name).write_bytes(b"x")
    fill(form_of(begun), returned(begun) / "甲.docx", {})
    outcome = collected(begun)
    assert sorted(outcome.skipped) == sorted(
        [
            ("甲.doc", "是旧版 Word 97-2003 文档，请另存为 .docx"),
            ("乙.odt", "是 OpenDocument 文本，请另存为 .docx"),
            ("丙.wps", "是 WPS 文字文件，请另存为 .docx"),
            ("~$甲.docx", "是 Word / WPS 打开文件时留下的锁文件，不是填报表"),
        ]
    )


def test_the_districts_words_come_back_to_its_folder(project: Project) -> None:
    hand_out.write_forms(project, 2026)
    fill(
        project.words_form("_district", 2026),
        returned(project) / "区.docx",
        {"主动公开": text("全区的文字。")},
    )
    outcome = collected(project)
    assert [t for _, t, _ in outcome.placed] == ["data/_district/2026/narrative.md"]
    assert "全区的文字。" in narrative(project, "_district", 2026)


# ---------------------------------------------------------------- hostile forms


def test_a_control_character_escaped_in_the_xml_is_refused_naming_the_section(begun: Project) -> None:
    fill(form_of(begun), returned(begun) / "甲.docx", {"监督保障": text("培训XX次")})
    data = (returned(begun) / "甲.docx").read_bytes()
    write_form(begun, "甲.docx", replace_in_part(data, "word/document.xml", "培训XX次", "培训&#x85;次"))
    assert refused(begun) == (
        "第 3 行：含有不可打印的控制字符 U+0085，在“培训”之后；报告（网页、PDF、Word）中不能有这种字符"
    )
    with pytest.raises(DataError) as err:
        collect_one(begun)
    assert err.value.path == "甲.docx（“监督保障”一段）"
    write_form(begun, "甲.docx", replace_in_part(data, "word/document.xml", "培训XX次", "培训&#x1;次"))
    assert refused(begun).startswith("Word 文档的部件 word/document.xml：不是完好的 XML（第 2 行")


def collect_one(project: Project) -> None:
    """The one form in the folder read as collect reads it, raising its refusal."""
    [path] = returned(project).iterdir()
    from nianbao.forms.collect import _target

    _target(project, path.name, path.read_bytes(), {})


def test_entities_in_the_identity_part_are_refused_before_any_reading(begun: Project) -> None:
    data = form_of(begun).read_bytes()
    hostile = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "shili">]><Properties/>'
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        original = package.read("docProps/custom.xml").decode()
    write_form(begun, "甲.docx", replace_in_part(data, "docProps/custom.xml", original, hostile))
    assert refused(begun) == (
        "Word 文档的部件 docProps/custom.xml：含有文档类型或实体声明（<!DOCTYPE>、<!ENTITY>）："
        "Word 不会这样保存，为安全起见不读取"
    )


def test_a_placeholder_written_wrong_is_refused_naming_the_section(begun: Project) -> None:
    fill(form_of(begun), returned(begun) / "甲.docx", {"监督保障": text("共 {{ apply.new.total ")})
    assert refused(begun).startswith("占位符写法错误（第 3 行）")
    fill(form_of(begun), returned(begun) / "甲.docx", {"监督保障": text("{% set total = 1 %}")})
    assert refused(begun).startswith("占位符只能引用数字和文字")


def test_too_many_parts_are_refused_before_python_docx_reads_them(begun: Project) -> None:
    data = form_of(begun).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            copy.writestr(info, source.read(info))
        for number in range(1001):
            copy.writestr(f"word/media/x{number}.bin", b"")
    write_form(begun, "甲.docx", out.getvalue())
    assert refused(begun) == "Word 文档有 1018 个部件，超过 1000 个，不像是填报表"
    with pytest.raises(DataError, match="不像是填报表"):
        read_form(out.getvalue(), "甲.docx")


def test_the_returned_folder_is_left_as_it_was(begun: Project) -> None:
    fill(form_of(begun), returned(begun) / "甲.docx", {})
    before = (returned(begun) / "甲.docx").read_bytes()
    collected(begun)
    assert (returned(begun) / "甲.docx").read_bytes() == before
    shutil.rmtree(returned(begun))


def test_a_form_still_to_rewrite_leaves_the_year_to_fill(begun: Project) -> None:
    fill(form_of(begun), returned(begun) / "甲.docx", {}, drop_marks=False)
    collected(begun)
    assert state.of(begun, "shili", 2026).stage == Stage.TO_FILL


def test_no_words_are_placed_for_a_year_imported_from_its_page(begun: Project) -> None:
    path = written.record_path(begun, "shili", 2026)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["files"]["figures.yaml"]["command"] = "import"
    path.write_text(json.dumps(record), encoding="utf-8")
    fill(form_of(begun), returned(begun) / "甲.docx", {})
    assert refused(begun) == (
        "机关 shili 的 2026 年度是从已发布的网页导入的历史年度，只供下一年度结转和比较，"
        "不生成报告，不用写文字"
    )


def tiny_png() -> io.BytesIO:
    """A 1×1 picture, as a clerk might paste a seal or a photo into the form."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
    return io.BytesIO(png + chunk(b"IEND", b""))


def test_a_picture_a_text_box_or_a_footnote_would_be_lost_so_the_form_is_refused(begun: Project) -> None:
    """nianbao reads a section's text and tables; what it cannot read is named, never dropped."""
    form = docx.Document(str(form_of(begun)))
    pasted = following(form, "监督保障")
    assert pasted is not None
    pasted.insert_paragraph_before("本年度情况见下图。").add_run().add_picture(tiny_png())
    form.save(str(returned(begun) / "甲.docx"))
    assert refused(begun) == (
        "“监督保障”一段中有图片或图形：nianbao 只读正文的文字和表格，"
        "图片或图形中的内容放入 narrative.md 时会丢失"
    )
    form = docx.Document(str(form_of(begun)))
    noted = following(form, "监督保障")
    assert noted is not None
    run = noted.insert_paragraph_before("见脚注。").add_run()
    reference = run._r.makeelement(qn("w:footnoteReference"), {qn("w:id"): "1"})
    run._r.append(reference)
    form.save(str(returned(begun) / "甲.docx"))
    assert refused(begun).startswith("“监督保障”一段中有脚注：")
    assert not begun.narrative("shili", 2026).read_text(encoding="utf-8").startswith("<!-- 由 make collect")
