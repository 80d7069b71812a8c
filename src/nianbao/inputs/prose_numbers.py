"""Numbers an agency typed in its prose (`narrative.md`), checked against its own tables.

The phrases are the format's (`prose_checks:` and `claims:` in its YAML); this module reads numbers
(Arabic, full-width, Chinese numerals), finds the phrases sentence by sentence, line by line, and
compares. A number written as approximate (约、近、超过…; …余、…多) is not checked. Every mismatch is a
warning naming the narrative's line, quoting the sentence, and giving the typed number, the table's
and the placeholder to type instead — a published report's contradiction, caught before publishing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from nianbao.formats import ReportFormat
from nianbao.formats.publisher_checks import NUMBER, Claim, ProseCheck
from nianbao.inputs.model import Number

DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = r"[0-9.零〇一二两三四五六七八九十百千万]+"
# what stands for {n} in a pattern: the number, and the words that make it approximate
NUMBER_PATTERN = rf"(?P<about>约|近|大约|将近|超过|逾)?(?P<n>{NUMERAL})(?P<more>余|多)?"
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# a sentence: up to 。！？；, over soft line breaks (between two Chinese characters) but not blank lines
SENTENCE = re.compile(f"(?:[^。！？；\n]|(?<=[{CJK}])\n(?=[{CJK}]))+[。！？；]?")
HEADING_LINE = re.compile(r"^#.*$", re.MULTILINE)
LISTED = 3  # a figure summed from more non-zero parts shows only its sum
STAND_IN = "§"  # a placeholder's place in a sentence: never a number, so a phrase never reads it


def read_number(text: str) -> Decimal | None:
    """`258`, `２５８`, `33.9`, `二十三`, `一百零五`, `两千`, `二〇一九` → the number; None if it is none."""
    text = unicodedata.normalize("NFKC", text)
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    if not text or any(c not in DIGITS and c not in UNITS and c != "万" for c in text):
        return None
    if not any(c in UNITS or c == "万" for c in text):  # 二〇一九: digit by digit
        return Decimal("".join(str(DIGITS[c]) for c in text))
    total = section = digit = 0
    for c in text:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c in UNITS:
            section += (digit or 1) * UNITS[c]
            digit = 0
        else:  # 万
            total += (section + digit) * 10000
            section = digit = 0
    return Decimal(total + section + digit)


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str  # as typed (placeholders included), for the message
    plain: str  # full-width digits and signs made ASCII, placeholders replaced by STAND_IN


def sentences(text: str) -> Iterator[Sentence]:
    """The narrative's sentences with the line each starts on (comments and headings blanked, lines
    kept); a sentence may run on over a soft line break between two Chinese characters, as the report
    joins it."""
    text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = HEADING_LINE.sub("", text)
    for match in SENTENCE.finditer(text):
        typed = match.group(0).strip().replace("\n", "")
        if typed:
            line = text.count("\n", 0, match.start()) + 1  # a match never starts at a line break
            plain = unicodedata.normalize("NFKC", PLACEHOLDER.sub(STAND_IN, typed))
            yield Sentence(line, typed, plain)


def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(NUMBER, NUMBER_PATTERN))


def check_prose(text: str, where: str, fmt: ReportFormat, values: Mapping[str, Number]) -> tuple[str, ...]:
    """The warnings for `text` (a narrative.md, named `where`): every stated figure that differs from
    the table's, every claim the table contradicts."""
    warnings: list[str] = []
    for sentence in sentences(text):
        taken: list[tuple[int, int]] = []  # spans already read: a longer phrase wins over its part
        for check in fmt.prose_checks:
            for pattern in check.patterns:
                for match in compiled(pattern).finditer(sentence.plain):
                    span = match.span("n")
                    if any(a <= span[0] < b for a, b in taken):
                        continue
                    taken.append(span)
                    found = _stated(check, match, values)
                    if found is not None:
                        warnings.append(f"{where}: 第 {sentence.line} 行：{found}。原句：“{sentence.text}”")
        for claim in fmt.claims:
            found = _claimed(claim, sentence.plain, fmt, values)
            if found is not None:
                warnings.append(f"{where}: 第 {sentence.line} 行：{found}。原句：“{sentence.text}”")
    return tuple(warnings)


def _stated(check: ProseCheck, match: re.Match[str], values: Mapping[str, Number]) -> str | None:
    """The message when the number `match` read differs from the table's, else None (also when it is
    approximate, not a number, or the table does not give the figure this year)."""
    if match.group("about") or match.group("more") or any(key not in values for key in check.keys):
        return None
    typed = read_number(match.group("n"))
    if typed is None:
        return None
    count = sum(Fraction(values[key]) for key in check.keys)
    given = [str(values[key]) for key in check.keys if values[key]]
    parts = " + ".join(given)
    if check.of is None:
        computed = Decimal(int(count))
        shown = f"{typed}"
        table = f"{computed}" + (f"（{parts}）" if 1 < len(given) <= LISTED else "")
    else:
        if check.of not in values or values[check.of] == 0:
            return None
        computed = _at_places(count * 100 / Fraction(values[check.of]), typed)
        shown, table = f"{typed}%", f"{computed}%（{int(count)} ÷ {values[check.of]}）"
    if computed == typed:
        return None
    return (
        f"正文写的“{check.label}”是 {shown}，表格中是 {table}：请改用占位符 {check.placeholder}，"
        f"数字由表格自动填写"
    )


def _at_places(exact: Fraction, typed: Decimal) -> Decimal:
    """`exact` rounded half up to as many decimals as the typed share has (33.9 → one place): a share is
    right when it is the exact one, rounded the way it is printed."""
    places = max(0, -int(typed.as_tuple().exponent))
    try:
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )
    except InvalidOperation:  # a share beyond Decimal's precision: not a share anyone printed
        return Decimal(0)


def _claimed(claim: Claim, plain: str, fmt: ReportFormat, values: Mapping[str, Number]) -> str | None:
    """The message when `plain` makes `claim` and the table has cases it excludes, else None."""
    if not any(re.search(pattern, plain) for pattern in claim.patterns):
        return None
    against = [(fmt.label(key), values[key]) for key in claim.keys if values.get(key)]
    if not against:
        return None
    listed = "、".join(f"“{label}”{value} 件" for label, value in against)
    return f"正文说“{claim.says}”，但表四中有 {listed}：请按表四改写这句话"
