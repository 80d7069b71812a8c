"""One home per fact (issue 28): the CJK fonts, web addresses, the Chinese date, the document's date and
signature, and the table of output kinds — each defined once and read by everything that needs it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from nianbao import fonts, links
from nianbao.drawing import charts
from nianbao.figures import numbers
from nianbao.inputs import dates
from nianbao.notebook.tags import DATE_KEY
from nianbao.publish import export, pdf, word
from nianbao.publish.document import Document, Paragraph, Span, from_notebook
from tests import word_reading
from tests.conftest import Summaries
from tests.pdf_text import reader

SOURCE = Path(__file__).resolve().parents[2] / "src" / "nianbao"


def sources_containing(pattern: str) -> list[str]:
    """The modules of nianbao whose source matches `pattern`."""
    found = re.compile(pattern)
    return sorted(
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if found.search(path.read_text(encoding="utf-8"))
    )


# ---------------------------------------------------------------- fonts


def test_the_charts_and_the_pdf_find_their_fonts_in_one_place() -> None:
    assert pdf.font_folders() == [fonts.folder()]
    assert charts.cjk_font() == fonts.folder() / fonts.SANS_FILE
    assert (pdf.SANS, pdf.SERIF, charts.FONT_FAMILY) == (fonts.SANS, fonts.SERIF, fonts.SANS)
    assert sources_containing(r'find_spec\("mplfonts"\)') == ["fonts.py"]


# ---------------------------------------------------------------- web addresses


@pytest.mark.parametrize(
    ("address", "printed"),
    [
        ("www.smsy.gov.cn", True),
        ("http://www.smsy.gov.cn/", True),
        ("https://www.smsy.gov.cn:8080/xxgk/index.html", True),
        ("javascript:alert(1)", False),
        ("www.smsy.gov.cn/a b", False),
        ("www.smsy.gov.cn/a\\b", False),  # a backslash browsers read as `/`: no link may carry it
        ("smsy", False),
        ("ftp://www.smsy.gov.cn/", False),
    ],
)
def test_a_printed_address_is_one_the_link_policy_links(address: str, printed: bool) -> None:
    assert links.printed(address) is printed
    if printed:
        assert links.outside(address if "://" in address else f"http://{address}") is not None


def test_web_addresses_have_one_home() -> None:
    assert sources_containing(r"https\?://") == ["links.py"]


# ---------------------------------------------------------------- the Chinese date


def test_the_chinese_date_is_written_and_read_back_by_one_module() -> None:
    day = dt.date(2018, 1, 30)
    assert numbers.date(day) == dates.written(day) == "2018年1月30日"
    assert dates.in_text(f"……特此报告。{dates.written(day)}，2018年2月30日") == [day]
    assert [dates.typed(text) for text in ("2018-01-30", "2018/1/30", "2018年1月30日", "2018-02-30")] == [
        day,
        day,
        day,
        None,
    ]
    assert sources_containing(r"月\]?(\\s\*)?\(\\d") == ["inputs/dates.py"]


# ---------------------------------------------------------------- the document's date and signature


def test_a_report_notebook_carries_its_date_and_its_document_takes_it_from_there() -> None:
    notebook = new_notebook()
    notebook.metadata.update({"title": "某局2017年政府信息公开工作年度报告", DATE_KEY: "2018-01-30"})
    markdown = '<div class="signature">某局<br>2099年9月9日</div>'  # the text is printed, not parsed
    notebook.cells.append(new_markdown_cell(markdown))
    document = from_notebook(notebook)
    assert (document.signature, document.date, document.author) == (
        ("某局", "2099年9月9日"),
        dt.date(2018, 1, 30),
        "某局",
    )


def test_the_pdf_and_the_word_file_are_dated_by_the_documents_date_not_its_signature() -> None:
    document = Document(
        "标题", None, (Paragraph((Span("正文。"),)),), ("某局", "2099年9月9日"), dt.date(2018, 1, 30)
    )
    assert reader(pdf.render(document)).metadata["/CreationDate"] == "D:20180130000000Z"
    signed = dt.datetime(2018, 1, 30, tzinfo=dt.UTC)
    assert word_reading.opened(word.to_docx(document)).core_properties.created == signed
    undated = Document("标题", None, (), ("某局", "2018年1月30日"))
    assert word_reading.opened(word.to_docx(undated)).core_properties.created == word.FIXED_DATE


def test_no_output_reads_a_date_out_of_text() -> None:
    assert sources_containing(r"dates\.(in_text|typed)") == ["inputs/files.py", "portal/import_page.py"]


# ---------------------------------------------------------------- the table of output kinds


def test_every_output_kind_is_made_for_reports_and_summaries_alike() -> None:
    assert export.file_names(export.REPORT) == ["report.html", "report.pdf", "report.docx"]
    assert export.file_names(export.SUMMARY) == ["summary.html", "summary.pdf", "summary.docx"]
    assert sources_containing(r"\bEXPORTS\b|REPORT_EXPORTS") == []  # no second registry


def test_a_new_output_kind_is_one_entry_and_both_make_it(
    summaries: Summaries, monkeypatch: pytest.MonkeyPatch
) -> None:
    district = summaries(2017).district
    made: list[str] = []

    def text(source: Any) -> bytes:
        document = source.document()
        made.append(document.title)
        return "\n".join([document.title, *document.signature]).encode("utf-8")

    monkeypatch.setitem(export.OUTPUTS, "txt", text)
    notebook = new_notebook()
    notebook.metadata["title"] = "某局年报"
    signature = '<div class="signature">某局<br>2018年1月30日</div>'
    notebook.cells.append(new_markdown_cell(signature))
    reports = export.made(export.REPORT, export.FinishedNotebook(notebook))
    summary = export.made(export.SUMMARY, summaries(2017).notebook)
    assert list(reports) == ["report.html", "report.pdf", "report.docx", "report.txt"]
    assert list(summary) == ["summary.html", "summary.pdf", "summary.docx", "summary.txt"]
    assert reports["report.txt"] == "某局年报\n某局\n2018年1月30日".encode()
    assert summary["summary.txt"].decode("utf-8").startswith(district.title)
    assert made == ["某局年报", district.title]


def test_a_summary_is_a_notebook_made_by_the_reports_driver(summaries: Summaries) -> None:
    """No second pipeline: the summary's files are its executed notebook's, by the one table of outputs;
    there is no page template or document builder of its own."""
    made = summaries(2017)
    files = export.made(export.SUMMARY, made.notebook)
    assert made.built.html.read_bytes() == files["summary.html"] == made.notebook.page()
    document = reader(files["summary.pdf"])
    figures = made.district.figures
    assert document.metadata["/Author"] == figures.model.profile.name
    assert document.metadata["/CreationDate"] == f"D:{figures.model.current.date:%Y%m%d}000000Z"
    assert not (SOURCE / "templates" / "pages" / "summary.html.j2").exists()
    assert sources_containing(r"def (render_page|summarise)\b") == []
