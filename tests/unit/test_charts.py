"""The category chart: Chinese glyphs present, SVG stable from run to run."""

from __future__ import annotations

import dataclasses
import re
import warnings

import matplotlib.pyplot as plt
import pytest

from nianbao.drawing.charts import category_chart, wrap
from nianbao.figures.derived import Figures
from nianbao.inputs.model import AgencyYear


def with_categories(model: AgencyYear, categories: tuple[tuple[str, int], ...]) -> Figures:
    data = dataclasses.replace(model.current, categories=categories)
    return Figures.derive(dataclasses.replace(model, history={model.year: data}))


def test_reference_chart_emits_no_warning(figures: Figures) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph … missing from font(s)" warning would fail here
        svg = category_chart(figures)
    assert "<svg" in svg


def test_a_missing_glyph_would_be_noticed(model: AgencyYear) -> None:
    """The check above can fail: a character the CJK font lacks does warn."""
    figures = with_categories(model, (("表情\U0001f600", 3), ("其它", 1)))
    with pytest.warns(UserWarning, match=r"Glyph 128512 .* missing from font\(s\) Noto Sans CJK SC"):
        category_chart(figures)


def test_chart_is_svg_without_date(figures: Figures) -> None:
    svg = category_chart(figures)
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"')
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")
    assert "<dc:date>" not in svg
    assert not re.search(r"\b20\d\d-\d\d-\d\dT", svg)  # no timestamp anywhere


def test_chart_draws_text_as_paths(figures: Figures) -> None:
    svg = category_chart(figures)
    assert "<text" not in svg  # the viewer needs no CJK font
    assert svg.count("<path") > 50


def test_chart_is_identical_on_every_call(figures: Figures) -> None:
    assert category_chart(figures) == category_chart(figures)


def test_chart_depends_on_the_figures(model: AgencyYear, figures: Figures) -> None:
    other = with_categories(model, (("机构职能", 9), ("其它", 8)))
    assert category_chart(other) != category_chart(figures)


def test_chart_closes_its_figure_and_restores_settings(figures: Figures) -> None:
    family = list(plt.rcParams["font.family"])
    category_chart(figures)
    assert plt.get_fignums() == []
    assert plt.rcParams["font.family"] == family


def test_chart_of_nothing_emits_no_warning(model: AgencyYear) -> None:
    figures = with_categories(model, (("机构职能", 0), ("其它", 0)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = category_chart(figures)
    assert "<svg" in svg


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
