"""The category chart: Chinese glyphs present, SVG and PNG stable from run to run."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import struct
import subprocess
import sys
import warnings
import zlib

import matplotlib.pyplot as plt
import pytest

from nianbao.drawing.charts import PNG_DPI, bar_chart, category_chart, wrap
from nianbao.figures.derived import Figures
from nianbao.inputs.model import AgencyYear
from nianbao.paths import Project
from nianbao.publish import pages


def with_categories(model: AgencyYear, categories: tuple[tuple[str, int], ...]) -> Figures:
    data = dataclasses.replace(model.current, categories=categories)
    return Figures.derive(dataclasses.replace(model, history={model.year: data}))


def test_reference_chart_emits_no_warning(figures: Figures) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph … missing from font(s)" warning would fail here
        chart = category_chart(figures)
    assert "<svg" in chart.svg
    assert chart.png.startswith(b"\x89PNG")


def test_a_missing_glyph_would_be_noticed(model: AgencyYear) -> None:
    """The check above can fail: a character the CJK font lacks does warn."""
    figures = with_categories(model, (("表情\U0001f600", 3), ("其它", 1)))
    with pytest.warns(UserWarning, match=r"Glyph 128512 .* missing from font\(s\) Noto Sans CJK SC"):
        category_chart(figures)


def test_chart_is_svg_without_date(figures: Figures) -> None:
    svg = category_chart(figures).svg
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"')
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")
    assert "<dc:date>" not in svg
    assert not re.search(r"\b20\d\d-\d\d-\d\dT", svg)  # no timestamp anywhere


def test_chart_draws_text_as_paths(figures: Figures) -> None:
    svg = category_chart(figures).svg
    assert "<text" not in svg  # the viewer needs no CJK font
    assert svg.count("<path") > 50


def test_chart_is_identical_on_every_call(figures: Figures) -> None:
    first, second = category_chart(figures), category_chart(figures)
    assert first.svg == second.svg
    assert first.png == second.png


def test_chart_depends_on_the_figures(model: AgencyYear, figures: Figures) -> None:
    other, chart = (
        category_chart(with_categories(model, (("机构职能", 9), ("其它", 8)))),
        category_chart(figures),
    )
    assert other.svg != chart.svg and other.png != chart.png


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) of every chunk of a PNG file, CRCs checked."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + data)
        found.append((kind, data))
        at += 12 + length
    return found


def test_the_png_is_the_same_figure_at_a_fixed_resolution_without_metadata(figures: Figures) -> None:
    found = chunks(category_chart(figures).png)
    kinds = [kind for kind, _ in found]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(kinds)  # no software version, no date
    width, height = struct.unpack(">II", found[0][1][:8])
    svg = category_chart(figures).svg
    points = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert points is not None  # the SVG's size in points (1/72 in); the PNG's in pixels at PNG_DPI
    assert (width, height) == (round(float(points[1]) / 72 * PNG_DPI), round(float(points[2]) / 72 * PNG_DPI))
    (phys,) = [data for kind, data in found if kind == b"pHYs"]
    assert struct.unpack(">IIB", phys) == (round(PNG_DPI / 0.0254),) * 2 + (1,)  # pixels per metre


RENDER = """
import hashlib, sys
from pathlib import Path
from nianbao.drawing.charts import category_chart
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.paths import Project
from nianbao.publish import pages
chart = category_chart(Figures.derive(load_agency_year(Project(Path(sys.argv[1])), "minzheng", 2017)))
print(hashlib.sha256(chart.png).hexdigest(), hashlib.sha256(chart.svg.encode()).hexdigest())
"""


@pytest.mark.slow
def test_a_fresh_process_draws_the_same_bytes(project: Project, figures: Figures) -> None:
    """Byte-stable across runs, not only across calls: another interpreter, with its own font caches."""
    chart = category_chart(figures)
    expected = [hashlib.sha256(chart.png).hexdigest(), hashlib.sha256(chart.svg.encode()).hexdigest()]
    command = [sys.executable, "-c", RENDER, str(project.root)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.split() == expected


def test_chart_closes_its_figure_and_restores_settings(figures: Figures) -> None:
    family = list(plt.rcParams["font.family"])
    category_chart(figures)
    assert plt.get_fignums() == []
    assert plt.rcParams["font.family"] == family


def test_chart_of_nothing_emits_no_warning(model: AgencyYear) -> None:
    figures = with_categories(model, (("机构职能", 0), ("其它", 0)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = category_chart(figures)
    assert "<svg" in chart.svg and chart.png.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("label", "width", "expected"),
    [
        pytest.param("机构职能", 14, "机构职能", id="short"),
        pytest.param("一二三四五六七", 3, "一二三\n四五六\n七", id="broken-every-width"),
        pytest.param("", 14, "", id="empty"),
    ],
)
def test_wrap(label: str, width: int, expected: str) -> None:
    assert wrap(label, width) == expected


def test_a_page_outside_a_notebook_gets_the_same_svg_without_a_png(figures: Figures) -> None:
    page_only, both = category_chart(figures, png=False), category_chart(figures)
    assert page_only.png is None and page_only.svg == both.svg


def test_a_chart_carries_its_bars_as_text_for_screen_readers_and_the_page_keeps_it() -> None:
    names, labels = ["机构<职能>", "规划计划"], ["4条（30.8%）", "9条（69.2%）"]
    chart = bar_chart(names, [4, 9], labels, "条数（条）", png=False)
    label = "条形图，条数（条）：机构&lt;职能&gt; 4条（30.8%）；规划计划 9条（69.2%）"
    assert f'<svg role="img" aria-label="{label}" ' in chart.svg
    svg = chart.svg[chart.svg.index("<svg") :]
    assert f'<svg role="img" aria-label="{label}" ' in pages.sanitise(svg)


def test_the_chart_font_is_the_packaged_file_even_beside_a_system_copy() -> None:
    """Debian's fonts-noto-cjk has the same family name as the packaged font: whichever matplotlib listed
    first used to win, so the charts (and the golden hashes) depended on the machine and on when its
    font cache was built. A system copy is simulated by listing an entry of that name first."""
    from matplotlib import font_manager

    from nianbao.drawing.charts import FONT_FAMILY, cjk_font

    ours = cjk_font()
    manager = font_manager.fontManager
    system_copy = dataclasses.replace(manager.ttflist[0], name=FONT_FAMILY, fname="/usr/share/fonts/copy.ttc")
    saved = list(manager.ttflist)
    try:
        manager.ttflist = [system_copy, *saved]
        cjk_font.cache_clear()
        manager._findfont_cached.cache_clear()  # the test changed the list behind the cache's back
        cjk_font()
        found = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY))
    finally:
        manager.ttflist = saved
        cjk_font.cache_clear()
        manager._findfont_cached.cache_clear()
        cjk_font()
    assert found == str(ours)
