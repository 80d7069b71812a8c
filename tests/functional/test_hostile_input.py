"""Broken and hostile files and parameters (issue 12), run as a clerk runs them: the CLI in a process.

Each case pins the exact first line of the message, the exit status (1), that no traceback is printed,
that the run ends within `SECONDS` (the subprocess is killed otherwise: a hang or a memory blow-up
fails the case), and that `data/`, `params/`, `notebooks/` and the last good `output/` are unchanged,
byte for byte and entry for entry (a FIFO, a folder or a link is still what it was).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIGURES = "data/minzheng/2017/figures.yaml"
PROFILE = "params/minzheng.yaml"
OPENING = "data/minzheng/opening.yaml"
NARRATIVE = "data/minzheng/2017/narrative.md"
CSV_FILE = "data/shili/2025/applications.csv"
NATIONAL = "data/shili/2025/figures.yaml"
SECONDS = 60  # a run that fails early takes 2–5 s on a loaded machine; one that hangs never ends
LIMITS_HINT = "数据文件里直接写出每个值"
CATEGORIES = (
    "  categories:             # 主动公开信息的类别和条数；各类之和就是主动公开总数\n"
    "    机构职能: 4\n    规划计划: 1\n"
    "    扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况: 6\n"
    "    工作动态: 2\n    其它: 4\n"
)


@dataclass(frozen=True)
class Case:
    id: str
    message: str  # the first line of stderr, after "错误："
    setup: Callable[[Path], None] = field(compare=False)
    args: tuple[str, ...] = ("report", "minzheng", "2017")


def write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes(data)


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        text = (root / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        (root / name).write_text(text.replace(old, new), encoding="utf-8")

    return apply


def swap(name: str, make: Callable[[Path, Path], None]) -> Callable[[Path], None]:
    """Replace the file `name` by what `make(path, root)` puts there (a folder, a link, a FIFO)."""

    def apply(root: Path) -> None:
        (root / name).unlink()
        make(root / name, root)

    return apply


def link_out(path: Path, root: Path) -> None:
    """A narrative kept elsewhere: its absolute path once reached the notebook and build.json."""
    outside = root.parent / "elsewhere.md"
    outside.write_bytes(b"# \xe6\x80\xbb\xe4\xbd\x93\xe6\x83\x85\xe5\x86\xb5\n")
    path.symlink_to(outside)


def nothing(root: Path) -> None:
    return None


def gbk_with_utf8_tail(root: Path) -> None:
    """What a clerk gets pasting a line from a UTF-8 file into a GBK one (Notepad, WPS)."""
    text = (root / FIGURES).read_text(encoding="utf-8")
    (root / FIGURES).write_bytes(text.encode("gbk") + "# 补充：核对人 张三\n".encode())


def utf8_with_gbk_line(root: Path) -> None:
    text = (root / CSV_FILE).read_text(encoding="utf-8-sig")
    (root / CSV_FILE).write_bytes(text.encode("utf-8") + "# 备注：王五\n".encode("gbk"))


def big5_narrative(root: Path) -> None:
    (root / NARRATIVE).write_bytes(
        "# 總體情況\n本機關依照《政府資訊公開條例》的規定公開資訊。\n".encode("big5")
    )


def year_folders_of_other_digits(root: Path) -> None:
    """Year folders that `str.isdigit()` takes and int() refuses (²⁰¹⁷) or reads (２０１７)."""
    for name in ("²⁰¹⁷", "２０１６", "①②③④"):
        folder = root / "data/minzheng" / name
        folder.mkdir()
        (folder / "figures.yaml").write_bytes((root / FIGURES).read_bytes())


def laughs() -> bytes:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
    return ("\n".join(lines) + "\n").encode()


def many_categories(count: int) -> str:
    return "  categories:\n" + "".join(f"    类别{i}: 1\n" for i in range(count))


CASES = [
    # ---- resource exhaustion
    Case(
        "yaml-billion-laughs",
        f"{FIGURES}: 第 1 行：不能用 YAML 锚点 &a；"
        "第 2 行：不能用 YAML 别名 *a；第 2 行：不能用 YAML 锚点 &b；"
        "第 3 行：不能用 YAML 别名 *b；第 3 行：不能用 YAML 锚点 &c；第 4 行：不能用 YAML 别名 *c；"
        "第 4 行：不能用 YAML 锚点 &d；第 5 行：不能用 YAML 别名 *d；第 5 行：不能用 YAML 锚点 &e；"
        "第 6 行：不能用 YAML 别名 *e；第 6 行：不能用 YAML 锚点 &f；第 7 行：不能用 YAML 别名 *f；"
        "第 7 行：不能用 YAML 锚点 &g；第 8 行：不能用 YAML 别名 *g；第 8 行：不能用 YAML 锚点 &h；"
        "第 9 行：不能用 YAML 别名 *h；第 9 行：不能用 YAML 锚点 &i",
        write(FIGURES, laughs()),
    ),
    Case(
        "yaml-recursive-alias",
        f"{PROFILE}: 第 1 行：不能用 YAML 锚点 &loop；第 2 行：不能用 YAML 别名 *loop",
        write(PROFILE, b"name: &loop\n  again: *loop\n"),
    ),
    Case(
        "yaml-5000-deep-flow",
        f"{OPENING}: 第 2 行：嵌套超过 20 层",
        write(OPENING, b"as_of: 2016\ncumulative: " + b"[" * 5000 + b"]" * 5000 + b"\n"),
    ),
    Case(
        "yaml-deep-block",
        f"{FIGURES}: 第 21 行：嵌套超过 20 层",
        write(FIGURES, "".join("  " * i + f"k{i}:\n" for i in range(30)).encode() + b"  " * 30 + b"v: 1\n"),
    ),
    Case(
        "yaml-tags",
        f"{PROFILE}: 第 1 行：不能用 YAML 标签 !!python/object/apply:os.system；"
        "第 2 行：不能用 YAML 标签 !!str",
        write(PROFILE, b"name: !!python/object/apply:os.system ['true']\ndistrict: !!str 1\n"),
    ),
    Case(
        "yaml-5000-digit-integer",
        f"{FIGURES}: 第 26 行：数字 99999999999999999999… 有 5000 位，超过 15 位；"
        "第 27 行：数字 1.000000000000000000… 有 21 位，超过 15 位",
        replace(
            FIGURES,
            "  online: 0\n  letter_fax: 0",
            "  online: " + "9" * 5000 + "\n  letter_fax: 1." + "0" * 20,
        ),
    ),
    Case(
        "cell-5000-digit-text",
        f"{CSV_FILE}: 第 2 行“一、本年新收政府信息公开申请数量”的“自然人”"
        "有 5000 位数字，超过 15 位，不是一个报告中的数",
        replace(
            CSV_FILE,
            "一、本年新收政府信息公开申请数量,51,",
            "一、本年新收政府信息公开申请数量," + "5" * 5000 + ",",
        ),
        ("report", "shili", "2025"),
    ),
    Case(
        "profile-link-to-dev-zero",
        f"{PROFILE}: 这是一个指向项目文件夹之外的链接：报告只读取项目之内的文件",
        swap(PROFILE, lambda path, root: path.symlink_to("/dev/zero")),
    ),
    Case(
        "narrative-fifo",
        f"{NARRATIVE}: 这不是普通文件（是设备、管道或套接字），不能读取",
        swap(NARRATIVE, lambda path, root: os.mkfifo(path)),
    ),
    Case(
        "figures-over-5-mb",
        f"{FIGURES}: 文件太大：超过 5 MB，不像是数据文件",
        write(FIGURES, b"# " + b"x" * (5 * 1024 * 1024) + b"\n"),
    ),
    Case(
        "narrative-over-200000-characters",
        f"{NARRATIVE}: 叙述文字太长：200003 个字符，最多 200000 个",
        write(NARRATIVE, ("# 总体情况\n" + "字" * 199_995 + "\n").encode()),
    ),
    # ---- files that are not plain readable files
    Case(
        "csv-is-a-folder",
        f"{CSV_FILE}: 这是一个文件夹，不是文件",
        swap(CSV_FILE, lambda path, root: path.mkdir()),
        ("report", "shili", "2025"),
    ),
    Case(
        "opening-symlink-loop",
        f"{OPENING}: 这是一个循环链接：它最终指回自己，无法读取",
        swap(OPENING, lambda path, root: path.symlink_to(path.name)),
    ),
    Case(
        "narrative-dangling-link",
        f"{NARRATIVE}: 这是一个失效的链接：它指向的文件不存在",
        swap(NARRATIVE, lambda path, root: path.symlink_to("narrative-2017.md")),
    ),
    Case(
        "narrative-link-out-of-the-project",
        f"{NARRATIVE}: 这是一个指向项目文件夹之外的链接：报告只读取项目之内的文件",
        swap(NARRATIVE, link_out),
    ),
    Case(
        "year-folders-of-other-digits-are-not-years",
        "机关 minzheng 没有 2016 年度的数据。已有的年度：2017",
        year_folders_of_other_digits,
        ("report", "minzheng", "2016"),
    ),
    Case(
        "import-page-is-a-fifo",
        "page.html: 这不是普通文件（是设备、管道或套接字），不是保存下来的网页文件",
        lambda root: os.mkfifo(root / "page.html"),
        ("import", "--", "page.html", "shili", "2026"),
    ),
    # ---- parameters, as the Makefile passes them (after `--`)
    Case(
        "year-superscript",
        "年度 '²⁰¹⁷' 无效：应为四位数字的年份，如 2017",
        nothing,
        ("report", "--", "minzheng", "²⁰¹⁷"),
    ),
    Case(
        "year-circled",
        "年度 '①②③④' 无效：应为四位数字的年份，如 2017",
        nothing,
        ("report", "--", "minzheng", "①②③④"),
    ),
    Case(
        "year-fullwidth",
        "年度 '２０１７' 无效：应为四位数字的年份，如 2017",
        nothing,
        ("check", "--year=２０１７"),
    ),
    Case(
        "agency-help",
        "机关代号 '-h' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        nothing,
        ("report", "--", "-h", "2017"),
    ),
    Case(
        "agency-space-in-check",
        "机关代号 'min zheng' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        nothing,
        ("check", "--agency=min zheng"),
    ),
    Case("arguments-missing", "命令行有误：缺少参数：agency, year", nothing, ("report",)),
    Case("jobs-fullwidth", "--jobs 的值 '２' 无效：应为正整数，如 2", nothing, ("reports", "--jobs", "２")),
    # ---- encodings, with real bytes
    Case(
        "gbk-with-a-utf8-tail",  # the sample's figures.yaml has 41 lines: the pasted one is the 42nd
        f"{FIGURES}: 文件编码混杂：前面的行是 GBK 编码，第 42 行却是 UTF-8，无法确定按哪种编码读取",
        gbk_with_utf8_tail,
    ),
    Case(
        "utf8-with-a-gbk-line",  # the sample's CSV has 30 lines
        f"{CSV_FILE}: 文件编码混杂：前面的行是 UTF-8 编码，第 31 行却不是 UTF-8，无法确定按哪种编码读取",
        utf8_with_gbk_line,
        ("report", "shili", "2025"),
    ),
    Case(
        "narrative-in-big5",
        f"{NARRATIVE}: 文件编码可能是 Big5（繁体）：应为 UTF-8 或 GBK/GB18030",
        big5_narrative,
    ),
    # ---- what a chart cannot draw: named where it is typed, not as a template cell that failed
    Case(
        "categories-too-many",
        f"{FIGURES}: 字段 active.categories 有 60 个类别，超过图表能画的 50 个；请合并相近的类别",
        replace(FIGURES, CATEGORIES, many_categories(60)),
    ),
    Case(
        "category-name-too-long",
        f"{FIGURES}: 第 14 行：字段 active.categories 的类别名“类类类类类类类类类类类类类类类类类类类类…”"
        "有 150 个字，超过图表能画的 100 个字",
        replace(FIGURES, "    机构职能: 4\n", "    " + "类" * 150 + ": 4\n"),
    ),
]


def entries(root: Path) -> dict[str, object]:
    """Every entry under data/, params/, notebooks/ and output/: a file's bytes, else what it is."""
    found: dict[str, object] = {}
    for folder in ("data", "params", "notebooks", "output"):
        for top, dirs, files in os.walk(root / folder):  # links are not followed
            for name in [*dirs, *files]:
                path = Path(top) / name
                key = path.relative_to(root).as_posix()
                if path.is_symlink():
                    found[key] = ("link", str(path.readlink()))
                elif path.is_file():
                    found[key] = path.read_bytes()
                else:
                    found[key] = ("folder" if path.is_dir() else "other", path.lstat().st_mode)
    return found


def test_the_corpus_covers_every_class_and_its_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_gives_one_message_in_seconds_and_loses_nothing(case: Case, project_dir: Path) -> None:
    last_good = project_dir / "output/minzheng/2017"
    last_good.mkdir(parents=True)
    (last_good / "report.html").write_bytes(b"<html>last good report</html>")
    case.setup(project_dir)
    before = entries(project_dir)

    done = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *case.args],
        cwd=project_dir,
        capture_output=True,
        text=True,
        timeout=SECONDS,  # a hang, or a file read without end, fails here
        env={**os.environ, "NIANBAO_DEBUG": ""},
    )

    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"错误：{case.message}"
    assert entries(project_dir) == before


def test_the_limits_hint_is_given_with_every_yaml_limit(project_dir: Path) -> None:
    write(PROFILE, b"a: &x 1\nb: *x\n")(project_dir)
    done = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "report", "minzheng", "2017"],
        cwd=project_dir,
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )
    assert done.stderr.splitlines()[1] == (
        "  处理办法：数据文件里直接写出每个值：不用锚点（&）、别名（*）和标签（!），"
        "嵌套不超过 20 层，数字不超过 15 位。"
    )
