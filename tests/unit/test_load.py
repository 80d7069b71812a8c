"""Data files → checked model: the sample loads to the reference figures, every fault names its field."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.errors import DataError, FormatError
from nianbao.figures.derived import Figures
from nianbao.inputs.checks import PRINTED
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear
from nianbao.paths import Project
from tests.conftest import ROOT

Edit = Callable[[Path, str, str], None]  # the `edit` fixture of conftest.py

FIGURES = "data/minzheng/2017/figures.yaml"
OPENING = "data/minzheng/opening.yaml"
PROFILE = "params/minzheng.yaml"
NARRATIVE = "data/minzheng/2017/narrative.md"
# Every agency of the sample project: an unknown agency's message lists them all.
KNOWN = "、".join(Project(ROOT).agencies())


def load(project_dir: Path, agency: str = "minzheng", year: int = 2017) -> AgencyYear:
    return load_agency_year(Project(project_dir), agency, year)


# ---------------------------------------------------------------- the sample


def test_sample_loads_to_the_reference_figures(model: AgencyYear) -> None:
    assert model.format.id == "pre2019"
    assert model.year == 2017
    assert list(model.history) == [2017]
    data = model.current
    assert (data.number, data.date) == (2, dt.date(2018, 1, 30))
    assert data.values["active.produced"] == 17
    assert data.values["active.website"] == 17
    assert data.values["interpretation.visitors"] == 272
    assert data.values["interpretation.calls"] == 313
    assert data.values["fees.collected"] == Decimal(0)
    assert isinstance(data.values["fees.collected"], Decimal)
    assert data.categories == (
        ("机构职能", 4),
        ("规划计划", 1),
        ("扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", 6),
        ("工作动态", 2),
        ("其它", 4),
    )
    assert model.opening.as_of == 2016
    assert model.opening.cumulative["active.total"] == 175
    assert set(model.opening.cumulative) == {row.id for row in model.format.appendix.typed_rows}


def test_sample_profile_and_narrative(model: AgencyYear) -> None:
    assert (model.profile.slug, model.profile.name, model.profile.doc_prefix) == (
        "minzheng",
        "三元区民政局",
        "元民",
    )
    assert model.profile.contact.phone == "0598—8328341"
    assert model.profile.portal.url == "www.smsy.gov.cn"
    assert list(model.narrative) == ["overview", "problems", "improvements", "other_notes"]
    assert model.narrative["other_notes"] == "无。"
    assert model.warnings == ()


def test_loading_leaves_every_file_byte_for_byte_unchanged(project_dir: Path) -> None:
    def snapshot() -> dict[str, bytes]:
        return {
            path.relative_to(project_dir).as_posix(): path.read_bytes()
            for path in sorted(project_dir.rglob("*"))
            if path.is_file()
        }

    before = snapshot()
    assert FIGURES in before
    load(project_dir)
    assert snapshot() == before


# ---------------------------------------------------------------- agency and year


def test_unknown_agency_suggests_the_closest(project_dir: Path) -> None:
    with pytest.raises(
        DataError, match=re.escape(f"没有机关 minzhen（是不是 minzheng？）。已有的机关：{KNOWN}")
    ):
        load(project_dir, agency="minzhen")


def test_unknown_agency_without_a_close_match(project_dir: Path) -> None:
    with pytest.raises(DataError, match=re.escape(f"没有机关 gongan。已有的机关：{KNOWN}")) as caught:
        load(project_dir, agency="gongan")
    assert caught.value.hint == "新增机关请先建立 params/gongan.yaml。"


@pytest.mark.parametrize(
    "agency",
    ["../etc", "../minzheng", "/etc/passwd", "Minzheng", "min zheng", "", "-minzheng"],
    ids=[
        "parent-dir",
        "parent-dir-real-name",
        "absolute-path",
        "upper-case",
        "space",
        "empty",
        "leading-dash",
    ],
)
def test_agency_must_be_a_plain_slug(project_dir: Path, agency: str) -> None:
    with pytest.raises(
        DataError, match=re.escape(f"机关代号 {agency!r} 无效：只能由小写字母、数字、- 和 _ 组成")
    ):
        load(project_dir, agency=agency)


def test_year_without_data_lists_the_years_on_file(project_dir: Path) -> None:
    shutil.copytree(project_dir / "data/minzheng/2017", project_dir / "data/minzheng/2018")
    (project_dir / "data/minzheng/2015").mkdir()  # a folder without figures.yaml is not a year on file
    (project_dir / "data/minzheng/2015/narrative.md").write_text("# 概述\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=re.escape("机关 minzheng 没有 2016 年度的数据。已有的年度：2017、2018")
    ):
        load(project_dir, year=2016)


def test_year_without_a_report_format(project_dir: Path) -> None:
    shutil.copytree(project_dir / "data/minzheng/2017", project_dir / "data/minzheng/2007")
    with pytest.raises(
        DataError,
        match=re.escape("只支持以下年度的报告格式：2008—2018、2019—2020、2021 年起；2007 年度暂不支持"),
    ):
        load(project_dir, year=2007)


# ---------------------------------------------------------------- wrong values


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "  online: 0",
            "  online: -1",
            "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 -1",
            id="negative",
        ),
        pytest.param(
            "  online: 0",
            "  online: 三",
            '第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 "三"',
            id="text",
        ),
        pytest.param(
            "  online: 0",
            "  online: 1.5",
            "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 1.5",
            id="fraction",
        ),
        pytest.param(
            "  online: 0",
            "  online: 1.0",
            "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 1.0",
            id="float",
        ),
        pytest.param(
            "  online: 0",
            "  online: yes",
            "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 True",
            id="yes",
        ),
        pytest.param(
            "  online: 0",
            "  online:",
            "第 26 行：字段 apply.online（网络申请数）没有填写；没有的请填 0",
            id="empty",
        ),
        pytest.param("  online: 0\n", "", "缺少字段 apply.online（网络申请数）$", id="missing"),
        pytest.param(
            "    工作动态: 2",
            "    工作动态: -2",
            "第 17 行：字段 active.categories.工作动态（类别“工作动态”的条数）应为非负整数，实际为 -2",
            id="negative-category",
        ),
        pytest.param(
            "  number: 2 ", "  number: 二 ", '字段 report.number 应为非负整数，实际为 "二"', id="doc-number"
        ),
        pytest.param(
            "  collected: 0",
            "  collected: -5",
            "第 40 行：字段 fees.collected（收取的费用）应为非负的金额（元），实际为 -5",
            id="negative-money",
        ),
        pytest.param(
            "  collected: 0",
            "  collected: 五元",
            '第 40 行：字段 fees.collected（收取的费用）应为非负的金额（元），实际为 "五元"',
            id="money-as-text",
        ),
        pytest.param(
            "  collected: 0",
            "  collected: .nan",
            "第 40 行：字段 fees.collected（收取的费用）应为非负的金额（元），实际为 nan",
            id="money-nan",
        ),
        pytest.param(
            "2018-01-30",
            "明年一月",
            '字段 report.date 应为日期（如 2018-01-30），实际为 "明年一月"',
            id="date-as-text",
        ),
    ],
)
def test_wrong_value_names_the_field(project_dir: Path, edit: Edit, old: str, new: str, message: str) -> None:
    edit(project_dir / FIGURES, old, new)
    with pytest.raises(DataError, match=message) as caught:
        load(project_dir)
    assert caught.value.path == FIGURES


def test_categories_must_not_be_empty(project_dir: Path, edit: Edit) -> None:
    text = (project_dir / FIGURES).read_text(encoding="utf-8")
    block = text[text.index("  categories:") : text.index("interpretation:")]
    edit(project_dir / FIGURES, block, "  categories: {}\n\n")
    with pytest.raises(
        DataError, match=re.escape("字段 active.categories 应为“类别名: 条数”的列表，至少一类，实际为 {}")
    ):
        load(project_dir)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param("2018年1月30日", dt.date(2018, 1, 30), id="chinese"),
        pytest.param("2018/1/30", dt.date(2018, 1, 30), id="slashes"),
        pytest.param("2018.01.30", dt.date(2018, 1, 30), id="dots"),
    ],
)
def test_dates_as_staff_write_them(project_dir: Path, edit: Edit, new: str, expected: dt.date) -> None:
    edit(project_dir / FIGURES, "2018-01-30", f'"{new}"')
    assert load(project_dir).current.date == expected


def test_impossible_calendar_date_is_a_data_error(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "2018-01-30", "2018-02-30")
    with pytest.raises(
        DataError, match=re.escape('字段 report.date 应为日期（如 2018-01-30），实际为 "2018-02-30"')
    ):
        load(project_dir)


def test_a_key_typed_twice_is_an_error_not_last_one_wins(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "  online: 0\n", "  online: 0\n  online: 5\n")
    with pytest.raises(
        DataError, match=re.escape("字段 apply.online 出现了两次（第 26 行和第 27 行）")
    ) as caught:
        load(project_dir)
    assert caught.value.path == FIGURES


def test_a_key_given_nested_and_dotted_is_an_error_not_last_one_wins(project_dir: Path, edit: Edit) -> None:
    """`apply: {online: 0}` and `apply.online: 5` are one field: the report must not print either silently."""
    edit(project_dir / FIGURES, "fees:", "apply.online: 5\nfees:")
    with pytest.raises(
        DataError, match=re.escape("字段 apply.online 出现了两次（第 26 行和第 39 行）")
    ) as caught:
        load(project_dir)
    assert caught.value.path == FIGURES


def test_impossible_quoted_date_is_a_data_error(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "2018-01-30", '"2018-02-30"')
    with pytest.raises(
        DataError, match=re.escape('字段 report.date 应为日期（如 2018-01-30），实际为 "2018-02-30"')
    ):
        load(project_dir)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param("12.50", Decimal("12.5"), id="decimal"),
        pytest.param('"12.50"', Decimal("12.5"), id="quoted"),
        pytest.param("300", Decimal(300), id="whole"),
    ],
)
def test_amounts_are_exact_decimals(project_dir: Path, edit: Edit, new: str, expected: Decimal) -> None:
    edit(project_dir / FIGURES, "  collected: 0", f"  collected: {new}")
    collected = load(project_dir).current.values["fees.collected"]
    assert isinstance(collected, Decimal)
    assert collected == expected


# ---------------------------------------------------------------- unknown keys and YAML syntax


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        pytest.param(
            FIGURES, "  online: 0", "  onlin: 0", "未知字段 apply.onlin（是不是 apply.online", id="nested"
        ),
        pytest.param(
            FIGURES,
            "complaints: 0 ",
            "complaint: 0 ",
            "未知字段 complaint（是不是 complaints？）",
            id="top-level",
        ),
        pytest.param(
            OPENING,
            "  active.gazette: 0",
            "  active.gazete: 0",
            "未知字段 cumulative.active.gazete（是不是 cumulative.active.gazette",
            id="opening",
        ),
        pytest.param(
            PROFILE,
            "self_reference:",
            "self_refrence:",
            "未知字段 self_refrence（是不是 self_reference",
            id="profile",
        ),
    ],
)
def test_unknown_key_suggests_the_closest(
    project_dir: Path, edit: Edit, path: str, old: str, new: str, message: str
) -> None:
    edit(project_dir / path, old, new)
    with pytest.raises(DataError, match=re.escape(message)) as caught:
        load(project_dir)
    assert caught.value.path == path
    assert "允许的字段：" in caught.value.message


def test_a_typed_total_is_checked_against_its_parts(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "apply:                    #", "apply:\n  total: 3 #")
    with pytest.raises(FormatError) as caught:
        load(project_dir)
    assert caught.value.render() == (
        "data/minzheng/2017/figures.yaml: 规则 F2 不成立：附表“受理政府信息公开申请总数”应等于当面、网络、"
        "信函传真申请数之和。实际为：“受理政府信息公开申请总数”（第 25 行）为 3；“当面申请数”（第 26 行）0 + "
        "“网络申请数”（第 27 行）0 + “信函、传真申请数”（第 28 行）0 = 0（3 ≠ 0）"
    )


def test_a_typed_total_equal_to_its_parts_is_accepted(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "  produced: 17 ", "  total: 17\n  produced: 17 ")
    edit(project_dir / FIGURES, "apply:                    #", "apply:\n  total: 0 #")
    assert load(project_dir).current.values["active.total"] == 17


def test_a_printed_total_that_differs_from_its_categories(project_dir: Path, edit: Edit) -> None:
    """A published report's total (18) over categories that add up to 17: an error in a report of our
    own; in one transcribed as printed (`as_printed: true`), a warning that keeps the printed figure."""
    edit(project_dir / FIGURES, "  produced: 17 ", "  total: 18\n  produced: 17 ")
    message = (
        "规则 F6 不成立：附表“主动公开文件数”应等于主动公开信息各类别条数之和。"
        "实际为：“主动公开文件数”（第 {line} 行）为 18；“各类别条数之和（机构职能 4 + 规划计划 1 + "
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况 6 + 工作动态 2 + 其它 4）”"
        "为 17（18 ≠ 17）"
    )
    with pytest.raises(FormatError) as caught:
        load(project_dir)
    assert caught.value.message == message.format(line=9)
    edit(project_dir / FIGURES, "report:", "as_printed: true\nreport:")
    model = load(project_dir)
    assert model.warnings == (f"{FIGURES}: {message.format(line=10)}。{PRINTED}",)
    assert model.current.values["active.total"] == 18


def test_phone_number_must_be_text(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / PROFILE, "phone: 0598—8328341", "phone: 8328341")
    with pytest.raises(
        DataError, match=re.escape("字段 contact.phone 应为文字（数字开头的电话等请加引号），实际为 8328341")
    ):
        load(project_dir)


def test_yaml_syntax_error_names_the_line(project_dir: Path, edit: Edit) -> None:
    lines = (project_dir / FIGURES).read_text(encoding="utf-8").splitlines()
    assert lines[25] == "  online: 0"  # line 26 of the file
    edit(project_dir / FIGURES, "  online: 0", "    online: 0")
    with pytest.raises(
        DataError, match=re.escape("YAML 格式错误第 26 行：mapping values are not allowed here")
    ) as caught:
        load(project_dir)
    assert caught.value.path == FIGURES
    assert caught.value.hint == "检查缩进和冒号（冒号后要有空格）。"


@pytest.mark.parametrize("content", ["", "- 一\n- 二\n", "只是一句话\n"], ids=["empty", "list", "scalar"])
def test_figures_must_be_a_mapping(project_dir: Path, content: str) -> None:
    (project_dir / FIGURES).write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match="文件内容应为“字段: 值”的列表"):
        load(project_dir)


def test_missing_narrative_names_the_file(project_dir: Path) -> None:
    (project_dir / NARRATIVE).unlink()
    with pytest.raises(DataError, match=f"^{re.escape(NARRATIVE)}: 找不到这个文件$"):
        load(project_dir)


def test_unreadable_encoding(project_dir: Path) -> None:
    (project_dir / FIGURES).write_bytes("report:\n  number: 2\n".encode("utf-16"))
    with pytest.raises(DataError, match="文件编码无法识别：应为 UTF-8 或 GBK/GB18030"):
        load(project_dir)


# ---------------------------------------------------------------- encodings and line ends


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [
        pytest.param("gb18030", "\n", id="gb18030"),
        pytest.param("utf-8-sig", "\n", id="utf8-bom"),
        pytest.param("utf-8", "\r\n", id="crlf"),
        pytest.param("gb18030", "\r\n", id="gb18030-crlf"),
        pytest.param("utf-8-sig", "\r", id="utf8-bom-old-mac-cr"),
    ],
)
def test_files_as_staff_save_them_load_identically(project_dir: Path, encoding: str, newline: str) -> None:
    reference = load(project_dir)
    for name in (FIGURES, OPENING, PROFILE, NARRATIVE):
        path = project_dir / name
        original = path.read_bytes()
        path.write_bytes(original.decode("utf-8").replace("\n", newline).encode(encoding))
        assert path.read_bytes() != original
    assert load(project_dir) == reference


# ---------------------------------------------------------------- the cumulative chain over the years


def test_years_between_opening_and_report_must_be_on_file(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / OPENING, "as_of: 2016", "as_of: 2015")
    with pytest.raises(
        DataError, match=re.escape("历年累计从 2015 年底的期初数逐年相加到 2017 年，但缺少 2016 年度的数据")
    ) as caught:
        load(project_dir)
    assert caught.value.path == OPENING


def test_every_missing_year_is_named(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / OPENING, "as_of: 2016", "as_of: 2013")
    with pytest.raises(DataError, match=re.escape("缺少 2014、2015、2016 年度的数据")):
        load(project_dir)


def test_opening_balance_must_be_before_the_report_year(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / OPENING, "as_of: 2016", "as_of: 2017")
    with pytest.raises(DataError, match=re.escape("期初数截至 2017 年底，晚于或等于报告年度 2017")):
        load(project_dir)


def test_cumulative_chains_through_an_earlier_year(project_dir: Path, edit: Edit) -> None:
    earlier = project_dir / "data/minzheng/2016"
    earlier.mkdir()
    figures_2016 = (project_dir / FIGURES).read_text(encoding="utf-8")
    figures_2016 = figures_2016.replace("  number: 2 ", "  number: 3 ").replace("2018-01-30", "2017-02-10")
    figures_2016 = figures_2016.replace("    工作动态: 2", "    工作动态: 12").replace(
        "  online: 0", "  online: 2"
    )
    (earlier / "figures.yaml").write_text(figures_2016, encoding="utf-8")
    edit(project_dir / OPENING, "as_of: 2016", "as_of: 2015")
    edit(project_dir / OPENING, "active.total: 175", "active.total: 148")
    edit(project_dir / OPENING, "active.website: 175", "active.website: 140")
    model = load(project_dir)
    assert list(model.history) == [2016, 2017]
    assert model.history[2016].number == 3
    figures = Figures.derive(model)
    assert (figures.line("active.total").value, figures.line("active.total").cumulative) == (
        17,
        148 + 27 + 17,
    )
    assert (figures.line("active.website").value, figures.line("active.website").cumulative) == (
        17,
        140 + 17 + 17,
    )
    assert (figures.line("apply.total").value, figures.line("apply.total").cumulative) == (0, 2)
    assert (figures.line("apply.online").value, figures.line("apply.online").cumulative) == (0, 2)


# ---------------------------------------------------------------- consistency rules


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "  website: 17 ",
            "  website: 18 ",
            "规则 F4 不成立：附表“其中：1.政府网站公开数”不能大于“主动公开文件数”。"
            "实际为：“政府网站公开数”（第 11 行）为 18；“主动公开文件数”为 17（18 > 17）",
            id="F4-website",
        ),
        pytest.param(
            "  gazette: 0 ",
            "  gazette: 18 ",
            "规则 F4 不成立：附表“2.政府公报公开数”不能大于“主动公开文件数”。",
            id="F4-gazette",
        ),
        pytest.param(
            "    工作动态: 2",
            "    工作动态: 1",
            "规则 F4 不成立：.*实际为：“政府网站公开数”（第 11 行）为 17；“主动公开文件数”为 16（17 > 16）",
            id="F4-total-from-categories",
        ),
        pytest.param(
            "  electronic: 17 ",
            "  electronic: 18 ",
            "规则 E1 不成立：“全文电子化的主动公开信息数”不能大于附表“主动公开文件数”",
            id="E1-electronic",
        ),
    ],
)
def test_rules_of_the_format(project_dir: Path, edit: Edit, old: str, new: str, message: str) -> None:
    edit(project_dir / FIGURES, old, new)
    with pytest.raises(FormatError, match=message) as caught:
        load(project_dir)
    assert caught.value.path == FIGURES


def test_rules_hold_for_earlier_years_too(project_dir: Path, edit: Edit) -> None:
    earlier = project_dir / "data/minzheng/2016"
    earlier.mkdir()
    figures_2016 = (
        (project_dir / FIGURES).read_text(encoding="utf-8").replace("  website: 17 ", "  website: 30 ")
    )
    (earlier / "figures.yaml").write_text(figures_2016, encoding="utf-8")
    edit(project_dir / OPENING, "as_of: 2016", "as_of: 2015")
    with pytest.raises(
        FormatError, match=r"规则 F4 不成立：.*“政府网站公开数”（第 11 行）为 30；“主动公开文件数”为 17"
    ) as caught:
        load(project_dir)
    assert caught.value.path == "data/minzheng/2016/figures.yaml"


def test_rule_holds_at_equality(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "  gazette: 0 ", "  gazette: 17 ")
    assert load(project_dir).current.values["active.gazette"] == 17


def test_a_report_without_a_document_number(project_dir: Path, edit: Edit) -> None:
    """Some published reports have no 文号: none is printed then."""
    edit(project_dir / FIGURES, "  number: 2 ", "  # number: 2 ")
    figures = Figures.derive(load(project_dir))
    assert figures.model.current.number is None
    assert figures.context()["report"]["number"] == ""


def test_consultations_may_be_typed(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / FIGURES, "interpretation:", "consult:\n  in_person: 12\n  phone: 30\ninterpretation:")
    context = Figures.derive(load(project_dir)).context()
    assert context["consult"] == {"in_person": 12, "phone": 30, "online": None}


def test_without_an_opening_balance_no_cumulative_since_the_regulations_is_claimed(project_dir: Path) -> None:
    """No opening.yaml: the chain counts the years on file only, and says since when."""
    (project_dir / OPENING).unlink()
    model = load(project_dir)
    assert model.opening is not None and not model.opening.known
    figures = Figures.derive(model)
    assert figures.line("active.total").cumulative == 17
    assert figures.cumulative_heading == "2017年以来累计"
    assert figures.context()["report"]["cumulative_known"] is False


def test_the_percent_policy_is_the_profiles_else_the_districts(project_dir: Path) -> None:
    district = project_dir / "params/_district.yaml"
    district.write_text(
        district.read_text(encoding="utf-8") + "percent:\n  decimals: 2\n  rounding: largest_remainder\n",
        encoding="utf-8",
    )
    inherited = load(project_dir, "shili-renshe").profile.percent
    assert (inherited.decimals, inherited.rounding, inherited.trim_zeros) == (2, "largest_remainder", False)
    own = load(project_dir).profile.percent  # minzheng's profile says decimals 1, trim_zeros
    assert (own.decimals, own.rounding, own.trim_zeros) == (1, "half_up", True)
