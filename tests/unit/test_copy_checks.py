"""Last year's copy caught (issue 14): the 发文日期 against the year and its legal deadline, last year's
文号, 发文日期 and text repeated — each a warning in the form's words, on a copy of the sample data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nianbao.errors import DataError
from nianbao.figures.derived import Figures
from nianbao.figures.numbers import percent
from nianbao.inputs.copy_checks import similarity
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.shares import rate
from nianbao.paths import Project

FIGURES = "data/shili/2020/figures.yaml"


def set_report(project_dir: Path, number: int, date: str) -> None:
    path = project_dir / FIGURES
    text = path.read_text(encoding="utf-8")
    assert "  number: 8 " in text and "  date: 2021-01-23 " in text
    text = text.replace("  number: 8 ", f"  number: {number} ").replace(
        "  date: 2021-01-23 ", f"  date: {date} "
    )
    path.write_text(text, encoding="utf-8")


def warnings(project_dir: Path, year: int = 2020) -> tuple[str, ...]:
    return load_agency_year(Project(project_dir), "shili", year).warnings


def test_a_folder_copied_from_last_year_keeps_its_number_and_date(project_dir: Path) -> None:
    set_report(project_dir, 2, "2020-01-20")  # 2019's 文号 序号 and 发文日期
    assert warnings(project_dir) == (
        f"{FIGURES}: 发文日期 2020-01-20 不晚于报告年度 2020 年的年底：年报在次年发布，"
        "这多半是照抄的上一年度的日期，请改为本年报告的发文日期",
        f"{FIGURES}: 文号（序号 2，2020 年）与 2019 年度的相同："
        "这多半是照抄的上一年度的文号，请改为本年报告的文号",
        f"{FIGURES}: 发文日期 2020-01-20 与 2019 年度的相同："
        "这多半是照抄的上一年度的日期，请改为本年报告的发文日期",
    )


def test_the_same_serial_number_in_another_year_is_another_number(project_dir: Path) -> None:
    set_report(project_dir, 2, "2021-01-23")  # 示例〔2021〕2号 is not 示例〔2020〕2号
    assert warnings(project_dir) == ()


def test_a_department_report_after_january_31_is_late(project_dir: Path) -> None:
    set_report(project_dir, 8, "2021-02-01")
    assert warnings(project_dir) == (
        f"{FIGURES}: 发文日期 2021-02-01 晚于法定期限 2021-01-31"
        "（部门的年报应在 1月31日前发布）：请核对发文日期",
    )


def test_a_government_report_may_wait_until_march_31(project_dir: Path) -> None:
    set_report(project_dir, 8, "2021-03-31")
    profile = project_dir / "params/shili.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "level: government\n", encoding="utf-8")
    assert warnings(project_dir) == ()
    set_report_date = (project_dir / FIGURES).read_text(encoding="utf-8").replace("2021-03-31", "2021-04-01")
    (project_dir / FIGURES).write_text(set_report_date, encoding="utf-8")
    assert warnings(project_dir) == (
        f"{FIGURES}: 发文日期 2021-04-01 晚于法定期限 2021-03-31"
        "（本级政府的年报应在 3月31日前发布）：请核对发文日期",
    )


def test_a_pre2019_report_has_until_march_31(project_dir: Path) -> None:
    path = project_dir / "data/minzheng/2017/figures.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2018-01-30", "date: 2018-04-02"), encoding="utf-8")
    assert load_agency_year(Project(project_dir), "minzheng", 2017).warnings == (
        "data/minzheng/2017/figures.yaml: 发文日期 2018-04-02 晚于法定期限 2018-03-31"
        "（部门的年报应在 3月31日前发布）：请核对发文日期",
    )


def test_an_unknown_level_is_refused(project_dir: Path) -> None:
    profile = project_dir / "params/shili.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "level: 部门\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        warnings(project_dir)
    assert str(caught.value).startswith("params/shili.yaml: 第 ")
    assert "字段 level（机关的层级）应为 department（部门）或 government（政府），实际为 部门" in str(
        caught.value
    )


PROBLEMS = "# 存在的主要问题及改进情况\n\n"
LAST_YEAR = "一是信息更新不够及时。二是解读形式单一。三是培训只办了2次。下一步建立发布台账。"


def write_problems(project_dir: Path, year: int, text: str) -> None:
    path = project_dir / f"data/shili/{year}/narrative.md"
    old = path.read_text(encoding="utf-8")
    start = old.index(PROBLEMS) + len(PROBLEMS)
    end = old.index("\n#", start)
    path.write_text(old[:start] + text + old[end:], encoding="utf-8")


def test_a_part_repeating_last_years_text_is_named(project_dir: Path) -> None:
    write_problems(project_dir, 2019, LAST_YEAR)
    write_problems(project_dir, 2020, LAST_YEAR.replace("2次", "3次"))  # only a number changed
    assert warnings(project_dir) == (
        "data/shili/2020/narrative.md: “# 存在的主要问题及改进情况”（100% 相同）与 2019 年度的文字大半相同"
        "（逐句比较，不计数字）：考核对超过一半重复上年内容的年报扣分，请按本年的工作改写",
    )


def test_a_part_with_half_its_sentences_new_is_still_repeated_but_less_is_not(project_dir: Path) -> None:
    write_problems(project_dir, 2019, LAST_YEAR)
    write_problems(
        project_dir, 2020, "一是信息更新不够及时。二是解读形式单一。三是网站栏目不全。下一步改版网站。"
    )
    assert "（50% 相同）" in warnings(project_dir)[0]
    write_problems(project_dir, 2020, "一是信息更新不够及时。二是栏目不全。三是网站打开慢。下一步改版网站。")
    assert warnings(project_dir) == ()


@pytest.mark.parametrize(
    ("current", "previous", "ratio"),
    [
        ("甲。乙。丙。", "甲。乙。丙。", 1.0),
        ("甲1件。乙。丙。", "甲二十件。乙。丙。", 1.0),  # numbers do not count
        ("甲{{ apply.new.total }}件。乙。丙。", "甲5件。乙。丙。", 1.0),  # nor placeholders
        ("甲。乙。", "甲。乙。", 0.0),  # a stock phrase of two sentences
        ("", "甲。乙。丙。", 0.0),
        ("甲。乙。丙。", "丁。戊。己。", 0.0),
        ("甲；乙；丙。", "甲；乙；丙。", 0.0),  # ；separates clauses, not sentences: one sentence
    ],
)
def test_similarity(current: str, previous: str, ratio: float) -> None:
    assert similarity(current, previous) == ratio


# ---------------------------------------------------------------- year on year across formats


def test_a_2019_report_compares_with_a_2018_year_in_the_format_before(project_dir: Path) -> None:
    """A 2018 pre2019 year on file: applications (受理申请 14 = 9 + 3 + 2), reviews (0) and suits (0)
    compare with 2019's 新收 93, 行政复议 2 and 行政诉讼 (1 + 0); nothing else does."""
    shutil.copytree(project_dir / "data/shili-caizheng/2018", project_dir / "data/shili/2018")
    model = load_agency_year(Project(project_dir), "shili", 2019)
    assert model.warnings == ()
    context = Figures.derive(model).context()
    assert context["yoy"]["available"] is True
    assert context["yoy"]["previous_year"] == 2018
    assert context["yoy"]["sentence"] == (
        "收到政府信息公开申请93件，比上年增加79件（增长564.29%）；行政复议2件，比上年增加2件；"
        "行政诉讼1件，比上年增加1件"
    )


def test_without_the_year_before_there_is_no_comparison(project: Project) -> None:
    context = Figures.derive(load_agency_year(project, "shili", 2019)).context()
    assert context["yoy"]["available"] is False
    assert context["yoy"]["sentence"] == ""


def test_the_disclosed_placeholder_counts_granted_and_partial(project: Project) -> None:
    figures = Figures.derive(load_agency_year(project, "shili", 2019))
    values, context = figures.values, figures.context()
    disclosed = int(values["apply.result.granted.total"]) + int(values["apply.result.partial.total"])
    assert context["outcome"]["disclosed"]["count"] == disclosed
    assert context["outcome"]["disclosed"]["share"] == figures.percent(
        rate(disclosed, int(values["apply.result.total.total"]), figures.policy)
    )


@pytest.mark.parametrize(("part", "whole", "shown"), [(275, 761, "36.1%"), (0, 5, "0.0%"), (0, 0, "—")])
def test_the_disclosed_share_of_nothing_is_not_applicable(part: int, whole: int, shown: str) -> None:
    assert percent(rate(part, whole)) == shown


def test_a_2019_folder_copied_from_a_2018_one_keeps_its_date(project_dir: Path) -> None:
    shutil.copytree(project_dir / "data/shili-caizheng/2018", project_dir / "data/shili/2018")
    path = project_dir / "data/shili/2019/figures.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  date: 2020-01-20 ", "  date: 2019-01-22 "), encoding="utf-8")
    assert load_agency_year(Project(project_dir), "shili", 2019).warnings == (
        "data/shili/2019/figures.yaml: 发文日期 2019-01-22 不晚于报告年度 2019 年的年底：年报在次年发布，"
        "这多半是照抄的上一年度的日期，请改为本年报告的发文日期",
        "data/shili/2019/figures.yaml: 发文日期 2019-01-22 与 2018 年度的相同："
        "这多半是照抄的上一年度的日期，请改为本年报告的发文日期",
    )


def test_a_broken_2018_year_leaves_the_comparison_out_and_says_why(project_dir: Path) -> None:
    shutil.copytree(project_dir / "data/shili-caizheng/2018", project_dir / "data/shili/2018")
    path = project_dir / "data/shili/2018/figures.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  online: 3\n", "  online: 三件\n"), encoding="utf-8")
    model = load_agency_year(Project(project_dir), "shili", 2019)
    (warning,) = model.warnings
    assert warning.startswith("data/shili/2018/figures.yaml: 第 ")
    assert warning.endswith("（因此本报告不与 2018 年度比较）")
    assert Figures.derive(model).context()["yoy"]["available"] is False
