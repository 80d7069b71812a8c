"""Hostile links, text no output can carry and an output that is a folder (issue 24), run as a clerk runs
them: the CLI in a process, each within a minute (`run_cli`).

Links: a narrative, a category name and a profile field holding `javascript:`, `file:`, `data:`, relative and
empty links, in an agency's report and in the district summary; every page, PDF and Word file written links
only the `https://` and `mailto:` addresses among them. Refusals: the exact first line of the message, exit
status 1, no traceback, and `data/`, `params/`, `notebooks/` and the last good `output/` unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import pdf_text, word_reading
from tests.conftest import run_cli
from tests.functional.test_hostile_input import entries, replace

FIGURES = "data/minzheng/2017/figures.yaml"
PROFILE = "params/minzheng.yaml"
NARRATIVE = "data/minzheng/2017/narrative.md"
DISTRICT = "data/_district/2017/narrative.md"
ALLOWED = ["https://www.smsy.gov.cn/xxgk/", "mailto:xxgk@example.gov.cn"]
# Before the narrative's links, a report links its agency's own addresses (params/minzheng.yaml): the
# 引言's website and the portal, which the template writes as links that end where the address ends.
OWN = {
    "output/minzheng/2017/report": ["http://www.smsy.gov.cn/syxxgk/", "http://www.smsy.gov.cn"],
    "output/_district/2017/summary": [],
}
HOSTILE_LINKS = (
    "[脚本](javascript:alert(1)) [文件](file:///etc/passwd) "
    "[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
    "[上级](../../../etc/passwd) [空链接]() [根目录](/etc/passwd) "
    "[门户网站](https://www.smsy.gov.cn/xxgk/) [信箱](mailto:xxgk@example.gov.cn)"
)
CATEGORY = "[其它](javascript:alert(2))"
OFFICE = "[办公室](file:///etc/passwd)"
NAME = "[三元区民政局](../../../etc/passwd)"


cli = run_cli  # the one way these tests run the command line (tests/conftest.py)


def inject_links(root: Path) -> None:
    replace(NARRATIVE, "# 需要说明的其他情况\n\n无。", f"# 需要说明的其他情况\n\n{HOSTILE_LINKS}")(root)
    replace(FIGURES, "    其它: 4", f"    '{CATEGORY}': 4")(root)
    replace(PROFILE, "  office: 三元区民政局办公室", f"  office: '{OFFICE}'")(root)
    replace(PROFILE, "name: 三元区民政局 ", f"name: '{NAME}' ")(root)
    # The district's own prose, and the agencies' names and categories it may quote.
    loop = "{% for c in active.categories %}{{ c.name }}、{% endfor %}"
    replace(
        DISTRICT,
        "# 需要说明的其他情况\n\n无。",
        f"# 需要说明的其他情况\n\n{HOSTILE_LINKS}\n\n汇总的机关：{{{{ agencies.names }}}}；类别：{loop}",
    )(root)


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.empty_anchors = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "href" in values:
            self.hrefs.append(values["href"] or "")
        elif tag == "a":
            self.empty_anchors += 1


def pdf_links(data: bytes) -> list[str]:
    found = []
    for page in pdf_text.reader(data).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            found.append(str(action.get("/URI") or action))
    return found


def word_links(data: bytes) -> list[str]:
    opened = word_reading.opened(data)
    return [rel.target_ref for rel in opened.part.rels.values() if rel.is_external]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with hostile links, the 2017 report of minzheng and the 2017 summary built."""
    from tests.conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("links") / "project")
    inject_links(root)
    for args in (("report", "minzheng", "2017"), ("summary", "2017")):
        done = cli(root, *args)
        assert done.returncode == 0, done.stderr
    return root


@pytest.mark.parametrize("folder", ["output/minzheng/2017/report", "output/_district/2017/summary"])
def test_the_page_links_only_web_and_mail_addresses(built: Path, folder: str) -> None:
    html = (built / f"{folder}.html").read_text(encoding="utf-8")
    anchors = Hrefs()
    anchors.feed(html)
    assert anchors.hrefs == OWN[folder] + ALLOWED
    assert anchors.empty_anchors == 0  # refused links are their text, not <a> without an address


@pytest.mark.parametrize("folder", ["output/minzheng/2017/report", "output/_district/2017/summary"])
def test_the_pdf_links_only_web_and_mail_addresses_and_shows_the_rest_as_text(
    built: Path, folder: str
) -> None:
    data = (built / f"{folder}.pdf").read_bytes()
    assert pdf_links(data) == OWN[folder] + ALLOWED
    text = pdf_text.squeezed("".join(pdf_text.pages_text(data)))
    assert "脚本文件数据上级空链接根目录门户网站信箱" in text


@pytest.mark.parametrize("folder", ["output/minzheng/2017/report", "output/_district/2017/summary"])
def test_the_word_file_links_only_web_and_mail_addresses(built: Path, folder: str) -> None:
    assert word_links((built / f"{folder}.docx").read_bytes()) == OWN[folder] + ALLOWED


def docx_text(path: Path) -> str:
    return "".join(found for _, found in word_reading.paragraphs(word_reading.opened(path.read_bytes())))


def test_the_category_and_the_profile_fields_reach_the_report_as_text(built: Path) -> None:
    """They did reach a Markdown link (the template quotes them in its prose), and stay its text."""
    text = docx_text(built / "output/minzheng/2017/report.docx")
    assert "工作动态类信息2条，占11.8%；其它类信息4条" in text  # the category's
    assert "请与办公室联系" in text  # the office's
    assert "三元区民政局2017年政府信息公开工作年度报告" in text  # the name's, in the title
    assert "脚本 文件 数据 上级 空链接 根目录 门户网站 信箱" in text


def test_the_summary_quotes_the_agencies_names_and_categories_as_text(built: Path) -> None:
    text = docx_text(built / "output/_district/2017/summary.docx")
    assert "汇总的机关：三元区民政局、示例区环境保护局" in text
    assert "类别：机构职能、" in text and "工作动态、其它、" in text
    assert "脚本 文件 数据 上级 空链接 根目录 门户网站 信箱" in text


# ---------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Case:
    id: str
    message: str  # the first line of stderr, after "错误："
    setup: Callable[[Path], None] = field(compare=False)
    args: tuple[str, ...] = ("report", "minzheng", "2017")


def folder_in_place(root: Path) -> None:
    """report.html a folder (holding a file), beside the last good PDF."""
    (root / "output/minzheng/2017/report.html").mkdir(parents=True)
    (root / "output/minzheng/2017/report.html/keep.txt").write_text("某人的文件", encoding="utf-8")


def file_above(root: Path) -> None:
    """A file where the report's folder would be (the last good report moved aside): never deleted."""
    (root / "output/minzheng/2017").rename(root / "output/minzheng/kept-2017")
    (root / "output/minzheng/2017").write_bytes(b"not a folder")


WHY = "；报告（网页、PDF、Word）中不能有这种字符"
CASES = [
    Case(
        "narrative-escape-character",
        f"{NARRATIVE}: 第 8 行：含有不可打印的控制字符 U+001B，在“局政务公开工作实施方案，”之后{WHY}",
        replace(NARRATIVE, "制定了本局政务公开工作实施方案，", "制定了本局政务公开工作实施方案，\x1b[31m"),
    ),
    Case(
        "narrative-noncharacter",
        f"{NARRATIVE}: 第 8 行：含有非字符 U+FFFF（Unicode 中不表示任何文字的码位），"
        f"在“局政务公开工作实施方案，”之后{WHY}",
        replace(NARRATIVE, "制定了本局政务公开工作实施方案，", "制定了本局政务公开工作实施方案，\uffff"),
    ),
    Case(
        "profile-name-delete-character",
        f"{PROFILE}: 第 2 行：含有不可打印的控制字符 U+007F，在“name: 三元区民政局”之后{WHY}",
        replace(PROFILE, "name: 三元区民政局 ", "name: 三元区民政局\x7f "),
    ),
    Case(
        "profile-name-c1-control-by-escape",
        f"{PROFILE}: 第 2 行：含有不可打印的控制字符 U+0085，在“三元区”之后{WHY}",
        replace(PROFILE, "name: 三元区民政局 ", 'name: "三元区\\x85民政局" '),
    ),
    Case(
        "category-name-noncharacter-by-escape",
        f"{FIGURES}: 第 18 行：含有非字符 U+FFFE（Unicode 中不表示任何文字的码位），在“其它”之后{WHY}",
        replace(FIGURES, "    其它: 4", '    "其它\\uFFFE": 4'),
    ),
    Case(
        "district-narrative-control-character",
        f"{DISTRICT}: 第 11 行：含有不可打印的控制字符 U+0001，在“的公开工作进展不够平衡，”之后{WHY}",
        replace(DISTRICT, "各机关的公开工作进展不够平衡，", "各机关的公开工作进展不够平衡，\x01"),
        ("summary", "2017"),
    ),
    Case(
        "narrative-private-use-character",
        "报告文字中的字符“\ue000”（U+E000）无法印在 PDF 中：PDF 的字体中没有这个字。"
        "所在的文字：“局政务公开工作实施方案，\ue000本局还把保障和改善民生”",
        replace(
            NARRATIVE, "制定了本局政务公开工作实施方案，", "制定了本局政务公开工作实施方案，\ue000本局还"
        ),
    ),
    Case(
        "report-html-is-a-folder",
        "output/minzheng/2017/report.html: 这是一个文件夹，不是文件：无法在这里写入生成的文件",
        folder_in_place,
    ),
    Case(
        "report-folder-is-a-file",
        "output/minzheng/2017: 这是一个文件，不是文件夹：无法在其中写入 report.ipynb",
        file_above,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_refused_with_one_message_in_seconds_and_nothing_lost_or_published(
    case: Case, project_dir: Path
) -> None:
    last_good = project_dir / "output/minzheng/2017"
    last_good.mkdir(parents=True)
    (last_good / "report.pdf").write_bytes(b"%PDF last good report")
    case.setup(project_dir)
    before = entries(project_dir)

    done = cli(project_dir, *case.args)

    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"错误：{case.message}"
    after = entries(project_dir)
    if case.args[0] == "summary":  # the failed build's record, which `make summary` keeps on purpose
        for record in ("output/_district/2017/build.json", "output/_district/2017", "output/_district"):
            after.pop(record)
    assert after == before


def test_a_folder_in_the_way_is_named_with_what_to_do_and_what_was_kept(project_dir: Path) -> None:
    folder_in_place(project_dir)
    done = cli(project_dir, "report", "minzheng", "2017")
    assert done.stderr.splitlines()[1] == (
        "  处理办法：请把这个文件夹移走或改名（nianbao 不删除文件夹，以免丢失其中的文件）后重新运行；"
        "output/minzheng/2017/report.ipynb、output/minzheng/2017/report.html、output/minzheng/2017/report.pdf、"
        "output/minzheng/2017/report.docx 没有被改动（仍是上一次生成的）。"
    )
