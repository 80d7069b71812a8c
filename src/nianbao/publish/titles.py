"""Where a document's title breaks in Word when it does not fit on one line: where an office breaks it,
never inside a word, a number or a name.

Where it may break is the document's (`Document.title_in_parts`, from `figures.derived.title_parts`: the
agency's name | 2025年 | 政府信息公开工作年度报告 | （汇总）); the PDF breaks at the same points (Typst
measures its own lines). Of the ways to break there, the title takes the one with the fewest lines, then the
fewest breaks, then the shortest longest line (balanced lines: 示例市示例局2025年 / 政府信息公开工作年度报告,
not 政府信息公开工作年度 / 报告). A part longer than a line (a very long agency name) is left to wrap by
itself on its own lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate, combinations, pairwise

NARROW = 0.5  # the width of a Latin letter or digit, in ems of the title's size; a Chinese character: 1


def width(text: str) -> float:
    """The text's width in ems: a full cell for Chinese characters and punctuation, half for ASCII."""
    return sum(NARROW if char.isascii() else 1.0 for char in text)


def lines(parts: Sequence[str], line_width: float) -> list[str]:
    """The title (`parts`, which spell it) in lines on a line `line_width` ems wide (one when it fits)."""
    title = "".join(parts)
    if width(title) <= line_width:
        return [title]
    points = list(accumulate(len(part) for part in parts))[:-1]  # between two parts
    best: tuple[tuple[int, int, float], list[str]] | None = None
    for count in range(1, len(points) + 1):
        for chosen in combinations(points, count):
            edges = [0, *chosen, len(title)]
            pieces = [title[a:b] for a, b in pairwise(edges)]
            shown = sum(max(1, math.ceil(width(piece) / line_width)) for piece in pieces)
            score = (shown, count, max(width(piece) for piece in pieces))
            if best is None or score < best[0]:
                best = (score, pieces)
    return [title] if best is None else best[1]
