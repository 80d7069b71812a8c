"""A year in the words that is not the report's: a narrative copied from an earlier year that still says
“2025年，本局…” in the 2026 report (issue 27).

The phrases that state a year as the report's own are the format's (`own_year:` in its YAML): each
clause of the narrative (split at ，；：。！？) is matched after blanking citations (《…》 titles,
（2019年修订）), so a comparison (“比2025年增长”), a title or an amendment year is never read as the
report's own. A year after the report's is a plan (“2027年，我局将…”), never a warning; a year before
it is one warning per sentence, naming the line and the year and the placeholder to type instead.
"""

from __future__ import annotations

import re

from nianbao.formats import ReportFormat
from nianbao.formats.publisher_checks import YEAR, OwnYear
from nianbao.inputs.prose_numbers import STAND_IN, read_number, sentences

# a year as a report's prose writes it: four digits (made ASCII already), or 二〇二五 digit by digit
YEAR_PATTERN = r"(?P<year>[12][0-9]{3}|[〇零一二][〇零一二三四五六七八九]{3})"
CLAUSE_END = re.compile(r"[,;:。!?，；：！？]")  # the sentence's plain text has ASCII ，；：！？


def check_years(text: str, where: str, fmt: ReportFormat, year: int) -> tuple[str, ...]:
    """One warning for each sentence of `text` (a narrative.md, named `where`) that states a year
    before `year` as its own."""
    own = fmt.own_year
    if own is None:
        return ()
    warnings: list[str] = []
    for sentence in sentences(text):
        stated = stale_year(sentence.plain, own, year)
        if stated is not None:
            warnings.append(
                f"{where}: 第 {sentence.line} 行：这句话把 {stated} 年写作本年度，而这是 {year} 年度的报告："
                f"多半是照抄往年的文字。本年度的年份请写占位符 {{{{ report.year }}}}，"
                f"或按本年度的情况改写这句话。原句：“{sentence.text}”"
            )
    return tuple(warnings)


def stale_year(plain: str, own: OwnYear, year: int) -> int | None:
    """The first year before `year` that a clause of `plain` states as the report's own, else None."""
    for citation in own.citations:
        plain = re.sub(citation, lambda m: STAND_IN * len(m.group(0)), plain)
    for clause in CLAUSE_END.split(plain):
        for pattern in own.patterns:
            for match in _compiled(pattern).finditer(clause.strip()):
                stated = read_number(match.group("year"))
                if stated is not None and int(stated) < year:
                    return int(stated)
    return None


def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(YEAR, YEAR_PATTERN))
