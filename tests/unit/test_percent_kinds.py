"""Percent policy per kind of figure (issue 27): shares, rates and changes each printed as the profile
says, the flat keys keeping their meaning; `trim_zeros: whole`; the `largest_share` rounding that
reproduces shares adjusted by hand to add up to 100."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.errors import DataError
from nianbao.figures import numbers
from nianbao.figures.derived import Figures
from nianbao.inputs.load import load_agency_year
from nianbao.inputs.model import PercentPolicy
from nianbao.inputs.shares import adds_up, shares
from nianbao.paths import Project

WHOLE = PercentPolicy(decimals=2, trim_zeros="whole")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(Decimal("2.1"), "2.10%", id="keeps-the-zeros-of-a-fraction"),
        pytest.param(Decimal("85.2"), "85.20%", id="keeps-a-trailing-zero"),
        pytest.param(Decimal(100), "100%", id="a-whole-hundred-is-trimmed"),
        pytest.param(Decimal("99.999"), "100%", id="rounded-to-a-whole-hundred"),
        pytest.param(Decimal(50), "50%", id="any-whole-number"),
        pytest.param(Decimal(0), "0%", id="zero"),
        pytest.param(Decimal("0.004"), "0%", id="rounded-to-zero"),
        pytest.param(Decimal("16.005"), "16.01%", id="half-up"),
    ],
)
def test_trim_zeros_whole_trims_only_a_whole_percent(value: Decimal, expected: str) -> None:
    assert numbers.percent(value, WHOLE) == expected


def test_largest_share_reproduces_shares_adjusted_by_hand() -> None:
    """2, 10, 4, 4, 4 of 24: half up gives 8/42/17/17/17 (101); publishers take the unit off the largest
    (8/41/17/17/17); largest remainder takes it off the last of the ties (8/42/17/17/16)."""
    counts = [2, 10, 4, 4, 4]
    by = {r: shares(counts, PercentPolicy(decimals=0, rounding=r)) for r in ("half_up", "largest_remainder")}
    assert by["half_up"] == [8, 42, 17, 17, 17] and not adds_up(by["half_up"])
    assert by["largest_remainder"] == [8, 42, 17, 17, 16]
    adjusted = shares(counts, PercentPolicy(decimals=0, rounding="largest_share"))
    assert adjusted == [8, 41, 17, 17, 17] and adds_up(adjusted)


@pytest.mark.parametrize(
    ("counts", "decimals", "expected"),
    [
        pytest.param([1, 1, 1], 1, ["33.4", "33.3", "33.3"], id="missing-unit-to-the-first-of-equal-largest"),
        pytest.param([1, 2, 3], 0, ["17", "33", "50"], id="adding-up-already-unchanged"),
        pytest.param([0, 0], 1, [None, None], id="nothing-to-share"),
        pytest.param([5, 0, 0], 2, ["100.00", "0.00", "0.00"], id="one-part"),
    ],
)
def test_largest_share_cases(counts: list[int], decimals: int, expected: list[str | None]) -> None:
    policy = PercentPolicy(decimals=decimals, rounding="largest_share")
    got = shares(counts, policy)
    assert [None if s is None else f"{s:.{decimals}f}" for s in got] == expected


def test_a_kind_takes_the_flat_keys_it_does_not_set() -> None:
    rates = PercentPolicy(decimals=0, trim_zeros=True)
    policy = PercentPolicy(decimals=2, kinds=(("rates", rates),))
    assert policy.of("rates") == rates
    assert policy.of("shares") == PercentPolicy(decimals=2)
    assert policy.of("changes") == PercentPolicy(decimals=2)
    with pytest.raises(ValueError, match="ratio"):
        policy.of("ratio")


def profile(project_dir: Path, text: str) -> Project:
    path = project_dir / "params" / "shili.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return Project(project_dir)


def test_shares_with_two_decimals_beside_a_whole_rate(project_dir: Path) -> None:
    """`percent: {shares: {decimals: 2}, rates: {decimals: 0, trim_zeros: true}, changes: …}`: 示例局 2025
    prints its outcomes' shares as 36.00%, its 办结率 as 97%, its changes with one decimal trimmed."""
    project = profile(
        project_dir,
        "percent:\n  decimals: 1\n  shares: {decimals: 2}\n  rates: {decimals: 0, trim_zeros: true}\n"
        "  changes: {decimals: 2}\n",
    )
    context = Figures.derive(load_agency_year(project, "shili", 2025)).context()
    assert [o["share"] for o in context["outcomes"]] == [
        "36.00%",
        "8.00%",
        "8.00%",
        "24.00%",
        "6.67%",
        "17.33%",
    ]
    assert context["rate"] == {"completed": "97%", "review_corrected": "0%", "litigation_corrected": "0%"}
    assert context["yoy"]["new"]["text"] == "比上年减少8件（下降9.52%）"
    assert context["yoy"]["new"]["multiple"] == "0.9"  # 76 / 84 = 0.904…, two decimals: 0.90, trimmed


def test_the_flat_keys_keep_their_meaning(project_dir: Path) -> None:
    """A profile that sets only `percent: {decimals: 2}` prints every kind with two decimals, half up,
    trailing zeros kept — as before kinds existed."""
    project = profile(project_dir, "percent:\n  decimals: 2\n")
    figures = Figures.derive(load_agency_year(project, "shili", 2025))
    assert figures.model.profile.percent == PercentPolicy(decimals=2)
    context = figures.context()
    assert context["rate"]["review_corrected"] == "0.00%"
    assert context["outcome"]["granted"]["share"] == "36.00%"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "percent:\n  rates: {decimals: 3}\n",
            "第 {line} 行：字段 percent.rates.decimals（占比的写法）应为 0、1、2 之一，实际为 3",
        ),
        (
            "percent:\n  trim_zeros: yes_please\n",
            "字段 percent.trim_zeros（占比的写法）应为 true、false、whole 之一",
        ),
        ("percent:\n  shares: {rounding: by_hand}\n", "应为 half_up、largest_remainder、largest_share 之一"),
        ("percent:\n  ratios: {decimals: 1}\n", "未知字段 percent.ratios.decimals"),
    ],
)
def test_a_wrong_percent_key_is_named(project_dir: Path, text: str, message: str) -> None:
    path = project_dir / "params" / "shili.yaml"
    line = len(path.read_text(encoding="utf-8").splitlines()) + 2
    project = profile(project_dir, text)
    with pytest.raises(DataError, match=re.escape(message.format(line=line))):
        load_agency_year(project, "shili", 2025)
