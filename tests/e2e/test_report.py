"""End to end: the real `make report` on a temporary copy of the project, judged from the HTML's text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from nianbao.formats import format_for_year
from tests.conftest import KEEP_ENVIRONMENT, copy_project
from tests.page_text import visible_text

pytestmark = pytest.mark.slow

FMT = format_for_year(2017)
SECTIONS = [f"{n}、{section.label}" for n, section in zip("一二三四五六七", FMT.sections, strict=True)]


@dataclass
class Run:
    root: Path
    result: subprocess.CompletedProcess[str]

    @property
    def html(self) -> str:
        return (self.root / "output/minzheng/2017/report.html").read_text(encoding="utf-8")

    @property
    def text(self) -> str:
        return visible_text(self.html)


def make(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The README's command, in `root`, in the environment this test runs in.

    `-o` keeps make from reinstalling that environment from the copy: an editable install made there
    would point the real environment at a temporary folder.
    """
    # Under `make test` the outer make exports its AGENCY and YEAR (minzheng, 2017): left in the
    # environment, they would read as given and narrow `make reports` and `make check` to one report.
    env = {key: value for key, value in os.environ.items() if key not in ("AGENCY", "YEAR", "AGENCIES")}
    return subprocess.run(
        ["make", "--no-print-directory", *KEEP_ENVIRONMENT, *args, f"VENV={sys.prefix}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = copy_project(tmp_path_factory.mktemp("e2e") / "project")
    result = make(root, "report", "AGENCY=minzheng", "YEAR=2017")
    assert result.returncode == 0, result.stderr
    return Run(root, result)


def test_make_report_says_where_the_output_is(built: Run) -> None:
    assert "output/minzheng/2017/report.html" in built.result.stdout
    assert "已生成 / built: output/minzheng/2017/report.docx" in built.result.stdout
    assert built.result.stderr == ""


def test_page_is_chinese_and_titled_like_the_report(built: Run) -> None:
    assert '<html lang="zh-CN">' in built.html
    assert "<title>三元区民政局2017年政府信息公开工作年度报告</title>" in built.html
    assert "元民〔2018〕2号" in built.text


def test_every_section_heading_in_order(built: Run) -> None:
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", built.html)
    assert headings == ["引言", *SECTIONS]


def test_introduction_is_derived_from_the_rendered_sections(built: Run) -> None:
    parts = "，".join(section.label for section in FMT.sections)
    assert f"由{parts}七个部分组成" in built.text
    assert "统计期限为2017年1月1日至2017年12月31日" in built.text
    assert "0598—8328341" in built.text


@pytest.mark.parametrize(
    "fact",
    [
        "共制作政府信息17条，主动公开政府信息17条",
        "全文电子化率100%",
        "累计主动公开政府信息192条",
        "机构职能类信息4条，占23.5%",
        "规划计划类信息1条，占5.9%",
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况类信息6条，占35.3%",
        "工作动态类信息2条，占11.8%",
        "其它类信息4条，占23.5%",
        "通过政府网站公开政府信息17条，通过政府公报公开0条",
        "现场接待272人次，接听电话313次",
        "未收到政府信息公开申请",
        "未收取政府信息公开相关费用",
        "未发生因政府信息公开申请引起的行政复议、行政诉讼",
    ],
)
def test_prose_carries_the_reference_figures(built: Run, fact: str) -> None:
    assert fact in built.text


def test_signature_block_closes_the_report(built: Run) -> None:
    assert re.search(
        r'<div class="signature">三元区民政局<br/?>2018年1月30日</div>\s*</div>\s*</main>', built.html
    )


def test_category_table_shares_sum_to_100(built: Run) -> None:
    table = re.search(r'<table class="nb-table nb-categories">(.*?)</table>', built.html, re.S)
    assert table is not None
    cells = re.findall(r"<t[dh](?: [^>]*)?>(.*?)</t[dh]>", table.group(1))
    assert cells[:3] == ["类别", "条数", "占比"]
    assert cells[3:6] == ["机构职能", "4", "23.5%"]
    assert cells[-3:] == ["合计", "17", "100%"]
    shares = [float(cell[:-1]) for cell in cells[5:-3:3]]
    assert sum(shares) == pytest.approx(100.0)


def test_chart_is_embedded_svg(built: Run) -> None:
    assert built.html.count("<svg") == 1
    assert '<figure class="nb-chart">' in built.html


def test_appendix_has_all_rows_with_computed_cumulative_counts(built: Run) -> None:
    table = re.search(r'<table class="nb-table nb-appendix">(.*?)</table>', built.html, re.S)
    assert table is not None
    rows = [
        re.findall(r"<t[dh](?: [^>]*)?>(.*?)</t[dh]>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1))
    ]
    assert rows[0] == ["指标名称", "单位", "2017", "历年累计"]
    assert [row[0] for row in rows[1:]] == [row.label for row in FMT.appendix.rows]
    assert rows[1] == ["主动公开文件数", "条", "17", "192"]
    assert rows[2] == ["其中：1.政府网站公开数", "条", "17", "192"]
    assert all(row[2:] == ["0", "0"] for row in rows[3:])


# What no published page may contain: external resources, code, tracebacks, unformatted numbers.
FORBIDDEN = [
    "<script",
    "<link",
    'src="http',
    'href="http',
    "url(http",
    "@import",
    "//cdn",
    "Traceback",
    "open_report",
    "In&nbsp;[",
    "<pre",
    "<code",
    "NaN",
]


@pytest.mark.parametrize("forbidden", [*FORBIDDEN, "report.category_table", "nan%"])
def test_no_code_no_traceback_no_external_url(built: Run, forbidden: str) -> None:
    assert forbidden not in loaded(built.html)


def loaded(page: str) -> str:
    """The page less its links out to the Web (the agency's website in the 引言, under links.py): a link
    is nothing the page loads, which is what FORBIDDEN's external addresses are about."""
    return re.sub(r'<a href="https?://[^"<>]*">', "<a>", page)


def test_executed_notebook_is_kept_for_review_without_machine_paths(built: Run) -> None:
    path = built.root / "output/minzheng/2017/report.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.papermill.parameters == {"agency": "minzheng", "year": 2017}
    assert notebook.metadata.papermill.input_path == "notebooks/annual_report.ipynb"
    assert notebook.metadata.papermill.output_path == "output/minzheng/2017/report.ipynb"
    assert notebook.metadata.nianbao.format.id == "pre2019"
    assert sorted(notebook.metadata.nianbao.inputs) == [
        "data/minzheng/2017/figures.xlsx",  # the Excel form is looked for first: absent (None)
        "data/minzheng/2017/figures.yaml",
        "data/minzheng/2017/narrative.md",
        "data/minzheng/opening.yaml",
        "notebooks/annual_report.ipynb",
        "notebooks/annual_report.md",
        "params/minzheng.yaml",
    ]
    raw = path.read_text(encoding="utf-8")
    assert str(built.root) not in raw
    assert sys.prefix not in raw
    assert "start_time" not in raw


def test_second_run_is_byte_identical(built: Run) -> None:
    out = built.root / "output/minzheng/2017"
    before = {name: (out / name).read_bytes() for name in ("report.html", "report.docx", "report.ipynb")}
    result = make(built.root, "report", "AGENCY=minzheng", "YEAR=2017")
    assert result.returncode == 0, result.stderr
    assert {name: (out / name).read_bytes() for name in before} == before


def test_bad_data_stops_with_a_message_and_keeps_the_last_report(built: Run) -> None:
    out = built.root / "output/minzheng/2017"
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    figures = built.root / "data/minzheng/2017/figures.yaml"
    good = figures.read_bytes()
    figures.write_bytes(good.replace(b"  online: 0", b"  online: abc"))
    try:
        result = make(built.root, "report", "AGENCY=minzheng", "YEAR=2017")
    finally:
        figures.write_bytes(good)
    assert result.returncode != 0
    assert (
        'data/minzheng/2017/figures.yaml: 第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 "abc"'
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before


def test_make_help_is_the_default_and_lists_every_target(built: Run) -> None:
    result = make(built.root)
    assert result.returncode == 0
    for target in ("help", "setup", "report", "check", "test", "lint", "lab", "lock", "clean"):
        assert re.search(rf"make {target}\s+\S", result.stdout), target
