"""The prose's derived figures against the tables (issue 27): rates, changes from last year (percent,
difference, multiple), the agency's own categories (count and share, with the publisher's rounding),
cumulative counts, shares typed together that add to more than 100; what is not the whole (a level, a
sub-unit, a cumulative count) passes; a year before the report's stated as its own is named, not
comparisons, citations, plans or date ranges. Also: the format definitions refuse a wrong declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.formats import format_for_year
from nianbao.formats.publisher_checks import prose_check
from nianbao.formats.schema import DefinitionError
from nianbao.inputs.derive import history_values
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import Number, PercentPolicy
from nianbao.inputs.prose_numbers import check_prose
from nianbao.inputs.shares import DEFAULT
from nianbao.inputs.stale_years import check_years
from nianbao.paths import Project

GB2021, PRE2019 = format_for_year(2022), format_for_year(2017)
assert GB2021 is not None and PRE2019 is not None
WHERE = "data/x/2022/narrative.md"
TAIL = "，数字由表格自动填写"


def said(label: str, written: str, given: str, placeholder: str) -> str:
    """A mismatch's message, as the check words it."""
    return f"正文写的“{label}”是 {written}，表格中是 {given}：请改用占位符 {placeholder}{TAIL}"


def too_much(total: str, parts: str) -> str:
    return (
        f"正文中一起列出的各项占比合计 {total}（{parts}），超过了 100%："
        "请核对各项的数字，或改用占位符，占比由表格自动计算"
    )


# table 三 and 四 of this year (a fixture's own figures): 新收 41, 结转 4, 办结 44 of which 予以公开 20;
# 行政复议 3 (1 纠正, 1 尚未审结); 主动公开 694 in three categories
OUTCOMES = {
    **{
        f"apply.result.withheld.{k}.total": 0
        for k in (
            "state_secret",
            "law_prohibited",
            "three_security_one_stability",
            "third_party",
            "internal_affairs",
            "process_info",
            "enforcement_file",
            "admin_query",
        )
    },
    **{f"apply.result.unavailable.{k}.total": 0 for k in ("not_held", "needs_creation", "still_unclear")},
    **{
        f"apply.result.not_processed.{k}.total": 0
        for k in ("petition", "repeat", "publication", "excessive", "confirm_obtained")
    },
}
NOW: dict[str, Number] = {
    **OUTCOMES,
    "apply.new.total": 41,
    "apply.carried_in.total": 4,
    "apply.result.total.total": 44,
    "apply.result.granted.total": 20,
    "apply.result.partial.total": 24,
    "review.upheld": 1,
    "review.corrected": 1,
    "review.other": 0,
    "review.pending": 1,
    "review.total": 3,
    **{
        f"litigation.{w}.{k}": 0
        for w in ("direct", "after_review")
        for k in ("upheld", "corrected", "other", "pending", "total")
    },
    "active.total": 694,
}
BEFORE: dict[str, Number] = {
    **NOW,
    "apply.new.total": 36,
    "review.total": 4,
    "apply.result.granted.total": 25,
}
CATEGORIES = [("工作动态", 270), ("通知公告", 300), ("政策文件", 124)]


def found(
    sentence: str,
    previous: dict[str, Number] | None = BEFORE,
    categories: list[tuple[str, int]] = CATEGORIES,
    policy: PercentPolicy = DEFAULT,
) -> list[str]:
    """The messages for one sentence (after “第 2 行：”, before “。原句”)."""
    assert GB2021 is not None
    text = f"# 依申请公开\n{sentence}\n"
    warnings = check_prose(text, WHERE, GB2021, NOW, previous=previous, categories=categories, policy=policy)
    return [w.split("行：", 1)[1].rsplit("。原句", 1)[0] for w in warnings]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # rates: 办结率 = 44 ÷ (41 + 4) = 97.78%; 行政复议纠错率 = 1 ÷ (3 − 1) = 50%
        ("办结率为97.8%。", []),
        ("办结率达97.78%。", []),
        (
            "办结率为100%。",
            [said("办结率", "100%", "98%（44 ÷ 45）", "{{ rate.completed }}")],
        ),
        (
            "办结率为97.77%。",
            [said("办结率", "97.77%", "97.78%（44 ÷ 45）", "{{ rate.completed }}")],
        ),
        ("按时办结率100%。", []),  # on time: not table 三's rate
        ("行政复议纠错率为50%。", []),
        (
            "行政复议案件纠错率为33.3%。",
            [said("行政复议纠错率", "33.3%", "50.0%（1 ÷ 2）", "{{ rate.review_corrected }}")],
        ),
        # changes from last year: 新收 41 against 36 = +13.9%, 1.14 times;
        # 行政复议 3 against 4 = −25%, 1 fewer
        ("全年新收政府信息公开申请41件，同比增长13.9%，是上年的1.14倍。", []),
        (
            "全年共收到政府信息公开申请41件，同比增长15%，是上年的1.5倍。",
            [
                said(
                    "新收政府信息公开申请与上年相比",
                    "增长15%",
                    "增长14%（(41 − 36) ÷ 36）",
                    "{{ yoy.new.text }}",
                ),
                said(
                    "新收政府信息公开申请是上年的倍数",
                    "1.5 倍",
                    "1.1 倍（41 ÷ 36）",
                    "{{ yoy.new.multiple }}",
                ),
            ],
        ),
        ("收到申请41件，比上年增加5件。", []),
        (
            "收到申请41件，比上年减少5件。",
            [said("新收政府信息公开申请比上年增减的件数", "减少5", "增加5（41 − 36）", "{{ yoy.new.text }}")],
        ),
        ("行政复议3件，同比下降25%。", []),
        (
            "行政复议3件，同比增长25%。",
            [said("行政复议与上年相比", "增长25%", "下降25%（(3 − 4) ÷ 4）", "{{ yoy.review.text }}")],
        ),
        ("行政复议3件，较上年减少1件。", []),
        ("予以公开20件，同比下降20%。", []),
        # the agency's categories: 270 ÷ 694 = 38.904…%, 300 ÷ 694 = 43.227…%, 124 ÷ 694 = 17.867…%
        ("其中工作动态270条，占38.9%；通知公告300条，占43.2%；政策文件124条，占17.9%。", []),
        ("其中工作动态信息270条，占比38.90%。", []),
        (
            "其中工作动态270条，占38.91%。",
            [
                said(
                    "主动公开类别“工作动态”的占比",
                    "38.91%",
                    "38.90%（270 ÷ 694）",
                    "{{ active.categories[0].share }}",
                )
            ],
        ),
        (
            "通知公告类信息共310条。",
            [said("主动公开类别“通知公告”的条数", "310", "300", "{{ active.categories[1].count }}")],
        ),
        # cumulative counts, levels and sub-units are not this year's whole
        ("累计主动公开政府信息812条。", []),
        ("2008年以来累计主动公开政府信息812条。", []),
        ("自《条例》实施以来，累计主动公开政府信息812条。", []),
        ("历年主动公开信息共812条。", []),
        (
            "全年累计主动公开政府信息812条。",
            [said("主动公开政府信息数（总体情况）", "812", "694", "{{ active.total }}")],
        ),
        (
            "今年以来，主动公开政府信息812条。",
            [said("主动公开政府信息数（总体情况）", "812", "694", "{{ active.total }}")],
        ),
        ("省政府及其部门主动公开政府信息812条，收到申请120件。", []),
        ("市、县（市、区）政府及其部门收到申请120件，予以公开80件。", []),
        ("其中，市本级收到申请120件，予以公开80件。", []),
        ("其中，市教育局收到申请12件，予以公开8件。", []),
        ("各乡镇收到申请12件。", []),
        ("其中予以公开20件。", []),  # 其中 before a kind of result, not a unit: checked
        (
            "其中予以公开25件。",
            [said("（一）予以公开", "25", "20", "{{ outcome.granted.count }}")],
        ),
        # shares typed together: more than 100 is impossible, whatever the whole
        (
            "所占比例为30%、45%和30%。",
            [too_much("105%", "30% + 45% + 30%")],
        ),
        (
            "网络申请占60.5%，信函申请占40.0%。",
            [too_much("100.5%", "60.5% + 40.0%")],
        ),
        ("网络申请占60%，信函申请占41%。", []),  # two shares rounded to units may add to 101
        ("收到申请41件，其中网络申请占60%，信函申请占40%；办结44件，其中当面占70%，网络占30%。", []),
    ],
)
def test_derived_figures_in_the_prose(sentence: str, expected: list[str]) -> None:
    assert found(sentence) == expected


def test_a_change_needs_last_year_on_file() -> None:
    assert found("全年共收到政府信息公开申请41件，同比增长15%，是上年的1.5倍。", previous=None) == []


def test_a_share_printed_by_the_agencys_largest_remainder_policy_passes() -> None:
    """1 : 1 : 1 to no decimals: half up gives 33 + 33 + 33; largest remainder prints 34 for the first."""
    policy = PercentPolicy(decimals=0, rounding="largest_remainder")
    thirds = [("甲类", 1), ("乙类", 1), ("丙类", 1)]
    assert found("其中甲类1条，占34%。", categories=thirds, policy=policy) == []
    assert found("其中甲类1条，占34%。", categories=thirds) == [
        said("主动公开类别“甲类”的占比", "34%", "33%（1 ÷ 3）", "{{ active.categories[0].share }}")
    ]


def test_a_truncated_two_decimal_share_is_flagged() -> None:
    """1199 of 20000 is 5.995%: rounded half up 6.00%, never 5.99."""
    values: dict[str, Number] = {**NOW, "apply.result.granted.total": 1199, "apply.result.total.total": 20000}
    assert GB2021 is not None
    warnings = check_prose("# 依申请公开\n予以公开1199件，占5.99%。\n", WHERE, GB2021, values)
    assert [w.split("行：", 1)[1].rsplit("。原句", 1)[0] for w in warnings] == [
        said("（一）予以公开的占比", "5.99%", "6.00%（1199 ÷ 20000）", "{{ outcome.granted.share }}")
    ]
    assert check_prose("# 依申请公开\n予以公开1199件，占6.00%。\n", WHERE, GB2021, values) == ()


def test_a_cumulative_count_is_compared_with_the_cumulative_figure_where_the_format_has_one(
    project: Project,
) -> None:
    """pre2019: 累计 is the appendix's 历年累计 (minzheng 2017: 63 of its own opening plus the year's)."""
    assert PRE2019 is not None
    model = load_agency_year(project, "minzheng", 2017)
    values = history_values(model)[2017]
    cumulative, this_year = values["cumulative.active.total"], values["active.total"]
    assert cumulative != this_year
    right = f"# 概述\n《条例》实施以来累计主动公开政府信息{cumulative}条。\n"
    assert check_prose(right, WHERE, PRE2019, values) == ()
    wrong = f"# 概述\n累计主动公开政府信息{this_year}条。\n"
    (warning,) = check_prose(wrong, WHERE, PRE2019, values)
    assert f"正文写的“主动公开文件数（历年累计）”是 {this_year}，表格中是 {cumulative}：" in warning
    assert "{{ cumulative.active.total }}" in warning


def test_a_cumulative_count_without_a_known_opening_is_not_compared(project_dir: Path) -> None:
    """Without opening.yaml the chained figure counts only the years on file: no comparison."""
    (project_dir / "data/minzheng/opening.yaml").unlink()
    path = project_dir / "data/minzheng/2017/narrative.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("# 概述\n", "# 概述\n\n累计主动公开政府信息5条。\n", 1), encoding="utf-8")
    warnings = load_agency_year(Project(project_dir), "minzheng", 2017).warnings
    assert not [w for w in warnings if "累计" in w and "narrative.md" in w]


def test_the_narratives_warning_reaches_make_check(project_dir: Path) -> None:
    """The clerk sees it where the other prose warnings are (the model's warnings: make check, the
    review cell): a 2025 sentence in the 2025 sample is fine; the same in 2026's words is named."""
    path = project_dir / "data/shili/2025/narrative.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("# 依申请公开\n", "# 依申请公开\n\n2024年，本局办结率为100%。\n", 1), encoding="utf-8"
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    line = lines.index("2024年，本局办结率为100%。") + 1
    warnings = load_agency_year(Project(project_dir), "shili", 2025).warnings
    stale = [w for w in warnings if "这句话把" in w]
    assert stale == [
        f"data/shili/2025/narrative.md: 第 {line} 行：这句话把 2024 年写作本年度，而这是 2025 年度的报告："
        "多半是照抄往年的文字。本年度的年份请写占位符 {{ report.year }}，或按本年度的情况改写这句话。"
        "原句：“2024年，本局办结率为100%。”"
    ]
    assert any("“办结率”是 100%" in w for w in warnings)


@pytest.mark.parametrize(
    ("sentence", "stale"),
    [
        ("2025年，本局坚持以公开为常态。", 2025),
        ("2025年度，本局主动公开政府信息。", 2025),
        ("二〇二五年，本局主动公开政府信息。", 2025),
        ("在2025年，本局完成了目录编制。", 2025),
        ("根据上级要求，2025年本局修订了公开指南。", 2025),
        ("现将本局2025年度政府信息公开工作年度报告公布如下。", 2025),
        ("2025年的政务公开工作稳步推进。", 2025),
        # not the report's own year
        ("2026年，本局坚持以公开为常态。", None),
        ("2027年，我局将继续完善公开目录。", None),  # a plan
        ("申请数量比2025年增长10%。", None),  # a comparison
        ("与2025年相比，申请数量有所增加。", None),
        ("较2025年同期增长。", None),
        ("根据《条例》（2019年修订）要求，本局做好公开工作。", None),  # a citation
        ("按照《2025年政务公开工作要点》，本局做好公开工作。", None),
        ("本报告统计期限为2025年12月1日至2026年11月30日。", None),  # a date range
        ("2025年12月，本局开通了新栏目。", None),
        ("2019年以来，本局累计主动公开政府信息812条。", None),  # since: a cumulative
        ("2025年底前完成的任务已全部完成。", None),
        ("文号为示例〔2025〕3号。", None),
    ],
)
def test_a_stale_year(sentence: str, stale: int | None) -> None:
    assert GB2021 is not None
    warnings = check_years(f"# 主动公开\n{sentence}\n", WHERE, GB2021, 2026)
    if stale is None:
        assert warnings == ()
    else:
        assert warnings == (
            f"{WHERE}: 第 2 行：这句话把 {stale} 年写作本年度，而这是 2026 年度的报告：多半是照抄往年的文字。"
            f"本年度的年份请写占位符 {{{{ report.year }}}}，或按本年度的情况改写这句话。原句：“{sentence}”",
        )


def test_a_placeholder_year_is_never_stale() -> None:
    assert GB2021 is not None
    assert check_years("# 主动公开\n{{ report.year }}年，本局坚持公开。\n", WHERE, GB2021, 2026) == ()


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (
            {
                "id": "x",
                "label": "x",
                "placeholder": "x",
                "figure": "ratio",
                "keys": ["a"],
                "patterns": ["{n}件"],
            },
            "figure 应为",
        ),
        (
            {
                "id": "x",
                "label": "x",
                "placeholder": "x",
                "figure": "rate",
                "rate": "rate.nothing",
                "patterns": ["{n}%"],
            },
            "rate 应为本格式 rates:",
        ),
        (
            {
                "id": "x",
                "label": "x",
                "placeholder": "x",
                "figure": "share",
                "keys": ["a"],
                "patterns": ["{n}%"],
            },
            "要写 of",
        ),
        (
            {"id": "x", "label": "x", "placeholder": "x", "categories": True, "patterns": ["占{n}%"]},
            "没有 {category}",
        ),
        ({"id": "x", "label": "x", "placeholder": "x", "patterns": ["{n}件"]}, "keys 至少要有一项"),
    ],
)
def test_a_wrong_declaration_is_refused_in_words(declared: dict[str, object], message: str) -> None:
    with pytest.raises(DefinitionError, match=message.replace("{", r"\{").replace("}", r"\}")):
        prose_check(declared, "prose_checks[0]", ("rate.completed",))
