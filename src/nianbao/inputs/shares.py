"""Shares and rates of counts, the one way every report computes them; and the nesting of dotted ids
that the placeholders read.

In the inputs stage, not figures/: checking what a clerk typed (a share in the prose, a rate) means
computing it as the report does, with the agency's percent policy (`model.PercentPolicy`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from nianbao.inputs.model import PercentPolicy

DEFAULT = PercentPolicy()


def shares(counts: Sequence[int], policy: PercentPolicy = DEFAULT) -> list[Decimal | None]:
    """Each count's share of the total in percent, to `policy.decimals` places, in exact arithmetic.

    `half_up`: each share is its exact quotient rounded half up on its own (25/235 = 10.638… → 10.6;
    a half — 869/20000 = 4.345 % — goes up, never decided by a float), so the shares may add up to
    99.9 or 100.1 (`adds_up` says so, and the report notes it once). `largest_remainder`: every share
    is first rounded down, then the units still missing from 100 go to the shares that lost most by
    rounding down (ties: the earlier row), so they add up to exactly 100. `largest_share`: each share
    rounded half up, then what they miss or exceed 100 by is added to or taken from the largest share
    (ties: the earlier row) — how publishers adjust by hand: 2, 10, 4, 4, 4 of 24 round to 8/42/17/17/17
    (101), printed 8/41/17/17/17, where largest remainder gives 8/42/17/17/16.
    A zero total has no shares (None for each): the one rule for “share of nothing”.
    """
    total = sum(counts)
    if total == 0:
        return [None] * len(counts)
    if any(c < 0 for c in counts):
        raise ValueError(f"negative count in {counts}")
    if policy.rounding in ("half_up", "largest_share"):
        each: list[Decimal | None] = [rounded(Fraction(c * 100, total), policy.decimals) for c in counts]
        if policy.rounding == "largest_share":
            largest = max(range(len(counts)), key=lambda i: (counts[i], -i))
            each[largest] = Decimal(100) - sum(
                (e for i, e in enumerate(each) if i != largest and e), Decimal(0)
            )
        return each
    units = 100 * 10**policy.decimals
    quotas = [Fraction(c * units, total) for c in counts]
    floors = [int(q) for q in quotas]
    missing = units - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return [Decimal(f).scaleb(-policy.decimals) for f in floors]


def rounded(value: Fraction, decimals: int) -> Decimal:
    """An exact non-negative quotient rounded half up to `decimals` places (4.345 → 4.35)."""
    units = math.floor(value * 10**decimals + Fraction(1, 2))
    return Decimal(units).scaleb(-decimals)


def adds_up(shown: Sequence[Decimal | None]) -> bool:
    """Whether shares as printed add up to 100 (or there is nothing to share)."""
    known = [share for share in shown if share is not None]
    return not known or sum(known, Decimal(0)) == 100


def rate(part: int, whole: int, policy: PercentPolicy = DEFAULT) -> Decimal | None:
    """`part` in percent of `whole`, rounded half up to the policy's decimals (None when `whole` is 0)."""
    if whole == 0:
        return None
    return rounded(Fraction(part * 100, whole), policy.decimals)


def multiple(
    current: int | Decimal, previous: int | Decimal, policy: PercentPolicy = DEFAULT
) -> Decimal | None:
    """How many times last year's figure this year's is (“是上年的 1.5 倍”), rounded half up to the
    policy's decimals; None from a zero base."""
    if previous == 0:
        return None
    return rounded(Fraction(current) / Fraction(previous), policy.decimals)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted ids → nested dicts, so a placeholder reads `{{ apply.online }}`."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested
