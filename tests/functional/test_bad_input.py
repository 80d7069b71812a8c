"""The bad-input corpus: one small variant of the sample project per case, run through the CLI.

Each case pins the exact message a report author sees, the exit code (1, no traceback), and that neither
the last good report in `output/` nor any data file changed by a single byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.paths import Project
from tests.conftest import ROOT

FIGURES = "data/minzheng/2017/figures.yaml"
PROFILE = "params/minzheng.yaml"
OPENING = "data/minzheng/opening.yaml"
NARRATIVE = "data/minzheng/2017/narrative.md"
CSV_FILE = "data/shili/2025/applications.csv"
NATIONAL = "data/shili/2025/figures.yaml"  # a national-format year (gb2021)
# Every agency of the sample project: an unknown agency's message lists them all.
KNOWN = "、".join(Project(ROOT).agencies())


@dataclass(frozen=True)
class Case:
    id: str
    message: str  # the first line of the message, exactly (after "错误：")
    file: str = ""
    old: str = ""
    new: str = ""
    args: tuple[str, ...] = ("minzheng", "2017")
    write: bytes | None = None  # the whole file's new content, instead of a replacement
    setup: Callable[[Path], None] | None = field(default=None, compare=False)


def _add_2016_with_published(root: Path) -> None:
    """2016 on file (opening as of 2015), its published 历年累计 one short of the chain."""
    text = (root / FIGURES).read_text(encoding="utf-8").replace("2018-01-30", "2017-02-10")
    text += "\npublished_cumulative:\n  active.total: 191\n"
    (root / "data/minzheng/2016").mkdir()
    (root / "data/minzheng/2016/figures.yaml").write_text(text, encoding="utf-8")
    (root / "data/minzheng/2016/narrative.md").write_bytes((root / NARRATIVE).read_bytes())
    opening = (root / OPENING).read_text(encoding="utf-8").replace("as_of: 2016", "as_of: 2015")
    (root / OPENING).write_text(opening.replace("active.total: 175", "active.total: 158"), encoding="utf-8")


F = f"{FIGURES}: "
P = f"{PROFILE}: "
OP = f"{OPENING}: "
N = f"{NARRATIVE}: "
CSV = f"{CSV_FILE}: "
G = f"{NATIONAL}: "

CASES = [
    # ---- parameters: refused before any path is built from them
    Case(
        "agency-typo", f"没有机关 minzhen（是不是 minzheng？）。已有的机关：{KNOWN}", args=("minzhen", "2017")
    ),
    Case(
        "agency-path",
        "机关代号 '../etc' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        args=("../etc", "2017"),
    ),
    Case(
        "agency-space",
        "机关代号 'min zheng' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        args=("min zheng", "2017"),
    ),
    Case(
        "agency-semicolon",
        "机关代号 'minzheng;ls' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        args=("minzheng;ls", "2017"),
    ),
    Case(
        "agency-empty",
        "机关代号 '' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        args=("", "2017"),
    ),
    Case(
        "agency-uppercase",
        "机关代号 'MinZheng' 无效：只能由小写字母、数字、- 和 _ 组成，例如 minzheng",
        args=("MinZheng", "2017"),
    ),
    Case(
        "year-not-on-file", "机关 minzheng 没有 2016 年度的数据。已有的年度：2017", args=("minzheng", "2016")
    ),
    Case("year-two-digits", "年度 '17' 无效：应为四位数字的年份，如 2017", args=("minzheng", "17")),
    Case("year-chinese", "年度 '二〇一七' 无效：应为四位数字的年份，如 2017", args=("minzheng", "二〇一七")),
    # ---- figures.yaml: types
    Case(
        "count-text",
        F + '第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 "abc"',
        FIGURES,
        "  online: 0",
        "  online: abc",
    ),
    Case(
        "count-negative",
        F + "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 -1",
        FIGURES,
        "  online: 0",
        "  online: -1",
    ),
    Case(
        "count-fraction",
        F + "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 1.5",
        FIGURES,
        "  online: 0",
        "  online: 1.5",
    ),
    Case(
        "count-empty",
        F + "第 26 行：字段 apply.online（网络申请数）没有填写；没有的请填 0",
        FIGURES,
        "  online: 0",
        "  online:",
    ),
    Case(
        "count-yes",
        F + "第 26 行：字段 apply.online（网络申请数）应为非负整数，实际为 True",
        FIGURES,
        "  online: 0",
        "  online: yes",
    ),
    Case(
        "category-negative",
        F + "第 17 行：字段 active.categories.工作动态（类别“工作动态”的条数）应为非负整数，实际为 -2",
        FIGURES,
        "    工作动态: 2",
        "    工作动态: -2",
    ),
    Case(
        "categories-empty",
        F + "字段 active.categories 应为“类别名: 条数”的列表，至少一类，实际为 空值",
        FIGURES,
        "  categories:             # 主动公开信息的类别和条数；各类之和就是主动公开总数\n"
        "    机构职能: 4\n    规划计划: 1\n"
        "    扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况: 6\n"
        "    工作动态: 2\n    其它: 4\n",
        "  categories:\n",
    ),
    Case(
        "amount-negative",
        F + "第 40 行：字段 fees.collected（收取的费用）应为非负的金额（元），实际为 -5",
        FIGURES,
        "  collected: 0",
        "  collected: -5",
    ),
    Case(
        "amount-text",
        F + '第 40 行：字段 fees.collected（收取的费用）应为非负的金额（元），实际为 "五十"',
        FIGURES,
        "  collected: 0",
        "  collected: 五十",
    ),
    Case(
        "date-impossible",
        F + '字段 report.date 应为日期（如 2018-01-30），实际为 "2018-02-30"',
        FIGURES,
        "2018-01-30",
        "2018-02-30",
    ),
    Case(
        "date-text",
        F + '字段 report.date 应为日期（如 2018-01-30），实际为 "明年一月"',
        FIGURES,
        "2018-01-30",
        "明年一月",
    ),
    Case(
        "number-text",
        F + '字段 report.number 应为非负整数，实际为 "二"',
        FIGURES,
        "  number: 2 ",
        "  number: 二 ",
    ),
    # ---- figures.yaml: keys and syntax
    Case("key-missing", F + "缺少字段 active.gazette（政府公报公开数）", FIGURES, "  gazette: 0 ", "  "),
    Case(
        "key-typo",
        F + "未知字段 apply.onlne（是不是 apply.online、apply.total、apply.in_person？）；允许的字段："
        "report.number、report.date、as_printed、share_base、active.categories、active.total、apply.total、reply.total、"
        "active.produced、active.electronic、active.website、active.gazette、"
        "interpretation.visitors、interpretation.calls、consult.in_person、consult.phone、consult.online、"
        "apply.in_person、apply.online、apply.letter_fax、"
        "reply.granted、reply.partial、reply.refused、reply.other、complaints、admin_review、litigation、"
        "fees.collected、fees.waived、published_cumulative",
        FIGURES,
        "  online: 0",
        "  onlne: 0",
    ),
    Case(
        "key-twice",
        F + "字段 apply.online 出现了两次（第 26 行和第 27 行）",
        FIGURES,
        "  online: 0",
        "  online: 0\n  online: 1",
    ),
    # ---- a key given twice in two spellings: nested (apply: / online:) and dotted (apply.online:)
    Case(
        "key-nested-and-dotted",
        F + "字段 apply.online 出现了两次（第 26 行和第 39 行）",
        FIGURES,
        "fees:",
        "apply.online: 5\nfees:",
    ),
    Case(
        "key-dotted-and-nested",
        F + "字段 apply.online 出现了两次（第 4 行和第 27 行）",
        FIGURES,
        "report:",
        "apply.online: 5\nreport:",
    ),
    Case(
        "categories-twice",
        F + "字段 active.categories 出现了两次（第 13 行和第 39 行）",
        FIGURES,
        "fees:",
        "active.categories:\n  其它: 4\nfees:",
    ),
    Case(
        "published-row-twice",
        F + "字段 published_cumulative.active.total 出现了两次（第 40 行和第 42 行）",
        FIGURES,
        "fees:",
        "published_cumulative:\n  active.total: 192\n  active:\n    total: 192\nfees:",
    ),
    Case(
        "national-key-twice",
        G + "字段 review.pending 出现了两次（第 30 行和第 31 行）",
        NATIONAL,
        "  pending: 1",
        "  pending: 1\n  pending: 0",
        args=("shili", "2025"),
    ),
    Case(
        "national-dotted-and-nested",
        G + "字段 litigation.direct.upheld 出现了两次（第 26 行和第 34 行）",
        NATIONAL,
        "\nreview:",
        "\nlitigation.direct.upheld: 3\nreview:",
        args=("shili", "2025"),
    ),
    Case(
        "national-nested-twice",  # litigation: / direct: / upheld: and litigation.direct: / upheld:
        G + "字段 litigation.direct.upheld 出现了两次（第 27 行和第 35 行）",
        NATIONAL,
        "\nreview:",
        "\nlitigation.direct:\n  upheld: 3\nreview:",
        args=("shili", "2025"),
    ),
    Case(
        "national-two-nestings",  # active: / regulations: / issued: and active: / regulations.issued:
        G + "字段 active.regulations.issued 出现了两次（第 10 行和第 17 行）",
        NATIONAL,
        "  licensing:",
        "  regulations.issued: 4\n  licensing:",
        args=("shili", "2025"),
    ),
    Case(
        "yaml-no-space",
        F + "YAML 格式错误第 26 行：could not find expected ':'",
        FIGURES,
        "  online: 0",
        "  online:0\n  other_key",
    ),
    Case(
        "yaml-tab",
        F + "YAML 格式错误第 25 行：found character '\\t' that cannot start any token",
        FIGURES,
        "  in_person: 0",
        "\tin_person: 0",
    ),
    Case("yaml-not-mapping", F + "文件内容应为“字段: 值”的列表", FIGURES, write=b"- 17\n- 0\n"),
    Case(
        "encoding-unknown",
        F + "文件编码无法识别：应为 UTF-8 或 GBK/GB18030",
        FIGURES,
        write=b"active: \xff\xfe\xff\n",
    ),
    # ---- figures.yaml: consistency rules
    Case(
        "rule-F4-website",
        F + "规则 F4 不成立：附表“其中：1.政府网站公开数”不能大于“主动公开文件数”。"
        "实际为：“政府网站公开数”（第 11 行）为 20；“主动公开文件数”为 17（20 > 17）",
        FIGURES,
        "  website: 17 ",
        "  website: 20 ",
    ),
    Case(
        "rule-F4-gazette",
        F + "规则 F4 不成立：附表“2.政府公报公开数”不能大于“主动公开文件数”。"
        "实际为：“政府公报公开数”（第 12 行）为 18；“主动公开文件数”为 17（18 > 17）",
        FIGURES,
        "  gazette: 0 ",
        "  gazette: 18 ",
    ),
    Case(
        "rule-E1",
        F + "规则 E1 不成立：“全文电子化的主动公开信息数”不能大于附表“主动公开文件数”。"
        "实际为：“全文电子化的主动公开信息数”（第 10 行）为 30；“主动公开文件数”为 17（30 > 17）",
        FIGURES,
        "  electronic: 17",
        "  electronic: 30",
    ),
    Case(
        "rule-F1-published",
        "data/minzheng/2016/figures.yaml: 规则 F1 不成立：附表“主动公开文件数”的已发布历年累计应等于"
        "上一年的历年累计加上本年数。实际为：2016 年度的“主动公开文件数的已发布历年累计”（第 44 行）为 191；"
        "2015 年度的“主动公开文件数的历年累计”158 + 2016 年度的“主动公开文件数”17 = 175（191 ≠ 175）",
        setup=_add_2016_with_published,
    ),
    # ---- typed totals (issue 11): a total typed as printed must equal its parts
    Case(
        "typed-total-F6",
        F + "规则 F6 不成立：附表“主动公开文件数”应等于主动公开信息各类别条数之和。"
        "实际为：“主动公开文件数”（第 9 行）为 18；“各类别条数之和（机构职能 4 + 规划计划 1 + "
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况 6 + 工作动态 2 + 其它 4）”"
        "为 17（18 ≠ 17）",
        FIGURES,
        "  produced: 17 ",
        "  total: 18\n  produced: 17 ",
    ),
    Case(
        "typed-total-F3",
        F
        + "规则 F3 不成立：附表“对申请的答复总数”应等于各类答复数之和。实际为：“对申请的答复总数”（第 30 行）"
        "为 1；“同意公开答复数”（第 31 行）0 + “同意部分公开答复数”（第 32 行）0 + "
        "“不予公开答复数”（第 33 行）0 + “其他类型答复数”（第 34 行）0 = 0（1 ≠ 0）",
        FIGURES,
        "reply:                    # 对申请的答复（条）",
        "reply:\n  total: 1",
    ),
    Case(
        "typed-total-G1",
        G + "规则 G1 不成立：总体情况中主动公开政府信息的条数应等于各类别条数之和。"
        "实际为：“主动公开政府信息数（总体情况）”（第 9 行）为 30；"
        "“各类别条数之和（政策文件 9 + 工作动态 20）”为 29（30 ≠ 29）",
        NATIONAL,
        "active:                      # 表二：主动公开政府信息情况",
        "active:\n  total: 30\n  categories: {政策文件: 9, 工作动态: 20}",
        args=("shili", "2025"),
    ),
    Case(
        "as-printed-not-a-flag",
        F + '字段 as_printed（照已发布的报告填写）应为 true 或 false，实际为 "是"',
        FIGURES,
        "report:",
        "as_printed: 是\nreport:",
    ),
    Case(
        "percent-decimals",
        P + "第 17 行：字段 percent.decimals（占比的写法）应为 0、1、2 之一，实际为 3",
        PROFILE,
        "  decimals: 1",
        "  decimals: 3",
    ),
    Case(
        "approximate-count",
        G + '第 9 行：字段 active.total（主动公开政府信息数（总体情况））应为非负整数，实际为 "200余"',
        NATIONAL,
        "active:                      # 表二：主动公开政府信息情况",
        "active:\n  total: 200余",
        args=("shili", "2025"),
    ),
    Case(
        "published-unknown-row",
        F + "未知字段 published_cumulative.active.totl（是不是 "
        "published_cumulative.active.total、published_cumulative.active.gazette、"
        "published_cumulative.active.website？）；允许的字段："
        + "、".join(
            f"published_cumulative.{row}"
            for row in (
                "active.total",
                "active.website",
                "active.gazette",
                "apply.total",
                "apply.in_person",
                "apply.online",
                "apply.letter_fax",
                "reply.total",
                "reply.granted",
                "reply.partial",
                "reply.refused",
                "reply.other",
                "complaints",
                "admin_review",
                "litigation",
            )
        ),
        FIGURES,
        "fees:",
        "published_cumulative:\n  active.totl: 192\nfees:",
    ),
    # ---- table 三 of a national-format report (applications.csv, as Excel saves it)
    Case(
        "csv-blank-cell",
        CSV + "第 2 行“一、本年新收政府信息公开申请数量”的“其他”一格没有填写；没有的请填 0",
        CSV_FILE,
        "申请数量,51,12,2,1,7,3",
        "申请数量,51,12,2,1,7,",
        args=("shili", "2025"),
    ),
    Case(
        "csv-text-cell",
        CSV + '第 2 行“一、本年新收政府信息公开申请数量”的“其他”应为非负整数，实际为 "三"',
        CSV_FILE,
        "申请数量,51,12,2,1,7,3",
        "申请数量,51,12,2,1,7,三",
        args=("shili", "2025"),
    ),
    Case(
        "csv-unclosed-quote",
        CSV + 'CSV 格式错误（第 30 行）：有一个英文双引号（"）没有配对，直到文件末尾都没有结束',
        CSV_FILE,
        "一、本年新收",
        '"一、本年新收',
        args=("shili", "2025"),
    ),
    Case(
        "csv-row-typo",
        CSV + "第 2 行：第一列 “一、本年新收政府信息公开申请数” 不是表三的行标签（是不是 "
        "一、本年新收政府信息公开申请数量、二、上年结转政府信息公开申请数量？）",
        CSV_FILE,
        "一、本年新收政府信息公开申请数量",
        "一、本年新收政府信息公开申请数",
        args=("shili", "2025"),
    ),
    # ---- the profile
    Case(
        "profile-name-missing", P + "缺少字段 name", PROFILE, "name: 三元区民政局            # 机关全称\n", ""
    ),
    Case(
        "profile-javascript-url",
        P + "字段 website.url 应为网址（如 www.smsy.gov.cn 或 http://www.smsy.gov.cn/），"
        '实际为 "javascript:alert(1)"',
        PROFILE,
        "http://www.smsy.gov.cn/syxxgk/",
        "javascript:alert(1)",
    ),
    Case(
        "profile-phone-number",
        P + "字段 contact.phone 应为文字（数字开头的电话等请加引号），实际为 5988328341",
        PROFILE,
        "0598—8328341",
        "5988328341",
    ),
    Case(
        "profile-empty-text",
        P + "字段 self_reference 应为文字（数字开头的电话等请加引号），实际为 空值",
        PROFILE,
        "self_reference: 我局",
        "self_reference:",
    ),
    Case(
        "profile-nested-and-dotted",
        P + "字段 contact.phone 出现了两次（第 15 行和第 16 行）",
        PROFILE,
        "  phone: 0598—8328341",
        '  phone: 0598—8328341\ncontact.phone: "0598—8328342"',
    ),
    Case(
        "profile-dotted-and-nested",
        P + "字段 website.url 出现了两次（第 2 行和第 9 行）",
        PROFILE,
        "name: 三元区民政局",
        "website.url: www.smsy.gov.cn\nname: 三元区民政局",
    ),
    # ---- the opening balance
    Case(
        "opening-too-late",
        OP + "期初数截至 2017 年底，晚于或等于报告年度 2017：无法计算 2017 年的历年累计",
        OPENING,
        "as_of: 2016",
        "as_of: 2017",
    ),
    Case(
        "opening-gap",
        OP + "历年累计从 2015 年底的期初数逐年相加到 2017 年，但缺少 2016 年度的数据",
        OPENING,
        "as_of: 2016",
        "as_of: 2015",
    ),
    Case(
        "opening-row-missing",
        OP + "缺少字段 cumulative.active.gazette（政府公报公开数的历年累计）",
        OPENING,
        "  active.gazette: 0\n",
        "",
    ),
    Case(
        "opening-row-twice-outside",
        OP + "字段 cumulative.active.total 出现了两次（第 6 行和第 19 行）",
        OPENING,
        "  litigation: 0",
        "  litigation: 0\ncumulative.active.total: 176",
    ),
    Case(
        "opening-row-twice-inside",
        OP + "字段 cumulative.active.total 出现了两次（第 6 行和第 10 行）",
        OPENING,
        "  active.gazette: 0\n",
        "  active.gazette: 0\n  active:\n    total: 175\n",
    ),
    Case(
        "opening-not-mapping",
        OP + "字段 cumulative 应为“指标: 累计数”的列表，实际为 175",
        OPENING,
        write=b"as_of: 2016\ncumulative: 175\n",
    ),
    # ---- the narrative
    Case(
        "narrative-text-before-heading",
        N + "第一个一级标题之前有文字；每段文字都应放在一个一级标题（# 概述）之下",
        NARRATIVE,
        "# 概述",
        "前言\n\n# 概述",
    ),
    Case(
        "narrative-heading-typo",
        N + "未知的一级标题 “# 概况”（是不是 概述？）；应为：概述、存在的主要问题、改进措施、"
        "需要说明的其他情况",
        NARRATIVE,
        "# 概述",
        "# 概况",
    ),
    Case(
        "narrative-heading-twice",
        N + "一级标题 “# 改进措施” 出现了两次",
        NARRATIVE,
        "# 需要说明的其他情况",
        "# 改进措施\n\n又一段。\n\n# 需要说明的其他情况",
    ),
    Case(
        "narrative-heading-missing",
        N + "缺少一级标题：# 需要说明的其他情况",
        NARRATIVE,
        "# 需要说明的其他情况\n\n无。",
        "",
    ),
    Case(
        "placeholder-typo",
        N[:-2] + "（“# 改进措施”一段）: 占位符无法填写：没有名为 self_refrence 的数字或文字",
        NARRATIVE,
        "{{ agency.self_reference }}将",
        "{{ agency.self_refrence }}将",
    ),
    Case(
        "placeholder-syntax",
        N[:-2] + "（“# 改进措施”一段）: 占位符写法错误（第 1 行）：unexpected '}'",
        NARRATIVE,
        "{{ agency.self_reference }}将",
        "{{ agency.self_reference }将",
    ),
    Case(
        "placeholder-sandbox",
        N[:-2] + "（“# 改进措施”一段）: 占位符无法填写：没有名为 __class__ 的数字或文字",
        NARRATIVE,
        "{{ agency.self_reference }}将",
        "{{ ''.__class__.__mro__ }}将",
    ),
    Case(
        "placeholder-call",
        N[:-2] + "（“# 改进措施”一段）: 占位符只能引用数字和文字（如 {{ active.total }}），"
        "可用 {% if %} 和 {% for %}，不能调用方法、赋值或访问内部属性",
        NARRATIVE,
        "{{ agency.self_reference }}将",
        "{{ agency.name.upper() }}将",
    ),
    Case(
        "placeholder-jinja-global",
        N[:-2] + "（“# 改进措施”一段）: 占位符无法填写：没有名为 lipsum 的数字或文字",
        NARRATIVE,
        "{{ agency.self_reference }}将",
        "{{ lipsum }}将",
    ),
    Case(
        "placeholder-division",
        N[:-2] + "（“# 改进措施”一段）: 占位符中的计算无法进行：division by zero",
        NARRATIVE,
        "{{ agency.self_reference }}将",
        "{{ 1 / 0 }}将",
    ),
]


def _apply(case: Case, root: Path) -> None:
    if case.setup is not None:
        case.setup(root)
    if not case.file:
        return
    path = root / case.file
    if case.write is not None:
        path.write_bytes(case.write)
        return
    text = path.read_text(encoding="utf-8")
    assert text.count(case.old) == 1, f"{case.id}: {case.old!r} occurs {text.count(case.old)} times"
    path.write_text(text.replace(case.old, case.new), encoding="utf-8")


def _snapshot(root: Path, *folders: str) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for folder in folders
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def test_the_corpus_is_large_and_its_ids_unique() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gives_one_message_and_loses_nothing(
    case: Case, project_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    last_good = project_dir / "output/minzheng/2017"
    last_good.mkdir(parents=True)
    (last_good / "report.html").write_bytes(b"<html>last good report</html>")
    (last_good / "report.ipynb").write_bytes(b'{"last": "good"}')
    _apply(case, project_dir)
    before = _snapshot(project_dir, "output", "data", "params", "notebooks")
    monkeypatch.chdir(project_dir)

    code = main(["report", *case.args])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    first_line = err.splitlines()[0]
    assert first_line == f"错误：{case.message}"
    assert "Traceback" not in err
    assert _snapshot(project_dir, "output", "data", "params", "notebooks") == before


def quoted_messages(page: Path) -> list[str]:
    return [
        line.removeprefix("错误：")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("错误：")
    ]


def test_the_readme_and_docs_show_real_messages() -> None:
    """The messages quoted in the README's 看懂错误信息 and in docs/ (checks.md) are ones the corpus pins:
    they cannot go stale."""
    root = Path(__file__).resolve().parents[2]
    assert len(quoted_messages(root / "README.md")) >= 3
    quoted = [
        message
        for page in (root / "README.md", *sorted(root.glob("docs/*.md")))
        for message in quoted_messages(page)
    ]
    from tests.functional.test_hostile_input import CASES as HOSTILE  # issue 12's corpus

    pinned = {case.message for case in CASES} | {case.message for case in HOSTILE}
    assert [message for message in quoted if message not in pinned] == []
