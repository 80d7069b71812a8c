"""How numbers are written: shares, money, dates and Chinese numerals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nianbao.figures import numbers
from nianbao.inputs.derive import Change
from nianbao.inputs.model import PercentPolicy

TRIM = PercentPolicy(trim_zeros=True)
TWO = PercentPolicy(decimals=2)
NONE = PercentPolicy(decimals=0)


@pytest.mark.parametrize(
    ("value", "policy", "expected"),
    [
        pytest.param(Decimal(100), PercentPolicy(), "100.0%", id="one-decimal-keeps-point-zero"),
        pytest.param(Decimal(20), PercentPolicy(), "20.0%", id="whole-number-one-decimal"),
        pytest.param(Decimal(6), TWO, "6.00%", id="two-decimals-keep-zeros"),
        pytest.param(Decimal("4.82"), TWO, "4.82%", id="two-decimals"),
        pytest.param(Decimal("4.345"), TWO, "4.35%", id="exact-half-rounds-up"),
        pytest.param(Decimal("4.3449999"), TWO, "4.34%", id="just-below-half-two-decimals"),
        pytest.param(Decimal("10.5"), NONE, "11%", id="no-decimals-half-up"),
        pytest.param(Decimal(100), TRIM, "100%", id="trimmed-hundred"),
        pytest.param(Decimal("100.0"), TRIM, "100%", id="trimmed-hundred-with-decimal"),
        pytest.param(Decimal(20), TRIM, "20%", id="trimmed-whole-number"),
        pytest.param(Decimal(0), TRIM, "0%", id="trimmed-zero"),
        pytest.param(Decimal("5.9"), TRIM, "5.9%", id="one-decimal-kept"),
        pytest.param(Decimal("23.5"), TRIM, "23.5%", id="reference-share"),
        pytest.param(Decimal("33.3333"), TRIM, "33.3%", id="rounds-down-below-half"),
        pytest.param(Decimal("2.25"), TRIM, "2.3%", id="half-rounds-up-not-to-even"),
        pytest.param(Decimal("0.05"), TRIM, "0.1%", id="half-of-smallest-unit-rounds-up"),
        pytest.param(Decimal("5.849"), TRIM, "5.8%", id="just-below-half"),
        pytest.param(Decimal("99.95"), TRIM, "100%", id="rounds-up-to-whole-hundred"),
        pytest.param(Decimal("19.96"), TRIM, "20%", id="rounds-up-to-whole-number"),
        pytest.param(Decimal("39.80"), PercentPolicy(decimals=2, trim_zeros=True), "39.8%", id="trim-two"),
    ],
)
def test_percent(value: Decimal, policy: PercentPolicy, expected: str) -> None:
    assert numbers.percent(value, policy) == expected


def test_percent_of_nothing_is_a_dash() -> None:
    assert numbers.percent(None) == "—"
    assert numbers.NOT_APPLICABLE == "—"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(Decimal(0), "0元", id="zero"),
        pytest.param(Decimal("0.00"), "0元", id="zero-with-cents"),
        pytest.param(Decimal(100), "100元", id="whole-keeps-its-zeros"),
        pytest.param(Decimal("10.00"), "10元", id="trailing-zero-cents-dropped"),
        pytest.param(Decimal("12.50"), "12.5元", id="trailing-zero-dropped"),
        pytest.param(Decimal("12.05"), "12.05元", id="two-decimals-kept"),
        pytest.param(Decimal("12.345"), "12.35元", id="half-rounds-up"),
        pytest.param(Decimal("0.004"), "0元", id="below-a-cent"),
        pytest.param(Decimal("1E+3"), "1000元", id="exponent-notation"),
    ],
)
def test_money(value: Decimal, expected: str) -> None:
    assert numbers.money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(dt.date(2018, 1, 30), "2018年1月30日", id="reference-date-no-leading-zero"),
        pytest.param(dt.date(2017, 12, 5), "2017年12月5日", id="two-digit-month"),
        pytest.param(dt.date(2019, 10, 1), "2019年10月1日", id="month-ten"),
    ],
)
def test_date(value: dt.date, expected: str) -> None:
    assert numbers.date(value) == expected


CHINESE = [
    (0, "零"),
    (1, "一"),
    (7, "七"),
    (9, "九"),
    (10, "十"),
    (11, "十一"),
    (12, "十二"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (70, "七十"),
    (99, "九十九"),
]


@pytest.mark.parametrize(("value", "expected"), CHINESE, ids=[str(value) for value, _ in CHINESE])
def test_chinese(value: int, expected: str) -> None:
    assert numbers.chinese(value) == expected


@pytest.mark.parametrize("value", [-1, 100, 1000], ids=lambda value: str(value))
def test_chinese_out_of_range(value: int) -> None:
    with pytest.raises(ValueError, match=str(value)):
        numbers.chinese(value)


def test_count_is_plain_digits() -> None:
    assert numbers.count(192) == "192"


@pytest.mark.parametrize(
    ("current", "previous", "policy", "expected"),
    [
        # 869 more on 20000 is 4.345 % exactly: a half, rounded up in decimal arithmetic
        pytest.param(20869, 20000, TWO, "比上年增加869件（增长4.35%）", id="exact-half-two-decimals"),
        pytest.param(88, 80, PercentPolicy(), "比上年增加8件（增长10.0%）", id="one-decimal-keeps-zero"),
        pytest.param(88, 80, TRIM, "比上年增加8件（增长10%）", id="trimmed"),
        pytest.param(3, 4, NONE, "比上年减少1件（下降25%）", id="no-decimals"),
    ],
)
def test_change_follows_the_percent_policy(
    current: int, previous: int, policy: PercentPolicy, expected: str
) -> None:
    assert numbers.change(Change("new", "新收", "件", current, previous), policy) == expected
