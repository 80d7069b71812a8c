"""Numbers typed in the prose against the tables (issue 14): the sentence corpus, the numerals, the real
contradictions of published reports reproduced (their figures as data, the sentences in our own words
carrying the same numbers), and the sample narratives' silence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.formats import format_for_year
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import Number
from nianbao.inputs.prose_numbers import check_prose, read_number
from nianbao.paths import Project

GB2019, PRE2019 = format_for_year(2019), format_for_year(2017)
assert GB2019 is not None and PRE2019 is not None
WHERE = "data/x/2019/narrative.md"

# A real 2019 report's tables: （一）予以公开 272, （二）部分公开 3, （四）无法提供 337 (all 本机关不掌握),
# （七）总计 761; 行政复议 2 尚未审结, 行政诉讼 1 尚未审结 (复议后起诉) — its prose said 258 (33.9%), 265
# and “均获维持”. The other figures are this fixture's own.
NATIONAL: dict[str, Number] = {
    "apply.new.total": 740,
    "apply.result.granted.total": 272,
    "apply.result.partial.total": 3,
    "apply.result.total.total": 761,
    "apply.result.unavailable.not_held.total": 337,
    "apply.result.unavailable.needs_creation.total": 0,
    "apply.result.unavailable.still_unclear.total": 0,
    **{
        f"apply.result.withheld.{leaf}.total": 0
        for leaf in (
            "state_secret",
            "law_prohibited",
            "three_security_one_stability",
            "third_party",
            "internal_affairs",
            "process_info",
            "enforcement_file",
        )
    },
    "apply.result.withheld.admin_query.total": 12,
    **{
        f"apply.result.not_processed.{leaf}.total": 0
        for leaf in ("petition", "publication", "excessive", "confirm_obtained")
    },
    "apply.result.not_processed.repeat.total": 9,
    "review.upheld": 4,
    "review.corrected": 0,
    "review.other": 0,
    "review.pending": 2,
    "review.total": 6,
    **{f"litigation.direct.{k}": 0 for k in ("corrected", "other", "pending")},
    "litigation.direct.upheld": 2,
    "litigation.direct.total": 2,
    **{f"litigation.after_review.{k}": 0 for k in ("upheld", "corrected", "other")},
    "litigation.after_review.pending": 1,
    "litigation.after_review.total": 1,
    "active.total": 1520,
}
# pre2019 (福建格式) figures of the 三元区民政局 2017 report's kind
FUJIAN: dict[str, Number] = {
    "active.total": 63,
    "apply.total": 2,
    "reply.total": 2,
    "reply.granted": 2,
    "admin_review": 0,
    "litigation": 0,
}

DISCLOSED = "请改用占位符 {{ outcome.disclosed.count }}，数字由表格自动填写"
DISCLOSED_SHARE = "请改用占位符 {{ outcome.disclosed.share }}，数字由表格自动填写"
# (sentence, the messages' parts expected after “第 1 行：”, each without the quoted sentence)
CORPUS: list[tuple[str, list[str]]] = [
    # the published contradictions
    (
        "全年予以公开及部分公开258件，占33.9%。",
        [
            f"正文写的“予以公开及部分公开的占比”是 33.9%，表格中是 36.1%（275 ÷ 761）：{DISCLOSED_SHARE}",
            f"正文写的“予以公开及部分公开”是 258，表格中是 275（272 + 3）：{DISCLOSED}",
        ],
    ),
    (
        "因本机关不掌握相关信息，无法提供265件。",
        [
            "正文写的“（四）无法提供”是 265，表格中是 337：请改用占位符 {{ outcome.unavailable.count }}，"
            "数字由表格自动填写"
        ],
    ),
    (
        "本年度发生的行政复议和行政诉讼案件均获维持。",
        [
            "正文说“行政复议均获维持”，但表四中有 “行政复议—尚未审结”2 件：请按表四改写这句话",
            "正文说“行政诉讼均获维持（没有败诉）”，但表四中有 “行政诉讼—复议后起诉—尚未审结”1 件："
            "请按表四改写这句话",
        ],
    ),
    # right numbers, in the many ways publishers write them: no warning
    ("全年予以公开及部分公开275件，占36.1%。", []),
    ("予以公开和部分公开的共275件，占办结总数的36.1%。", []),
    ("予以公开、部分公开275件，占比36.1%。", []),
    ("予以公开及部分公开二百七十五件。", []),
    ("予以公开及部分公开２７５件，占３６．１％。", []),
    ("予以公开272件。", []),
    ("其中予以公开二百七十二件，部分公开三件。", []),
    ("部分公开3件。", []),
    ("无法提供337件。", []),
    ("无法提供的共计三百三十七件。", []),
    ("不予公开12件，不予处理9件。", []),
    ("不予公开十二件；不予处理九件。", []),
    ("本年新收政府信息公开申请740件。", []),
    ("全年共收到政府信息公开申请七百四十件。", []),
    ("受理依申请公开申请740件。", []),
    ("全年办结761件。", []),
    ("答复政府信息公开申请761件。", []),
    ("发生政府信息公开行政复议6件。", []),
    ("行政复议案件共6件，其中维持4件，尚未审结2件。", []),
    ("行政诉讼3件。", []),
    ("全年主动公开政府信息1520条。", []),
    ("主动公开各类信息共计一千五百二十条。", []),
    ("予以公开及部分公开275件，占比为36.1%。", []),
    ("予以公开及部分公开275件，占36%。", []),  # a share typed to no decimals is checked to none
    # approximate numbers are not checked
    ("全年受理申请约700件。", []),
    ("全年受理申请700余件。", []),
    ("予以公开及部分公开近300件。", []),
    ("主动公开政府信息1500多条。", []),
    ("无法提供超过300件。", []),
    # placeholders are what clerks should write: never read
    ("予以公开及部分公开{{ outcome.disclosed.count }}件，占{{ outcome.disclosed.share }}。", []),
    ("本年新收政府信息公开申请{{ apply.new.total }}件。", []),
    # a typed share beside a placeholder count is still read
    (
        "予以公开及部分公开{{ outcome.disclosed.count }}件，占33.9%。",
        [f"正文写的“予以公开及部分公开的占比”是 33.9%，表格中是 36.1%（275 ÷ 761）：{DISCLOSED_SHARE}"],
    ),
    # wrong numbers of every kind
    (
        "予以公开270件。",
        [
            "正文写的“（一）予以公开”是 270，表格中是 272："
            "请改用占位符 {{ outcome.granted.count }}，数字由表格自动填写"
        ],
    ),
    (
        "部分公开5件。",
        [
            "正文写的“（二）部分公开”是 5，表格中是 3："
            "请改用占位符 {{ outcome.partial.count }}，数字由表格自动填写"
        ],
    ),
    (
        "不予公开十件。",
        [
            "正文写的“（三）不予公开”是 10，表格中是 12："
            "请改用占位符 {{ outcome.withheld.count }}，数字由表格自动填写"
        ],
    ),
    (
        "不予处理8件。",
        [
            "正文写的“（五）不予处理”是 8，表格中是 9：请改用占位符 {{ outcome.not_processed.count }}，"
            "数字由表格自动填写"
        ],
    ),
    (
        "本年新收政府信息公开申请七百零四件。",
        [
            "正文写的“一、本年新收政府信息公开申请数量”是 704，表格中是 740："
            "请改用占位符 {{ apply.new.total }}，"
            "数字由表格自动填写"
        ],
    ),
    (
        "全年办结760件。",
        [
            "正文写的“（七）总计”是 760，表格中是 761："
            "请改用占位符 {{ apply.result.total.total }}，数字由表格自动填写"
        ],
    ),
    (
        "发生行政复议5件。",
        ["正文写的“行政复议—总计”是 5，表格中是 6：请改用占位符 {{ review.total }}，数字由表格自动填写"],
    ),
    (
        "行政诉讼案件共2件。",
        [
            "正文写的“行政诉讼（未经复议直接起诉与复议后起诉的总计之和）”是 2，表格中是 3（2 + 1）："
            "请改用占位符 {{ litigation.direct.total + litigation.after_review.total }}，数字由表格自动填写"
        ],
    ),
    (
        "全年主动公开政府信息1502条。",
        [
            "正文写的“主动公开政府信息数（总体情况）”是 1502，表格中是 1520："
            "请改用占位符 {{ active.total }}，"
            "数字由表格自动填写"
        ],
    ),
    (
        "予以公开272件，占比35.7%。",
        [],
    ),
    (
        "予以公开272件，占比36%。",
        [],
    ),
    (
        "予以公开272件，占比34.7%。",
        [
            "正文写的“（一）予以公开的占比”是 34.7%，表格中是 35.7%（272 ÷ 761）："
            "请改用占位符 {{ outcome.granted.share }}，"
            "数字由表格自动填写"
        ],
    ),
    # claims the table bears out, and those it contradicts
    ("行政复议案件尚未全部审结。", []),
    (
        "复议和诉讼案件均已审结。",
        [
            "正文说“案件均已审结”，但表四中有 “行政复议—尚未审结”2 件、“行政诉讼—复议后起诉—尚未审结”1 件："
            "请按表四改写这句话"
        ],
    ),
    (
        "行政诉讼案件均胜诉。",
        [
            "正文说“行政诉讼均获维持（没有败诉）”，但表四中有 “行政诉讼—复议后起诉—尚未审结”1 件："
            "请按表四改写这句话"
        ],
    ),
    ("本机关未被纠错。", []),  # no 结果纠正 in table 四
    # shares of other results
    ("不予公开12件，占1.6%。", []),
    (
        "不予公开12件，占2.6%。",
        [
            "正文写的“（三）不予公开的占比”是 2.6%，表格中是 1.6%（12 ÷ 761）："
            "请改用占位符 {{ outcome.withheld.share }}，数字由表格自动填写"
        ],
    ),
    ("不予处理9件，占1.2%。", []),
    (
        "不予处理9件，占比1.8%。",
        [
            "正文写的“（五）不予处理的占比”是 1.8%，表格中是 1.2%（9 ÷ 761）："
            "请改用占位符 {{ outcome.not_processed.share }}，数字由表格自动填写"
        ],
    ),
    ("无法提供337件，占44.3%。", []),
    (
        "无法提供337件，占40.3%。",
        [
            "正文写的“（四）无法提供的占比”是 40.3%，表格中是 44.3%（337 ÷ 761）："
            "请改用占位符 {{ outcome.unavailable.share }}，数字由表格自动填写"
        ],
    ),
    (
        "部分公开3件，占比1%。",
        [
            "正文写的“（二）部分公开的占比”是 1%，表格中是 0%（3 ÷ 761）："
            "请改用占位符 {{ outcome.partial.share }}，数字由表格自动填写"
        ],
    ),
    # other numbers in the prose are nobody's business
    ("组织业务培训3次，参训120人次。", []),
    ("2019年，本局在门户网站更新信息。", []),
    ("二〇一九年度本局政务公开工作情况如下。", []),
]


@pytest.mark.parametrize(("sentence", "expected"), CORPUS, ids=[s for s, _ in CORPUS])
def test_the_corpus(sentence: str, expected: list[str]) -> None:
    assert GB2019 is not None
    found = check_prose(f"# 依申请公开\n{sentence}\n", WHERE, GB2019, NATIONAL)
    assert list(found) == [f"{WHERE}: 第 2 行：{message}。原句：“{sentence}”" for message in expected]


def test_the_corpus_has_at_least_fifty_sentences() -> None:
    assert len(CORPUS) >= 50


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全年受理政府信息公开申请2件，均已按期答复。", []),
        ("主动公开政府信息63条。", []),
        (
            "受理政府信息公开申请3件。",
            ["正文写的“受理政府信息公开申请总数”是 3，表格中是 2：请改用占位符 {{ apply.total }}"],
        ),
        (
            "同意公开答复一件。",
            ["正文写的“同意公开答复数”是 1，表格中是 2：请改用占位符 {{ reply.granted }}"],
        ),
    ],
)
def test_pre2019_phrases(sentence: str, expected: list[str]) -> None:
    assert PRE2019 is not None
    found = check_prose(f"# 概述\n{sentence}\n", WHERE, PRE2019, FUJIAN)
    assert list(found) == [f"{WHERE}: 第 2 行：{m}，数字由表格自动填写。原句：“{sentence}”" for m in expected]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("258", 258),
        ("２５８", 258),
        ("二十三", 23),
        ("十二", 12),
        ("一百零五", 105),
        ("两千", 2000),
        ("三百三十七", 337),
        ("一万二千零三", 12003),
        ("二〇一九", 2019),
        ("33.9", Decimal("33.9")),
    ],
)
def test_numbers_are_read_in_every_script(typed: str, value: Decimal) -> None:
    assert read_number(typed) == value


def test_a_mismatch_names_the_narratives_line(project_dir: Path) -> None:
    path = project_dir / "data/shili/2019/narrative.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("上年结转{{ apply.carried_in.total }}件；", "上年结转4件；本年新收申请90件；"),
        encoding="utf-8",
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, typed in enumerate(lines, 1) if "90件" in typed)
    warnings = load_agency_year(Project(project_dir), "shili", 2019).warnings
    assert warnings == (
        f"data/shili/2019/narrative.md: 第 {line} 行："
        "正文写的“一、本年新收政府信息公开申请数量”是 90，表格中是 93："
        "请改用占位符 {{ apply.new.total }}，数字由表格自动填写。"
        "原句：“本年新收申请90件；”",
    )


def test_the_sample_narratives_give_no_warnings(project: Project) -> None:
    for year in range(2019, 2026):
        assert load_agency_year(project, "shili", year).warnings == ()
    assert load_agency_year(project, "minzheng", 2017).warnings == ()


def test_a_claim_of_no_correction_against_a_corrected_case() -> None:
    assert GB2019 is not None
    values = {**NATIONAL, "review.corrected": 1}
    assert check_prose("# 监督保障\n本年度未被纠错。\n", WHERE, GB2019, values) == (
        f"{WHERE}: 第 2 行：正文说“没有被纠错的案件”，但表四中有 “行政复议—结果纠正”1 件："
        "请按表四改写这句话。原句：“本年度未被纠错。”",
    )


def test_a_line_number_counts_the_comment_lines_before_it() -> None:
    assert GB2019 is not None
    text = "<!-- 说明\n第二行 -->\n# 依申请公开\n\n无法提供265件。\n"
    (warning,) = check_prose(text, WHERE, GB2019, NATIONAL)
    assert warning.startswith(f"{WHERE}: 第 5 行：")


def test_a_sentence_over_a_soft_line_break_is_read_whole_and_named_by_its_first_line() -> None:
    assert GB2019 is not None
    text = "# 依申请公开\n本年度无法\n提供265件。\n"
    (warning,) = check_prose(text, WHERE, GB2019, NATIONAL)
    assert warning.startswith(f"{WHERE}: 第 2 行：正文写的“（四）无法提供”是 265")
    assert warning.endswith("原句：“本年度无法提供265件。”")
