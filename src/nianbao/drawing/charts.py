"""Derived figures → charts: SVG and PNG with Chinese in Noto Sans CJK SC, byte-stable from run to run.

The font comes from the `mplfonts` package (installed with the project, SIL Open Font License) and is
registered by file path, so no system font and no font cache rebuild is needed. Text is drawn as paths,
so the SVG shows the same glyphs in any browser, offline. The salt and the missing date make the SVG's
ids and metadata identical on every run; the PNG is drawn by Agg from the same figure, at a fixed
resolution and without the "Software" text chunk (the only one matplotlib writes, with its version).
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: reports are built on servers

import matplotlib.pyplot as plt
from matplotlib import font_manager

from nianbao import fonts as cjk
from nianbao.drawing.chart_model import Chart
from nianbao.figures import numbers
from nianbao.figures.derived import Figures
from nianbao.inputs.model import PercentPolicy

FONT_FAMILY = cjk.SANS
# A chart is drawn at the size it prints: as wide as the text block of the PDF and the Word file (A4 less
# GB/T 9704's margins, 210 − 28 − 26 = 156 mm), its lettering in 小四 (12 pt) beside the 三号 (16 pt)
# body and the 五号 (10.5 pt) tables (drawn 6.3 in wide at 10 pt and shrunk to the line, it printed at
# 7.8 pt). A page scales the SVG to its column, the lettering with it.
TEXT_BLOCK_MM = 156  # the official text block's width; the Word file's pictures and tables use it too
WIDTH_IN = TEXT_BLOCK_MM / 25.4
FONT_SIZE = 12
LINE_IN = 0.4  # the height one line of a category label takes with its share of bar and gap (2.4 em)
PADDING = 4  # points between a bar and its label
STYLE: dict[str, Any] = {
    "font.family": [FONT_FAMILY],
    "axes.unicode_minus": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "nianbao",
    "font.size": FONT_SIZE,
    "text.parse_math": False,  # data is text: a `$` in a category or agency name is a dollar sign
}
LABEL_WIDTH = 14  # characters per line of a category label
# Sharp on paper at the width a report prints at (6.14 in = 15.6 cm → 921 px), at a third of the time
# and bytes of 300 dpi: every report's kernel draws it.
PNG_DPI = 150


@cache
def cjk_font() -> Path:
    """Register the CJK font with matplotlib once and return its file."""
    path = cjk.folder() / cjk.SANS_FILE
    manager = font_manager.fontManager
    before = len(manager.ttflist)
    manager.addfont(str(path))  # the face, and its entries under its other names
    ours = manager.ttflist[before:]
    names = {entry.name for entry in ours}
    # A system copy of the family (Debian's fonts-noto-cjk) would tie with ours, and being listed first
    # it would win: the charts, and so every page, PDF and Word file, would depend on the machine's fonts
    # and on when matplotlib's font cache was built. Only the packaged file answers to these names.
    manager.ttflist = [*ours, *(entry for entry in manager.ttflist[:before] if entry.name not in names)]
    return path


def wrap(label: str, width: int = LABEL_WIDTH) -> str:
    """Break a Chinese label every `width` characters (textwrap only breaks at spaces)."""
    return "\n".join(label[i : i + width] for i in range(0, len(label), width)) or label


def category_chart(figures: Figures, *, png: bool = True) -> Chart:
    """A horizontal bar chart of the categories, each bar labelled with its count and share."""
    spec = figures.model.format.categories
    lines = figures.categories
    return _bars(
        [(line.name, line.count, line.share) for line in lines],
        spec.unit,
        f"{spec.count_column}（{spec.unit}）",
        figures.policy,
        png=png,
    )


def outcome_chart(figures: Figures, unit: str = "件", *, png: bool = True) -> Chart:
    """National formats: how the applications handled this year ended, as counts and shares of （七）总计."""
    if not figures.outcomes:
        raise ValueError("outcome_chart needs a format with outcomes")  # a bug: the template asks per format
    bars = [(outcome.short_label, outcome.count, outcome.share) for outcome in figures.outcomes]
    return _bars(bars, unit, f"申请数（{unit}）", figures.policy, png=png)


def _bars(
    bars: list[tuple[str, int, Decimal | None]], unit: str, xlabel: str, policy: PercentPolicy, *, png: bool
) -> Chart:
    """Labelled horizontal bars, first at the top, each with `count unit（share）`."""
    return bar_chart(
        [name for name, _, _ in bars],
        [count for _, count, _ in bars],
        [f"{numbers.count(count)}{unit}（{numbers.percent(share, policy)}）" for _, count, share in bars],
        xlabel,
        png=png,
    )


def literal(text: str) -> str:
    """`text` as matplotlib should print it: a `$` starts mathtext there (`$\\foo$` in an agency's name
    failed the whole chart), so each is escaped and prints as itself."""
    return text.replace("$", r"\$")


def bar_chart(
    names: list[str], counts: list[int], bar_labels: list[str], xlabel: str, *, png: bool = True
) -> Chart:
    """Horizontal bars in the reports' style, the first name at the top, each bar with its label.

    `png=False` draws the SVG alone, where only a page is wanted: the PNG costs as much again and only
    the exporters of notebooks (PDF, Word) read it."""
    cjk_font()
    labels = [literal(wrap(name)) for name in names]
    bar_labels, xlabel = [literal(label) for label in bar_labels], literal(xlabel)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        height = LINE_IN * (2 + sum(label.count("\n") + 1 for label in labels))  # 2: the x axis, its title
        fig, ax = plt.subplots(figsize=(WIDTH_IN, height))
        positions = range(len(labels))[::-1]
        drawn = ax.barh(list(positions), counts, color="#9b2c2c", height=0.6)
        ax.set_yticks(list(positions), labels)
        texts = ax.bar_label(drawn, labels=bar_labels, padding=PADDING)
        for text in texts:
            text.set_in_layout(False)  # the axes keep room for them inside (room_for_labels)
        ax.set_xlabel(xlabel)
        ax.set_xlim(0, max(1, *counts))
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        ax.set_xlim(0, room_for_labels(fig, ax, counts, texts))
        svg, raster = io.StringIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        if png:
            fig.savefig(raster, format="png", dpi=PNG_DPI, metadata={"Software": None})
        plt.close(fig)
    return Chart(described(svg.getvalue(), xlabel, names, bar_labels), raster.getvalue() if png else None)


def room_for_labels(fig: Any, ax: Any, counts: list[int], texts: list[Any]) -> float:
    """The x axis's upper limit that leaves each bar's label inside the axes. A label is as wide on paper
    whatever the scale, so the scale is the one at which the widest bar-and-label fits, and a little
    more; the labels are measured by the renderer (Agg, our font: the same on every machine)."""
    fig.canvas.draw()
    axes = ax.get_window_extent().width
    pad = PADDING * fig.dpi / 72
    fits = [
        count * axes / max(axes - pad - text.get_window_extent().width, 1.0)
        for count, text in zip(counts, texts, strict=True)
    ]
    return float(max(1.0, *counts, *fits)) * 1.05


def described(svg: str, xlabel: str, names: list[str], bar_labels: list[str]) -> str:
    """The SVG with its text alternative (`role="img"`, `aria-label`): what it shows, bar by bar, for a
    screen reader (matplotlib draws the text as paths, which nothing can read)."""
    text = f"条形图，{xlabel}：" + "；".join(
        f"{name} {label}" for name, label in zip(names, bar_labels, strict=True)
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(text, quote=True)}" ', 1)
