"""Derived figures → charts: SVG with Chinese drawn in Noto Sans CJK SC, byte-stable from run to run.

The font comes from the `mplfonts` package (installed with the project, SIL Open Font License) and is
registered by file path, so no system font and no font cache rebuild is needed. Text is drawn as paths,
so the SVG shows the same glyphs in any browser, offline. The salt and the missing date make the SVG's
ids and metadata identical on every run.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: reports are built on servers

import matplotlib.pyplot as plt
from matplotlib import font_manager

from nianbao import numbers
from nianbao.figures import Figures

FONT_FAMILY = "Noto Sans CJK SC"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
STYLE: dict[str, Any] = {
    "font.family": [FONT_FAMILY],
    "axes.unicode_minus": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "nianbao",
    "font.size": 10,
}
LABEL_WIDTH = 14  # characters per line of a category label


@cache
def cjk_font() -> Path:
    """Register the CJK font with matplotlib once and return its file."""
    spec = find_spec("mplfonts")
    if spec is None or spec.origin is None:
        raise RuntimeError("mplfonts is not installed: run `make setup`")
    path = Path(spec.origin).parent / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return path


def wrap(label: str, width: int = LABEL_WIDTH) -> str:
    """Break a Chinese label every `width` characters (textwrap only breaks at spaces)."""
    return "\n".join(label[i : i + width] for i in range(0, len(label), width)) or label


def category_chart(figures: Figures) -> str:
    """A horizontal bar chart of the categories, each bar labelled with its count and share."""
    cjk_font()
    lines = figures.categories
    unit = figures.model.format.categories.unit
    labels = [wrap(line.name) for line in lines]
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        height = 0.9 + 0.55 * sum(label.count("\n") + 1 for label in labels)
        fig, ax = plt.subplots(figsize=(6.3, height))
        positions = range(len(labels))[::-1]
        bars = ax.barh(list(positions), [line.count for line in lines], color="#9b2c2c", height=0.6)
        ax.set_yticks(list(positions), labels)
        ax.bar_label(
            bars,
            labels=[f"{numbers.count(line.count)}{unit}（{numbers.percent(line.share)}）" for line in lines],
            padding=4,
        )
        ax.set_xlabel(f"{figures.model.format.categories.count_column}（{unit}）")
        ax.set_xlim(0, max(1, *(line.count for line in lines)) * 1.3)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    return buffer.getvalue()
