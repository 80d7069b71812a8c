"""Where a document's title breaks when it does not fit on one line: where an office breaks it, never inside
a word, a number or a name.

A report's title is its agency's name, the year and the report's name (示例市示例局 | 2025年 |
政府信息公开工作年度报告), a summary's adds （汇总）. The points an office breaks at are between these:
before and after the year, and before a bracketed addition. Of the ways to break there, the title takes the
one with the fewest lines, then the fewest breaks, then the shortest longest line (balanced lines:
示例市示例局2025年 / 政府信息公开工作年度报告, not 政府信息公开工作年度 / 报告). A part longer than a line
(a very long agency name) is left to wrap by itself on its own lines.
"""

from __future__ import annotations

import math
import re
from itertools import combinations, pairwise

YEAR = re.compile(r"\d{4}年")
ADDITION = "（"  # the start of a bracketed addition: （汇总）
NARROW = 0.5  # the width of a Latin letter or digit, in ems of the title's size; a Chinese character: 1


def break_points(title: str) -> list[int]:
    """The positions an office may break the title at, in order."""
    points = {edge for match in YEAR.finditer(title) for edge in match.span()}
    points |= {match.start() for match in re.finditer(re.escape(ADDITION), title)}
    return sorted(point for point in points if 0 < point < len(title))


def width(text: str) -> float:
    """The text's width in ems: a full cell for Chinese characters and punctuation, half for ASCII."""
    return sum(NARROW if char.isascii() else 1.0 for char in text)


def lines(title: str, line_width: float) -> list[str]:
    """The title's lines on a line `line_width` ems wide (one line when it fits)."""
    if width(title) <= line_width:
        return [title]
    points = break_points(title)
    best: tuple[tuple[int, int, float], list[str]] | None = None
    for count in range(1, len(points) + 1):
        for chosen in combinations(points, count):
            edges = [0, *chosen, len(title)]
            parts = [title[a:b] for a, b in pairwise(edges)]
            shown = sum(max(1, math.ceil(width(part) / line_width)) for part in parts)
            score = (shown, count, max(width(part) for part in parts))
            if best is None or score < best[0]:
                best = (score, parts)
    return [title] if best is None else best[1]
