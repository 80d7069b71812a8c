"""The rates publishers cite, as placeholders (issue 14): 办结率, 纠错率 for reviews and for suits, and
the year-on-year difference, percent and multiple — each with its zero denominator."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.figures.derived import Figures
from nianbao.figures.numbers import difference, multiple
from nianbao.inputs.derive import Change
from nianbao.inputs.load import load_agency_year
from nianbao.notebook.narrative import render_prose
from nianbao.paths import Project


def context(project_dir: Path, year: int = 2019) -> dict[str, object]:
    return Figures.derive(load_agency_year(Project(project_dir), "shili", year)).context()


def test_rates_of_the_sample(project_dir: Path) -> None:
    """2019: 行政复议 纠正 1 and 尚未审结 1 of 2; 行政诉讼 1, 维持; （七）总计 94 of 新收 93 + 结转 4."""
    rates = context(project_dir)["rate"]
    assert rates == {"completed": "96.91%", "review_corrected": "100%", "litigation_corrected": "0%"}


def test_a_rate_of_nothing_is_not_applicable(project_dir: Path) -> None:
    path = project_dir / "data/shili/2019/figures.yaml"
    text = path.read_text(encoding="utf-8")
    review = "  upheld: 0\n  corrected: 1\n"
    assert text.startswith(
        review, text.index("review:") + len("review:                      # 表四：行政复议（件）\n")
    )
    path.write_text(text.replace(review, "  upheld: 1\n  corrected: 0\n", 1), encoding="utf-8")
    assert context(project_dir)["rate"]["review_corrected"] == "0%"  # none corrected of the 1 decided
    path.write_text(text.replace(review, "  upheld: 0\n  corrected: 0\n", 1), encoding="utf-8")
    assert context(project_dir)["rate"]["review_corrected"] == "—"  # the only case pending: none decided


@pytest.mark.parametrize(
    ("current", "previous", "words", "times"),
    [(6, 4, "增加2件", "1.5"), (3, 4, "减少1件", "0.8"), (4, 4, "持平", "1"), (5, 0, "增加5件", "—")],
)
def test_year_on_year_difference_and_multiple(current: int, previous: int, words: str, times: str) -> None:
    change = Change("review", "行政复议", "件", current, previous)
    assert difference(change) == words
    assert multiple(change) == times


def test_year_on_year_placeholders(project_dir: Path) -> None:
    """2020 against 2019 (both gb2019): each change's difference, signed percent and multiple."""
    figures = Figures.derive(load_agency_year(Project(project_dir), "shili", 2020))
    yoy = figures.context()["yoy"]
    for change in figures.changes:
        sign = "-" if change.delta < 0 else ""
        assert yoy[change.id]["difference"] == difference(change)
        assert yoy[change.id]["percent"] == sign + figures.percent(change.rate)
        assert yoy[change.id]["multiple"] == multiple(change, figures.policy)
    assert len(figures.changes) == 3


def test_the_litigation_placeholder_the_prose_check_names_renders(project_dir: Path) -> None:
    ctx = context(project_dir)
    assert (
        render_prose("{{ litigation.direct.total + litigation.after_review.total }}", ctx, where="x") == "1"
    )
