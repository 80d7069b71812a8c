"""Derived figures: shares, rates, the cumulative chain and the context the narrative reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.figures.derived import Figures, appendix_lines
from nianbao.figures.numbers import percent
from nianbao.formats import ReportFormat, format_for_year
from nianbao.inputs.derive import history_values, opening_values
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import AgencyYear, Contact, Link, Number, Opening, PercentPolicy, Profile, YearData
from nianbao.inputs.shares import adds_up, rate, shares
from nianbao.paths import Project

Edit = Callable[[Path, str, str], None]  # the `edit` fixture of conftest.py

# Deterministic and fast: the same examples on every run, nothing written to a .hypothesis/ database.
LARGEST_REMAINDER = PercentPolicy(rounding="largest_remainder")
DETERMINISTIC = settings(derandomize=True, database=None, deadline=None, max_examples=150)
FEWER = settings(DETERMINISTIC, max_examples=40)  # each example derives every year's chains


def _pre2019() -> ReportFormat:
    fmt = format_for_year(2017)
    assert fmt is not None
    return fmt


FMT = _pre2019()
PROFILE = Profile(
    slug="ceshi",
    name="测试区测试局",
    self_reference="我局",
    district="测试区",
    doc_prefix="测",
    website=Link("测试区政府信息公开网", "http://example.org/xxgk/"),
    portal=Link("测试区政府门户网站", "example.org"),
    contact=Contact("测试局办公室", "测试路1号", "0000-0000000"),
)
YEARLY_ROWS = [row.id for row in FMT.appendix.rows if row.derive is None]  # typed every year
OPENING_ROWS = [row.id for row in FMT.appendix.typed_rows]  # typed once, in opening.yaml


def year_data(year: int, typed: Mapping[str, int], categories: Sequence[int]) -> YearData:
    """One year's figures: `typed` appendix rows as given, every other field 0."""
    values: dict[str, Number] = {
        key: Decimal(0) if spec.type == "amount" else 0
        for key, spec in FMT.fields.items()
        if not spec.optional  # a total: computed unless typed
    }
    values.update(typed)
    return YearData(
        year=year,
        number=1,
        date=dt.date(year + 1, 1, 30),
        values=values,
        categories=tuple((f"类别{i}", count) for i, count in enumerate(categories, start=1)),
    )


def agency_year(as_of: int, opening: Mapping[str, int], years: Sequence[YearData]) -> AgencyYear:
    full_opening = {row: 0 for row in OPENING_ROWS} | dict(opening)
    history = {data.year: data for data in years}
    return AgencyYear(FMT, PROFILE, max(history), history, Opening(as_of, full_opening), narrative={})


def expected_value(data: YearData, row_id: str) -> int:
    """A row's value for one year, computed here independently of nianbao.figures."""
    row = next(row for row in FMT.appendix.rows if row.id == row_id)
    if row.derive == "categories":
        return sum(count for _, count in data.categories)
    if row.derive == "sum":
        return sum(expected_value(data, child.id) for child in FMT.appendix.children(row_id))
    return int(data.values[row_id])


def expected_opening(opening: Opening, row_id: str) -> int:
    children = FMT.appendix.children(row_id)
    row = next(row for row in FMT.appendix.rows if row.id == row_id)
    if row.derive == "sum":
        return sum(expected_opening(opening, child.id) for child in children)
    return opening.cumulative[row_id]


def cumulative_table(model: AgencyYear) -> dict[int, dict[str, int]]:
    """历年累计 of every row at the end of every year on file, as the derive engine chains them."""
    years = history_values(model)
    return {
        year: {row.id: int(years[year][f"cumulative.{row.id}"]) for row in FMT.appendix.rows}
        for year in sorted(model.history)
    }


# ---------------------------------------------------------------- shares


def test_shares_reference_case() -> None:
    result = shares([4, 1, 6, 2, 4])
    assert result == [Decimal("23.5"), Decimal("5.9"), Decimal("35.3"), Decimal("11.8"), Decimal("23.5")]
    assert sum((share for share in result if share is not None), Decimal(0)) == Decimal("100.0")


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param([1, 1, 1], ["33.4", "33.3", "33.3"], id="three-way-tie-earliest-row-gets-the-unit"),
        pytest.param(
            [1, 1, 1, 1, 1, 1],
            ["16.7", "16.7", "16.7", "16.7", "16.6", "16.6"],
            id="six-way-tie-earliest-rows-get-the-units",
        ),
        pytest.param([1, 2], ["33.3", "66.7"], id="largest-remainder-beats-earlier-row"),
        pytest.param([2, 1], ["66.7", "33.3"], id="largest-remainder-first"),
        pytest.param([0, 5], ["0", "100"], id="zero-count-gets-zero"),
        pytest.param([5], ["100"], id="single-category"),
        pytest.param([1, 0, 3], ["25", "0", "75"], id="exact-shares"),
    ],
)
def test_shares_largest_remainder(counts: list[int], expected: list[str]) -> None:
    result = shares(counts, LARGEST_REMAINDER)
    assert result == [Decimal(value) for value in expected]
    assert sum((share for share in result if share is not None), Decimal(0)) == 100


@pytest.mark.parametrize("counts", [[0], [0, 0, 0], []], ids=["one-zero", "three-zeros", "no-rows"])
def test_shares_of_nothing_are_none(counts: list[int]) -> None:
    assert shares(counts) == [None] * len(counts)


def test_shares_with_zero_decimals() -> None:
    assert shares([1, 1, 1], PercentPolicy(decimals=0, rounding="largest_remainder")) == [
        Decimal(34),
        Decimal(33),
        Decimal(33),
    ]
    assert shares([1, 1, 1], PercentPolicy(decimals=0)) == [Decimal(33)] * 3


@pytest.mark.parametrize(
    ("counts", "decimals", "expected"),
    [
        # 25/235 = 10.638…: half-up prints 10.6 where largest remainder gave 10.7 (issue 11)
        pytest.param([25, 210], 1, ["10.6", "89.4"], id="each-share-correctly-rounded"),
        pytest.param([869, 19131], 2, ["4.35", "95.66"], id="two-exact-halves-both-round-up"),
        pytest.param([1, 1, 1], 1, ["33.3", "33.3", "33.3"], id="sum-may-miss-100"),
        pytest.param([1, 1, 1], 2, ["33.33", "33.33", "33.33"], id="two-decimals"),
        pytest.param([1, 7], 0, ["13", "88"], id="no-decimals-sum-101"),
    ],
)
def test_shares_half_up(counts: list[int], decimals: int, expected: list[str]) -> None:
    assert shares(counts, PercentPolicy(decimals=decimals)) == [Decimal(v) for v in expected]


def test_shares_that_miss_100_are_noted() -> None:
    assert not adds_up(shares([1, 1, 1]))
    assert adds_up(shares([1, 1, 1], LARGEST_REMAINDER))
    assert adds_up([None, None])


def test_shares_refuse_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative count"):
        shares([3, -1])


positive_counts = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(any)


@DETERMINISTIC
@given(positive_counts)
def test_shares_sum_to_exactly_100(counts: list[int]) -> None:
    result = shares(counts, LARGEST_REMAINDER)
    assert all(share is not None for share in result)
    assert sum((share for share in result if share is not None), Decimal(0)) == Decimal(100)


@DETERMINISTIC
@given(positive_counts)
def test_shares_have_at_most_one_decimal(counts: list[int]) -> None:
    for share in shares(counts):
        assert share is not None
        exponent = share.as_tuple().exponent
        assert isinstance(exponent, int)
        assert exponent >= -1
        assert share % Decimal("0.1") == 0


@DETERMINISTIC
@given(positive_counts)
def test_shares_are_within_a_tenth_of_the_exact_share(counts: list[int]) -> None:
    total = sum(counts)
    for count, share in zip(counts, shares(counts), strict=True):
        assert share is not None
        assert abs(Fraction(share) - Fraction(count * 100, total)) < Fraction(1, 10)


# ---------------------------------------------------------------- rate


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        pytest.param(17, 17, "100.0%", id="all-electronic"),
        pytest.param(0, 17, "0.0%", id="none"),
        pytest.param(16, 17, "94.1%", id="sixteen-of-seventeen"),
        pytest.param(1, 3, "33.3%", id="one-third"),
    ],
)
def test_rate(part: int, whole: int, expected: str) -> None:
    assert percent(rate(part, whole)) == expected


def test_rate_is_exact_for_whole_results() -> None:
    assert rate(17, 17) == Decimal(100)
    assert rate(1, 4) == Decimal(25)


@pytest.mark.parametrize("part", [0, 5], ids=["zero-of-zero", "five-of-zero"])
def test_rate_of_nothing_is_none(part: int) -> None:
    assert rate(part, 0) is None


# ---------------------------------------------------------------- cumulative counts


def test_reference_appendix_lines(figures: Figures) -> None:
    total = figures.line("active.total")
    assert (total.label, total.unit, total.value, total.cumulative) == ("主动公开文件数", "条", 17, 192)
    website = figures.line("active.website")
    assert (website.value, website.cumulative, website.parent) == (17, 192, "active.total")
    gazette = figures.line("active.gazette")
    assert (gazette.value, gazette.cumulative) == (0, 0)
    assert [line.id for line in figures.appendix] == [row.id for row in FMT.appendix.rows]


def test_sum_rows_are_the_sum_of_their_children() -> None:
    opening = {"apply.in_person": 5, "apply.online": 7, "apply.letter_fax": 1, "reply.granted": 2}
    data = year_data(
        2017,
        {
            "apply.in_person": 1,
            "apply.online": 3,
            "apply.letter_fax": 0,
            "reply.granted": 4,
            "reply.other": 1,
        },
        [4, 1, 6, 2, 4],
    )
    lines = {line.id: line for line in appendix_lines(agency_year(2016, opening, [data]))}
    assert (lines["apply.total"].value, lines["apply.total"].cumulative) == (4, 17)
    assert (lines["reply.total"].value, lines["reply.total"].cumulative) == (5, 7)
    assert (lines["active.total"].value, lines["active.total"].cumulative) == (17, 17)


def test_cumulative_chains_over_three_years() -> None:
    years = [
        year_data(2015, {"active.website": 8, "apply.online": 2}, [3, 5]),
        year_data(2016, {"active.website": 10, "apply.online": 0}, [10]),
        year_data(2017, {"active.website": 17, "apply.online": 1}, [4, 1, 6, 2, 4]),
    ]
    model = agency_year(2014, {"active.total": 150, "active.website": 150, "apply.online": 3}, years)
    cumulative = cumulative_table(model)
    assert list(cumulative) == [2015, 2016, 2017]
    assert [cumulative[year]["active.total"] for year in cumulative] == [158, 168, 185]
    assert [cumulative[year]["active.website"] for year in cumulative] == [158, 168, 185]
    assert [cumulative[year]["apply.online"] for year in cumulative] == [5, 5, 6]
    assert [cumulative[year]["apply.total"] for year in cumulative] == [5, 5, 6]
    lines = {line.id: line for line in appendix_lines(model)}
    assert (lines["active.total"].value, lines["active.total"].cumulative) == (17, 185)


@st.composite
def chains(draw: st.DrawFn) -> AgencyYear:
    """An agency with an opening balance and 1–6 consecutive years of random figures."""
    count = st.integers(min_value=0, max_value=10**7)
    n_years = draw(st.integers(min_value=1, max_value=6))
    as_of = draw(st.integers(min_value=FMT.first_year - 1, max_value=FMT.last_year - n_years))
    opening = draw(st.fixed_dictionaries({row: count for row in OPENING_ROWS}))
    years = [
        year_data(
            year,
            draw(st.fixed_dictionaries({row: count for row in YEARLY_ROWS})),
            draw(st.lists(count, min_size=1, max_size=6)),
        )
        for year in range(as_of + 1, as_of + n_years + 1)
    ]
    return agency_year(as_of, opening, years)


@FEWER
@given(chains())
def test_cumulative_chains_from_the_opening_balance(model: AgencyYear) -> None:
    cumulative = cumulative_table(model)
    years = sorted(model.history)
    assert list(cumulative) == years
    first = years[0]
    for row in FMT.appendix.rows:
        value = {year: expected_value(model.history[year], row.id) for year in years}
        assert cumulative[first][row.id] == expected_opening(model.opening, row.id) + value[first]
        for before, year in itertools.pairwise(years):
            assert cumulative[year][row.id] == cumulative[before][row.id] + value[year]


@FEWER
@given(chains())
def test_appendix_lines_are_the_report_years_row(model: AgencyYear) -> None:
    cumulative = cumulative_table(model)
    for line in appendix_lines(model):
        assert line.value == expected_value(model.current, line.id)
        assert line.cumulative == cumulative[model.year][line.id]
    lines = {line.id: line for line in appendix_lines(model)}
    for total in ("apply.total", "reply.total"):
        children = [lines[child.id] for child in FMT.appendix.children(total)]
        assert lines[total].value == sum(child.value for child in children)
        assert lines[total].cumulative == sum(child.cumulative for child in children)


# ---------------------------------------------------------------- the narrative's context


def test_context_report_values(figures: Figures) -> None:
    report = figures.context()["report"]
    assert report == {
        "year": 2017,
        "title": "三元区民政局2017年政府信息公开工作年度报告",
        "number": "元民〔2018〕2号",
        "date": "2018年1月30日",
        "period": "2017年1月1日至2017年12月31日",
        "rounding_note": "",
        "cumulative_known": True,
        "cumulative_heading": "历年累计",
    }


def test_context_figures(figures: Figures) -> None:
    context = figures.context()
    assert context["active"]["total"] == 17
    assert context["active"]["produced"] == 17
    assert context["active"]["electronic_rate"] == "100%"
    assert context["cumulative"]["active"]["total"] == 192
    assert context["cumulative"]["active"]["website"] == 192
    assert context["interpretation"] == {"visitors": 272, "calls": 313}
    assert context["fees"] == {"collected": Decimal(0), "waived": Decimal(0)}
    assert context["agency"]["self_reference"] == "我局"
    assert context["agency"]["contact"]["phone"] == "0598—8328341"


def test_context_categories(figures: Figures) -> None:
    categories = figures.context()["active"]["categories"]
    assert [(c["name"], c["count"], c["share"]) for c in categories] == [
        ("机构职能", 4, "23.5%"),
        ("规划计划", 1, "5.9%"),
        ("扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", 6, "35.3%"),
        ("工作动态", 2, "11.8%"),
        ("其它", 4, "23.5%"),
    ]
    assert figures.category_total == 17
    assert figures.category_share_total == Decimal(100)


def test_share_of_parent_is_a_dash_for_zero_totals(figures: Figures) -> None:
    assert figures.context()["share"] == {
        "apply": {"in_person": "—", "online": "—", "letter_fax": "—"},
        "reply": {"granted": "—", "partial": "—", "refused": "—", "other": "—"},
    }


def test_share_of_parent_for_non_zero_totals(project_dir: Path, edit: Edit) -> None:
    edit(
        project_dir / "data/minzheng/2017/figures.yaml",
        "  in_person: 0\n  online: 0\n  letter_fax: 0\n",
        "  in_person: 1\n  online: 3\n  letter_fax: 0\n",
    )
    figures = Figures.derive(load_agency_year(Project(project_dir), "minzheng", 2017))
    context = figures.context()
    assert context["apply"]["total"] == 4
    assert context["share"]["apply"] == {"in_person": "25%", "online": "75%", "letter_fax": "0%"}
    assert context["share"]["reply"]["granted"] == "—"  # no replies yet: still a share of nothing
    assert context["cumulative"]["apply"]["total"] == 4


def test_electronic_rate_is_electronic_among_active(project_dir: Path, edit: Edit) -> None:
    edit(project_dir / "data/minzheng/2017/figures.yaml", "  electronic: 17 ", "  electronic: 16 ")
    figures = Figures.derive(load_agency_year(Project(project_dir), "minzheng", 2017))
    assert figures.context()["active"]["electronic_rate"] == "94.1%"


def test_context_without_any_active_information(model: AgencyYear) -> None:
    data = dataclasses.replace(model.current, categories=(("机构职能", 0), ("其它", 0)))
    figures = Figures.derive(dataclasses.replace(model, history={2017: data}))
    context = figures.context()
    assert context["active"]["total"] == 0
    assert context["active"]["electronic_rate"] == "—"
    assert [c["share"] for c in context["active"]["categories"]] == ["—", "—"]
    assert figures.category_share_total is None


def test_opening_values_derive_sum_rows() -> None:
    opening = Opening(2016, {row: 0 for row in OPENING_ROWS} | {"reply.granted": 3, "reply.refused": 2})
    values = opening_values(FMT, opening)
    assert values["cumulative.reply.total"] == 5
    assert values["cumulative.apply.total"] == 0
