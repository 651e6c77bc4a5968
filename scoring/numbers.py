"""Exact-enough decimal helpers shared by the scoring modules.

Scoring runs inside a 60-digit decimal context (`exact_context`). Means of thirds are not
finite decimals, so before the final half-up rounding a figure is first snapped to 30
places: a value that is exactly on a `.xx5` boundary in rational arithmetic but came out as
`.xx4999…` after 60-digit division is then rounded up, as exact arithmetic would.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import overload

INF = Decimal("Infinity")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_SNAP = Decimal("1e-30")
_CENT = Decimal("0.01")


def exact_context() -> decimal.Context:
    """A local context wide enough that divisions do not disturb the 2-decimal result."""
    return decimal.Context(
        prec=60,
        rounding=ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


EXACT = exact_context()
"""The shared exact context: `localcontext(EXACT)` copies it, so nobody mutates it."""


class DecimalPool:
    """One object per distinct figure. The breakdowns of a 10,000-member quarter hold about
    1.2 million Decimals (104 bytes each, over half of the report's memory) but only about
    35,000 distinct ones: the same targets, means, achievements and scores, member after
    member.

    `pool(x)` returns the first figure it was given that is written exactly like `x` (same
    sign, digits and exponent, i.e. the same `str`), else keeps and returns `x`. Decimals
    are immutable and compare by value, so handing out the kept one changes no result. Keyed
    by `str`: hashing a fresh 60-digit Decimal costs several times more. One pool per
    `Scorer` (all its reports); it holds only the distinct figures."""

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: dict[str, Decimal] = {}

    def __len__(self) -> int:
        return len(self._kept)

    @overload
    def __call__(self, value: Decimal) -> Decimal: ...
    @overload
    def __call__(self, value: None) -> None: ...
    @overload
    def __call__(self, value: Decimal | None) -> Decimal | None: ...
    def __call__(self, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        return self._kept.setdefault(str(value), value)


def mean(values: Iterable[Decimal]) -> Decimal | None:
    """Arithmetic mean, None for no values (a missing figure, not zero)."""
    items = list(values)
    if not items:
        return None
    return sum(items, ZERO) / len(items)


def round2(value: Decimal) -> Decimal:
    """Half-up to 2 decimals, after snapping away 60-digit division noise."""
    with decimal.localcontext(EXACT):
        snapped = value.quantize(_SNAP, rounding=ROUND_HALF_EVEN)
        return snapped.quantize(_CENT, rounding=ROUND_HALF_UP)


def round2_or_none(value: Decimal | None) -> Decimal | None:
    """Round a reported figure; None and ±∞ (no finite figure) stay absent."""
    if value is None or not value.is_finite():
        return None
    return round2(value)
