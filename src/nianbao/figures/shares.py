"""Shares and rates of counts, the one way every report computes them; and the nesting of dotted ids
that the placeholders read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any


def shares(counts: Sequence[int], decimals: int = 1) -> list[Decimal | None]:
    """Each count's share of the total in percent, rounded so that the printed shares sum to exactly 100.

    Largest-remainder rounding: every share is first rounded down to `decimals` places, then the units
    still missing from 100 go to the shares that lost most by rounding down (ties: the earlier row).
    A zero total has no shares (None for each): the one rule for “share of nothing”.
    """
    total = sum(counts)
    if total == 0:
        return [None] * len(counts)
    if any(c < 0 for c in counts):
        raise ValueError(f"negative count in {counts}")
    units = 100 * 10**decimals
    quotas = [Fraction(c * units, total) for c in counts]
    floors = [int(q) for q in quotas]
    missing = units - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return [Decimal(f).scaleb(-decimals) for f in floors]


def rate(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` (None when `whole` is 0)."""
    if whole == 0:
        return None
    return Decimal(part * 100) / Decimal(whole)


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
