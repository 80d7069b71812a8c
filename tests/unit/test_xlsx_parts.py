"""The checks before openpyxl reads a form, and text written into a form as text (issue 24)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import defusedxml.ElementTree
import openpyxl
import openpyxl.xml
import pytest
from defusedxml import EntitiesForbidden

from nianbao.errors import DataError
from nianbao.forms.hand_out import form_format, write_form
from nianbao.forms.writer import FORMULA_START, put
from nianbao.inputs import xlsx_parts
from nianbao.inputs.workbook import open_book, read_book
from nianbao.paths import Project
from tests.conftest import copy_project
from tests.hostile_xlsx import CASES, EXTERNAL, LAUGHS, SHEET, Case, rebuild, with_doctype


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = copy_project(tmp_path_factory.mktemp("parts") / "project")
    return write_form(Project(root), "shili", 2026).read_bytes()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_broken_or_hostile_form_is_one_message_and_what_to_do(form: bytes, case: Case) -> None:
    with pytest.raises(DataError) as caught:
        open_book(case.make(form), "收回/示例局.xlsx")
    message, hint = caught.value.render().splitlines()
    assert message == f"收回/示例局.xlsx: {case.message}"
    assert hint.startswith("  处理办法：") and "另存为" in hint


def test_the_form_as_written_passes_and_reads(form: bytes) -> None:
    xlsx_parts.check(form, "示例局.xlsx")
    assert "表三" in open_book(form, "示例局.xlsx").sheetnames


def test_openpyxl_parses_through_defusedxml_which_is_declared() -> None:
    """openpyxl uses defusedxml only when it is installed: it must be, as the project's own dependency."""
    assert openpyxl.xml.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.iterparse is defusedxml.ElementTree.iterparse  # the sheets' and strings' parser
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert '"defusedxml>=' in dependencies


@pytest.mark.parametrize("doctype", [LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_even_past_the_checks_openpyxl_expands_no_entity(form: bytes, doctype: bytes) -> None:
    """Were the checks bypassed, openpyxl (through defusedxml) still refuses an entity in a sheet:
    neither the billion laughs nor an external file is ever expanded."""
    entity = b"&i;" if doctype == LAUGHS else b"&xxe;"
    hostile = rebuild(form, change={SHEET: with_doctype(doctype, entity)})
    with pytest.raises(ValueError, match="invalid XML") as caught:
        openpyxl.load_workbook(io.BytesIO(hostile))
    assert isinstance(caught.value.__cause__, EntitiesForbidden)


@pytest.mark.parametrize("start", FORMULA_START)
def test_text_that_a_spreadsheet_would_take_for_a_formula_is_written_as_text(start: str) -> None:
    book = openpyxl.Workbook()
    cell = book.active["A1"]
    put(cell, f"{start}SUM(A2)")
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    stream = io.BytesIO()
    book.save(stream)
    sheet = zipfile.ZipFile(stream).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    again = openpyxl.load_workbook(io.BytesIO(stream.getvalue())).active["A1"]
    assert (again.data_type, again.value, again.quotePrefix) == ("s", f"{start}SUM(A2)", True)


def test_other_text_and_numbers_are_written_as_they_are() -> None:
    cell = openpyxl.Workbook().active["A1"]
    put(cell, "机构职能")
    assert (cell.data_type, cell.quotePrefix) == ("s", False)
    put(cell, 12)
    assert (cell.data_type, cell.value) == ("n", 12)


def test_a_sheet_missing_from_the_zip_is_named_by_the_reader(form: bytes) -> None:
    """openpyxl leaves out a sheet whose part is missing; the reader names the sheet."""
    book = open_book(rebuild(form, drop=(SHEET,)), "示例局.xlsx")
    fmt = form_format(2026)
    with pytest.raises(DataError) as caught:
        read_book(book, "示例局.xlsx", fmt, 2026)
    assert (
        caught.value.render().splitlines()[0]
        == "示例局.xlsx: 缺少工作表“表三”；现有的工作表：基本信息、表二、表四"
    )
