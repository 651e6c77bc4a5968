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
