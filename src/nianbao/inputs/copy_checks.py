"""Last year's copy caught: a year folder copied from the year before and not updated everywhere.

Warnings, in the form's words: the report's 发文日期 not after its reporting year, or after the legal
deadline the format declares (`deadline:`, by the profile's `level`); the 文号 or the 发文日期
equal to last year's; a part of the narrative mostly the same as last year's. “Mostly the same” is
measured sentence by sentence: each part is cut into sentences with their digits (and placeholders)
removed, and difflib's ratio of the two lists of sentences is compared with `REPEATED` — so a year that
only changed its numbers still counts as repeated, and a reordered paragraph as partly so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher

from nianbao.formats import ReportFormat
from nianbao.inputs.model import YearData
from nianbao.inputs.prose_numbers import PLACEHOLDER

REPEATED = 0.5  # assessments deduct when more than half of a report repeats last year's
# a part of fewer sentences is a stock phrase (“本年度无需要说明的其他情况。”), fine to keep every year
FEWEST_SENTENCES = 3
DEFAULT_LEVEL = "department"  # a profile without `level:`: the earlier deadline, the safer reminder
DIGITS = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万]+(?=[条件次项人个%％年月日])|[0-9０-９]+")
SENTENCE_END = re.compile(r"[。！？\n]+")  # a sentence ends at 。！？; ；only separates its clauses


def check_dates(fmt: ReportFormat, current: YearData, level: str | None, where: str) -> tuple[str, ...]:
    """The 发文日期 against the reporting year and the format's deadline for the agency's level."""
    warnings: list[str] = []
    date, year = current.date, current.year
    if date.year <= year:
        warnings.append(
            f"{where}: 发文日期 {date.isoformat()} 不晚于报告年度 {year} 年的年底：年报在次年发布，"
            f"这多半是照抄的上一年度的日期，请改为本年报告的发文日期"
        )
        return tuple(warnings)
    if fmt.deadline is not None:
        latest = fmt.deadline.of(level or DEFAULT_LEVEL, year)
        if date > latest:
            warnings.append(
                f"{where}: 发文日期 {date.isoformat()} 晚于法定期限 {latest.isoformat()}"
                f"（{_level_words(level)}的年报应在 {latest.month}月{latest.day}日前发布）："
                "请核对发文日期"
            )
    return tuple(warnings)


def _level_words(level: str | None) -> str:
    return "本级政府" if (level or DEFAULT_LEVEL) == "government" else "部门"


def check_copied(current: YearData, previous: YearData, where: str) -> tuple[str, ...]:
    """The 文号 and 发文日期 against last year's (`previous`): equal ones were not updated."""
    warnings: list[str] = []
    if (
        current.number is not None
        and current.number == previous.number
        and current.date.year == previous.date.year
    ):
        warnings.append(
            f"{where}: 文号（序号 {current.number}，{current.date.year} 年）与 {previous.year} 年度的相同："
            f"这多半是照抄的上一年度的文号，请改为本年报告的文号"
        )
    if current.date == previous.date:
        warnings.append(
            f"{where}: 发文日期 {current.date.isoformat()} 与 {previous.year} 年度的相同："
            f"这多半是照抄的上一年度的日期，请改为本年报告的发文日期"
        )
    return tuple(warnings)


def similarity(current: str, previous: str) -> float:
    """How much of a part repeats last year's: difflib's ratio over the two parts' sentences, each
    without its numbers and placeholders (0: nothing in common, 1: the same sentences; 0 for a part
    of fewer than `FEWEST_SENTENCES` sentences in either year)."""
    mine, theirs = _sentences(current), _sentences(previous)
    if min(len(mine), len(theirs)) < FEWEST_SENTENCES:
        return 0.0
    return SequenceMatcher(None, mine, theirs, autojunk=False).ratio()


def _sentences(text: str) -> list[str]:
    plain = DIGITS.sub("", PLACEHOLDER.sub("", text))
    return [s.strip() for s in SENTENCE_END.split(plain) if s.strip()]


def check_repeated(
    fmt: ReportFormat,
    current: Mapping[str, str],
    previous: Mapping[str, str],
    previous_year: int,
    where: str,
) -> tuple[str, ...]:
    """One warning naming the narrative's parts that repeat last year's for `REPEATED` or more."""
    repeated = [
        (spec.heading, similarity(current[spec.id], previous[spec.id]))
        for spec in fmt.prose
        if spec.id in current and spec.id in previous
    ]
    found = [(heading, ratio) for heading, ratio in repeated if ratio >= REPEATED]
    if not found:
        return ()
    parts = "、".join(f"“# {heading}”（{round(ratio * 100)}% 相同）" for heading, ratio in found)
    return (
        f"{where}: {parts}与 {previous_year} 年度的文字大半相同（逐句比较，不计数字）："
        f"考核对超过一半重复上年内容的年报扣分，请按本年的工作改写",
    )
