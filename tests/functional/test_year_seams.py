"""Issue 25, the office's year at its seams, run as a clerk runs it (the CLI in a process, on a copy of the
sample project): what next-year, import and collect write is listed in the year's record; a form comes
back for a begun year or corrected for a year collected and is placed, the tool's own files set aside;
anything a person wrote is refused with what to do; next-year starts a given year across a gap and from
a year without words; a begun year is handed out as a form with its `待填` cells empty; `workbooks`
writes every form it can."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from nianbao.formats import format_for_year
from nianbao.inputs.sheet_layout import workbook_layout
from nianbao.paths import Project
from nianbao.year import written
from tests.conftest import run_cli
from tests.functional.test_hostile_input import entries

RECORD = written.RECORD


run = run_cli  # the one way these tests run the command line (tests/conftest.py)


def ok(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout.splitlines()


def record(root: Path, folder: str) -> dict[str, object]:
    content = json.loads((root / folder / RECORD).read_text(encoding="utf-8"))
    assert isinstance(content, dict)
    return content


def entry(root: Path, path: str, command: str, source: str | None) -> dict[str, object]:
    return {"sha256": written.digest((root / path).read_bytes()), "command": command, "source": source}


def hand_in(root: Path, agency: str, year: int, name: str, cells: dict[tuple[str, str], object]) -> Path:
    """`make workbook`'s form, filled in `cells` (sheet, cell) as a clerk would, in the folder returned."""
    assert run(root, "workbook", agency, str(year)).returncode == 0
    folder = root.parent / "returned"
    folder.mkdir(exist_ok=True)
    book = openpyxl.load_workbook(root / f"output/workbooks/{agency}-{year}.xlsx")
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    book.save(folder / name)
    return folder


# ---------------------------------------------------------------- 1. the record of what was written


def test_next_year_lists_every_file_it_wrote_in_the_years_record(project_dir: Path) -> None:
    ok(run(project_dir, "next-year", "shili"))
    names = ("applications.csv", "figures.yaml", "narrative.md")
    assert record(project_dir, "data/shili/2026") == {
        "files": {
            n: entry(project_dir, f"data/shili/2026/{n}", "next-year", "data/shili/2025") for n in names
        }
    }


# ---------------------------------------------------------------- 2. the replacement rule


def test_a_form_for_a_begun_year_is_placed_and_the_to_fill_files_kept_aside(project_dir: Path) -> None:
    ok(run(project_dir, "next-year", "shili"))
    year = project_dir / "data/shili/2026"
    before = {
        name: (year / name).read_bytes() for name in ("figures.yaml", "applications.csv", "narrative.md")
    }
    returned = hand_in(project_dir, "shili", 2026, "示例局.xlsx", {("表三", "D6"): 7})

    done = run(project_dir, "collect", str(returned))

    lines = ok(done)
    assert lines[0].startswith("已放置 / placed: 示例局.xlsx → data/shili/2026/figures.xlsx：还有 ")
    assert lines[1:] == [
        "  已替换 / replaced: data/shili/2026/figures.yaml（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2026/已替换/figures.yaml",
        "  已替换 / replaced: data/shili/2026/applications.csv（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2026/已替换/applications.csv",
        "放置了 1 份，未放置 0 份。",
    ]
    assert sorted(p.name for p in year.iterdir()) == [RECORD, "figures.xlsx", "narrative.md", "已替换"]
    assert (year / "figures.xlsx").read_bytes() == (returned / "示例局.xlsx").read_bytes()
    assert (year / "narrative.md").read_bytes() == before["narrative.md"]  # the words are never touched
    for name in ("figures.yaml", "applications.csv"):
        assert (year / "已替换" / name).read_bytes() == before[name]
    content = record(project_dir, "data/shili/2026")
    assert content["files"] == {
        "figures.xlsx": entry(project_dir, "data/shili/2026/figures.xlsx", "collect", "示例局.xlsx"),
        "narrative.md": entry(project_dir, "data/shili/2026/narrative.md", "next-year", "data/shili/2025"),
    }
    assert [(one["name"], one["aside"], one["replaced_by"]) for one in content["kept_aside"]] == [  # type: ignore[attr-defined]
        ("figures.yaml", "已替换/figures.yaml", "collect"),
        ("applications.csv", "已替换/applications.csv", "collect"),
    ]
    check = run(project_dir, "check", "--agency", "shili", "--year", "2026")
    assert check.stderr.startswith("错误：shili 2026：还有 7 处没有填写或改写：")  # the words, first
    assert "figures.yaml" not in check.stderr and "applications.csv" not in check.stderr


def test_a_corrected_form_replaces_the_earlier_return_and_the_same_form_again_is_no_fault(
    project_dir: Path,
) -> None:
    returned = hand_in(project_dir, "shili", 2026, "示例局.xlsx", {("表三", "D6"): 7})
    ok(run(project_dir, "collect", str(returned)))
    first = (project_dir / "data/shili/2026/figures.xlsx").read_bytes()
    book = openpyxl.load_workbook(returned / "示例局.xlsx")
    book["表三"]["D6"] = 8  # the agency rings: one figure was wrong
    book.save(returned / "示例局.xlsx")

    lines = ok(run(project_dir, "collect", str(returned)))

    assert lines[1:] == [
        "  已替换 / replaced: data/shili/2026/figures.xlsx（nianbao 生成、没有人改过），"
        "原文件移到 data/shili/2026/已替换/figures.xlsx",
        "放置了 1 份，未放置 0 份。",
    ]
    assert (project_dir / "data/shili/2026/已替换/figures.xlsx").read_bytes() == first
    assert (project_dir / "data/shili/2026/figures.xlsx").read_bytes() == (
        returned / "示例局.xlsx"
    ).read_bytes()

    before = entries(project_dir)
    assert ok(run(project_dir, "collect", str(returned))) == [
        "不用再放 / unchanged: 示例局.xlsx：已放置过：与 data/shili/2026/figures.xlsx 完全相同",
        "放置了 0 份，未放置 0 份，1 份已放置过。",
    ]
    assert entries(project_dir) == before


def test_what_a_person_wrote_is_refused_with_what_to_do_and_left_as_it_is(project_dir: Path) -> None:
    ok(run(project_dir, "next-year", "shili"))
    figures = project_dir / "data/shili/2026/figures.yaml"
    figures.write_text(figures.read_text("utf-8").replace("待填", "0", 1), "utf-8")  # typed one figure
    returned = hand_in(project_dir, "shili", 2026, "示例局.xlsx", {})
    hand_in(project_dir, "minzheng", 2017, "民政局.xlsx", {})  # a year typed as YAML
    shutil.copy(returned / "示例局.xlsx", returned / "示例局(1).xlsx")
    before = entries(project_dir)

    done = run(project_dir, "collect", str(returned))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "未放置 / refused: 民政局.xlsx：机关 minzheng 的 2017 年度已有数据："
        "data/minzheng/2017/figures.yaml 是手工填写的，或生成后有人改过，nianbao 不会替换它；"
        "要改用这份填报表，请先把它移出 data/minzheng/2017/，再运行 make collect",
        "未放置 / refused: 示例局(1).xlsx：机关 shili 的 2026 年度已有数据："
        "data/shili/2026/figures.yaml 是手工填写的，或生成后有人改过，nianbao 不会替换它；"
        "要改用这份填报表，请先把它移出 data/shili/2026/，再运行 make collect",
        "未放置 / refused: 示例局.xlsx：机关 shili 的 2026 年度已有数据："
        "data/shili/2026/figures.yaml 是手工填写的，或生成后有人改过，nianbao 不会替换它；"
        "要改用这份填报表，请先把它移出 data/shili/2026/，再运行 make collect",
    ]
    assert done.stdout == "放置了 0 份，未放置 3 份。\n"
    assert entries(project_dir) == before


def test_two_copies_of_one_form_place_the_first_only(project_dir: Path) -> None:
    returned = hand_in(project_dir, "shili", 2026, "a.xlsx", {})
    shutil.copy(returned / "a.xlsx", returned / "b.xlsx")
    done = run(project_dir, "collect", str(returned))
    assert done.returncode == 1
    assert done.stderr == "未放置 / refused: b.xlsx：与 a.xlsx 是同一机关同一年度的填报表，只放置了前者\n"
    assert not (project_dir / "data/shili/2026/已替换").exists()


def test_a_form_for_an_imported_year_is_refused(project_dir: Path, tmp_path: Path) -> None:
    page = Path(__file__).resolve().parents[1] / "fixtures/portal/gb2021-gb2312.html"
    for name in ("figures.yaml", "applications.csv", "narrative.md"):
        (project_dir / "data/shili/2021" / name).unlink()
    ok(run(project_dir, "import", str(page), "shili", "2021"))
    assert record(project_dir, "data/shili/2021")["files"] == {
        n: entry(project_dir, f"data/shili/2021/{n}", "import", "gb2021-gb2312.html")
        for n in ("applications.csv", "figures.yaml")
    }
    returned = hand_in(project_dir, "shili", 2021, "2021.xlsx", {})
    done = run(project_dir, "collect", str(returned))
    assert done.returncode == 1
    assert done.stderr == (
        "未放置 / refused: 2021.xlsx：机关 shili 的 2021 年度是从已发布的网页导入的历史年度，不用填报表替换；"
        "要改正导入的数字，请直接修改 data/shili/2021/figures.yaml\n"
    )


# ---------------------------------------------------------------- 3. next-year: a given year, any year before


def test_next_year_starts_a_given_year_across_the_gap(project_dir: Path) -> None:
    lines = ok(run(project_dir, "next-year", "minzheng", "--year", "2026"))
    assert lines[:3] == [
        "minzheng：开始 2026 年度（格式 gb2021，2021 年起）",
        "  2018–2025 年度没有数据：从 2017 年度结转",
        "  注意：2026 年度的报告格式是 gb2021，与 2017 年度的 pre2019 不同，已按 gb2021 的格式建立文件。",
    ]
    assert "  已新建 / created: data/minzheng/2026/figures.yaml" in lines
    assert (
        record(project_dir, "data/minzheng/2026")["files"]["figures.yaml"]["source"] == "data/minzheng/2017"
    )  # type: ignore[index]
    one = ok(run(project_dir, "next-year", "shili", "--year", "2027"))
    assert one[1] == "  2026 年度没有数据：从 2025 年度结转"


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (
            "2025",
            "错误：机关 shili 的 2025 年度已经有数据（data/shili/2025/），不用再开始\n"
            "  处理办法：填写它的文件；make check AGENCY=shili YEAR=2025 列出还没有填写的地方。\n",
        ),
        (
            "2018",
            "错误：机关 shili 已有 2025 年度的数据：只能开始它以后的年度，不能开始更早的 2018 年度\n"
            "  处理办法：开始下一年度：make next-year AGENCY=shili（2026 年度）。\n",
        ),
    ],
)
def test_a_year_on_file_or_before_the_latest_is_refused(project_dir: Path, year: str, message: str) -> None:
    before = entries(project_dir)
    done = run(project_dir, "next-year", "shili", "--year", year)
    assert (done.returncode, done.stderr) == (1, message)
    assert entries(project_dir) == before


def test_next_year_from_an_imported_year_writes_what_each_section_is_for(project_dir: Path) -> None:
    page = Path(__file__).resolve().parents[1] / "fixtures/portal/gb2021-gb2312.html"
    for folder in ("2021", "2022", "2023", "2024", "2025"):
        shutil.rmtree(project_dir / "data/shili" / folder)
    ok(run(project_dir, "import", str(page), "shili", "2021"))

    lines = ok(run(project_dir, "next-year", "shili"))

    assert lines[-1] == (
        "  其余的数字、文号和发文日期写的是“待填”，narrative.md 每段有“待改写”一行"
        "（2021 年度没有文字可以参考，每段写明了要写什么）；填好后运行 make check AGENCY=shili YEAR=2022。"
    )
    text = (project_dir / "data/shili/2022/narrative.md").read_text("utf-8")
    fmt = format_for_year(2022)
    assert fmt is not None
    for spec in fmt.prose:
        assert f"# {spec.heading}\n\n待改写：请写 2022 年度的情况（{spec.hint}），写完删去这一行。" in text
    check = run(project_dir, "check", "--agency", "shili", "--year", "2022")
    sections = [line for line in check.stderr.splitlines() if "还没有改写" in line]
    assert len(sections) == len(fmt.prose)  # make check lists each section
    # 上年结转 comes from the imported page: 2021's 结转下年度, in the new CSV
    csv = (project_dir / "data/shili/2022/applications.csv").read_text("utf-8-sig").splitlines()
    imported = (project_dir / "data/shili/2021/applications.csv").read_text("utf-8-sig").splitlines()
    out = next(line for line in imported if line.startswith("四、"))
    row = next(line for line in csv if line.startswith("二、上年结转"))
    assert row.split(",")[1:] == out.split(",")[1:7]


def test_next_year_from_a_returned_form_without_words(project_dir: Path) -> None:
    from tests.unit.test_workbook import to_form

    project = Project(project_dir)
    to_form(project, "shili", 2025)
    (project_dir / "data/shili/2025/narrative.md").unlink()  # the words are still to write

    lines = ok(run(project_dir, "next-year", "shili"))

    assert lines[1:3] == [
        "  已新建 / created: data/shili/2026/figures.xlsx",
        "  已新建 / created: data/shili/2026/narrative.md",
    ]
    assert "待改写：请写 2026 年度的情况（本年度主动公开了哪些政府信息、通过哪些渠道公开），" in (
        project_dir / "data/shili/2026/narrative.md"
    ).read_text("utf-8")


# ---------------------------------------------------------------- 4. a begun year as a form


def test_a_begun_year_is_handed_out_with_its_to_fill_cells_empty(project_dir: Path) -> None:
    ok(run(project_dir, "next-year", "shili"))
    assert ok(run(project_dir, "workbook", "shili", "2026")) == [
        "已生成填报表 / form: output/workbooks/shili-2026.xlsx",
        "已生成文字填报表 / words form: output/workbooks/shili-2026.docx",
    ]
    book = openpyxl.load_workbook(project_dir / "output/workbooks/shili-2026.xlsx")
    fmt = format_for_year(2026)
    assert fmt is not None
    carried = {item.key for item in fmt.carry_over}
    csv = (project_dir / "data/shili/2026/applications.csv").read_text("utf-8-sig").splitlines()
    typed = next(line for line in csv if line.startswith("二、上年结转")).split(",")[1:]
    filled = {}
    for sheet in workbook_layout(fmt, 2026):
        for slot in sheet.inputs:
            value = book[sheet.name][slot.ref].value
            if slot.key in carried:
                filled[slot.key] = value
            else:
                assert value is None, slot  # 待填: an empty cell (no 文号, no date either)
    table = fmt.applications
    assert table is not None
    assert {key: str(value) for key, value in filled.items()} == {
        f"apply.carried_in.{column.id}": value for column, value in zip(table.columns, typed, strict=True)
    }


# ---------------------------------------------------------------- 5. workbooks: every form it can


def test_workbooks_writes_every_form_it_can_and_names_each_it_cannot(project_dir: Path) -> None:
    (project_dir / "data/shili-renshe/2017/figures.yaml").write_text("bad: [\n", "utf-8")
    done = run(project_dir, "workbooks", "2019")
    assert done.returncode == 1
    gap = "（最近的数据是 2017 年度，中间缺 2018 年度）"
    words = "已生成文字填报表 / words form: output/workbooks/{}-2019.docx".format
    assert done.stdout.splitlines() == [
        f"已生成填报表 / form: output/workbooks/minzheng-2019.xlsx{gap}",
        words("minzheng"),
        "已生成填报表 / form: output/workbooks/shili-2019.xlsx",
        words("shili"),
        "已生成填报表 / form: output/workbooks/shili-caizheng-2019.xlsx",
        words("shili-caizheng"),
        "已生成填报表 / form: output/workbooks/shili-huanbao-2019.xlsx",
        words("shili-huanbao"),
        "已生成填报表 / form: output/workbooks/shili-jiaoyu-2019.xlsx",
        words("shili-jiaoyu"),
        words("shili-renshe"),  # its words are readable: their form is written
        "已生成填报表 / form: output/workbooks/shili-weisheng-2019.xlsx",
        words("shili-weisheng"),
        f"已生成填报表 / form: output/workbooks/shili-wenti-2019.xlsx{gap}",
        words("shili-wenti"),
        "已生成填报表 / form: output/workbooks/shili-zhujian-2019.xlsx",
        words("shili-zhujian"),
        words("_district"),
    ]
    err = done.stderr.splitlines()
    assert err[0].startswith(
        "未生成 / not written: shili-renshe：data/shili-renshe/2017/figures.yaml: YAML 格式错误"
    )
    assert err[-1] == "生成了 18 份填报表，1 个机关没有生成（原因见上）。"
    assert not (project_dir / "output/workbooks/shili-renshe-2019.xlsx").exists()
