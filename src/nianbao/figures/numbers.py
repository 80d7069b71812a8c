"""How numbers, shares, money and dates are written: the one place, used by tables and prose alike."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from nianbao.inputs import dates, shares
from nianbao.inputs.derive import Change
from nianbao.inputs.model import PercentPolicy

DEFAULT = PercentPolicy()
ROUNDING_NOTE = "因四舍五入，各项占比之和可能不等于100%。"  # once per report whose shown shares miss 100

WHOLE = "whole"  # `trim_zeros: whole`
NOT_APPLICABLE = "—"  # a share of nothing: printed instead of a division by zero
DIGITS = "零一二三四五六七八九"


def count(value: int) -> str:
    return str(value)


def percent(value: Decimal | None, policy: PercentPolicy = DEFAULT) -> str:
    """A percentage to the policy's decimals, rounded half up on the exact decimal; trailing zeros as
    `decimals` says (6.00% with two, 20.0% with one) unless the policy trims them (6%, 20%), or trims
    them only from a whole percent (`trim_zeros: whole`: 100% and 50% beside 2.10%)."""
    if value is None:
        return NOT_APPLICABLE
    places = Decimal(1).scaleb(-policy.decimals)
    text = f"{value.quantize(places, rounding=ROUND_HALF_UP):.{policy.decimals}f}"
    whole = text.rstrip("0").endswith(".")  # 100.00: nothing but zeros after the point
    if "." in text and (policy.trim_zeros is True or (policy.trim_zeros == WHOLE and whole)):
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def money(value: Decimal) -> str:
    """An amount of money in 元, with at most two decimals and no trailing zeros."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


def amount(value: Decimal) -> str:
    """An amount as staff typed it, without trailing zeros (12.50 → 12.5, 0.00 → 0); the unit is elsewhere."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def change(change: Change, policy: PercentPolicy = DEFAULT) -> str:
    """“比上年增加3件（增长25%）”, “比上年减少2件（下降10%）”, “与上年持平”; no % from a zero base."""
    if change.delta == 0:
        return "与上年持平"
    word, trend = ("增加", "增长") if change.delta > 0 else ("减少", "下降")
    text = f"比上年{word}{abs(change.delta)}{change.unit}"
    if change.rate is not None:
        text += f"（{trend}{percent(change.rate, policy)}）"
    return text


def difference(change: Change) -> str:
    """“增加3件”, “减少2件”, “持平”: the absolute difference from last year, in words."""
    if change.delta == 0:
        return "持平"
    word = "增加" if change.delta > 0 else "减少"
    return f"{word}{amount(abs(change.delta))}{change.unit}"


def multiple(change: Change, policy: PercentPolicy = DEFAULT) -> str:
    """This year's figure as a multiple of last year's (“是上年的 1.5 倍” → 1.5), trailing zeros dropped;
    “—” from a zero base."""
    times = shares.multiple(change.current, change.previous, policy)
    return NOT_APPLICABLE if times is None else amount(times)


def cell(value: int | Decimal, shown: str | None = None) -> str:
    """A table's cell: as typed when it was typed as "not applicable" (—), else the figure."""
    if shown is not None:
        return shown
    return amount(value) if isinstance(value, Decimal) else count(int(value))


def date(value: dt.date) -> str:
    return dates.written(value)


def chinese(n: int) -> str:
    """Chinese numerals for 0–99, as section numbers and part counts are written (七, 十二)."""
    if not 0 <= n < 100:
        raise ValueError(n)
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")
