"""Numbers an agency typed in its prose (`narrative.md`), checked against its own tables.

The phrases are the format's (`prose_checks:`, `prose_skips:`, `prose_share_lists:` and `claims:` in
its YAML); this module reads numbers (Arabic, full-width, Chinese numerals), finds the phrases sentence
by sentence, line by line, and compares: counts, shares, rates, changes from last year, cumulative
counts, the agency's own categories. A share is compared at the decimals it is typed with, rounded
half up on the exact quotient (a truncated 5.99% for 5.995… is wrong), or as the agency's percent
policy prints it. A number written as approximate (约、近、超过…; …余、…多) is not checked, nor one
inside a phrase about a level, a sub-unit or a cumulative count the tables do not give. Every mismatch
is a warning naming the narrative's line, quoting the sentence, and giving the typed number, the
table's and the placeholder to type instead — a published report's contradiction, caught before
publishing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from nianbao.formats import ReportFormat
from nianbao.formats.publisher_checks import CATEGORY, NUMBER, Claim, ProseCheck
from nianbao.inputs.model import Number, PercentPolicy
from nianbao.inputs.shares import DEFAULT, rounded, shares

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

    @property
    def goes_on(self) -> bool:
        """Whether the next sentence is part of the same one up to 。！？ (this one ends with ；)."""
        return self.text.endswith("；")


@dataclass(frozen=True)
class Tables:
    """What the tables give the prose to be checked against: this year's figures, last year's (when
    on file, in the same format), the agency's categories as typed (name, count), its percent policy."""

    values: Mapping[str, Number]
    previous: Mapping[str, Number] | None = None
    categories: tuple[tuple[str, int], ...] = ()
    policy: PercentPolicy = DEFAULT


@dataclass(frozen=True)
class Read:
    """A number a check read: the message when it differs from the table's, the share it states
    when it is one of the shares typed together."""

    message: str | None
    listed: Decimal | None = None
    restart: bool = False  # not a number: where a list of shares restarts (其中, a new total)


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


@lru_cache(maxsize=1024)
def compiled(pattern: str, category: str | None = None) -> re.Pattern[str]:
    """A format's pattern with its number (and its category's name, escaped) in place."""
    if category is not None:
        pattern = pattern.replace(CATEGORY, re.escape(category))
    return re.compile(pattern.replace(NUMBER, NUMBER_PATTERN))


def check_prose(
    text: str,
    where: str,
    fmt: ReportFormat,
    values: Mapping[str, Number],
    *,
    previous: Mapping[str, Number] | None = None,
    categories: Sequence[tuple[str, int]] = (),
    policy: PercentPolicy = DEFAULT,
) -> tuple[str, ...]:
    """The warnings for `text` (a narrative.md, named `where`): every stated figure that differs from
    the table's, every list of shares typed together that adds up to more than 100, every claim the
    table contradicts. `previous`: last year's figures; `categories`: the year's, as typed."""
    tables = Tables(values, previous, tuple(categories), policy)
    warnings: list[str] = []
    passage: list[Sentence] = []
    listed: list[Decimal | None] = []  # the shares of the sentence up to 。！？; None: a list restarts
    for sentence in sentences(text):
        reads = _read(sentence, fmt, tables)
        for _, read in reads:
            if read.message is not None:
                warnings.append(f"{where}: 第 {sentence.line} 行：{read.message}。原句：“{sentence.text}”")
        for _, read in sorted(reads, key=lambda item: (item[0], not item[1].restart)):  # as typed
            if read.listed is not None or read.restart:
                listed.append(read.listed)
        for claim in fmt.claims:
            found = _claimed(claim, sentence.plain, fmt, values)
            if found is not None:
                warnings.append(f"{where}: 第 {sentence.line} 行：{found}。原句：“{sentence.text}”")
        passage.append(sentence)
        if not sentence.goes_on:
            warnings += _too_much(passage, listed, fmt, where)
            passage, listed = [], []
    return tuple(warnings + _too_much(passage, listed, fmt, where))


def _checks(fmt: ReportFormat, tables: Tables) -> Iterator[tuple[ProseCheck, int | None, re.Pattern[str]]]:
    """Each check with each of its patterns, in the format's order; a check of the categories once for
    each category, the longest names first (工作动态 before 动态)."""
    by_length = sorted(range(len(tables.categories)), key=lambda i: -len(tables.categories[i][0]))
    for check in fmt.prose_checks:
        for pattern in check.patterns:
            if check.categories:
                for i in by_length:
                    yield check, i, compiled(pattern, tables.categories[i][0])
            else:
                yield check, None, compiled(pattern)


def _read(sentence: Sentence, fmt: ReportFormat, tables: Tables) -> list[tuple[int, Read]]:
    """What every number a check reads in `sentence` says (in the order of the checks), and every share
    the format's lists find besides, with the places a list restarts; each with its place in the
    sentence. A number is read once, by
    the first check to find it; a number inside a skipped phrase only by a check whose own phrase
    starts there (or before)."""
    plain = sentence.plain
    skipped = [m.span() for skip in fmt.prose_skips for p in skip.patterns for m in re.finditer(p, plain)]
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Read]] = []

    def free(match: re.Match[str]) -> bool:
        at = match.start("n")
        if any(a <= at < b for a, b in taken):
            return False
        return not any(a < match.start() and a <= at < b for a, b in skipped)

    for check, index, pattern in _checks(fmt, tables):
        for match in pattern.finditer(plain):
            if free(match):
                taken.append(match.span("n"))
                found.append((match.start("n"), _stated(check, index, match, fmt, tables)))
    for share_list in fmt.prose_share_lists:
        for text in share_list.patterns:
            for match in compiled(text).finditer(plain):
                if free(match):
                    taken.append(match.span("n"))
                    typed = None if _approximate(match) else read_number(match.group("n"))
                    found.append((match.start("n"), Read(None, typed)))
        for restart in share_list.restarts:
            found += [(m.start(), Read(None, restart=True)) for m in re.finditer(restart, plain)]
    return found


def _too_much(
    passage: list[Sentence], listed: list[Decimal | None], fmt: ReportFormat, where: str
) -> list[str]:
    """A warning for each list of shares typed together in one sentence that adds up to more than 100
    — more than rounding each to the decimals it is typed with can explain."""
    if not fmt.prose_share_lists:
        return []
    warnings: list[str] = []
    group: list[Decimal] = []
    for share in [*listed, None]:
        if share is not None:
            group.append(share)
            continue
        if len(group) >= 2:
            total = sum(group, Decimal(0))
            slack = sum((Decimal(5).scaleb(_exponent(part) - 1) for part in group), Decimal(0))
            if total > 100 + slack:
                label = fmt.prose_share_lists[0].label
                parts = " + ".join(f"{part}%" for part in group)
                text = "".join(sentence.text for sentence in passage)
                warnings.append(
                    f"{where}: 第 {passage[0].line} 行：正文中一起列出的{label}合计 {total}%（{parts}），"
                    f"超过了 100%：请核对各项的数字，或改用占位符，占比由表格自动计算。原句：“{text}”"
                )
        group = []
    return warnings


def _exponent(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _approximate(match: re.Match[str]) -> bool:
    return bool(match.group("about") or match.group("more"))


def _stated(
    check: ProseCheck, index: int | None, match: re.Match[str], fmt: ReportFormat, tables: Tables
) -> Read:
    """What the number `match` read says: the message when it differs from the table's figure (none
    when it is approximate, not a number, or the tables do not give the figure this year)."""
    typed = None if _approximate(match) else read_number(match.group("n"))
    if typed is None:
        return Read(None)
    if "down" in match.re.groupindex and match.group("down"):
        typed = -typed
    figure = _figure(check, index, fmt, tables)
    listed = typed if check.figure == "share" and check.listed else None
    if figure is None:
        return Read(None, listed)
    exact, shown_how, alternative = figure
    whole = check.figure in ("count", "difference")
    computed = Decimal(exact.numerator) / exact.denominator if whole else _at_places(exact, typed)
    if computed == typed or alternative == typed:
        return Read(None, listed)
    label, placeholder = check.label, check.placeholder
    if index is not None:
        name = tables.categories[index][0]
        label, placeholder = label.replace(CATEGORY, name), placeholder.replace("{i}", str(index))
    written, given = _words(check, typed), _words(check, computed)
    how = f"（{shown_how}）" if shown_how else ""
    return Read(
        f"正文写的“{label}”是 {written}，表格中是 {given}{how}：请改用占位符 {placeholder}，"
        f"数字由表格自动填写",
        listed,
    )


def _words(check: ProseCheck, number: Decimal) -> str:
    """A figure as the message writes it: 275, 36.1%, 增长15%, 减少3, 1.5 倍."""
    if check.figure == "change":
        return "持平" if number == 0 else f"{'增长' if number > 0 else '下降'}{abs(number)}%"
    if check.figure == "difference":
        return "持平" if number == 0 else f"{'增加' if number > 0 else '减少'}{abs(number)}"
    if check.figure == "multiple":
        return f"{number} 倍"
    return f"{number}%" if check.is_share else f"{number}"


Figure = tuple[Fraction, str, Decimal | None]  # the exact figure, how it is computed, another printing


def _figure(check: ProseCheck, index: int | None, fmt: ReportFormat, tables: Tables) -> Figure | None:
    """The exact figure `check` states, from the tables; None when they do not give it."""
    values = tables.values
    if index is not None:
        return _category(check, index, tables)
    if check.figure == "rate":
        return _rate(check, fmt, values)
    if any(key not in values for key in (*check.keys, *([check.of] if check.of else []))):
        return None
    now = sum((Fraction(values[key]) for key in check.keys), Fraction(0))
    given = [str(values[key]) for key in check.keys if values[key]]
    if check.figure == "count":
        return now, " + ".join(given) if 1 < len(given) <= LISTED else "", None
    if check.figure == "share":
        whole = values[check.of] if check.of else 0
        return (now * 100 / Fraction(whole), f"{int(now)} ÷ {whole}", None) if whole else None
    previous = tables.previous
    if previous is None or any(key not in previous for key in check.keys):
        return None
    before = sum((Fraction(previous[key]) for key in check.keys), Fraction(0))
    if check.figure == "difference":
        return now - before, f"{_plain(now)} − {_plain(before)}", None
    if before == 0:
        return None
    if check.figure == "change":
        return (now - before) * 100 / before, f"({_plain(now)} − {_plain(before)}) ÷ {_plain(before)}", None
    return now / before, f"{_plain(now)} ÷ {_plain(before)}", None  # multiple


def _plain(number: Fraction) -> str:
    return str(number.numerator) if number.denominator == 1 else str(float(number))


def _category(check: ProseCheck, index: int, tables: Tables) -> Figure | None:
    """A category's count, or its share of the categories' total — also as the agency's percent policy
    prints it (largest remainder: the shares adding up to 100)."""
    counts = [count for _, count in tables.categories]
    count, total = counts[index], sum(counts)
    if check.figure == "count":
        return Fraction(count), "", None
    if not total:
        return None
    return Fraction(count * 100, total), f"{count} ÷ {total}", shares(counts, tables.policy)[index]


def _rate(check: ProseCheck, fmt: ReportFormat, values: Mapping[str, Number]) -> Figure | None:
    """The rate of `rates:` the check names: its part of its whole less `less`; None when that is not
    positive or a figure is missing."""
    spec = next(spec for spec in fmt.rates if spec.key == check.rate)
    if any(key not in values for key in (*spec.part, *spec.whole, *spec.less)):
        return None
    part = sum(int(values[key]) for key in spec.part)
    whole = sum(int(values[key]) for key in spec.whole) - sum(int(values[key]) for key in spec.less)
    return (Fraction(part * 100, whole), f"{part} ÷ {whole}", None) if whole > 0 else None


def _at_places(exact: Fraction, typed: Decimal) -> Decimal:
    """`exact` rounded half up (away from zero) to as many decimals as `typed` has (33.9 → one place):
    a share is right when it is the exact one, rounded the way it is printed."""
    places = max(0, -_exponent(typed))
    magnitude = rounded(abs(exact), places)
    return -magnitude if exact < 0 else magnitude


def _claimed(claim: Claim, plain: str, fmt: ReportFormat, values: Mapping[str, Number]) -> str | None:
    """The message when `plain` makes `claim` and the table has cases it excludes, else None."""
    if not any(re.search(pattern, plain) for pattern in claim.patterns):
        return None
    against = [(fmt.label(key), values[key]) for key in claim.keys if values.get(key)]
    if not against:
        return None
    listed = "、".join(f"“{label}”{value} 件" for label, value in against)
    return f"正文说“{claim.says}”，但表四中有 {listed}：请按表四改写这句话"
