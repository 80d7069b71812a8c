"""`nianbao import`: a saved portal page's tables 二–四 as a year's data files.

The hand-built pages (tests/fixtures/portal/, see make_pages.py) print the sample agency's figures in two
portal markups; the real page is a published report's table 二 whose labels are not the format's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.errors import DataError
from nianbao.formats import format_for_year
from nianbao.inputs.checks import PRINTED
from nianbao.inputs.derive import year_values
from nianbao.inputs.load import load_agency_year, load_year
from nianbao.paths import Project
from nianbao.portal.grid import decode_page, read_page
from nianbao.portal.import_page import import_page

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "portal"
GB2021 = PAGES / "gb2021-gb2312.html"  # shili 2021's figures
GB2019 = PAGES / "gb2019-utf8.html"  # shili 2020's figures
REAL = PAGES / "yueyang-xinfang-2021-table2.html"


def values(project: Project, year: int) -> dict[str, object]:
    fmt = format_for_year(year)
    assert fmt is not None
    return dict(year_values(fmt, load_year(project, fmt, "shili", year), None))


def clear(project: Project, year: int) -> None:
    """The year's figures and table 三 moved away (its narrative stays)."""
    for name in ("figures.yaml", "applications.csv"):
        (project.year_dir("shili", year) / name).unlink()


def tabled(project: Project, year: int) -> set[str]:
    """The keys the page's tables hold: every figure but those written in the text (信息处理费)."""
    fmt = format_for_year(year)
    assert fmt is not None and fmt.printed_tables is not None
    active, applications, reviews = fmt.printed_tables
    # The sums of the tables; 一、总体情况's 主动公开 total (a sum of its categories) is in no table.
    sums = {s.key for s in fmt.sums if s.key != "active.total"}
    return {*active.fields(), *applications.cells(), *reviews.fields(), *sums}


@pytest.mark.parametrize(("page", "year"), [(GB2021, 2021), (GB2019, 2020)])
def test_a_page_imports_the_figures_it_prints(project: Project, page: Path, year: int) -> None:
    printed = values(project, year)
    clear(project, year)
    outcome = import_page(project, page, "shili", year)
    assert outcome.written == [f"data/shili/{year}/figures.yaml", f"data/shili/{year}/applications.csv"]
    imported = values(project, year)
    keys = tabled(project, year)
    assert {k: imported[k] for k in keys} == {k: printed[k] for k in keys}


def test_blanks_full_width_digits_and_amounts_in_yuan_are_read(project: Project) -> None:
    clear(project, 2021)
    outcome = import_page(project, GB2021, "shili", 2021)
    raw = GB2021.read_bytes().decode("gb2312")
    assert "１７３７" in raw and "83600元" in raw and "商业<br />企业" in raw  # the quirks are on the page
    figures = project.figures("shili", 2021).read_text(encoding="utf-8")
    assert "    decisions: 1737\n" in figures and "    amount_wan_yuan: 8.36\n" in figures
    line = next(n for n, text in enumerate(raw.splitlines(), 1) if "1.属于国家秘密" in text)
    (blanks,) = [w for w in outcome.warnings if "是空白" in w]  # one warning for the page's blanks
    assert blanks.startswith("gb2021-gb2312.html: 以下 ")
    assert f"网页源代码第 {line} 行“1.属于国家秘密”的“自然人”“商业企业”" in blanks
    assert outcome.warnings[-1] == blanks  # after what needs correcting
    assert "gb2021-gb2312.html: 网页中找不到本机关 2022 年的文号，report.number 写为 0，请按原件改正" in (
        outcome.warnings
    )
    assert "  date: 2022-01-18\n" in figures  # from the signature


def test_a_not_applicable_mark_is_kept_as_printed(project: Project) -> None:
    clear(project, 2020)
    import_page(project, GB2019, "shili", 2020)
    figures = project.figures("shili", 2020).read_text(encoding="utf-8")
    assert "    corrected: /\n" in figures


def test_a_page_whose_tables_cannot_be_matched_is_refused_naming_the_labels(project: Project) -> None:
    clear(project, 2021)
    with pytest.raises(DataError) as caught:
        import_page(project, REAL, "shili", 2021)
    message = caught.value.render()
    assert message.startswith(
        "yueyang-xinfang-2021-table2.html: 网页中找不到以下表格标签：表三“申请人情况”、表三“自然人”"
    )
    assert "表二“行政规范性文件”" in message  # the page wrote 规范性文件
    assert "表二“规章”" not in message and "表二“本年制发件数”" not in message  # those were found
    assert "表四“行政复议”" in message
    assert not project.figures("shili", 2021).exists()


def test_a_page_breaking_the_rules_is_imported_as_printed_with_the_rules_reported(
    project: Project, tmp_path: Path
) -> None:
    raw = GB2019.read_text(encoding="utf-8")
    row = next(text for text in raw.splitlines() if "一、本年新收政府信息公开申请数量" in text)
    total = row.rsplit('<span style="font-size:10.5pt">', 1)[1].split("<", 1)[0]
    head, _, tail = row.rpartition(f'10.5pt">{total}<')
    wrong = raw.replace(row, f'{head}10.5pt">{int(total) + 1}<{tail}')  # its 总计 one too many
    page = tmp_path / "wrong.html"
    page.write_text(wrong, encoding="utf-8")
    clear(project, 2020)
    outcome = import_page(project, page, "shili", 2020)
    assert outcome.written == ["data/shili/2020/figures.yaml", "data/shili/2020/applications.csv"]
    broken = [w for w in outcome.warnings if w.startswith("data/shili/2020/applications.csv: 规则 ")]
    # Written `as_printed: true`: the printed total's inconsistencies are warnings, each in the form's words.
    assert [w.split(": ", 1)[1].split("：")[0] for w in broken] == [
        "规则 A1 不成立",  # the printed total breaks the column's balance too
        "规则 A2 不成立",
    ]
    assert "表三“一、本年新收政府信息公开申请数量”行：填写的“总计”应等于六类申请人之和" in broken[1]
    assert broken[1].endswith(f"（{int(total) + 1} ≠ {total}）。{PRINTED}")
    assert "as_printed: true" in project.figures("shili", 2020).read_text(encoding="utf-8")
    # So the next year still builds from it (its chaining rules read this year).
    assert load_agency_year(project, "shili", 2021).year == 2021  # loading checks every year it reads
    csv = (project.year_dir("shili", 2020) / "applications.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[1].endswith(f",{int(total) + 1}")  # the total as printed


def test_a_year_on_file_is_never_overwritten(project: Project) -> None:
    before = project.figures("shili", 2021).read_bytes()
    with pytest.raises(DataError) as caught:
        import_page(project, GB2021, "shili", 2021)
    assert (
        "以下文件已存在，nianbao 不会覆盖：data/shili/2021/figures.yaml、data/shili/2021/applications.csv"
        in (caught.value.render())
    )
    assert project.figures("shili", 2021).read_bytes() == before


def test_a_cell_that_is_no_figure_is_refused_naming_its_line_row_and_column(
    project: Project, tmp_path: Path
) -> None:
    raw = GB2019.read_text(encoding="utf-8")
    lines = raw.splitlines()
    number, row = next((n, t) for n, t in enumerate(lines, 1) if ">行政处罚<" in t)
    lines[number - 1] = row.replace('10.5pt">91<', '10.5pt">九十一<', 1)
    assert lines[number - 1] != row
    page = tmp_path / "typo.html"
    page.write_text("\n".join(lines), encoding="utf-8")
    clear(project, 2020)
    with pytest.raises(DataError) as caught:
        import_page(project, page, "shili", 2020)
    assert (
        caught.value.render()
        == f'typo.html: 网页源代码第 {number} 行“行政处罚”的“上一年项目数量”应为非负整数，实际为 "九十一"'
    )
    assert not project.figures("shili", 2020).exists()


def test_the_command_lists_what_it_wrote(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clear(project, 2021)
    shutil.copy(GB2021, project.root / "年报.html")
    monkeypatch.chdir(project.root)
    assert main(["import", "年报.html", "shili", "2021"]) == 0
    out = capsys.readouterr().out
    assert (
        "已写入 / written: data/shili/2021/figures.yaml\n已写入 / written: data/shili/2021/applications.csv\n"
        in out
    )


# ---------------------------------------------------------------- the grid


def test_nested_tables_keep_their_own_rows_and_spans_fill_every_slot() -> None:
    page = read_page(
        b"<table><tr><td>layout<table><tr><td rowspan=2>a</td><td colspan=2>b<br/>c</td></tr>"
        b"<tr><td>&nbsp;</td><td>\xef\xbc\x91</td></tr></table></td></tr></table>",
        "p.html",
    )
    outer, inner = page.grids
    assert [[s.text for s in row] for row in outer] == [["layout"]]
    assert [[s.text for s in row] for row in inner] == [["a", "b c", "b c"], ["a", "", "１"]]
    assert inner[0][1].cell == inner[0][2].cell and inner[0][0].cell == inner[1][0].cell


def test_the_declared_charset_is_honoured() -> None:
    text = '<meta http-equiv="Content-Type" content="text/html; charset=GB2312"><p>表三</p>'
    assert "表三" in decode_page(text.encode("gb2312"), "p.html")
    assert "表三" in decode_page("<meta charset='gbk'><p>表三</p>".encode("gbk"), "p.html")
    assert "表三" in decode_page("<p>表三</p>".encode("gb18030"), "p.html")  # undeclared: UTF-8, then GB
    with pytest.raises(DataError) as caught:
        decode_page('<meta charset="utf-8"><p>表三</p>'.encode("gbk"), "p.html")
    assert caught.value.render().startswith("p.html: 网页声明的字符编码是 utf-8，但内容不是这种编码")


# ---------------------------------------------------------------- an imported year is history


def imported_history(project: Project) -> None:
    """shili 2021 as a clerk new to nianbao has it: only its published page, imported."""
    clear(project, 2021)
    project.narrative("shili", 2021).unlink()
    import_page(project, GB2021, "shili", 2021)


def test_an_imported_year_is_never_built_and_listed_as_imported(project: Project) -> None:
    from nianbao.batch import plan
    from nianbao.batch.index import render
    from nianbao.year import state

    imported_history(project)
    assert plan.Job("shili", 2021) not in plan.jobs(project)
    assert state.of(project, "shili", 2021).stage == state.Stage.HISTORY
    # nor summed into the district's summary
    assert "shili" not in state.summary_of(project, 2021, state.of_agencies(project, 2021)).agencies
    page = render(project).decode("utf-8")
    assert '<td class="unit">2021</td><td class="">已导入</td>' in page
    assert "已导入 1 份" in page
    assert "生成失败" not in page  # never built, so never failed


def test_checking_every_year_skips_an_imported_one_without_failing(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    imported_history(project)
    monkeypatch.chdir(project.root)
    assert main(["check", "--agency", "shili", "--year", "2021"]) == 0
    assert (
        "导入的历史年度 / imported: shili 2021（没有 narrative.md，不生成报告；下一年度生成时一并校验）"
        in (capsys.readouterr().out)
    )
    assert main(["check", "--agency", "shili", "--year", "2022"]) == 0  # reads 2021 as its year before


def test_building_an_imported_year_says_it_is_history(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    imported_history(project)
    monkeypatch.chdir(project.root)
    assert main(["report", "shili", "2021"]) == 1
    assert capsys.readouterr().err == (
        "错误：shili 2021 年度是从已发布网页导入的历史年度（没有 narrative.md），不生成报告\n"
        "  处理办法：如要为它生成报告，请补上 data/shili/2021/narrative.md。\n"
    )


def test_a_page_of_the_other_national_format_is_refused_by_its_labels(project: Project) -> None:
    clear(project, 2021)
    with pytest.raises(DataError) as caught:
        import_page(project, GB2019, "shili", 2021)  # a 2020 page given as 2021
    message = caught.value.render()
    assert message.startswith(
        "gb2019-utf8.html: 网页中找不到以下表格标签：表二“本年制发件数”、表二“本年废止件数”"
    )
    assert "表二“行政规范性文件”" in message and "表二“规章”" not in message


def test_a_year_of_a_format_without_tables_two_to_four_is_refused(project: Project) -> None:
    with pytest.raises(DataError) as caught:
        import_page(project, GB2021, "minzheng", 2016)
    assert caught.value.render() == (
        "2016 年度的报告格式没有表二、表三、表四：nianbao 只能导入按全国统一格式发布的年度报告页面"
    )
